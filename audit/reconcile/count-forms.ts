/**
 * `count_forms` (migration 008): every version of every C.Hasil as its entry
 * states it — the form itself, the photo it cites, the officer and the reason.
 * The arithmetic verdict (status, failed checks) is recomputed by control 3.
 */
import { hex, json, type LoggedEntry, SUBJECT_KEYS, type TableReconciler } from './table.ts';

const STAGES: Record<string, string> = {
  'results.chasil.read': 'read',
  'results.chasil.verified': 'verified',
  'results.chasil.corrected': 'corrected',
};

export const countForms: TableReconciler = {
  table: 'count_forms',
  holds: (kind) => kind in STAGES,
  ...SUBJECT_KEYS,
  columnsSql: 't.contest, t.tps, t.stage, t.form, t.photo, t.officer_id, t.reason, t.entry_hash',
  expected: (e: LoggedEntry) => ({
    contest: e.payload?.contest,
    tps: e.payload?.tps,
    stage: STAGES[e.kind],
    form: json(e.payload),
    photo: e.payload?.photo,
    officer_id: e.actor.id,
    reason: e.reason ?? null,
    entry_hash: hex(e.leafHash),
  }),
  actual: (r) => ({
    contest: r.contest,
    tps: r.tps,
    stage: r.stage,
    form: json(r.form),
    photo: hex(r.photo),
    officer_id: r.officer_id,
    reason: r.reason ?? null,
    entry_hash: hex(r.entry_hash),
  }),
};
