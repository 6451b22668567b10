/**
 * The pre-signed writes (`saksi loadtest fixtures --out FILE`), loaded once and
 * shared read-only by every VU (SharedArray: one copy in memory, not one per VU;
 * https://grafana.com/docs/k6/latest/javascript-api/k6-data/sharedarray/).
 * The shape is loadtest/driver/fixtures.ts FixtureFile; this file cannot import
 * it (the driver uses Node), so it declares what the scripts read.
 */
import { SharedArray } from 'k6/data';

export interface Step {
  stage: 'read' | 'verified' | 'corrected';
  seq: number;
  path: string;
  role: string;
  area: string;
  body: Record<string, unknown>;
  idempotencyKey: string;
}

export interface Chain {
  tps: string;
  contest: string;
  photo: { sha256: string; base64: string; mediaType: string } | null;
  steps: Step[];
}

interface File {
  format: string;
  officers: { role: string; area: string }[];
  chains: Chain[];
}

const PATH = __ENV.FIXTURES ?? 'fixtures.json';

function load(): File {
  const f = JSON.parse(open(PATH)) as File;
  if (f.format !== 'saksi-loadtest-fixtures/1')
    throw new Error(`${PATH} is not a saksi loadtest fixtures file (format ${f.format})`);
  return f;
}

export const chains: Chain[] = new SharedArray('chains', () => load().chains) as unknown as Chain[];
export const officers: { role: string; area: string }[] = new SharedArray(
  'officers',
  () => load().officers,
) as unknown as { role: string; area: string }[];
