/**
 * A dapil's seats: DPR among threshold-eligible parties only, DPRD among all.
 * The dapil figures are constructed (no per-dapil public data is reproduced
 * here); the national eligibility is the real 2024 one (threshold.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { allocateDprDapil, allocateDprdDapil } from './dapil.ts';
import { DeterminationError } from './errors.ts';
import { DPR_2024 } from './results-2024.fixture.ts';
import { dprEligibleParties } from './threshold.ts';

const eligibility = dprEligibleParties(DPR_2024);

/** A constructed 6-seat dapil in which PPP is locally strong. */
const dapil = [
  { party: 'PDI-P', votes: 300_000, ballotNumber: 3 },
  { party: 'Golkar', votes: 240_000, ballotNumber: 4 },
  { party: 'PPP', votes: 200_000, ballotNumber: 17 },
  { party: 'Gerindra', votes: 150_000, ballotNumber: 2 },
  { party: 'PKB', votes: 90_000, ballotNumber: 1 },
  { party: 'PSI', votes: 10_000, ballotNumber: 15 },
];

describe('DPR dapil', () => {
  it('leaves a party below the national threshold out, however strong locally', () => {
    // Without PPP: PDI-P 300000, Golkar 240000, Gerindra 150000, PDI-P 100000,
    // PKB 90000, Golkar 80000 → PDI-P 2, Golkar 2, Gerindra 1, PKB 1.
    const r = allocateDprDapil(dapil, 6, eligibility);
    expect(r.excluded).toEqual(['PPP', 'PSI']);
    expect(Object.fromEntries(r.allocation.map((a) => [a.party, a.seats]))).toEqual({
      'PDI-P': 2,
      Golkar: 2,
      Gerindra: 1,
      PKB: 1,
    });
  });

  it('the same votes in a DPRD dapil give PPP seats: no threshold (Art. 414(2))', () => {
    // 300000 PDI-P, 240000 Golkar, 200000 PPP, 150000 Gerindra, 100000 PDI-P,
    // 90000 PKB → PDI-P 2, Golkar 1, PPP 1, Gerindra 1, PKB 1.
    const r = allocateDprdDapil(dapil, 6);
    expect(r.excluded).toEqual([]);
    expect(Object.fromEntries(r.allocation.map((a) => [a.party, a.seats]))).toEqual({
      'PDI-P': 2,
      Golkar: 1,
      PPP: 1,
      Gerindra: 1,
      PKB: 1,
      PSI: 0,
    });
  });

  it('accepts the national ballot order as tie order', () => {
    const tied = [
      { party: 'PKB', votes: 1_000 },
      { party: 'Golkar', votes: 1_000 },
      { party: 'NasDem', votes: 1_000 },
      { party: 'PPP', votes: 5_000 },
    ];
    const order = DPR_2024.map((p) => p.party).reverse();
    const r = allocateDprDapil(tied, 3, eligibility, { tieOrder: order });
    expect(r.awards.map((a) => a.party)).toEqual(['NasDem', 'Golkar', 'PKB']);
    expect(r.awards[0]?.tie?.decidedBy).toBe('tie-order');
  });

  it('refuses seat counts outside the dapil ranges, unknown parties and bad tie orders', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DeterminationError);
        return (e as DeterminationError).code;
      }
      return 'no error';
    };
    expect(code(() => allocateDprDapil(dapil, 2, eligibility))).toBe('INVALID_SEATS');
    expect(code(() => allocateDprDapil(dapil, 11, eligibility))).toBe('INVALID_SEATS');
    expect(code(() => allocateDprdDapil(dapil, 13))).toBe('INVALID_SEATS');
    expect(allocateDprdDapil(dapil, 12).allocation.reduce((s, a) => s + a.seats, 0)).toBe(12);
    expect(
      code(() => allocateDprDapil([...dapil, { party: 'Nobody', votes: 1 }], 6, eligibility)),
    ).toBe('UNKNOWN_PARTY');
    expect(code(() => allocateDprDapil(dapil, 6, eligibility, { tieOrder: [1] as never }))).toBe(
      'INVALID_TIE_ORDER',
    );
    expect(code(() => allocateDprDapil(dapil, 6, eligibility, { tieOrder: ['PKB'] }))).toBe(
      'INVALID_TIE_ORDER',
    );
    expect(code(() => allocateDprDapil([{ party: 'PPP', votes: 9 }], 3, eligibility))).toBe(
      'NO_VOTES',
    );
  });
});
