/** `audit_followups` (migration 016): a follow-up action recorded against a finding, subject `audit-followup:<id>`. */
import { citedVersion } from './audit-cited.ts';
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

const PREFIX = 'audit-followup:';
const CITED = citedVersion(`'${PREFIX}' || t.id`, '1', 't.pending_id');

export const auditFollowups: TableReconciler = {
  table: 'audit_followups',
  holds: (kind) => kind === 'audit.followup.recorded',
  keys: [{ column: 'id', type: 'text' }],
  keyOf: (e) => [e.subject.slice(PREFIX.length)],
  versionOf: (k) => ({ subject: `${PREFIX}${k[0]}`, seq: 1 }),
  citedSql: CITED,
  columnsSql: `t.finding, t.action, t.evidence_sha256, t.actor_id, t.actor_role, ${CITED} AS cited`,
  expected: (e: LoggedEntry) => ({
    finding: e.payload?.finding,
    action: e.payload?.action,
    evidence_sha256: e.payload?.evidenceSha256 ?? null,
    actor_id: e.actor.id,
    actor_role: e.actor.role,
    cited: hex(e.leafHash),
  }),
  actual: (r) => ({
    finding: r.finding,
    action: r.action,
    evidence_sha256: r.evidence_sha256 ?? null,
    actor_id: r.actor_id,
    actor_role: r.actor_role,
    cited: hex(r.cited),
  }),
};
