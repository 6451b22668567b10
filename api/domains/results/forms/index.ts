/**
 * C.Hasil count forms as pure building blocks (DOMAIN.md application 8): the
 * payload's shape and schema, and its arithmetic checks. The one public surface of
 * this folder (CONVENTIONS.md §1); the ledgered write path wires them in.
 *
 * The payload, its schema and the versioned arithmetic checks are stated once,
 * in the observer's verifier (ledger/verifier/results/), so the server flags a
 * form by exactly the rules an observer re-runs; the warnings are the server's.
 */
export {
  CHECK_IDS,
  CHECK_SETS,
  CHECKS_VERSION,
  CHOICE_ID,
  type CheckId,
  CONTESTS,
  COUNT_FORM_SCHEMA,
  type Contest,
  type CountForm,
  checkForm,
  type FailedCheck,
  MAX_CHOICES,
  MAX_COUNT,
  PARTY_CONTESTS,
  PLAIN_CHOICE_ID,
  partyTotals,
  sumVotes,
  type VoterCounts,
} from '../../../../ledger/verifier/results/index.ts';
export {
  assertWarningParams,
  ballotReserve,
  DEFAULT_WARNING_PARAMS,
  formWarnings,
  WARNING_IDS,
  type WarningId,
  type WarningParams,
  WarningParamsError,
} from './checks.ts';
