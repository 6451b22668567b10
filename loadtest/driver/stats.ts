/**
 * What a run measured: every answer's latency per request type, and per second
 * of the run the requests, errors and latencies (the charts over time).
 */
import type { RequestType, TypeFigures } from '../scenarios/index.ts';

export interface TypeResult extends TypeFigures {
  p50: number;
  /** Requests answered in each second of the run (index = second). */
  throughput: number[];
}

export interface SecondResult {
  t: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

export class Recorder {
  readonly #byType = new Map<RequestType, { ms: number[]; errors: number; perSecond: number[] }>();
  readonly #seconds: { ms: number[]; errors: number }[] = [];

  constructor(private readonly t0: number) {}

  record(type: RequestType, ms: number, ok: boolean, at: number = performance.now()): void {
    let t = this.#byType.get(type);
    if (!t) {
      t = { ms: [], errors: 0, perSecond: [] };
      this.#byType.set(type, t);
    }
    const s = Math.max(0, Math.floor((at - this.t0) / 1000));
    t.ms.push(ms);
    if (!ok) t.errors++;
    t.perSecond[s] = (t.perSecond[s] ?? 0) + 1;
    while (this.#seconds.length <= s) this.#seconds.push({ ms: [], errors: 0 });
    this.#seconds[s]!.ms.push(ms);
    if (!ok) this.#seconds[s]!.errors++;
  }

  get requests(): number {
    let n = 0;
    for (const t of this.#byType.values()) n += t.ms.length;
    return n;
  }

  get errors(): number {
    let n = 0;
    for (const t of this.#byType.values()) n += t.errors;
    return n;
  }

  /** p99 of every answer so far. */
  p99(): number {
    return round(quantile(this.#all(), 0.99));
  }

  #all(): number[] {
    return [...this.#byType.values()].flatMap((t) => t.ms).sort((a, b) => a - b);
  }

  byType(): Partial<Record<RequestType, TypeResult>> {
    const out: Partial<Record<RequestType, TypeResult>> = {};
    const seconds = this.#seconds.length;
    for (const [type, t] of this.#byType) {
      const sorted = [...t.ms].sort((a, b) => a - b);
      out[type] = {
        count: sorted.length,
        errors: t.errors,
        p50: round(quantile(sorted, 0.5)),
        p95: round(quantile(sorted, 0.95)),
        p99: round(quantile(sorted, 0.99)),
        throughput: Array.from({ length: seconds }, (_, i) => t.perSecond[i] ?? 0),
      };
    }
    return out;
  }

  timeline(): SecondResult[] {
    return this.#seconds.map((s, t) => {
      const sorted = [...s.ms].sort((a, b) => a - b);
      return {
        t,
        requests: sorted.length,
        errors: s.errors,
        p50: round(quantile(sorted, 0.5)),
        p99: round(quantile(sorted, 0.99)),
      };
    });
  }
}
