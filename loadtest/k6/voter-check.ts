/**
 * k6 run of the `voter-check` scenario (loadtest/scenarios/catalogue.ts): the
 * self-check spike of election morning, POST /v1/voters/self-check with no
 * token, for the demo voters registered first, README.md:
 *
 *   saksi demo seed --url https://staging.example --voters 1000
 *   k6 run -e BASE_URL=https://staging.example -e FIXTURES=fixtures.json -e VOTERS=1000 \
 *     loadtest/k6/voter-check.ts
 *
 * The staging server needs SAKSI_RATE_SELF_CHECK and SAKSI_BURST_SELF_CHECK
 * raised: the self-check is limited per source address, and k6 is one source.
 */
import { scenario } from '../scenarios/index.ts';
import {
  k6Options,
  readIteration,
  type SetupData,
  setupRun,
  summarise,
  teardownRun,
  writeIteration,
} from './common.ts';

const S = scenario('voter-check');

export const options = k6Options(S);

export function setup(): SetupData {
  return setupRun();
}

export function writes(data: SetupData): void {
  writeIteration(S, data);
}

export function reads(): void {
  readIteration(S);
}

export function teardown(): void {
  teardownRun();
}

export function handleSummary(data: Parameters<typeof summarise>[1]): Record<string, string> {
  return summarise(S.name, data);
}
