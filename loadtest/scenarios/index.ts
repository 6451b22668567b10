/**
 * The load scenarios, defined once for the k6 scripts and the Node driver
 * (issue #14). No Node built-ins here: k6 imports this folder as is.
 */
export { SCENARIOS, ScenarioError, scenario, typesOf } from './catalogue.ts';
export {
  evaluate,
  type RunFigures,
  type ThresholdResult,
  type TypeFigures,
} from './evaluate.ts';
export { k6Thresholds, picker, seeded } from './pick.ts';
export {
  type LatencyLimit,
  type Load,
  REQUEST_TYPES,
  type RequestType,
  type Scenario,
  type Thresholds,
  WRITE_TYPES,
} from './types.ts';
export { demoVoterIdentity, selfCheckRequest, UNREGISTERED_SHARE } from './voters.ts';
