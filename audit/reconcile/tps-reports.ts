/** `tps_reports` (migration 004): one row per version of an election-day TPS report. */
import { hex, type LoggedEntry, millis, SUBJECT_KEYS, type TableReconciler } from './table.ts';

export const tpsReports: TableReconciler = {
  table: 'tps_reports',
  holds: (kind) => kind === 'tps.report.submitted' || kind === 'tps.report.corrected',
  ...SUBJECT_KEYS,
  columnsSql: 't.tps, t.type, t.occurred_at, t.description, t.officer_id, t.entry_hash',
  expected: (e: LoggedEntry) => ({
    tps: e.payload?.tps,
    type: e.payload?.type,
    occurred_at: millis(e.payload?.occurredAt),
    description: e.payload?.description,
    officer_id: e.actor.id,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    tps: r.tps,
    type: r.type,
    occurred_at: millis(r.occurred_at),
    description: r.description,
    officer_id: r.officer_id,
    entry_hash: hex(r.entry_hash),
  }),
};
