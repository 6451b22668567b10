/**
 * The check behind every "Verifikasi" button on a results number, entirely in
 * the browser, trusting only the log key pinned in the page:
 *
 *   1. the TPS's proof chain (GET /v1/results/{contest}/proof/{tps}) passes the
 *      observer's results verifier (ledger/verifier/results): its checkpoint is
 *      signed by the log key, the form and every recap entry are in that tree,
 *      the form is device-signed and adds up, and every sum holds up to the
 *      nation;
 *   2. the latest checkpoint (GET /log/checkpoint) is signed by the log key
 *      (and cosigned by the pinned witnesses);
 *   3. the proof's tree is a prefix of the latest one (RFC 9162 §2.1.4
 *      consistency proof), so the server did not show this number from a
 *      history it has since rewritten;
 *   4. the figures the page shows are exactly those of the verified entry of
 *      the area (or of the TPS form) — the page cannot show other numbers than
 *      the log holds.
 */
import { parseCheckpointBody } from '../ledger/verifier/index.ts';
import { type ResultsProof, verifyResultsProof } from '../ledger/verifier/results/index.ts';
import { fetchCheckpoint, latestCheckpoint, type Trust } from './checkpoint.ts';
import { getJson } from './fetch-json.ts';
import { proveGrowth } from './growth.ts';
import { type Steps, why } from './steps.ts';

export interface Figures {
  valid: number;
  invalid: number;
  votes: Record<string, number>;
}

export interface NumberTarget {
  contest: string;
  tps: string;
  /** The area (or the TPS itself) whose figures the page shows. */
  area: string;
  /** The figures the page shows; null when there is no page (the offline verifier). */
  expect: Figures | null;
}

const sameFigures = (a: Figures, b: Figures): boolean => {
  if (a.valid !== b.valid || a.invalid !== b.invalid) return false;
  const keys = new Set([...Object.keys(a.votes), ...Object.keys(b.votes)]);
  for (const k of keys) if ((a.votes[k] ?? 0) !== (b.votes[k] ?? 0)) return false;
  return true;
};

export async function verifyNumber(
  base: string,
  trust: Trust,
  target: NumberTarget,
  steps: Steps,
): Promise<boolean> {
  // 1. The proof chain, checked as the observer's CLI checks it.
  // The latest checkpoint is fetched beside the proof (one round trip less),
  // and checked after it.
  const latestText = fetchCheckpoint(base);
  latestText.catch(() => undefined); // its failure is reported in step 2, if reached
  let proof: unknown;
  try {
    proof = await getJson(`${base}/v1/results/${target.contest}/proof/${target.tps}`);
  } catch (e) {
    steps.add('fail', `results proof: ${why(e)}`);
    return steps.done();
  }
  const v = verifyResultsProof(proof, trust.key);
  if (v.ok) {
    const p = proof as ResultsProof;
    steps.add('ok', `proof checkpoint (size ${p.treeSize}) signed by the pinned log key`);
    steps.add(
      'ok',
      `form entry #${p.form.index} and ${p.levels.length} recap entries included in that tree`,
    );
    steps.add('ok', `form device-signed; arithmetic checks hold (status ${v.form?.status})`);
    steps.add('ok', `every sum holds: ${[target.tps, ...v.checked.levels].join(' → ')}`);
  } else for (const e of v.errors) steps.add('fail', `${e.code}: ${e.message}`);

  // 2. The latest checkpoint, and 3. that the proof's tree is a prefix of it.
  const latest = await latestCheckpoint(latestText, trust, steps, base);
  if (latest && v.ok) {
    // Its signature was checked in step 1; here only its size and root are read.
    const p = proof as ResultsProof;
    const older = parseCheckpointBody(p.checkpoint.slice(0, p.checkpoint.indexOf('\n\n') + 1));
    await proveGrowth(base, older, latest, steps, 'consistency with the latest checkpoint');
  }

  // 4. What the page shows is what the verified entry holds.
  if (v.ok && target.expect) {
    const shown = shownFigures(proof as ResultsProof, target);
    if (!shown) steps.add('fail', `the proof has no entry for ${target.area}`);
    else if (sameFigures(shown, target.expect))
      steps.add('ok', `the numbers on this page are those of the verified entry of ${target.area}`);
    else
      steps.add(
        'fail',
        `the page shows valid ${target.expect.valid} but the verified entry of ${target.area} says ${shown.valid} (or votes differ)`,
      );
  }
  return steps.done();
}

/** The figures of the verified entry the page's number comes from. */
function shownFigures(proof: ResultsProof, target: NumberTarget): Figures | null {
  if (target.area === target.tps) {
    const e = JSON.parse(proof.form.entry) as { payload: Figures };
    return e.payload;
  }
  const level = proof.levels.find((l) => l.area === target.area);
  if (!level) return null;
  return (JSON.parse(level.recap.entry) as { payload: Figures }).payload;
}
