import { describe, expect, it } from 'vitest';
import { type Calibration, capacityModel, STAGE_PEAKS, TARGET_UTILISATION } from './capacity.ts';

describe('the capacity model', () => {
  const cal: Calibration[] = [
    {
      operation: 'write',
      requests: 100,
      seconds: 1,
      cpuPerRequest: { api: 0.002, recap: 0.0005, postgres: 0.001 },
    },
    {
      operation: 'proof',
      requests: 100,
      seconds: 1,
      cpuPerRequest: { api: 0.0004, recap: 0, postgres: 0.0001 },
    },
  ];

  it('turns CPU per request into cores at the target utilisation, per stage peak', () => {
    const [night, observers, selfCheck] = capacityModel(cal);
    // 4,600 forms/s × 2 ms ÷ 0.6 = 15.3 API cores; 4 cores a node → 4 nodes.
    expect(night!.cores.api).toBeCloseTo((4_600 * 0.002) / TARGET_UTILISATION, 1);
    expect(night!.cores.postgres).toBeCloseTo((4_600 * 0.001) / TARGET_UTILISATION, 1);
    expect(night!.apiNodes).toBe(4);
    // Operations not calibrated (tiles, results proofs) add nothing; proofs do.
    expect(observers!.cores.api).toBeCloseTo((1_750 * 0.0004) / TARGET_UTILISATION, 1);
    expect(selfCheck!.cores.api).toBeCloseTo((4_300 * 0.0004) / TARGET_UTILISATION, 1);
    // Never fewer than two API nodes: one may fail.
    expect(observers!.apiNodes).toBe(2);
  });

  it('states why each peak is what it is', () => {
    for (const p of STAGE_PEAKS) expect(p.why.length).toBeGreaterThan(20);
  });
});
