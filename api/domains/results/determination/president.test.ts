/**
 * President (UUD 1945 Art. 6A(3)–(4), UU 7/2017 Art. 416): > 50 % nationally and
 * ≥ 20 % in more than half of the provinces, else a top-two run-off.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeterminationError } from './errors.ts';
import { type PairVotes, type ProvinceVotes, presidentialResult } from './president.ts';
import { PRESIDENT_2004_ROUND_1, PRESIDENT_2024 } from './results-2024.fixture.ts';

/** Each pair's votes spread evenly over `n` provinces, the remainder in the last. */
function evenSplit(pairs: readonly PairVotes[], n: number, prefix = 'prov'): ProvinceVotes[] {
  return Array.from({ length: n }, (_, i) => ({
    province: `${prefix}-${i + 1}`,
    votes: pairs.map((p) => ({
      pair: p.pair,
      votes: Math.floor(p.votes / n) + (i === n - 1 ? p.votes % n : 0),
    })),
  }));
}

/** Provinces from rows of votes, with national totals equal to their sums. */
function fromRows(names: readonly string[], rows: readonly (readonly number[])[]) {
  const provinces = rows.map((r, i) => ({
    province: `prov-${i + 1}`,
    votes: names.map((pair, j) => ({ pair, votes: r[j] ?? 0 })),
  }));
  const pairs = names.map((pair, j) => ({
    pair,
    votes: rows.reduce((s, r) => s + (r[j] ?? 0), 0),
    ballotNumber: j + 1,
  }));
  return { pairs, provinces };
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DeterminationError);
    return (e as DeterminationError).code;
  }
  return 'no error';
};

describe('2024: a first-round win', () => {
  // Assumption, documented: the real per-province figures are not reproduced. Two
  // provinces are built in which Anies–Muhaimin leads and Prabowo–Gibran keeps
  // 28 % (the public picture had Anies–Muhaimin ahead in Aceh and West Sumatra —
  // check); the rest of each pair's national votes is split evenly over the other
  // 36, overseas votes folded in. So provinces add up to the national totals.
  const [anies, prabowo, ganjar] = PRESIDENT_2024;
  const leaning = ['Aceh (constructed)', 'Sumatera Barat (constructed)'].map((province) => ({
    province,
    votes: [
      { pair: anies!.pair, votes: 2_000_000 },
      { pair: prabowo!.pair, votes: 800_000 },
      { pair: ganjar!.pair, votes: 50_000 },
    ],
  }));
  const rest = evenSplit(
    PRESIDENT_2024.map((p) => ({
      pair: p.pair,
      votes: p.votes - 2 * (leaning[0]!.votes.find((v) => v.pair === p.pair)?.votes ?? 0),
    })),
    36,
  );
  const provinces = [...leaning, ...rest];

  it('elects Prabowo–Gibran with 58.59 % and ≥ 20 % in all 38 provinces', () => {
    const r = presidentialResult(PRESIDENT_2024, provinces);
    expect(r).toMatchObject({
      outcome: 'elected',
      winner: 'Prabowo–Gibran',
      rule: 'majority-and-spread',
      totalValidVotes: 164_227_475,
      provinceCount: 38,
      provincesRequired: 20,
    });
    expect(r.standings.map((s) => [s.pair, s.sharePct, s.majority, s.provincesAtLeast20])).toEqual([
      ['Prabowo–Gibran', '58.59', true, 38],
      ['Anies–Muhaimin', '24.95', false, 38],
      ['Ganjar–Mahfud', '16.47', false, 0],
    ]);
  });

  it('accepts provinces that add up to less than the nation (overseas votes)', () => {
    const overseas = 1_750_000;
    const national = PRESIDENT_2024.map((p) =>
      p.pair === 'Prabowo–Gibran' ? { ...p, votes: p.votes + overseas } : p,
    );
    expect(presidentialResult(national, provinces).outcome).toBe('elected');
  });
});

describe('run-offs', () => {
  it('2004 first round: nobody above 50 % → SBY–JK v Mega–Hasyim', () => {
    // 32 provinces at the time; an even split is assumed (the spread is moot).
    const r = presidentialResult(PRESIDENT_2004_ROUND_1, evenSplit(PRESIDENT_2004_ROUND_1, 32), {
      provinceCount: 32,
    });
    expect(r).toMatchObject({
      outcome: 'runoff',
      finalists: ['SBY–JK', 'Mega–Hasyim'],
      reason: 'no-majority',
      totalValidVotes: 118_656_868,
      provincesRequired: 17,
    });
    expect(r.standings.map((s) => s.sharePct)).toEqual([
      '33.57',
      '26.61',
      '22.15',
      '14.66',
      '3.01',
    ]);
    expect('tie' in r).toBe(false);
  });

  // A constructed 38-province election: A wins 950 of 1000 in 19 provinces and
  // 150 of 1000 (15 %) in the other 19 — 55 % nationally, ≥ 20 % in only 19.
  const strong = [950, 30, 20];
  const weak = [150, 500, 350];
  const rows = [...Array(19).fill(strong), ...Array(19).fill(weak)];

  it('> 50 % without the spread: a run-off between the top two', () => {
    const { pairs, provinces } = fromRows(['A', 'B', 'C'], rows);
    const r = presidentialResult(pairs, provinces);
    expect(r).toMatchObject({
      outcome: 'runoff',
      finalists: ['A', 'B'],
      reason: 'majority-without-spread',
      provincesRequired: 20,
    });
    expect(r.standings[0]).toMatchObject({
      pair: 'A',
      sharePct: '55.00',
      majority: true,
      provincesAtLeast20: 19,
      spreadMet: false,
    });
  });

  it('exactly 20 % in a 20th province is enough (≥)', () => {
    const twenty = [200, 450, 350];
    const { pairs, provinces } = fromRows(['A', 'B', 'C'], [...rows.slice(0, 37), twenty]);
    const r = presidentialResult(pairs, provinces);
    expect(r).toMatchObject({ outcome: 'elected', winner: 'A' });
    expect(r.standings[0]?.provincesAtLeast20).toBe(20);
    const under = [199, 451, 350];
    const again = fromRows(['A', 'B', 'C'], [...rows.slice(0, 37), under]);
    expect(presidentialResult(again.pairs, again.provinces).outcome).toBe('runoff');
  });

  it('exactly 50 % is not a majority (> 50 %)', () => {
    const { pairs, provinces } = fromRows(['A', 'B', 'C'], [[50, 30, 20]]);
    expect(presidentialResult(pairs, provinces, { provinceCount: 1 })).toMatchObject({
      outcome: 'runoff',
      reason: 'no-majority',
    });
    const more = fromRows(['A', 'B', 'C'], [[51, 29, 20]]);
    expect(presidentialResult(more.pairs, more.provinces, { provinceCount: 1 }).outcome).toBe(
      'elected',
    );
  });

  it('two pairs: the most votes wins without the spread (MK 50/PUU-XII/2014, check), configurable', () => {
    const two = rows.map((r) => [r[0], r[1] + r[2]]);
    const { pairs, provinces } = fromRows(['A', 'B'], two);
    expect(presidentialResult(pairs, provinces)).toMatchObject({
      outcome: 'elected',
      winner: 'A',
      rule: 'two-pairs-most-votes',
    });
    expect(presidentialResult(pairs, provinces, { twoPairsMostVotes: false })).toMatchObject({
      outcome: 'runoff',
      reason: 'majority-without-spread',
    });
    const level = fromRows(['A', 'B'], [[10, 10]]);
    expect(presidentialResult(level.pairs, level.provinces, { provinceCount: 1 })).toMatchObject({
      outcome: 'runoff',
      finalists: ['A', 'B'],
      reason: 'tied-two-pairs',
    });
  });
});

describe('ties for the run-off (Art. 416(3)–(5))', () => {
  const names = ['A', 'B', 'C'];

  it('two level on second: wider spread, else ballot number (check); reported', () => {
    const { pairs, provinces } = fromRows(names, [[40, 30, 30]]);
    const plain = presidentialResult(pairs, provinces, { provinceCount: 1 });
    expect(plain).toMatchObject({
      outcome: 'runoff',
      finalists: ['A', 'B'],
      tie: { pairs: ['B', 'C'], decidedBy: 'ballot-number' },
    });
    const spread = pairs.map((p) => ({ ...p, spread: p.pair === 'C' ? [38, 500] : [38, 480] }));
    expect(presidentialResult(spread, provinces, { provinceCount: 1 })).toMatchObject({
      finalists: ['A', 'C'],
      tie: { pairs: ['C', 'B'], decidedBy: 'spread' },
    });
  });

  it('two level on first: both go through, no tie rule needed', () => {
    const { pairs, provinces } = fromRows(names, [[40, 40, 20]]);
    const r = presidentialResult(pairs, provinces, { provinceCount: 1 });
    expect(r).toMatchObject({ outcome: 'runoff', finalists: ['A', 'B'] });
    expect('tie' in r).toBe(false);
  });

  it('three level on first: ranked by spread', () => {
    const { pairs, provinces } = fromRows(names, [[30, 30, 30]]);
    const spread = pairs.map((p, i) => ({ ...p, spread: [10 + i] }));
    expect(presidentialResult(spread, provinces, { provinceCount: 1 })).toMatchObject({
      finalists: ['C', 'B'],
      tie: { pairs: ['C', 'B', 'A'], decidedBy: 'spread' },
    });
  });
});

describe('invalid input', () => {
  const { pairs, provinces } = fromRows(
    ['A', 'B', 'C'],
    [
      [5, 3, 2],
      [4, 4, 2],
    ],
  );
  const opts = { provinceCount: 2 };

  it('refuses provinces that are not the whole, consistent set', () => {
    expect(code(() => presidentialResult(pairs, provinces))).toBe('INVALID_PROVINCES');
    expect(code(() => presidentialResult(pairs, provinces.slice(0, 1), opts))).toBe(
      'INVALID_PROVINCES',
    );
    expect(code(() => presidentialResult(pairs, [provinces[0]!, provinces[0]!], opts))).toBe(
      'DUPLICATE_ID',
    );
    const missing = [{ ...provinces[0]!, votes: provinces[0]!.votes.slice(1) }, provinces[1]!];
    expect(code(() => presidentialResult(pairs, missing, opts))).toBe('INVALID_PROVINCES');
    const twice = [
      { ...provinces[0]!, votes: [...provinces[0]!.votes, provinces[0]!.votes[0]!] },
      provinces[1]!,
    ];
    expect(code(() => presidentialResult(pairs, twice, opts))).toBe('INVALID_PROVINCES');
    const stranger = [
      { ...provinces[0]!, votes: [...provinces[0]!.votes, { pair: 'Z', votes: 1 }] },
      provinces[1]!,
    ];
    expect(code(() => presidentialResult(pairs, stranger, opts))).toBe('UNKNOWN_PARTY');
    const empty = [
      { province: 'prov-1', votes: pairs.map((p) => ({ pair: p.pair, votes: 0 })) },
      provinces[1]!,
    ];
    expect(code(() => presidentialResult(pairs, empty, opts))).toBe('INVALID_PROVINCES');
    const inflated = pairs.map((p) => (p.pair === 'A' ? { ...p, votes: p.votes - 1 } : p));
    expect(code(() => presidentialResult(inflated, provinces, opts))).toBe('INCONSISTENT_TOTALS');
    expect(code(() => presidentialResult(pairs, provinces, { provinceCount: 0 }))).toBe(
      'INVALID_PROVINCES',
    );
  });

  it('refuses bad pairs and counts', () => {
    expect(code(() => presidentialResult(pairs.slice(0, 1), provinces, opts))).toBe(
      'INVALID_INPUT',
    );
    expect(code(() => presidentialResult([...pairs, pairs[0]!], provinces, opts))).toBe(
      'DUPLICATE_ID',
    );
    expect(
      code(() =>
        presidentialResult(
          pairs.map((p) => ({ ...p, votes: -p.votes })),
          provinces,
          opts,
        ),
      ),
    ).toBe('INVALID_VOTES');
    expect(
      code(() =>
        presidentialResult(
          pairs.map((p) => ({ ...p, votes: 0 })),
          provinces,
          opts,
        ),
      ),
    ).toBe('NO_VOTES');
    const badRow = [
      {
        ...provinces[0]!,
        votes: [{ pair: 'A', votes: '5' as never }, ...provinces[0]!.votes.slice(1)],
      },
      provinces[1]!,
    ];
    expect(code(() => presidentialResult(pairs, badRow, opts))).toBe('INVALID_VOTES');
    expect(
      code(() =>
        presidentialResult(pairs, provinces, { ...opts, twoPairsMostVotes: 'no' as never }),
      ),
    ).toBe('INVALID_INPUT');
  });
});

describe('properties', () => {
  const election = fc
    .record({
      pairs: fc.integer({ min: 2, max: 5 }),
      provinces: fc.integer({ min: 1, max: 9 }),
    })
    .chain(({ pairs, provinces }) =>
      fc.record({
        rows: fc.array(
          fc
            .array(fc.nat({ max: 50 }), { minLength: pairs, maxLength: pairs })
            .filter((r) => r.some((v) => v > 0)),
          { minLength: provinces, maxLength: provinces },
        ),
        overseas: fc.array(fc.nat({ max: 20 }), { minLength: pairs, maxLength: pairs }),
      }),
    )
    .map(({ rows, overseas }) => {
      const names = overseas.map((_, j) => `pair-${j}`);
      const built = fromRows(names, rows);
      return {
        provinces: built.provinces,
        pairs: built.pairs.map((p, j) => ({ ...p, votes: p.votes + (overseas[j] ?? 0) })),
      };
    });

  it('elects only a pair meeting both conditions (≥ 3 pairs); else the two with most votes go on', () => {
    fc.assert(
      fc.property(election, ({ pairs, provinces }) => {
        const n = provinces.length;
        const r = presidentialResult(pairs, provinces, {
          provinceCount: n,
          twoPairsMostVotes: false,
        });
        const total = pairs.reduce((s, p) => s + p.votes, 0);
        for (const s of r.standings) expect(s.majority).toBe(2 * s.votes > total);
        if (r.outcome === 'elected') {
          const w = r.standings[0]!;
          expect(w.pair).toBe(r.winner);
          expect(w.majority && w.provincesAtLeast20 >= Math.floor(n / 2) + 1).toBe(true);
        } else {
          const minIn = Math.min(...r.finalists.map((f) => pairs.find((p) => p.pair === f)!.votes));
          for (const p of pairs)
            if (!r.finalists.includes(p.pair)) expect(p.votes).toBeLessThanOrEqual(minIn);
          expect(r.standings.some((s) => s.majority && s.spreadMet)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of pairs or provinces', () => {
    fc.assert(
      fc.property(
        election.chain((e) =>
          fc.record({
            e: fc.constant(e),
            pairs: fc.shuffledSubarray(e.pairs, {
              minLength: e.pairs.length,
              maxLength: e.pairs.length,
            }),
            provinces: fc.shuffledSubarray(e.provinces, {
              minLength: e.provinces.length,
              maxLength: e.provinces.length,
            }),
          }),
        ),
        ({ e, pairs, provinces }) => {
          const opts = { provinceCount: e.provinces.length };
          expect(presidentialResult(pairs, provinces, opts)).toEqual(
            presidentialResult(e.pairs, e.provinces, opts),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
