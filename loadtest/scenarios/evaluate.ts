/**
 * Judging a finished run against its scenario's thresholds: the Node driver's
 * equivalent of k6's threshold evaluation, a pure function of the figures.
 */
import type { RequestType, Scenario } from './types.ts';

/** What a run measured for one request type. */
export interface TypeFigures {
  count: number;
  errors: number;
  p95: number;
  p99: number;
}

export interface RunFigures {
  byType: Partial<Record<RequestType, TypeFigures>>;
  requests: number;
  errors: number;
  /** Requests over the seconds of load. */
  throughput: number;
  lostWrites: number;
}

export interface ThresholdResult {
  /** k6-like name, e.g. `http_req_duration{type:form} p(95)<500`. */
  name: string;
  limit: number;
  actual: number;
  passed: boolean;
}

export function evaluate(s: Scenario, f: RunFigures): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  const errorRate = f.requests === 0 ? 1 : f.errors / f.requests;
  out.push({
    name: `http_req_failed rate<${s.thresholds.errorRate}`,
    limit: s.thresholds.errorRate,
    actual: errorRate,
    // A run with no requests proves nothing: it fails.
    passed: f.requests > 0 && errorRate <= s.thresholds.errorRate,
  });
  out.push({
    name: `http_reqs rate>=${s.thresholds.minThroughput}`,
    limit: s.thresholds.minThroughput,
    actual: f.throughput,
    passed: f.throughput >= s.thresholds.minThroughput,
  });
  out.push({
    name: 'lost_writes count<1',
    limit: 0,
    actual: f.lostWrites,
    passed: f.lostWrites === 0,
  });
  for (const [type, limit] of Object.entries(s.thresholds.latency) as [
    RequestType,
    { p95: number; p99: number },
  ][]) {
    const got = f.byType[type];
    // A type this run did not send (too short to draw it) is not judged.
    if (!got || got.count === 0) continue;
    out.push({
      name: `http_req_duration{type:${type}} p(95)<${limit.p95}`,
      limit: limit.p95,
      actual: got.p95,
      passed: got.p95 < limit.p95,
    });
    out.push({
      name: `http_req_duration{type:${type}} p(99)<${limit.p99}`,
      limit: limit.p99,
      actual: got.p99,
      passed: got.p99 < limit.p99,
    });
  }
  return out;
}
