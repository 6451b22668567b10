/**
 * The portal's one script (bundled by esbuild, api/portal/bundle.ts): wires the
 * "Verifikasi" buttons, the log explorer's checks and the voter self-check to
 * the browser-safe verifiers in ledger/verifier. The trusted inputs are read
 * from the page's <meta> tags; everything fetched is untrusted.
 */
import type { Trust } from './checkpoint.ts';
import { wireJumpEvidence } from './jump-evidence.ts';
import { wireLogExplorer } from './log-entry.ts';
import { wireSelfCheck } from './self-check.ts';
import { Steps, wireButtons } from './steps.ts';
import { type Figures, verifyNumber } from './verify-number.ts';

const meta = (name: string): string =>
  document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

/** The pinned trust: the log key (and witnesses) in the page, or typed by the reader offline. */
export function pinnedTrust(): Trust {
  return {
    key: meta('saksi-log-key'),
    witnesses: meta('saksi-witnesses').split(/\s+/).filter(Boolean),
  };
}

function wireVerifyButtons(base: string, trust: () => Trust): void {
  wireButtons('section.verify[data-tps]', (d, steps) =>
    verifyNumber(
      base,
      trust(),
      {
        contest: d.contest ?? '',
        tps: d.tps ?? '',
        area: d.area ?? '',
        expect: JSON.parse(d.expect ?? 'null') as Figures | null,
      },
      steps,
    ),
  );
}

/** The offline verifier (api/portal/downloads.ts): the form gives the URL and the trust. */
export function offline(): void {
  const form = document.querySelector<HTMLFormElement>('form#offline');
  const section = document.querySelector<HTMLElement>('section.verify');
  const list = section?.querySelector<HTMLOListElement>('ol.steps');
  if (!form || !section || !list) return;
  const field = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const tps = field('tps');
    void verifyNumber(
      field('base').replace(/\/+$/, ''),
      { key: field('key'), witnesses: field('witnesses').split(/\s+/).filter(Boolean) },
      { contest: field('contest'), tps, area: tps, expect: null },
      new Steps(section, list),
    );
  });
}

export function start(base = '', trust: () => Trust = pinnedTrust): void {
  wireVerifyButtons(base, trust);
  wireLogExplorer(base, trust);
  wireJumpEvidence(base, trust);
  wireSelfCheck(base, trust);
}

if (typeof document !== 'undefined' && !document.querySelector('meta[name="saksi-offline"]')) {
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => start());
  else start();
}
