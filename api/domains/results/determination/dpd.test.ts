/**
 * DPD: the four with the most votes per province (UU 7/2017 Art. 423(1)); a tie
 * for fourth goes to the more even spread over the kab/kota (Art. 423(2)).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { electDpd } from './dpd.ts';
import { DeterminationError } from './errors.ts';

describe('electDpd', () => {
  const province = [
    { candidate: 'd1', votes: 120_000, ballotNumber: 1 },
    { candidate: 'd2', votes: 980_000, ballotNumber: 2 },
    { candidate: 'd3', votes: 310_000, ballotNumber: 3 },
    { candidate: 'd4', votes: 450_000, ballotNumber: 4 },
    { candidate: 'd5', votes: 300_000, ballotNumber: 5 },
    { candidate: 'd6', votes: 95_000, ballotNumber: 6 },
  ];

  it('elects the top four; the 5th–8th are next in rank', () => {
    const r = electDpd(province);
    expect(r.elected).toEqual(['d2', 'd4', 'd3', 'd5']);
    expect(r.ranking.slice(4).map((c) => c.candidate)).toEqual(['d1', 'd6']);
    expect(r.unfilled).toBe(0);
    expect(r.cutoffTie).toBeUndefined();
  });

  it('breaks a tie for fourth by spread, else by ballot number (check)', () => {
    const tied = province.map((c) => (c.candidate === 'd1' ? { ...c, votes: 300_000 } : c));
    expect(electDpd(tied).elected.at(-1)).toBe('d1');
    expect(electDpd(tied).cutoffTie).toEqual({
      candidates: ['d1', 'd5'],
      decidedBy: 'ballot-number',
    });
    // Kab/kota in which each candidate received votes (the measure is the caller's: check).
    const spread = tied.map((c) => ({ ...c, spread: [c.candidate === 'd5' ? 27 : 20] }));
    expect(electDpd(spread).elected.at(-1)).toBe('d5');
    expect(electDpd(spread).cutoffTie?.decidedBy).toBe('spread');
  });

  it('passes over a blocked candidate and leaves seats unfilled when too few remain', () => {
    const r = electDpd(
      province.map((c) => (c.candidate === 'd2' ? { ...c, blocked: 'LPPDK_MISSING' } : c)),
    );
    expect(r.elected).toEqual(['d4', 'd3', 'd5', 'd1']);
    expect(r.ranking[0]).toMatchObject({ candidate: 'd2', status: 'blocked' });
    expect(electDpd(province.slice(0, 2)).unfilled).toBe(2);
  });

  it('refuses bad input', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DeterminationError);
        return (e as DeterminationError).code;
      }
      return 'no error';
    };
    expect(code(() => electDpd([...province, province[0]!]))).toBe('DUPLICATE_ID');
    expect(code(() => electDpd([{ candidate: 'x', votes: -1 }]))).toBe('INVALID_VOTES');
    expect(code(() => electDpd([{ candidate: 'x', votes: 1, ballotNumber: 1.5 }]))).toBe(
      'INVALID_NUMBER',
    );
    expect(code(() => electDpd(province, { seats: -4 }))).toBe('INVALID_SEATS');
    expect(code(() => electDpd(province, { tieBreak: ['women-first'] as never }))).toBe(
      'INVALID_INPUT',
    );
    expect(code(() => electDpd({} as never))).toBe('INVALID_INPUT');
  });

  it('always elects min(4, electable), none outvoted by someone left out, whatever the input order', () => {
    const cands = fc
      .array(fc.nat({ max: 20 }), { maxLength: 12 })
      .map((vs) => vs.map((votes, i) => ({ candidate: `d${i}`, votes, ballotNumber: i + 1 })));
    fc.assert(
      fc.property(
        cands.chain((c) =>
          fc.tuple(
            fc.constant(c),
            fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }),
          ),
        ),
        ([cs, shuffled]) => {
          const r = electDpd(cs);
          expect(electDpd(shuffled)).toEqual(r);
          expect(r.elected.length).toBe(Math.min(4, cs.length));
          const chosen = new Set(r.elected);
          const minIn = Math.min(...cs.filter((c) => chosen.has(c.candidate)).map((c) => c.votes));
          for (const c of cs)
            if (!chosen.has(c.candidate)) expect(c.votes).toBeLessThanOrEqual(minIn);
        },
      ),
      { numRuns: 300 },
    );
  });
});
