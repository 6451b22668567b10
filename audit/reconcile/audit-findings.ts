/**
 * `audit_findings` (migration 016): a finding is opened by one entry (version
 * 1 of `audit-finding:<id>`) and closed by another (version 2); the row holds
 * both. Each entry is compared with the columns it set; rows → entries checks
 * the version the row is at (closed or open) and the entry it cites.
 */
import { citedVersion } from './audit-cited.ts';
import { hex, type LoggedEntry, type TableReconciler } from './table.ts';

const SUBJECT = `'audit-finding:' || t.id`;
const OPENED = citedVersion(SUBJECT, '1', 't.opened_pending');
const CLOSED = citedVersion(SUBJECT, '2', 't.closed_pending');

export const auditFindings: TableReconciler = {
  table: 'audit_findings',
  holds: (kind) => kind === 'audit.finding.opened' || kind === 'audit.finding.closed',
  keys: [{ column: 'id', type: 'text' }],
  keyOf: (e) => [String(e.payload?.finding)],
  versionColumns: 't.closed_pending IS NOT NULL AS row_closed',
  versionOf: (k, r) => ({ subject: `audit-finding:${k[0]}`, seq: r?.row_closed ? 2 : 1 }),
  citedSql: `CASE WHEN t.closed_pending IS NULL THEN ${OPENED} ELSE ${CLOSED} END`,
  columnsSql: `t.control, t.severity, t.summary, t.redacted, t.opened_by, t.closed_by,
    ${OPENED} AS opened, ${CLOSED} AS closed`,
  expected: (e: LoggedEntry) =>
    e.kind === 'audit.finding.opened'
      ? {
          control: e.payload?.control,
          severity: e.payload?.severity,
          summary: e.payload?.summary,
          redacted: e.payload?.redacted,
          opened_by: e.payload?.report,
          opened: hex(e.leafHash),
        }
      : { control: e.payload?.control, closed_by: e.payload?.report, closed: hex(e.leafHash) },
  actual: (r) => ({
    control: r.control,
    severity: r.severity,
    summary: r.summary,
    redacted: r.redacted,
    opened_by: r.opened_by,
    closed_by: r.closed_by ?? null,
    opened: hex(r.opened),
    closed: hex(r.closed),
  }),
};
