/**
 * `finance_reports` (migration 015): every version of a participant's LADK,
 * LPSDK or LPPDK with its public payload; the document itself is
 * content-addressed in `finance_documents` and served by its SHA-256.
 */
import { hex, json, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeReports: TableReconciler = {
  table: 'finance_reports',
  holds: (kind) => kind === 'finance.report.filed' || kind === 'finance.report.amended',
  keys: [
    { column: 'participant', type: 'text' },
    { column: 'kind', type: 'text' },
    { column: 'seq', type: 'int4' },
  ],
  keyOf: (e) => [String(e.payload?.participant), String(e.payload?.kind), e.seq],
  // reportSubject (api/domains/finance/kinds.ts)
  versionOf: (k) => ({ subject: `finance-report:${k[0]}:${k[1]}`, seq: Number(k[2]) }),
  columnsSql: 't.document_sha256, t.payload, t.late, t.entry_hash',
  expected: (e: LoggedEntry) => ({
    document_sha256: e.payload?.documentSha256,
    payload: json(e.payload),
    late: e.payload?.late,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    document_sha256: hex(r.document_sha256),
    payload: json(r.payload),
    late: r.late,
    entry_hash: hex(r.entry_hash),
  }),
};
