/**
 * C.Hasil count forms as pure building blocks (DOMAIN.md application 8): the
 * payload's shape and schema, and its arithmetic checks. The one public surface of
 * this folder (CONVENTIONS.md §1); the ledgered write path wires them in.
 */
export {
  assertWarningParams,
  ballotReserve,
  CHECK_IDS,
  type CheckId,
  checkForm,
  DEFAULT_WARNING_PARAMS,
  type FailedCheck,
  formWarnings,
  partyTotals,
  sumVotes,
  WARNING_IDS,
  type WarningId,
  type WarningParams,
  WarningParamsError,
} from './checks.ts';
export {
  CHOICE_ID,
  CONTESTS,
  COUNT_FORM_SCHEMA,
  type Contest,
  type CountForm,
  MAX_CHOICES,
  MAX_COUNT,
  PARTY_CONTESTS,
  PLAIN_CHOICE_ID,
  type VoterCounts,
} from './payload.ts';
export { type PhotoRuleCode, type PhotoRuleRefusal, photoBelongsToTps } from './photo-rules.ts';
