/**
 * Each step of a verification, shown as it happens in the list under the
 * button: a reader sees what was checked, not just a green tick. `fail` steps
 * make the whole verification fail; `info` steps (a fact, nothing checked)
 * do not.
 */
export type StepKind = 'ok' | 'fail' | 'info';

export class Steps {
  private failed = false;
  private readonly t0 = performance.now();

  constructor(
    private readonly section: HTMLElement,
    private readonly list: HTMLOListElement,
  ) {
    list.replaceChildren();
    section.removeAttribute('data-verify');
    section.setAttribute('aria-busy', 'true');
  }

  add(kind: StepKind, text: string): void {
    if (kind === 'fail') this.failed = true;
    const li = document.createElement('li');
    li.className = kind;
    li.textContent = `${kind === 'ok' ? '✓' : kind === 'fail' ? '✗' : '·'} ${text}`;
    this.list.append(li);
  }

  /** Records the verdict on the section: `data-verify` and the time it took. */
  done(): boolean {
    const ms = performance.now() - this.t0;
    const ok = !this.failed;
    this.add(ok ? 'ok' : 'fail', `${ok ? 'OK' : 'GAGAL / FAILED'} (${ms.toFixed(0)} ms)`);
    this.section.setAttribute('data-verify-ms', ms.toFixed(1));
    this.section.setAttribute('data-verify', ok ? 'ok' : 'fail');
    this.section.removeAttribute('aria-busy');
    return ok;
  }
}

/** The text of an error of any kind, for a step. */
export const why = (e: unknown): string =>
  e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);

/**
 * Wires the button of each `selector` section: a click runs `check` with the
 * section's data and a fresh step list (the button disabled meanwhile).
 */
export function wireButtons(
  selector: string,
  check: (data: DOMStringMap, steps: Steps) => Promise<unknown>,
): void {
  for (const section of document.querySelectorAll<HTMLElement>(selector)) {
    const button = section.querySelector('button');
    const list = section.querySelector<HTMLOListElement>('ol.steps');
    if (!button || !list) continue;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await check(section.dataset, new Steps(section, list));
      } finally {
        button.disabled = false;
      }
    });
  }
}
