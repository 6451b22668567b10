/** `finance_openings` (migration 015): each opening of a donor commitment by the assigned auditor. */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeOpenings: TableReconciler = {
  table: 'finance_openings',
  holds: (kind) => kind === 'finance.donor.opened',
  keys: [{ column: 'subject', type: 'text' }],
  keyOf: (e) => [e.subject],
  versionOf: (k) => ({ subject: String(k[0]), seq: 1 }),
  columnsSql: 't.contribution, t.auditor, t.entry_hash',
  expected: (e: LoggedEntry) => ({
    contribution: e.payload?.contribution,
    auditor: e.actor.id,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    contribution: r.contribution,
    auditor: r.auditor,
    entry_hash: hex(r.entry_hash),
  }),
};
