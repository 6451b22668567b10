/**
 * Election-day reports from a TPS (DOMAIN.md application 7). The one public
 * surface of this folder (CONVENTIONS.md §1); see README.md.
 */
export { correctReport, submitReport, tpsReportRoutes } from './routes.ts';
export { reportRules, reportSubject, versionRules } from './rules.ts';
export { PAYLOAD_SCHEMA, REPORT_TYPES, type TpsReportPayload } from './schemas.ts';
