/**
 * Findings, follow-ups and stage gates (issue #13, server side): filed audit and
 * feasibility reports, the findings their failed controls open, follow-ups
 * against them, and the gated opening of the election calendar's stages. The one
 * public surface of this folder (CONVENTIONS.md §1); see README.md.
 */
export { CALENDAR_2024, checkCalendar, loadCalendar, type Stage } from './calendar.ts';
export type { AuditDeps } from './deps.ts';
export { AUDIT_KINDS } from './kinds.ts';
export { auditRoutes } from './routes.ts';
export {
  findingChanges,
  gateReasons,
  redactSummary,
  reportViolations,
} from './rules.ts';
export { REPORT_SCHEMA, type ReportRequest } from './schemas.ts';
