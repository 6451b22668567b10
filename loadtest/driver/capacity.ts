/**
 * The capacity model: CPU per operation measured in a run, turned into the
 * cores a stage's peak needs (issue #14). Pure arithmetic, so that the figures
 * in docs/loadtest.md can be recomputed from a results.json by hand.
 *
 *   cores(group) = Σ over operations of peak rate × CPU seconds per operation
 *                  ÷ target utilisation
 *
 * Utilisation stays at 60 %: headroom for GC pauses, a node lost (N + 1) and
 * the spikes a one-hour average hides.
 */
import type { ProcessGroup } from './cpu.ts';

/** The operations calibrated one at a time, each with the request type that exercises it. */
export const OPERATIONS = {
  write: 'correction',
  proof: 'inclusion',
  tile: 'tile',
  'results-proof': 'results-proof',
} as const;
export type Operation = keyof typeof OPERATIONS;

export interface Calibration {
  operation: Operation;
  requests: number;
  seconds: number;
  /** CPU seconds per request, per process group. */
  cpuPerRequest: Record<ProcessGroup, number>;
}

/**
 * The stage peaks, from DOMAIN.md's 2024 scale, as rates per second. Where
 * DOMAIN.md gives totals, the assumption that makes them rates is stated.
 */
export const STAGE_PEAKS: readonly {
  stage: string;
  why: string;
  rates: Partial<Record<Operation, number>>;
}[] = [
  {
    stage: 'election night: forms',
    why: '4.1 million C.Hasil forms (DOMAIN.md) in 15 minutes of peak arrival (bench:results target 4,600/s)',
    rates: { write: 4_600 },
  },
  {
    stage: 'election night: observers',
    why: 'tens of millions of reads (DOMAIN.md): 50 million in the 6 hours after polls close, peak hour 3× the mean ≈ 7,000/s, split tiles 60 %, proofs 25 %, results proofs 15 %',
    rates: { tile: 4_200, proof: 1_750, 'results-proof': 1_050 },
  },
  {
    stage: 'election morning: self-check',
    why: '204.8 million voters; 5 % check in the 2 morning hours, peak 3× ≈ 4,300/s; costed as inclusion proofs until the voter register is deployed',
    rates: { proof: 4_300 },
  },
];

export const TARGET_UTILISATION = 0.6;
/** Cores of one API node (a pod's CPU limit in infra/). */
export const CORES_PER_API_NODE = 4;

export interface StageCapacity {
  stage: string;
  why: string;
  cores: Record<ProcessGroup, number>;
  apiNodes: number;
}

export function capacityModel(cal: readonly Calibration[]): StageCapacity[] {
  const per = new Map(cal.map((c) => [c.operation, c.cpuPerRequest]));
  return STAGE_PEAKS.map((p) => {
    const cores: Record<ProcessGroup, number> = { api: 0, recap: 0, postgres: 0 };
    for (const [op, rate] of Object.entries(p.rates) as [Operation, number][]) {
      const cpu = per.get(op);
      if (!cpu) continue;
      for (const g of Object.keys(cores) as ProcessGroup[])
        cores[g] += (rate * cpu[g]) / TARGET_UTILISATION;
    }
    for (const g of Object.keys(cores) as ProcessGroup[]) cores[g] = Math.round(cores[g] * 10) / 10;
    return {
      stage: p.stage,
      why: p.why,
      cores,
      apiNodes: Math.max(2, Math.ceil(cores.api / CORES_PER_API_NODE)),
    };
  });
}
