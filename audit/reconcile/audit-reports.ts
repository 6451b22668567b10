/** `audit_reports` (migration 016): one row per filed audit or feasibility report, subject `audit-report:<sha256>`. */
import { citedVersion } from './audit-cited.ts';
import { hex, json, type LoggedEntry, millis, type TableReconciler } from './table.ts';

const CITED = citedVersion(`'audit-report:' || t.id`, '1', 't.pending_id');

export const auditReports: TableReconciler = {
  table: 'audit_reports',
  holds: (kind) => kind === 'audit.report.filed',
  keys: [{ column: 'id', type: 'text' }],
  keyOf: (e) => [String(e.payload?.reportSha256)],
  versionOf: (k) => ({ subject: `audit-report:${k[0]}`, seq: 1 }),
  citedSql: CITED,
  columnsSql: `t.kind, t.generated_at, t.stage, t.controls, t.failed, t.filed_by, ${CITED} AS cited`,
  expected: (e: LoggedEntry) => {
    const controls = (e.payload?.controls ?? []) as { status?: string }[];
    return {
      kind: e.payload?.kind,
      generated_at: millis(e.payload?.generatedAt),
      stage: e.payload?.stage ?? null,
      controls: json(controls),
      failed: controls.filter((c) => c.status === 'fail').length,
      filed_by: e.actor.id,
      cited: hex(e.leafHash),
    };
  },
  actual: (r) => ({
    kind: r.kind,
    generated_at: millis(r.generated_at),
    stage: r.stage ?? null,
    controls: json(r.controls),
    failed: Number(r.failed),
    filed_by: r.filed_by,
    cited: hex(r.cited),
  }),
};
