/**
 * k6 run of the `smoke` scenario (loadtest/scenarios/catalogue.ts), README.md:
 *
 *   k6 run -e BASE_URL=https://staging.example -e FIXTURES=fixtures.json loadtest/k6/smoke.ts
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

const S = scenario('smoke');

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
