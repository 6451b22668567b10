/**
 * Open data (DOMAIN.md 2024 failure 6: the information commission ordered per-TPS
 * results as CSV): `area_code,tps,choice,votes,status,entry_index,entry_hash`,
 * streamed a page at a time so a national export never sits in memory.
 *
 * Rows at level `tps` are the counted version of each TPS form (area_code is the
 * desa, tps the 3-digit number; flagged forms are listed with status `flagged` and
 * are not in any total); other levels are each area's current recap (`accepted`).
 * For DPR/DPRD the party row is the party's total, so that at every level each
 * total equals the sum of the accepted rows below it (ledger/verifier/results/recap.ts).
 * entry_index is empty for a recap the log has not integrated yet (≤ a second).
 *
 * `area` (optional) keeps the rows inside one province, kab/kota, kecamatan or
 * desa (its code a prefix of theirs): an area's page of the portal then reads
 * its own rows, not the nation's. Codes are digits of one length per level, so
 * the rows of `31` are exactly those in [`31`, `32`) — an index range scan.
 *
 * After its choices, every TPS and area has two rows for the ballots' totals,
 * choice `valid` and `invalid` (no ballot choice has those ids), as the JSON
 * results show them: the DPD's national recap has no choice rows (its
 * candidates stand per province), yet its valid and invalid votes are
 * published, so the CSV carries them too rather than a header and nothing.
 */
import { base64, type Db, type LogReader } from '../../../../ledger/index.ts';
import {
  type RecapTotals,
  recapVotes,
  sortedVotes,
} from '../../../../ledger/verifier/results/index.ts';
import { type AreaLevel, NATIONAL } from '../../../../policies/areas.ts';
import type { ContestId } from '../../registry/index.ts';

export const CSV_HEADER = 'area_code,tps,choice,votes,status,entry_index,entry_hash\n';
const PAGE = 2000;

export function exportCsv(
  db: Db,
  log: LogReader,
  contest: ContestId,
  level: AreaLevel,
  area = NATIONAL,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const range = codeRange(area);
  let after = '';
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        let text = started ? '' : CSV_HEADER;
        started = true;
        const page =
          level === 'tps'
            ? await tpsPage(db, contest, after, range)
            : await areaPage(db, log, contest, level, after, range);
        text += page.text;
        if (page.last !== null) after = page.last;
        if (text) ctl.enqueue(enc.encode(text));
        if (page.last === null) ctl.close();
      } catch (e) {
        ctl.error(e);
      }
    },
  });
}

/**
 * The codes inside `area` as a half-open range [from, until): from its own
 * code (a prefix sorts before every code that extends it) to the next area's;
 * `until` null where nothing follows (`99…`, or the nation).
 */
export function codeRange(area: string): [string, string | null] {
  if (area === NATIONAL) return ['', null];
  const next = (BigInt(area) + 1n).toString().padStart(area.length, '0');
  return [area, next.length > area.length ? null : next];
}

type Range = [from: string, until: string | null];

async function tpsPage(db: Db, contest: ContestId, after: string, [from, until]: Range) {
  const rows = await db.query<{
    tps: string;
    status: string;
    entry_index: number;
    entry_hash: Uint8Array;
    votes: Record<string, number>;
    valid: number;
    invalid: number;
  }>(
    `SELECT tps, status, entry_index, entry_hash, votes, valid, invalid FROM recap_tps
      WHERE contest = $1 AND tps > $2 AND tps >= $3 AND ($4::text IS NULL OR tps < $4)
      ORDER BY tps LIMIT ${PAGE}`,
    [contest, after, from, until],
  );
  let text = '';
  for (const r of rows) {
    const tail = `,${r.status},${r.entry_index},${base64(r.entry_hash)}\n`;
    const head = `${r.tps.slice(0, 10)},${r.tps.slice(10)},`;
    for (const [choice, n] of rowsOf(sortedVotes(recapVotes(contest, r.votes)), r))
      text += `${head}${choice},${n}${tail}`;
  }
  return { text, last: rows.length < PAGE ? null : rows[rows.length - 1]!.tps };
}

async function areaPage(
  db: Db,
  log: LogReader,
  contest: ContestId,
  level: AreaLevel,
  after: string,
  [from, until]: Range,
) {
  const rows = await db.query<{
    area: string;
    totals: RecapTotals;
    entry_hash: Uint8Array;
    pending_id: number;
  }>(
    `SELECT c.area, r.totals, r.entry_hash, r.pending_id
       FROM recap_current c JOIN recaps r USING (contest, area, seq)
      WHERE c.contest = $1 AND r.level = $2 AND c.area > $3
        AND c.area >= $4 AND ($5::text IS NULL OR c.area < $5)
      ORDER BY c.area LIMIT ${PAGE}`,
    [contest, level, after, from, until],
  );
  // The page's log indexes in one batch.
  const indexes = await log.indexesOf(rows.map((r) => Number(r.pending_id)));
  let text = '';
  for (const r of rows) {
    const tail = `,accepted,${indexes.get(Number(r.pending_id)) ?? ''},${base64(r.entry_hash)}\n`;
    for (const [choice, n] of rowsOf(sortedVotes(r.totals.votes), r.totals))
      text += `${r.area},,${choice},${n}${tail}`;
  }
  return { text, last: rows.length < PAGE ? null : rows[rows.length - 1]!.area };
}

/** The choice rows in ballot order, then the ballots' `valid` and `invalid` totals. */
function rowsOf(
  votes: Record<string, number | string>,
  totals: { valid: number | string; invalid: number | string },
): [string, number][] {
  return [
    ...Object.entries(votes).map(([c, n]): [string, number] => [c, Number(n)]),
    ['valid', Number(totals.valid)],
    ['invalid', Number(totals.invalid)],
  ];
}
