/** `finance_rules` (migration 015): every version of the election's caps and deadlines, subject `finance-rules`. */
import { hex, json, type LoggedEntry, type TableReconciler } from './table.ts';

export const financeRules: TableReconciler = {
  table: 'finance_rules',
  holds: (kind) => kind === 'finance.rules.set',
  keys: [{ column: 'seq', type: 'int4' }],
  keyOf: (e) => [e.seq],
  versionOf: (k) => ({ subject: 'finance-rules', seq: Number(k[0]) }),
  columnsSql: 't.payload, t.entry_hash',
  expected: (e: LoggedEntry) => ({ payload: json(e.payload), entry_hash: hex(e.leafHash) }),
  actual: (r) => ({ payload: json(r.payload), entry_hash: hex(r.entry_hash) }),
};
