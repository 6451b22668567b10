/**
 * The voter self-check in the browser: sends NIK and name as JSON to
 * POST /v1/voters/self-check, then checks the answer with the voter verifier
 * (ledger/verifier/voters): checkpoint signed by the pinned key, entry
 * included, and its commitment opening to exactly what the person typed.
 */
import { verifySelfCheck } from '../ledger/verifier/voters/index.ts';
import type { Trust } from './checkpoint.ts';
import { Steps, why } from './steps.ts';

export function wireSelfCheck(base: string, trust: () => Trust): void {
  const form = document.querySelector<HTMLFormElement>('form.self-check');
  const section = document.querySelector<HTMLElement>('section.verify-self-check');
  const list = section?.querySelector<HTMLOListElement>('ol.steps');
  if (!form || !section || !list) return;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const steps = new Steps(section, list);
    const typed = {
      nik: (form.elements.namedItem('nik') as HTMLInputElement).value.trim(),
      name: (form.elements.namedItem('name') as HTMLInputElement).value.trim(),
    };
    try {
      const r = await fetch(`${base}/v1/voters/self-check`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(typed),
      });
      const answer = (await r.json()) as { found?: boolean };
      if (!r.ok) steps.add('fail', `HTTP ${r.status}`);
      else if (answer.found !== true) steps.add('fail', 'no record for this NIK and name');
      else {
        const v = verifySelfCheck(answer, typed, trust().key);
        if (v.ok && v.proven)
          steps.add(
            'ok',
            `registered at TPS ${v.proven.tps} (${v.proven.list}); entry #${v.proven.index} is in the signed log and opens to what you typed`,
          );
        for (const e of v.errors) steps.add('fail', `${e.code}: ${e.message}`);
      }
    } catch (e) {
      steps.add('fail', why(e));
    }
    steps.done();
  });
}
