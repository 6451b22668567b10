/**
 * The voter register (SIDALIH, DOMAIN.md application 3, issue #11). The one
 * public surface of this folder (CONVENTIONS.md §1); see README.md and
 * docs/voters.md.
 */
export {
  COUNT_KIND,
  countSubject,
  publishVoterCounts,
  tpsRegisterCount,
  VoterCountPublisher,
} from './counts.ts';
export {
  CURRENT_KEK_LABEL,
  NIK_INDEX_LABEL,
  open as openSealed,
  seal,
  VoterCryptoError,
  VoterKeys,
} from './crypto.ts';
export { VOTER_CSV_HEADER } from './csv.ts';
export { IMPORT_LISTS, type ImportResult, importVoters } from './import.ts';
export { VOTER_KINDS } from './kinds.ts';
export { type VoterDeps, voterRoutes } from './routes.ts';
export { nikParts, nikViolations, recordViolations } from './rules.ts';
export {
  LISTS,
  REMOVAL_REASONS,
  type VoterList,
  type VoterPersonal,
  type VoterPublicPayload,
} from './schemas.ts';
