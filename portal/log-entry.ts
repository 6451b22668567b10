/**
 * The log explorer's checks in the browser: the latest checkpoint against the
 * pinned key, an entry's inclusion in it (the entry's leaf hash recomputed
 * from its canonical bytes, RFC 9162 §2.1.3.2), and that the log only grew
 * since a checkpoint the reader gives — one they saved, one published
 * elsewhere, or the one this browser verified last (./growth.ts): its
 * signature checked with the pinned key, then the consistency proof from its
 * size to the latest (RFC 9162 §2.1.4).
 */
import { canonicalize } from '../ledger/verifier/canonical.ts';
import { fromBase64, leafHash, utf8, verifyInclusion } from '../ledger/verifier/index.ts';
import { fetchCheckpoint, givenCheckpoint, latestCheckpoint, type Trust } from './checkpoint.ts';
import { getJson } from './fetch-json.ts';
import { proveGrowth, rememberedCheckpoint } from './growth.ts';
import { Steps, why } from './steps.ts';

export function wireLogExplorer(base: string, trust: () => Trust): void {
  for (const section of document.querySelectorAll<HTMLElement>(
    'section.verify-checkpoint, section.verify-entry',
  )) {
    const button = section.querySelector('button');
    const list = section.querySelector<HTMLOListElement>('ol.steps');
    if (!button || !list) continue;
    button.addEventListener('click', async () => {
      const steps = new Steps(section, list);
      const cp = await latestCheckpoint(fetchCheckpoint(base), trust(), steps, base);
      const index = section.dataset.index;
      if (cp && index !== undefined) {
        try {
          const e = await getJson<{ index: number; entry: unknown }>(
            `${base}/v1/ledger/entries/${index}`,
          );
          const p = await getJson<{ path: string[] }>(
            `${base}/v1/proofs/inclusion?index=${index}&size=${cp.size}`,
          );
          // Entries are RFC 8785 canonical JSON: the bytes logged are canonicalize(entry).
          const leaf = leafHash(utf8(canonicalize(e.entry)));
          verifyInclusion(leaf, Number(index), cp.size, p.path.map(fromBase64), cp.rootHash);
          steps.add('ok', `entry #${index} is in the tree of size ${cp.size}`);
        } catch (err) {
          steps.add('fail', `entry #${index}: ${why(err)}`);
        }
      }
      steps.done();
    });
  }
  wireGrowth(base, trust);
}

/** `section.verify-growth`: the given checkpoint's tree is a prefix of the latest. */
function wireGrowth(base: string, trust: () => Trust): void {
  const section = document.querySelector<HTMLElement>('section.verify-growth');
  const field = section?.querySelector<HTMLTextAreaElement>('textarea');
  const button = section?.querySelector('button');
  const list = section?.querySelector<HTMLOListElement>('ol.steps');
  if (!section || !field || !button || !list) return;
  const seen = rememberedCheckpoint(section.dataset.origin ?? '');
  if (seen !== null && field.value.trim() === '') {
    field.value = seen;
    section.setAttribute('data-remembered', 'true');
  }
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const steps = new Steps(section, list);
      // Read before the latest is verified: that verification remembers the latest.
      const given = givenCheckpoint(field.value, trust(), steps);
      if (given) {
        const latest = await latestCheckpoint(fetchCheckpoint(base), trust(), steps, base);
        if (latest) await proveGrowth(base, given, latest, steps, 'since the given checkpoint');
      }
      steps.done();
    } finally {
      button.disabled = false;
    }
  });
}
