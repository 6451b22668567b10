/**
 * The Node load driver behind `saksi loadtest` (issue #14, CONTRACT.md): the
 * one public surface of this folder.
 */
export {
  type Calibration,
  capacityModel,
  OPERATIONS,
  STAGE_PEAKS,
  type StageCapacity,
} from './capacity.ts';
export { apiWorkers, type ChaosKill, chaosPlan, sequencerPid } from './chaos.ts';
export { CpuSampler, type ProcessGroup } from './cpu.ts';
export { buildFixtures, type FixtureFile, type FixtureOptions } from './fixtures.ts';
export { type LogReport, LogWatcher } from './log-check.ts';
export { lineChart, reportHtml } from './report.ts';
export { type Results, type RunOptions, runLoad } from './run.ts';
export { type SideBySide, type SideFigures, sideBySide } from './side-by-side.ts';
export { quantile, Recorder } from './stats.ts';
