/** `finance_auditors` (migration 015): every assignment of a public accountant (KAP) to a participant. */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeAuditors: TableReconciler = {
  table: 'finance_auditors',
  holds: (kind) => kind === 'finance.auditor.assigned',
  keys: [
    { column: 'participant', type: 'text' },
    { column: 'seq', type: 'int4' },
  ],
  keyOf: (e) => [String(e.payload?.participant), e.seq],
  // auditorSubject (api/domains/finance/kinds.ts)
  versionOf: (k) => ({ subject: `finance-auditor:${k[0]}`, seq: Number(k[1]) }),
  columnsSql: 't.auditor, t.entry_hash',
  expected: (e: LoggedEntry) => ({ auditor: e.payload?.auditor, entry_hash: hex(e.leafHash) }),
  actual: (r) => ({ auditor: r.auditor, entry_hash: hex(r.entry_hash) }),
};
