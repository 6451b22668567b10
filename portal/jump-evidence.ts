/**
 * The evidence of a jump in published totals (api/portal/jumps.ts), checked in
 * the reader's browser: the latest checkpoint against the pinned key, then each
 * of the two recap entries the page names — included in that checkpoint's
 * tree (its leaf hash recomputed from its canonical bytes, RFC 9162 §2.1.3.2),
 * the recap of that area at that version, its totals the sum of its own
 * listing (ledger/verifier/results/listing.ts), and the figures the page shows
 * equal to the entry's — and that the two versions are consecutive. So the
 * jump is in the log as shown, whatever the server's page said.
 */
import { canonicalize } from '../ledger/verifier/canonical.ts';
import { fromBase64, leafHash, utf8, verifyInclusion } from '../ledger/verifier/index.ts';
import { listedChildren, RECAP_KIND, type RecapPayload } from '../ledger/verifier/results/index.ts';
import { listingHolds, sumHolds } from '../ledger/verifier/results/listing.ts';
import { fetchCheckpoint, latestCheckpoint, type Trust } from './checkpoint.ts';
import { getJson } from './fetch-json.ts';
import { type Steps, why, wireButtons } from './steps.ts';

interface Shown {
  index: number | null;
  seq: number;
  expect: {
    valid: number;
    invalid: number;
    votes: Record<string, number>;
    tps: { accepted: number; flagged: number };
  };
}

const sameVotes = (a: Record<string, number>, b: Record<string, number>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
};

export async function verifyJump(
  base: string,
  trust: Trust,
  contest: string,
  node: string,
  shown: Shown[],
  steps: Steps,
): Promise<boolean> {
  const cp = await latestCheckpoint(fetchCheckpoint(base), trust, steps, base);
  if (!cp) return steps.done();
  type Entry = { entry: { kind: string; subject: string; seq: number; payload: RecapPayload } };
  // Both entries and their proofs fetched at once (untrusted until checked below, in order).
  const fetched = shown.map((s) =>
    s.index === null
      ? null
      : Promise.all([
          getJson<Entry>(`${base}/v1/ledger/entries/${s.index}`),
          getJson<{ path: string[] }>(
            `${base}/v1/proofs/inclusion?index=${s.index}&size=${cp.size}`,
          ),
        ]),
  );
  // Each failure is reported at its own step below, not as an unhandled rejection meanwhile.
  for (const f of fetched) f?.catch(() => undefined);
  for (const [k, s] of shown.entries()) {
    const pending = fetched[k];
    if (s.index === null || !pending) {
      steps.add('fail', `${node} v${s.seq}: not in the log yet`);
      continue;
    }
    try {
      const [e, p] = await pending;
      // Entries are RFC 8785 canonical JSON: the bytes logged are canonicalize(entry).
      const leaf = leafHash(utf8(canonicalize(e.entry)));
      verifyInclusion(leaf, s.index, cp.size, p.path.map(fromBase64), cp.rootHash);
      steps.add('ok', `entry #${s.index} is in the tree of size ${cp.size}`);
      const { kind, subject, seq, payload } = e.entry;
      if (kind !== RECAP_KIND || subject !== `recap:${contest}:${node}` || seq !== s.seq) {
        steps.add(
          'fail',
          `entry #${s.index} is ${kind} ${subject} v${seq}, not recap:${contest}:${node} v${s.seq}`,
        );
        continue;
      }
      const problems: string[] = [];
      const fail = (code: string, message: string) => problems.push(`${code}: ${message}`);
      if (listingHolds(node, payload, fail))
        sumHolds(node, contest, payload, listedChildren(payload), fail);
      if (problems.length > 0) steps.add('fail', problems.join('; '));
      else
        steps.add(
          'ok',
          `${node} v${seq}: the totals are the sum of its ${payload.children.length} listed children`,
        );
      const x = s.expect;
      const same =
        payload.valid === x.valid &&
        payload.invalid === x.invalid &&
        payload.tps.accepted === x.tps.accepted &&
        payload.tps.flagged === x.tps.flagged &&
        sameVotes(payload.votes, x.votes);
      steps.add(
        same ? 'ok' : 'fail',
        same
          ? `${node} v${seq}: the page shows the entry's figures (${payload.valid} valid, ${payload.tps.accepted} TPS)`
          : `${node} v${seq}: the page's figures differ from the entry's`,
      );
    } catch (err) {
      steps.add('fail', `entry #${s.index}: ${why(err)}`);
    }
  }
  const seqs = shown.map((s) => s.seq);
  const consecutive = seqs.every((q, i) => i === 0 || q === seqs[i - 1]! + 1);
  steps.add(
    consecutive ? 'ok' : 'fail',
    `versions ${seqs.join(' → ')}${consecutive ? ' are consecutive' : ' are not consecutive'}`,
  );
  return steps.done();
}

export function wireJumpEvidence(base: string, trust: () => Trust): void {
  wireButtons('section.verify-jump', (d, steps) =>
    verifyJump(
      base,
      trust(),
      d.contest ?? '',
      d.node ?? '',
      JSON.parse(d.entries ?? '[]') as Shown[],
      steps,
    ),
  );
}
