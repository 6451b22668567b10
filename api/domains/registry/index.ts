/**
 * The election registry for counting (issue #4): areas down to the TPS, contests,
 * dapil, parties, candidates and presidential pairs; the ballot model count forms
 * are coded against; CSV imports; the demo-election generator and its loader.
 * The one public surface of this folder (CONVENTIONS.md §1); see README.md.
 */

export {
  type BallotKind,
  CONTEST_IDS,
  CONTESTS,
  type ContestId,
  type ContestInfo,
  contestIndex,
  DAPIL_CONTESTS,
  type DapilContestId,
  isContestId,
  isDapilContest,
  isPartyContest,
  PARTY_CONTESTS,
  PLAIN_CHOICE_CONTESTS,
} from './contests.ts';
export {
  type DatasetLoad,
  digestElection,
  recordLoads,
} from './datasets.ts';
export {
  type Election,
  type ElectionScale,
  type GenerateOptions,
  generateElection,
} from './generator/generate.ts';
export {
  type ImportOptions,
  type ImportResult,
  importAreasCsv,
  importCandidatesCsv,
  importDapilCsv,
  importPairsCsv,
  importPartiesCsv,
} from './import.ts';
export { checkElection, type LoadResult, loadElection } from './load.ts';
export { type AreaInfo, type DapilInfo, Registry, readElection } from './registry.ts';
export { registryRoutes } from './routes.ts';
export {
  ACEH,
  type AreaLevel,
  type AreaRow,
  type Ballot,
  type CandidateRow,
  type Choice,
  DATASETS,
  type DapilRow,
  type Dataset,
  type ElectionData,
  NO_DPRD_KABKOTA_PROVINCE,
  NO_TPS,
  type PairRow,
  type PartyRow,
  RegistryError,
  type RegistryErrorCode,
  type RegistryIssue,
  type TpsRow,
  type TpsTable,
} from './schemas.ts';
export { refreshRegistry, registryFor } from './shared.ts';
export { registryIsEmpty } from './store.ts';
