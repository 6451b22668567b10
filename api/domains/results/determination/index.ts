/**
 * Determination of results (DOMAIN.md app 8) as pure functions: no I/O, no clock,
 * no randomness. The one public surface of this folder (CONVENTIONS.md §1).
 */

export {
  type Candidate,
  type CandidateDecider,
  type CandidateOptions,
  type CandidateTieKey,
  DEFAULT_CANDIDATE_TIE_BREAK,
  electCandidates,
  type PartyCandidates,
  type PartyList,
  type PartySeats,
  type RankedCandidate,
} from './candidates.ts';
export {
  allocateDprDapil,
  allocateDprdDapil,
  type DapilResult,
  DPR_DAPIL_SEATS,
  DPRD_DAPIL_SEATS,
} from './dapil.ts';
export {
  DPD_SEATS_PER_PROVINCE,
  type DpdCandidate,
  type DpdDecider,
  type DpdOptions,
  type DpdResult,
  type DpdTieKey,
  electDpd,
} from './dpd.ts';
export { DeterminationError, type DeterminationErrorCode } from './errors.ts';
export { compareFractions, formatPercent, formatRatio } from './exact.ts';
export {
  dpdAfterFinance,
  type FinanceExclusion,
  type FinanceSanction,
  type FinanceStanding,
  type FinanceStatus,
  listsAfterFinance,
  partyVotesAfterFinance,
  presidentialFinanceFlags,
} from './finance.ts';
export {
  type PairDecider,
  type PairStanding,
  type PairTieKey,
  type PairVotes,
  PROVINCES_2024,
  type PresidentialOptions,
  type PresidentialResult,
  type ProvinceVotes,
  presidentialResult,
} from './president.ts';
export {
  type AllocateOptions,
  allocateSeats,
  formatTrace,
  MAX_SEATS,
  type PartyTieRule,
  type PartyVotes,
  type Quotient,
  type SainteLagueTrace,
  type SeatAllocation,
  type SeatAward,
  sainteLague,
} from './sainte-lague.ts';
export {
  DPR_THRESHOLD_PCT,
  type DprEligibility,
  dprEligibleParties,
  type PartyEligibility,
} from './threshold.ts';
