/**
 * The log explorer's checks in the browser: the latest checkpoint against the
 * pinned key, and an entry's inclusion in it (the entry's leaf hash recomputed
 * from its canonical bytes, RFC 9162 §2.1.3.2). The consistency proof between
 * two sizes is shown but not checked here: that needs the older size's root
 * (from a checkpoint the reader saved, or the tiles); `saksi verify --state`
 * does it, and each Verifikasi on a number checks consistency with the latest.
 */
import { canonicalize } from '../ledger/verifier/canonical.ts';
import { fromBase64, leafHash, utf8, verifyInclusion } from '../ledger/verifier/index.ts';
import { fetchCheckpoint, latestCheckpoint, type Trust } from './checkpoint.ts';
import { Steps, why } from './steps.ts';

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
  return (await r.json()) as T;
}

export function wireLogExplorer(base: string, trust: () => Trust): void {
  for (const section of document.querySelectorAll<HTMLElement>(
    'section.verify-checkpoint, section.verify-entry',
  )) {
    const button = section.querySelector('button');
    const list = section.querySelector<HTMLOListElement>('ol.steps');
    if (!button || !list) continue;
    button.addEventListener('click', async () => {
      const steps = new Steps(section, list);
      const cp = await latestCheckpoint(fetchCheckpoint(base), trust(), steps);
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
}
