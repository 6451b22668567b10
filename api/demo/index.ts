/**
 * The demo seeder: signed count forms for the demo province through the public
 * HTTP API (`saksi demo seed`), and the start-up of `saksi serve --demo` that
 * loads the demo election and seeds it once. The one public surface of this
 * folder (CONVENTIONS.md §1).
 */
export { DemoClient, SeedError, type SeedErrorCode } from './client.ts';
export { type DonorSeedReport, demoDonor, seedDonors } from './donors.ts';
export { DemoOfficers, demoToken, type Officer } from './officers.ts';
export { type DemoPhoto, formPhoto } from './photo.ts';
export {
  DEMO_PROVINCE,
  DEMO_TPS,
  type Misreading,
  misread,
  scriptFor,
  type TpsScript,
  tpsInOrder,
} from './plan.ts';
export {
  type ContestTotals,
  type SeedCorrection,
  type SeedOptions,
  type SeedProgress,
  type SeedReport,
  seedDemo,
} from './seed.ts';
export {
  DEMO_ELECTION_SEED,
  type DemoSeeding,
  type DemoSeedSize,
  defaultDemoTps,
  loadDemoElection,
  startDemoSeeding,
} from './startup.ts';
export { type FormStep, formSteps, isCounted, type SeenVersion, trueForm } from './steps.ts';
export { summaryLines } from './summary.ts';
export { DEMO_VOTER_KECAMATAN, demoVoter, seedVoters, type VoterSeedReport } from './voters.ts';
