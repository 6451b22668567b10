/**
 * The proof an observer asks for (issue #4): for one TPS and contest, everything
 * needed to check — from the log alone — that the TPS's signed numbers are in every
 * published total up to the nation and that each sum holds:
 *
 *   - a signed checkpoint;
 *   - the counted form entry, with its inclusion proof;
 *   - for each level from desa to nation, the area's current recap entry with its
 *     inclusion proof (and, where an area lists parts, the part's: ../recap/parts.ts).
 *
 * A recap lists every child it sums with the child's leaf hash and figures
 * (ledger/verifier/results/recap.ts), so each recap entry checks its own sum and the chain
 * links each level to the one below by hash and figures: a Merkle sum tree whose
 * path is a few KiB, whatever the size of the election. The observer's verifier
 * (ledger/verifier/results/verify.ts) checks it without trusting this server.
 */
import { base64, type Db, type LogReader } from '../../../../ledger/index.ts';
import { fromUtf8 } from '../../../../ledger/verifier/encoding.ts';
import type { ProvenEntry, ResultsProof } from '../../../../ledger/verifier/results/index.ts';
import { ApiError } from '../../../errors.ts';
import type { ContestId } from '../../registry/index.ts';

export type { ProvenEntry, ResultsProof } from '../../../../ledger/verifier/results/index.ts';

const notYet = (what: string) =>
  new ApiError(503, 'NOT_YET_INTEGRATED', `${what} is not in a signed checkpoint yet`, {
    'Retry-After': '1',
  });

/**
 * The proof chain of a TPS's counted form, for the latest signed checkpoint.
 * `path`: the recap nodes above the TPS, lowest first (RecapTree.pathOf).
 */
export async function proofChain(
  db: Db,
  log: LogReader,
  path: readonly string[],
  contest: ContestId,
  tps: string,
): Promise<ResultsProof> {
  // Two round trips: which log entries (the counted form, area '', and the current
  // recap of every area on the path), then those entries with their indexes.
  const refs = await db.query<{ area: string; pending_id: number }>(
    `SELECT '' AS area, f.pending_id FROM recap_tps r
       JOIN count_forms f ON f.subject = 'chasil:' || r.contest || ':' || r.tps AND f.seq = r.seq
      WHERE r.contest = $1 AND r.tps = $2
     UNION ALL
     SELECT c.area, r.pending_id
       FROM recap_current c JOIN recaps r USING (contest, area, seq)
      WHERE c.contest = $1 AND c.area = ANY($3::text[])`,
    [contest, tps, [...path]],
  );
  const entries = await log.pendingEntries(refs.map((r) => Number(r.pending_id)));
  const rows = refs.map((r) => {
    const e = entries.get(Number(r.pending_id))!;
    return { area: r.area, entry: e.entry, idx: e.index };
  });
  const byArea = new Map(rows.map((r) => [r.area, r]));
  const form = byArea.get('');
  if (!form) throw new ApiError(404, 'NOT_FOUND', `no counted ${contest} form for TPS ${tps} yet`);
  const cp = await log.checkpoint();
  if (!cp || form.idx === null || form.idx >= cp.size) throw notYet(`the form of TPS ${tps}`);
  for (const a of path) {
    const r = byArea.get(a);
    if (!r || r.idx === null || Number(r.idx) >= cp.size)
      throw notYet(`the ${contest} recap of ${a}`);
  }
  const prove = async (r: { entry: Uint8Array; idx: number | null }): Promise<ProvenEntry> => ({
    index: Number(r.idx),
    entry: fromUtf8(r.entry),
    inclusionProof: (await log.inclusionProof(Number(r.idx), cp.size)).map(base64),
  });
  const levels: ResultsProof['levels'] = [];
  for (const a of path) levels.push({ area: a, recap: await prove(byArea.get(a)!) });
  return {
    contest,
    tps,
    checkpoint: cp.note,
    treeSize: cp.size,
    form: await prove(form),
    levels,
  };
}
