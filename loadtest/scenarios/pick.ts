/**
 * Choosing the next request by the scenario's weights, and how the scenario's
 * thresholds read in k6's threshold syntax — the same choice in both drivers.
 */
import { typesOf } from './catalogue.ts';
import type { RequestType, Scenario } from './types.ts';

/** A picker for `s`'s mix: `u` uniform in [0, 1) → a request type. */
export function picker(s: Scenario): (u: number) => RequestType {
  const types = typesOf(s);
  if (types.length === 0) throw new Error(`scenario ${s.name} sends nothing`);
  const total = types.reduce((a, t) => a + (s.mix[t] ?? 0), 0);
  const edges: number[] = [];
  let acc = 0;
  for (const t of types) {
    acc += (s.mix[t] ?? 0) / total;
    edges.push(acc);
  }
  return (u) => {
    for (let i = 0; i < edges.length; i++) if (u < edges[i]!) return types[i]!;
    // u rounds to the last edge (1 − ε summed): the last type.
    return types[types.length - 1]!;
  };
}

/** A small deterministic generator (mulberry32), so a seed replays the same mix. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The scenario's thresholds as k6 `options.thresholds`: k6's built-in
 * `http_req_failed` and `http_reqs`, and `http_req_duration` per request type
 * through the `type` tag every request of the scripts carries
 * (https://grafana.com/docs/k6/latest/using-k6/thresholds/).
 */
export function k6Thresholds(s: Scenario): Record<string, string[]> {
  const out: Record<string, string[]> = {
    http_req_failed: [`rate<${s.thresholds.errorRate}`],
    http_reqs: [`rate>=${s.thresholds.minThroughput}`],
    lost_writes: ['count<1'],
  };
  for (const t of typesOf(s)) {
    const l = s.thresholds.latency[t];
    if (l) out[`http_req_duration{type:${t}}`] = [`p(95)<${l.p95}`, `p(99)<${l.p99}`];
  }
  return out;
}
