/**
 * Counting, recapitulation and results (issue #4, DOMAIN.md application 8). The
 * one public surface of this folder (CONVENTIONS.md §1); see README.md.
 */
export type { RecapHistory, RecapVersion } from './read/history.ts';
export { RecapPublisher } from './recap/publisher.ts';
export { type ResultsDeps, resultsRoutes } from './routes.ts';
export {
  COUNTED_STAGES,
  countsTowardTotals,
  FORM_KINDS,
  FORM_STAGES,
  type FormStage,
  type FormStatus,
  formStatus,
  formSubject,
  judgeForm,
  PHOTO_MUST_EXIST,
} from './rules.ts';
export { COUNT_FORM_SCHEMA, type CountForm } from './schemas.ts';
