/** The example in README.md, as written there, with its stated results. */
import { describe, expect, it } from 'vitest';
import {
  allocateDprDapil,
  dprEligibleParties,
  electCandidates,
  formatTrace,
  presidentialResult,
} from './index.ts';

describe('README example', () => {
  it('runs as written in api/domains/results/determination/README.md', () => {
    const eligibility = dprEligibleParties([
      { party: 'A', votes: 5_300_000 },
      { party: 'B', votes: 2_400_000 },
      { party: 'C', votes: 2_000_000 },
      { party: 'D', votes: 300_000 }, // 3 % of 10,000,000: below the threshold
    ]);
    expect(eligibility.eligible).toEqual(['A', 'B', 'C']);

    const dapil = allocateDprDapil(
      [
        { party: 'A', votes: 53_000 },
        { party: 'B', votes: 24_000 },
        { party: 'C', votes: 23_000 },
        { party: 'D', votes: 30_000 },
      ],
      7,
      eligibility,
    );
    expect(dapil.excluded).toEqual(['D']);
    expect(formatTrace(dapil)).toEqual([
      'seat 1: A with 53000 / 1 = 53000.00',
      'seat 2: B with 24000 / 1 = 24000.00',
      'seat 3: C with 23000 / 1 = 23000.00',
      'seat 4: A with 53000 / 3 = 17666.67',
      'seat 5: A with 53000 / 5 = 10600.00',
      'seat 6: B with 24000 / 3 = 8000.00',
      'seat 7: C with 23000 / 3 = 7666.67',
      'next in line: A with 53000 / 7 = 7571.43',
      'result: A 3, B 2, C 2 (7 seats)',
    ]);

    const [a, b] = electCandidates(dapil.allocation, [
      {
        party: 'A',
        candidates: [
          { candidate: 'a1', listNumber: 1, votes: 9_000, blocked: 'LPPDK_MISSING' },
          { candidate: 'a2', listNumber: 2, votes: 12_000 },
          { candidate: 'a3', listNumber: 3, votes: 4_000 },
          { candidate: 'a4', listNumber: 4, votes: 4_000 },
        ],
      },
      { party: 'B', candidates: [{ candidate: 'b1', listNumber: 1, votes: 100 }] },
      {
        party: 'C',
        candidates: [
          { candidate: 'c1', listNumber: 1, votes: 700 },
          { candidate: 'c2', listNumber: 2, votes: 300 },
        ],
      },
    ]);
    expect(a?.elected).toEqual(['a2', 'a3', 'a4']);
    expect(b?.elected).toEqual(['b1']);
    expect(b?.unfilled).toBe(1);

    const president = presidentialResult(
      [
        { pair: 'P1', votes: 60 },
        { pair: 'P2', votes: 25 },
        { pair: 'P3', votes: 15 },
      ],
      [
        {
          province: '31',
          votes: [
            { pair: 'P1', votes: 60 },
            { pair: 'P2', votes: 25 },
            { pair: 'P3', votes: 15 },
          ],
        },
      ],
      { provinceCount: 1 },
    );
    expect(president.outcome).toBe('elected');
  });
});
