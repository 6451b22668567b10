/**
 * Officers' device keys (issue #3 "Devices"): enrolment with proof of possession
 * and revocation, both log entries. The one public surface of this folder
 * (CONVENTIONS.md §1); see README.md.
 */
export { deviceRoutes, enrolDevice, revokeDevice } from './routes.ts';
export {
  deviceSubject,
  ENROLMENT_LABEL,
  enrolmentMessage,
  enrolViolations,
  revokeViolations,
} from './rules.ts';
export { ENROL_SCHEMA, type EnrolPayload, REVOKE_SCHEMA, type RevokePayload } from './schemas.ts';
export { DbDeviceRegistry } from './store.ts';
