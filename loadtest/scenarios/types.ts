/**
 * The vocabulary of a load scenario: the request types both drivers send, and
 * what a scenario states about them. Plain TypeScript with no Node built-ins and
 * no imports, so that k6 scripts (loadtest/k6/) and the Node driver
 * (loadtest/driver/) read the same definitions (issue #14: "defined once").
 */

/**
 * Every request type a scenario may send. Writes are what KPPS devices and
 * officers do on election night; reads are what observers and the portal do.
 */
export const REQUEST_TYPES = [
  /** POST /v1/demo/token (or /v1/auth/login on a non-demo deployment): an officer logs in. */
  'login',
  /** PUT /v1/photos/<sha256>?tps=T: the C.Hasil photo, before the form that cites it. */
  'photo',
  /** POST /v1/results/forms[/read]: a device-signed count form (machine reading, then verified). */
  'form',
  /** The same form again with the same Idempotency-Key: a device retrying after a lost answer. */
  'retry',
  /** POST /v1/results/forms/corrections: a PPK's signed correction. */
  'correction',
  /** GET /log/checkpoint: observers polling the log. */
  'checkpoint',
  /** GET /log/tile/<L>/<N>: a hash tile. */
  'tile',
  /** GET /log/tile/entries/<N>: an entry bundle. */
  'entries',
  /** GET /v1/proofs/inclusion. */
  'inclusion',
  /** GET /v1/proofs/consistency. */
  'consistency',
  /** GET /v1/results/<contest>/areas/<area> or …/tps/<tps>: results pages. */
  'results',
  /** GET /v1/results/<contest>/proof/<tps>: a TPS-to-nation proof. */
  'results-proof',
  /** GET /v1/results/<contest>/export.csv. */
  'export',
  /** POST /v1/voters/self-check: a voter checking their own record (voter register). */
  'self-check',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const WRITE_TYPES: readonly RequestType[] = [
  'login',
  'photo',
  'form',
  'retry',
  'correction',
];

/** Latency limits for one request type, in milliseconds. */
export interface LatencyLimit {
  p95: number;
  p99: number;
}

export interface Thresholds {
  /** Largest share of failed requests (status ≥ 400 other than expected, or no answer). */
  errorRate: number;
  /** Per request type; a type the scenario sends but that is not listed has no limit. */
  latency: Partial<Record<RequestType, LatencyLimit>>;
  /** Smallest sustained throughput over the whole run, requests per second. */
  minThroughput: number;
  /** Receipts (201) not found integrated in the log; always 0 (issue #14). */
  lostWrites: 0;
}

/**
 * How load is offered. Open: requests arrive at `rate` per second whatever the
 * answers do (k6 constant-arrival-rate) — the election-night reality, where a
 * slow server does not slow the devices down. Closed: `vus` virtual users each
 * send the next request when the last one answered (k6 constant-vus).
 */
export interface Load {
  model: 'open' | 'closed';
  /** Open model: requests per second offered. */
  rate: number;
  /** Closed model: virtual users; open model: most requests in flight. */
  vus: number;
  /** Seconds of load after the ramp. */
  durationS: number;
  /** Seconds of ramping up from zero (k6 ramping-arrival-rate / ramping-vus stages). */
  rampS: number;
}

export interface Scenario {
  name: string;
  /** One paragraph: who this load is, and which failure of 2024 it rehearses. */
  description: string;
  /** Relative weights of the request types sent; zero or absent: never sent. */
  mix: Partial<Record<RequestType, number>>;
  load: Load;
  thresholds: Thresholds;
  /**
   * False while what the scenario needs is not deployed; `needs` says what. A
   * disabled scenario is listed but neither driver runs it.
   */
  enabled: boolean;
  needs?: string;
}
