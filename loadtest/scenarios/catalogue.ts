/**
 * The scenarios KPU IT rehearses before each stage, with their mixes, rates and
 * thresholds. The figures that follow from DOMAIN.md are stated where they are
 * set; the rates are what one staging deployment must hold, the capacity model
 * (docs/loadtest.md) scales them to the national peak.
 */
import type { RequestType, Scenario, Thresholds } from './types.ts';

/** Writes must answer within 1 s at p99 even on election night (2024: uploads timed out). */
const WRITE_LATENCY = {
  login: { p95: 1_500, p99: 3_000 },
  photo: { p95: 300, p99: 800 },
  form: { p95: 500, p99: 1_000 },
  retry: { p95: 300, p99: 800 },
  correction: { p95: 500, p99: 1_000 },
} satisfies Partial<Thresholds['latency']>;

/** Observer reads are served from tiles and caches: a tenth of a second at p95. */
const READ_LATENCY = {
  checkpoint: { p95: 50, p99: 150 },
  tile: { p95: 50, p99: 150 },
  entries: { p95: 80, p99: 200 },
  inclusion: { p95: 100, p99: 250 },
  consistency: { p95: 100, p99: 250 },
  results: { p95: 150, p99: 400 },
  'results-proof': { p95: 150, p99: 400 },
  export: { p95: 1_000, p99: 2_500 },
} satisfies Partial<Thresholds['latency']>;

const SELF_CHECK_LATENCY = { 'self-check': { p95: 300, p99: 800 } };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'smoke',
    description:
      'A few seconds of every request type the deployment serves, at a walking pace: proves the scenario machinery, the signatures and the log verification work before a real run (and runs in CI).',
    mix: {
      login: 1,
      photo: 2,
      form: 6,
      retry: 1,
      correction: 1,
      checkpoint: 3,
      tile: 2,
      entries: 2,
      inclusion: 2,
      consistency: 1,
      results: 2,
      'results-proof': 1,
      export: 1,
    },
    load: { model: 'closed', rate: 20, vus: 4, durationS: 5, rampS: 0 },
    // Generous: a CI machine is shared; smoke proves correctness, not speed.
    thresholds: {
      errorRate: 0.01,
      latency: Object.fromEntries(
        Object.keys({ ...WRITE_LATENCY, ...READ_LATENCY }).map((t) => [
          t,
          { p95: 5_000, p99: 10_000 },
        ]),
      ) as Thresholds['latency'],
      minThroughput: 1,
      lostWrites: 0,
    },
    enabled: true,
  },
  {
    name: 'election-night',
    description:
      'KPPS devices submitting signed C.Hasil forms in the hours after polls close (DOMAIN.md: 4.1 million forms; 2024: uploads failed from the afternoon on): photo first, the form signed by the device, retries with the same Idempotency-Key when an answer is lost, PPK corrections, officers logging in as shifts change.',
    mix: { login: 1, photo: 10, form: 30, retry: 3, correction: 2, checkpoint: 2 },
    load: { model: 'open', rate: 200, vus: 256, durationS: 300, rampS: 30 },
    thresholds: {
      errorRate: 0.001,
      latency: { ...WRITE_LATENCY, checkpoint: READ_LATENCY.checkpoint },
      minThroughput: 150,
      lostWrites: 0,
    },
    enabled: true,
  },
  {
    name: 'observers',
    description:
      'A crowd of observers and the public portal: checkpoint polling, hash tiles and entry bundles (log mirrors), inclusion and consistency proofs, results pages, TPS-to-nation proofs and CSV exports (DOMAIN.md: tens of millions of reads on the night).',
    mix: {
      checkpoint: 20,
      tile: 25,
      entries: 10,
      inclusion: 10,
      consistency: 5,
      results: 20,
      'results-proof': 8,
      export: 2,
    },
    load: { model: 'open', rate: 500, vus: 256, durationS: 300, rampS: 30 },
    thresholds: { errorRate: 0.001, latency: READ_LATENCY, minThroughput: 400, lostWrites: 0 },
    enabled: true,
  },
  {
    name: 'voter-check',
    description:
      'The self-check spike of election morning: voters checking their own register record with its proof (2024: the voter-lookup site went down).',
    mix: { 'self-check': 18, checkpoint: 1, inclusion: 1 },
    load: { model: 'open', rate: 1_000, vus: 512, durationS: 300, rampS: 60 },
    thresholds: {
      errorRate: 0.001,
      latency: {
        ...SELF_CHECK_LATENCY,
        checkpoint: READ_LATENCY.checkpoint,
        inclusion: READ_LATENCY.inclusion,
      },
      minThroughput: 800,
      lostWrites: 0,
    },
    // The load generator is one source: the server under test needs the
    // per-source limit raised (SAKSI_RATE_SELF_CHECK; docs/loadtest.md).
    enabled: true,
    needs:
      'demo voters registered (saksi demo seed --voters N; the Node driver seeds them) and SAKSI_RATE_SELF_CHECK raised on the server under test',
  },
  {
    name: 'mixed',
    description:
      'Election night as it is: devices writing while observers read what they wrote, at the ratio of the night (about one write for every five reads).',
    mix: {
      login: 1,
      photo: 5,
      form: 15,
      retry: 1,
      correction: 1,
      checkpoint: 20,
      tile: 20,
      entries: 8,
      inclusion: 8,
      consistency: 4,
      results: 14,
      'results-proof': 5,
      export: 1,
    },
    load: { model: 'open', rate: 300, vus: 256, durationS: 300, rampS: 30 },
    thresholds: {
      errorRate: 0.001,
      latency: { ...WRITE_LATENCY, ...READ_LATENCY },
      minThroughput: 250,
      lostWrites: 0,
    },
    enabled: true,
  },
];

export class ScenarioError extends Error {
  readonly code = 'UNKNOWN_SCENARIO';
}

/** The scenario of that name; a disabled one is refused with what it needs. */
export function scenario(name: string, opts: { allowDisabled?: boolean } = {}): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s)
    throw new ScenarioError(
      `no scenario ${JSON.stringify(name)}; known: ${SCENARIOS.map((x) => x.name).join(', ')}`,
    );
  if (!s.enabled && !opts.allowDisabled)
    throw new ScenarioError(`scenario ${name} is disabled: it needs ${s.needs ?? 'more'}`);
  return s;
}

/** The request types a scenario sends, heaviest first. */
export function typesOf(s: Scenario): RequestType[] {
  return (Object.entries(s.mix) as [RequestType, number][])
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([t]) => t);
}
