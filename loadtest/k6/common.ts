/**
 * What every k6 script shares: the options built from a scenario of
 * loadtest/scenarios/ (two k6 scenarios, `writes` and `reads`, at the rates of
 * its mix), the requests of each type tagged `type:<request type>` so that the
 * per-type thresholds apply, and the lost-write check.
 *
 * Writes take the pre-signed versions in order: write iteration k of the test
 * sends version k ÷ C of chain k mod C (C chains), so every version follows the
 * one before it by C iterations. Size the fixtures so that C exceeds the write
 * rate times the slowest write's seconds (README.md): otherwise a version can
 * overtake the one before it and is refused (409, counted as an error).
 */
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  k6Thresholds,
  type RequestType,
  type Scenario,
  selfCheckRequest,
  WRITE_TYPES,
} from '../scenarios/index.ts';
import { chains, officers, type Step } from './fixtures.ts';

export const BASE = (__ENV.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const accepted = new Counter('writes_accepted');
const inHistory = new Counter('writes_in_history');
/** Self-checks answered 200 with the wrong `found` (a registered voter missing, or the reverse). */
const selfCheckWrong = new Counter('self_check_wrong');

type Res = RefinedResponse<ResponseType | undefined>;

const weight = (s: Scenario, types: readonly RequestType[]) =>
  types.reduce((a, t) => a + (s.mix[t] ?? 0), 0);
const READ_TYPES = (s: Scenario) =>
  (Object.keys(s.mix) as RequestType[]).filter(
    (t) => !WRITE_TYPES.includes(t) && (s.mix[t] ?? 0) > 0,
  );

/** k6 options for `s`: open model → ramping-arrival-rate, closed → ramping-vus. */
export function k6Options(s: Scenario): Options {
  const total = weight(s, Object.keys(s.mix) as RequestType[]);
  const share = {
    writes: weight(s, WRITE_TYPES) / total,
    reads: 1 - weight(s, WRITE_TYPES) / total,
  };
  const scenarios: NonNullable<Options['scenarios']> = {};
  for (const part of ['writes', 'reads'] as const) {
    if (share[part] <= 0) continue;
    const vus = Math.max(1, Math.round(s.load.vus * share[part]));
    const stages = [
      ...(s.load.rampS > 0 ? [{ duration: `${s.load.rampS}s`, target: 0 }] : []),
      { duration: `${s.load.durationS}s`, target: 0 },
    ];
    if (s.load.model === 'open') {
      const rate = Math.max(1, Math.round(s.load.rate * share[part]));
      scenarios[part] = {
        executor: 'ramping-arrival-rate',
        exec: part,
        startRate: s.load.rampS > 0 ? 0 : rate,
        timeUnit: '1s',
        preAllocatedVUs: vus,
        maxVUs: vus * 2,
        stages: stages.map((st) => ({ ...st, target: rate })),
      };
    } else {
      scenarios[part] = {
        executor: 'ramping-vus',
        exec: part,
        startVUs: s.load.rampS > 0 ? 0 : vus,
        stages: stages.map((st) => ({ ...st, target: vus })),
      };
    }
  }
  return { scenarios, thresholds: k6Thresholds(s), setupTimeout: '120s', teardownTimeout: '300s' };
}

export interface SetupData {
  tokens: Record<string, string>;
}

function demoToken(role: string, area: string): string {
  const r = http.post(`${BASE}/v1/demo/token`, JSON.stringify({ role, area }), {
    headers: { 'content-type': 'application/json' },
    tags: { type: 'login' },
  });
  if (r.status !== 200) throw new Error(`demo token ${role} ${area}: ${r.status} ${r.body}`);
  return (r.json() as { token: string }).token;
}

/** Logs every officer of the fixtures in (tokens live 15 minutes: keep runs shorter). */
export function setupRun(): SetupData {
  const tokens: Record<string, string> = {};
  for (const o of officers) tokens[`${o.role}:${o.area}`] = demoToken(o.role, o.area);
  return { tokens };
}

/** Tokens this VU fetched again (a `login` request), newer than setup's. */
const fresh: Record<string, string> = {};

function send(step: Step, token: string, type: RequestType): Res {
  return http.post(`${BASE}${step.path}`, JSON.stringify(step.body), {
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': step.idempotencyKey,
    },
    tags: { type },
    responseCallback: http.expectedStatuses(201),
  });
}

/** One write iteration: the next version of its chain (photo first), perhaps a retry or a login. */
export function writeIteration(s: Scenario, data: SetupData): void {
  const k = exec.scenario.iterationInTest;
  const chain = chains[k % chains.length]!;
  const step = chain.steps[Math.floor(k / chains.length)];
  if (!step) {
    exec.test.abort('the fixtures ran out of signed versions: sign more (--versions)');
    return;
  }
  const who = `${step.role}:${step.area}`;
  const writes = weight(s, ['form', 'correction']) || 1;
  if (Math.random() < (s.mix.login ?? 0) / writes) fresh[who] = demoToken(step.role, step.area);
  const token = fresh[who] ?? data.tokens[who]!;
  if (step.seq === chain.steps[0]!.seq && chain.photo) {
    http.put(
      `${BASE}/v1/photos/${chain.photo.sha256}?tps=${chain.tps}`,
      encoding.b64decode(chain.photo.base64),
      {
        headers: { 'content-type': chain.photo.mediaType, authorization: `Bearer ${token}` },
        tags: { type: 'photo' },
        responseCallback: http.expectedStatuses(200, 201),
      },
    );
  }
  const type: RequestType = step.stage === 'corrected' ? 'correction' : 'form';
  const r = send(step, token, type);
  if (r.status === 201) accepted.add(1);
  // A device whose answer was lost sends the same request again: the same receipt, nothing appended twice.
  if (r.status === 201 && Math.random() < (s.mix.retry ?? 0) / writes) send(step, token, 'retry');
}

/** The log's size from a checkpoint note (line 2, C2SP tlog-checkpoint). */
let size = 0;

function get(path: string, type: RequestType): Res {
  return http.get(`${BASE}${path}`, { tags: { type } });
}

const tileIndex = (n: number) => {
  let s = String(n % 1000).padStart(3, '0');
  for (let m = Math.floor(n / 1000); m > 0; m = Math.floor(m / 1000))
    s = `x${String(m % 1000).padStart(3, '0')}/${s}`;
  return s;
};

/** A level-0 tile or entry bundle holding entry `i` of a log of `size` (partial if the last). */
function tilePath(kind: '0' | 'entries', i: number): string {
  const n = Math.floor(i / 256);
  const width = Math.min(256, size - n * 256);
  return `/log/tile/${kind}/${tileIndex(n)}${width === 256 ? '' : `.p/${width}`}`;
}

/** One read iteration: a request type drawn from the scenario's reads by weight. */
export function readIteration(s: Scenario): void {
  if (size === 0) checkpoint();
  const types = READ_TYPES(s);
  let u = Math.random() * weight(s, types);
  let type = types[0]!;
  for (const t of types) {
    u -= s.mix[t] ?? 0;
    if (u < 0) {
      type = t;
      break;
    }
  }
  const i = Math.floor(Math.random() * size);
  const chain = chains[Math.floor(Math.random() * chains.length)]!;
  switch (type) {
    case 'checkpoint':
      checkpoint();
      break;
    case 'tile':
      get(tilePath('0', i), 'tile');
      break;
    case 'entries':
      get(tilePath('entries', i), 'entries');
      break;
    case 'inclusion':
      get(`/v1/proofs/inclusion?index=${i}&size=${size}`, 'inclusion');
      break;
    case 'consistency':
      get(`/v1/proofs/consistency?from=${Math.max(1, i)}&to=${size}`, 'consistency');
      break;
    case 'results':
      get(`/v1/results/${chain.contest}/tps/${chain.tps}`, 'results');
      break;
    case 'results-proof':
      get(`/v1/results/${chain.contest}/proof/${chain.tps}`, 'results-proof');
      break;
    case 'export':
      get(`/v1/results/${chain.contest}/export.csv?level=kelurahan`, 'export');
      break;
    case 'self-check':
      selfCheck();
      break;
    default:
      // Writes are sent by writeIteration, never drawn here.
      break;
  }
}

/** Demo voters registered before the run (`saksi demo seed --voters N`): VOTERS=N. */
const VOTERS = Number(__ENV.VOTERS ?? 1000);

/**
 * A voter checking their record: no token, a POST (the NIK never in a URL). A
 * registered demo voter must be found and an unregistered NIK must not; a
 * wrong answer counts as a failed request.
 */
function selfCheck(): void {
  const { body, registered } = selfCheckRequest(Math.random(), VOTERS);
  const r = http.post(`${BASE}/v1/voters/self-check`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json' },
    tags: { type: 'self-check' },
    responseCallback: http.expectedStatuses(200),
  });
  if (r.status === 200 && (r.json() as { found: boolean }).found !== registered)
    selfCheckWrong.add(1);
}

function checkpoint(): void {
  const r = get('/log/checkpoint', 'checkpoint');
  const n = Number(String(r.body ?? '').split('\n')[1]);
  if (Number.isSafeInteger(n) && n > size) size = n;
}

/**
 * After the run: this run's versions each chain's public history shows. A write
 * answered 201 but missing from its history is lost (handleSummary compares).
 */
export function teardownRun(): void {
  for (const c of chains) {
    const r = http.get(`${BASE}/v1/results/${c.contest}/tps/${c.tps}`, {
      tags: { type: 'results' },
    });
    if (r.status !== 200) continue;
    const versions = (r.json() as { versions: { seq: number }[] }).versions;
    inHistory.add(versions.filter((v) => v.seq >= c.steps[0]!.seq).length);
  }
}

interface SummaryData {
  metrics: Record<
    string,
    { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
}

/** results.json beside k6's own summary: the same `summary` fields as `saksi loadtest`. */
export function summarise(name: string, data: SummaryData): Record<string, string> {
  const m = data.metrics;
  const written = m.writes_accepted?.values.count ?? 0;
  const found = m.writes_in_history?.values.count ?? 0;
  const wrongSelfChecks = m.self_check_wrong?.values.count ?? 0;
  const thresholdsPassed = Object.values(m).every((x) =>
    Object.values(x.thresholds ?? {}).every((t) => t.ok),
  );
  const summary = {
    scenario: name,
    requests: m.http_reqs?.values.count ?? 0,
    errors:
      Math.round((m.http_req_failed?.values.rate ?? 0) * (m.http_reqs?.values.count ?? 0)) +
      wrongSelfChecks,
    lostWrites: Math.max(0, written - found),
    p99ms: m.http_req_duration?.values['p(99)'] ?? 0,
    thresholdsPassed: thresholdsPassed && written <= found && wrongSelfChecks === 0,
  };
  const text = `${JSON.stringify({ summary, metrics: m }, null, 2)}\n`;
  return {
    stdout: `\n${name}: ${summary.requests} requests, ${summary.errors} errors, ${summary.lostWrites} lost writes, p99 ${summary.p99ms.toFixed(1)} ms, thresholds ${summary.thresholdsPassed ? 'passed' : 'FAILED'}\n`,
    [__ENV.RESULTS ?? 'results.json']: text,
  };
}
