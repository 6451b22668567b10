/**
 * The history of an area's published totals (issue #15, "sudden jumps in
 * published totals"): every version of the area's recap, oldest first, each
 * with the log entry it is (index and leaf hash) and its totals as published.
 * The listing of each version (which child at which version, with its figures)
 * is in that entry, which anyone reads at `/v1/ledger/entries/{index}` and
 * checks against a signed checkpoint; this read only says where the entries
 * are and what they sum to, so that a client can compare consecutive versions
 * (api/portal/jumps.ts) without reading the log from its start.
 *
 * Paged by version: at most HISTORY_PAGE versions from `from`, and `next` is
 * the version to ask for after them (null at the end). The nation gets a new
 * version at every publisher tick that counted something below it, so its
 * history on election night runs to tens of thousands of versions.
 */
import { base64, type Db, type LogReader } from '../../../../ledger/index.ts';
import { type RecapTotals, sortedVotes } from '../../../../ledger/verifier/results/index.ts';
import type { ContestId } from '../../registry/index.ts';

export const HISTORY_PAGE = 500;

/** One published version: its figures as the recap payload states them, and its entry. */
export interface RecapVersion extends Pick<RecapTotals, 'valid' | 'invalid' | 'votes' | 'tps'> {
  seq: number;
  /** The log index of the version's entry (null: appended, not yet in the log). */
  index: number | null;
  entryHash: string;
}

export interface RecapHistory {
  contest: ContestId;
  /** The recap node: an area code, or a part of a large area's children (`<area>/<n>`). */
  node: string;
  versions: RecapVersion[];
  /** The version to ask for next (`?from=`), or null when these are the latest. */
  next: number | null;
}

export async function recapHistory(
  db: Db,
  log: LogReader,
  contest: ContestId,
  node: string,
  from: number,
): Promise<RecapHistory> {
  const rows = await db.query<{
    seq: number;
    totals: RecapTotals;
    entry_hash: Uint8Array;
    pending_id: number;
  }>(
    `SELECT seq, totals, entry_hash, pending_id FROM recaps
      WHERE contest = $1 AND area = $2 AND seq >= $3
      ORDER BY seq LIMIT $4`,
    [contest, node, from, HISTORY_PAGE + 1],
  );
  const page = rows.slice(0, HISTORY_PAGE);
  const indexes = await log.indexesOf(page.map((r) => Number(r.pending_id)));
  return {
    contest,
    node,
    versions: page.map((r) => ({
      seq: r.seq,
      index: indexes.get(Number(r.pending_id)) ?? null,
      entryHash: base64(r.entry_hash),
      valid: Number(r.totals.valid),
      invalid: Number(r.totals.invalid),
      votes: sortedVotes(r.totals.votes),
      tps: r.totals.tps,
    })),
    next: rows.length > HISTORY_PAGE ? rows[HISTORY_PAGE]!.seq : null,
  };
}
