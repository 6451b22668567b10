/**
 * `finance_contributions` (migration 015): the public facts of a contribution
 * and its donor commitment. The donor's keyed index and sealed record are not
 * in the entry (control 6 re-derives donors from them).
 */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeContributions: TableReconciler = {
  table: 'finance_contributions',
  holds: (kind) => kind === 'finance.contribution.recorded',
  keys: [{ column: 'subject', type: 'text' }],
  keyOf: (e) => [e.subject],
  versionOf: (k) => ({ subject: String(k[0]), seq: 1 }),
  columnsSql: `t.participant, t.category, t.amount::text AS amount, to_char(t.day, 'YYYY-MM-DD') AS day,
    t.excess::text AS excess, t.commitment, t.entry_hash`,
  expected: (e: LoggedEntry) => ({
    participant: e.payload?.participant,
    category: e.payload?.category,
    amount: e.payload?.amount,
    day: e.payload?.date,
    excess: e.payload?.excess,
    commitment: Buffer.from(String(e.payload?.commitment ?? ''), 'base64').toString('hex'),
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    participant: r.participant,
    category: r.category,
    amount: r.amount,
    day: r.day,
    excess: r.excess,
    commitment: hex(r.commitment),
    entry_hash: hex(r.entry_hash),
  }),
};
