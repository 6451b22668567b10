/**
 * The log entry kinds and subjects of the audit domain (ARCHITECTURE.md "The log
 * format": `kind` is `domain.entity.event`, `subject` the stable record key).
 */
export const AUDIT_KINDS = {
  reportFiled: 'audit.report.filed',
  findingOpened: 'audit.finding.opened',
  findingClosed: 'audit.finding.closed',
  followupRecorded: 'audit.followup.recorded',
  stageOpened: 'audit.stage.opened',
  stageRefused: 'audit.stage.refused',
} as const;

export const reportSubject = (sha256Hex: string) => `audit-report:${sha256Hex}`;
export const findingSubject = (id: string) => `audit-finding:${id}`;
export const followupSubject = (id: string) => `audit-followup:${id}`;
export const stageSubject = (id: string) => `stage:${id}`;
