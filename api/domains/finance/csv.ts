/**
 * The open-data export of campaign finance (`GET /v1/finance/export.csv`): one
 * row per contribution, surrender, expenditure and filing, each with the log
 * index (empty while pending) and leaf hash of the entry behind it. No donor
 * column is read.
 */
import type { Db, LogReader } from '../../../ledger/index.ts';
import type { ReportPayload } from './schemas.ts';
import { entries, reportRows } from './store.ts';

export const FINANCE_CSV_HEADER =
  'record,participant,category,amount,date,excess,report_kind,version,document_sha256,declared_contributions,declared_expenditures,difference_contributions,difference_expenditures,late,log_index,leaf_hash\n';

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * One row per contribution, surrender, expenditure and filing (in that order,
 * each by log position), with the log index (empty while pending) and leaf hash.
 * Built in memory: a participant files thousands of rows, not millions.
 */
export async function exportCsv(db: Db, log: LogReader): Promise<string> {
  type Row = { pending_id: number | string; entry_hash: Uint8Array; cells: string[] };
  const rows: Row[] = [];
  for (const r of await db.query<{
    participant: string;
    category: string;
    amount: string;
    day: string;
    excess: string;
    pending_id: number | string;
    entry_hash: Uint8Array;
  }>(
    `SELECT participant, category, amount::text AS amount, to_char(day, 'YYYY-MM-DD') AS day,
            excess::text AS excess, pending_id, entry_hash FROM finance_contributions ORDER BY pending_id`,
  ))
    rows.push({
      ...r,
      cells: [
        'contribution',
        r.participant,
        r.category,
        r.amount,
        r.day,
        r.excess,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ],
    });
  for (const r of await db.query<{
    participant: string;
    amount: string;
    day: string;
    pending_id: number | string;
    entry_hash: Uint8Array;
  }>(
    `SELECT participant, amount::text AS amount, to_char(day, 'YYYY-MM-DD') AS day, pending_id, entry_hash
       FROM finance_surrenders ORDER BY pending_id`,
  ))
    rows.push({
      ...r,
      cells: ['surrender', r.participant, '', r.amount, r.day, '', '', '', '', '', '', '', '', ''],
    });
  for (const r of await db.query<{
    participant: string;
    category: string;
    amount: string;
    day: string;
    pending_id: number | string;
    entry_hash: Uint8Array;
  }>(
    `SELECT participant, category, amount::text AS amount, to_char(day, 'YYYY-MM-DD') AS day, pending_id, entry_hash
       FROM finance_expenditures ORDER BY pending_id`,
  ))
    rows.push({
      ...r,
      cells: [
        'expenditure',
        r.participant,
        r.category,
        r.amount,
        r.day,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ],
    });
  for (const r of await reportRows(db)) {
    const pl = JSON.parse(r.payload) as ReportPayload;
    rows.push({
      ...r,
      cells: [
        'filing',
        r.participant,
        '',
        '',
        '',
        '',
        r.kind,
        String(r.seq),
        pl.documentSha256,
        pl.declared.contributions,
        pl.declared.expenditures,
        pl.difference.contributions,
        pl.difference.expenditures,
        String(pl.late),
      ],
    });
  }
  const entryOf = await entries(log, rows);
  let out = FINANCE_CSV_HEADER;
  for (const r of rows) {
    const e = entryOf(r);
    out += `${[...r.cells, e.index === null ? '' : String(e.index), e.leafHash].map(field).join(',')}\n`;
  }
  return out;
}
