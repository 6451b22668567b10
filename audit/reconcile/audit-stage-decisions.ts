/** `audit_stage_decisions` (migration 016): every decision on opening a stage, one per version of `stage:<id>`. */
import { citedVersion } from './audit-cited.ts';
import { hex, json, type LoggedEntry, type TableReconciler } from './table.ts';

const CITED = citedVersion(`'stage:' || t.stage`, 't.seq', 't.pending_id');

export const auditStageDecisions: TableReconciler = {
  table: 'audit_stage_decisions',
  holds: (kind) => kind === 'audit.stage.opened' || kind === 'audit.stage.refused',
  keys: [
    { column: 'stage', type: 'text' },
    { column: 'seq', type: 'int4' },
  ],
  keyOf: (e) => [String(e.payload?.stage), e.seq],
  versionOf: (k) => ({ subject: `stage:${k[0]}`, seq: Number(k[1]) }),
  citedSql: CITED,
  columnsSql: `t.outcome, t.reasons, t.actor_id, ${CITED} AS cited`,
  expected: (e: LoggedEntry) => ({
    outcome: e.payload?.outcome,
    reasons: json(e.payload?.reasons ?? []),
    actor_id: e.actor.id,
    cited: hex(e.leafHash),
  }),
  actual: (r) => ({
    outcome: r.outcome,
    reasons: json(r.reasons),
    actor_id: r.actor_id,
    cited: hex(r.cited),
  }),
};
