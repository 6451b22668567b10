/** `finance_surrenders` (migration 015): the excess of a contribution paid to the treasury, one per breach. */
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

// surrenderSubject (api/domains/finance/kinds.ts)
const subjectOf = (contribution: string) =>
  `finance-surrender:${contribution.slice('finance-contribution:'.length)}`;

export const financeSurrenders: TableReconciler = {
  table: 'finance_surrenders',
  holds: (kind) => kind === 'finance.excess.surrendered',
  keys: [{ column: 'contribution', type: 'text' }],
  keyOf: (e) => [String(e.payload?.contribution)],
  versionOf: (k) => ({ subject: subjectOf(String(k[0])), seq: 1 }),
  columnsSql: `t.participant, t.amount::text AS amount, to_char(t.day, 'YYYY-MM-DD') AS day,
    t.reference, t.entry_hash`,
  expected: (e: LoggedEntry) => ({
    participant: e.payload?.participant,
    amount: e.payload?.amount,
    day: e.payload?.date,
    reference: e.payload?.reference,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    participant: r.participant,
    amount: r.amount,
    day: r.day,
    reference: r.reference,
    entry_hash: hex(r.entry_hash),
  }),
};
