/** `finance_expenditures` (migration 015): one row per recorded campaign expenditure. */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeExpenditures: TableReconciler = {
  table: 'finance_expenditures',
  holds: (kind) => kind === 'finance.expenditure.recorded',
  keys: [{ column: 'subject', type: 'text' }],
  keyOf: (e) => [e.subject],
  versionOf: (k) => ({ subject: String(k[0]), seq: 1 }),
  columnsSql: `t.participant, t.category, t.amount::text AS amount, to_char(t.day, 'YYYY-MM-DD') AS day,
    t.description, t.entry_hash`,
  expected: (e: LoggedEntry) => ({
    participant: e.payload?.participant,
    category: e.payload?.category,
    amount: e.payload?.amount,
    day: e.payload?.date,
    description: e.payload?.description,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    participant: r.participant,
    category: r.category,
    amount: r.amount,
    day: r.day,
    description: r.description,
    entry_hash: hex(r.entry_hash),
  }),
};
