/** `voter_counts` (migration 014): the published voter counts of an area, one row per version. */
import { hex, json, type LoggedEntry, SUBJECT_KEYS, type TableReconciler } from './table.ts';

export const voterCounts: TableReconciler = {
  table: 'voter_counts',
  holds: (kind) => kind === 'voters.count.computed',
  ...SUBJECT_KEYS,
  columnsSql: 't.area, t.payload, t.entry_hash',
  expected: (e: LoggedEntry) => ({
    area: e.payload?.area,
    payload: json(e.payload),
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({ area: r.area, payload: json(r.payload), entry_hash: hex(r.entry_hash) }),
};
