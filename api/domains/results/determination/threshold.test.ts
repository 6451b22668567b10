/**
 * The DPR threshold, UU 7/2017 Art. 414(1): ≥ 4 % of national valid votes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeterminationError } from './errors.ts';
import { DPR_2024 } from './results-2024.fixture.ts';
import { dprEligibleParties } from './threshold.ts';

describe('DPR 2024 (public national figures)', () => {
  const r = dprEligibleParties(DPR_2024);

  it('adds up to the published 151,796,631 valid votes; 4 % is 6,071,866 votes', () => {
    expect(r.totalValidVotes).toBe(151_796_631);
    // 151,796,631 × 0.04 = 6,071,865.24 → at least 6,071,866 (DOMAIN.md: 6.07 m).
    expect(r.minimumVotes).toBe(6_071_866);
  });

  it('admits the eight parties of the 2024–2029 DPR and excludes PPP at 3.87 %', () => {
    expect(r.eligible).toEqual([
      'PKB',
      'Gerindra',
      'PDI-P',
      'Golkar',
      'NasDem',
      'PKS',
      'PAN',
      'Demokrat',
    ]);
    expect(r.parties.find((p) => p.party === 'PPP')).toEqual({
      party: 'PPP',
      votes: 5_878_777,
      eligible: false,
    });
  });
});

describe('threshold semantics', () => {
  const two = (a: number, b: number) => [
    { party: 'A', votes: a },
    { party: 'B', votes: b },
  ];

  it('is inclusive: exactly 4.00 % is enough, one vote less is not', () => {
    expect(dprEligibleParties(two(40, 960)).eligible).toEqual(['A', 'B']);
    expect(dprEligibleParties(two(39, 961)).eligible).toEqual(['B']);
    // 40 of 1001 is 3.996 %: not enough, although it rounds to 4.00 %.
    expect(dprEligibleParties(two(40, 961)).eligible).toEqual(['B']);
  });

  it('takes other thresholds, e.g. 3.5 % (2014) and 2.5 % (2009)', () => {
    expect(dprEligibleParties(DPR_2024, 3.5).eligible).toContain('PPP');
    expect(dprEligibleParties(DPR_2024, 2.5).eligible).toContain('PSI');
    expect(dprEligibleParties(two(35, 965), 3.5).minimumVotes).toBe(35);
    expect(dprEligibleParties(two(1, 999), 0).eligible).toEqual(['A', 'B']);
  });

  it('refuses a threshold it would have to round, and a count that is not a count', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as DeterminationError).code;
      }
      return 'no error';
    };
    for (const bad of [-1, 100.01, Number.NaN, Number.POSITIVE_INFINITY, 4.001, '4', null]) {
      expect(code(() => dprEligibleParties(two(1, 1), bad as never))).toBe('INVALID_THRESHOLD');
    }
    expect(code(() => dprEligibleParties(two(0, 0)))).toBe('NO_VOTES');
    expect(code(() => dprEligibleParties(two(-5, 10)))).toBe('INVALID_VOTES');
    expect(code(() => dprEligibleParties([]))).toBe('NO_VOTES');
  });

  it('matches the exact inequality 25·votes ≥ total and is monotone in the threshold', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.nat({ max: 2 ** 40 }), { minLength: 1, maxLength: 20 })
          .filter((v) => v.some((x) => x > 0)),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (votes, bp1, bp2) => {
          const rows = votes.map((v, i) => ({ party: `P${i}`, votes: v }));
          const total = votes.reduce((s, v) => s + v, 0);
          const four = dprEligibleParties(rows);
          four.parties.forEach((p) => {
            expect(p.eligible).toBe(25n * BigInt(p.votes) >= BigInt(total));
            expect(p.eligible).toBe(p.votes >= four.minimumVotes);
          });
          const [lo, hi] = [Math.min(bp1, bp2) / 100, Math.max(bp1, bp2) / 100];
          const loSet = new Set(dprEligibleParties(rows, lo).eligible);
          for (const p of dprEligibleParties(rows, hi).eligible) expect(loSet.has(p)).toBe(true);
        },
      ),
    );
  });
});
