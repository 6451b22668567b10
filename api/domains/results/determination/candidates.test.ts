/**
 * From party seats to candidates (UU 7/2017 Art. 422; ties per PKPU 6/2024
 * Art. 29 as publicly quoted — check): by votes, then spread, then women first,
 * then list number; LPPDK-blocked candidates passed over (DOMAIN.md app 6).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candidate, electCandidates, type PartyList } from './candidates.ts';
import { DeterminationError } from './errors.ts';

const list = (party: string, candidates: Omit<Candidate, 'listNumber'>[]): PartyList => ({
  party,
  candidates: candidates.map((c, i) => ({ ...c, listNumber: i + 1 })),
});

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DeterminationError);
    return (e as DeterminationError).code;
  }
  return 'no error';
};

describe('electCandidates', () => {
  const lists = [
    list('A', [
      { candidate: 'a1', votes: 1_200 },
      { candidate: 'a2', votes: 5_400 },
      { candidate: 'a3', votes: 3_100 },
      { candidate: 'a4', votes: 800 },
    ]),
    list('B', [
      { candidate: 'b1', votes: 2_000 },
      { candidate: 'b2', votes: 2_500 },
    ]),
    list('C', [{ candidate: 'c1', votes: 10 }]),
  ];

  it('gives each party its seats by candidate votes, not list position', () => {
    const r = electCandidates(
      [
        { party: 'A', seats: 2 },
        { party: 'B', seats: 1 },
        { party: 'C', seats: 0 },
      ],
      lists,
    );
    expect(r.map((p) => [p.party, p.elected])).toEqual([
      ['A', ['a2', 'a3']],
      ['B', ['b2']],
      ['C', []],
    ]);
    expect(r[0]?.ranking.map((c) => `${c.candidate}:${c.status}`)).toEqual([
      'a2:elected',
      'a3:elected',
      'a1:not-elected',
      'a4:not-elected',
    ]);
    expect(r[0]?.unfilled).toBe(0);
    expect(r[0]?.cutoffTie).toBeUndefined();
  });

  it('passes over a candidate without an LPPDK, unless told not to', () => {
    const blocked = [
      list('A', [
        { candidate: 'a1', votes: 9_000, blocked: 'LPPDK_MISSING' },
        { candidate: 'a2', votes: 5_000 },
        { candidate: 'a3', votes: 4_000 },
      ]),
    ];
    const r = electCandidates([{ party: 'A', seats: 1 }], blocked)[0];
    expect(r?.elected).toEqual(['a2']);
    expect(r?.ranking[0]).toEqual({
      candidate: 'a1',
      listNumber: 1,
      votes: 9_000,
      status: 'blocked',
      blocked: 'LPPDK_MISSING',
    });
    const ignore = electCandidates([{ party: 'A', seats: 1 }], blocked, { skipBlocked: false })[0];
    expect(ignore?.elected).toEqual(['a1']);
    expect(ignore?.ranking[0]?.status).toBe('elected');
  });

  it('reports seats it cannot fill as a value', () => {
    const r = electCandidates(
      [{ party: 'B', seats: 3 }],
      [
        list('B', [
          { candidate: 'b1', votes: 5 },
          { candidate: 'b2', votes: 1, blocked: 'LPPDK_MISSING' },
        ]),
      ],
    )[0];
    expect(r?.elected).toEqual(['b1']);
    expect(r?.unfilled).toBe(2);
  });

  describe('equal votes at the cut', () => {
    const tied = (extra: Partial<Candidate>[]) =>
      list(
        'A',
        [
          { candidate: 'top', votes: 900 },
          { candidate: 'x', votes: 500 },
          { candidate: 'y', votes: 500 },
          { candidate: 'z', votes: 100 },
        ].map((c, i) => ({ ...c, ...extra[i] })),
      );
    const elect = (l: PartyList, opts = {}) =>
      electCandidates([{ party: 'A', seats: 2 }], [l], opts)[0];

    it('with votes alone, goes by list number (check) and says so', () => {
      const r = elect(tied([]));
      expect(r?.elected).toEqual(['top', 'x']);
      expect(r?.cutoffTie).toEqual({ candidates: ['x', 'y'], decidedBy: 'list-number' });
    });

    it('prefers a woman when sexes are known (PKPU 6/2024 Art. 29, check)', () => {
      const r = elect(tied([{ sex: 'M' }, { sex: 'M' }, { sex: 'F' }, { sex: 'F' }]));
      expect(r?.elected).toEqual(['top', 'y']);
      expect(r?.cutoffTie?.decidedBy).toBe('women-first');
    });

    it('looks at the tiered spread first when it is supplied', () => {
      // x is a woman, but y's votes are spread over more kab/kota: spread comes first.
      const spreads: Partial<Candidate>[] = [
        { spread: [4, 20], sex: 'M' },
        { spread: [3, 30], sex: 'F' },
        { spread: [4, 12], sex: 'M' },
        { spread: [1, 1], sex: 'M' },
      ];
      const r = elect(tied(spreads));
      expect(r?.elected).toEqual(['top', 'y']);
      expect(r?.cutoffTie?.decidedBy).toBe('spread');
    });

    it('follows a configured order of keys', () => {
      const r = elect(tied([{ sex: 'M' }, { sex: 'M' }, { sex: 'F' }, { sex: 'F' }]), {
        tieBreak: ['list-number'],
      });
      expect(r?.elected).toEqual(['top', 'x']);
    });
  });

  it('refuses inconsistent input', () => {
    const seats = [{ party: 'A', seats: 1 }];
    expect(code(() => electCandidates(seats, []))).toBe('MISSING_LIST');
    expect(code(() => electCandidates([{ party: 'A', seats: -1 }], lists))).toBe('INVALID_SEATS');
    expect(code(() => electCandidates([...seats, ...seats], lists))).toBe('DUPLICATE_ID');
    expect(code(() => electCandidates(seats, [...lists, list('A', [])]))).toBe('DUPLICATE_ID');
    expect(
      code(() => electCandidates(seats, [list('A', [{ candidate: 'b1', votes: 1 }]), lists[1]!])),
    ).toBe('DUPLICATE_ID');
    expect(
      code(() =>
        electCandidates(seats, [
          {
            party: 'A',
            candidates: [
              { candidate: 'a', listNumber: 1, votes: 1 },
              { candidate: 'b', listNumber: 1, votes: 1 },
            ],
          },
        ]),
      ),
    ).toBe('DUPLICATE_ID');
    expect(code(() => electCandidates(seats, [list('A', [{ candidate: 'a', votes: 1.5 }])]))).toBe(
      'INVALID_VOTES',
    );
    expect(
      code(() =>
        electCandidates(seats, [list('A', [{ candidate: 'a', votes: 1, sex: 'X' as never }])]),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      code(() =>
        electCandidates(seats, [
          list('A', [
            { candidate: 'a', votes: 1, spread: [1] },
            { candidate: 'b', votes: 1 },
          ]),
        ]),
      ),
    ).toBe('INVALID_SPREAD');
    expect(code(() => electCandidates(seats, lists, { tieBreak: ['coin'] as never }))).toBe(
      'INVALID_INPUT',
    );
    expect(code(() => electCandidates(seats, lists, { skipBlocked: 1 as never }))).toBe(
      'INVALID_INPUT',
    );
    expect(code(() => electCandidates(seats, [{ party: 'A', candidates: 'a1' as never }]))).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('electCandidates properties', () => {
  const partyList = fc
    .array(
      fc.record({
        votes: fc.nat({ max: 30 }),
        blocked: fc.option(fc.constant('LPPDK_MISSING'), { nil: undefined, freq: 5 }),
        sex: fc.constantFrom<'F' | 'M'>('F', 'M'),
      }),
      { minLength: 0, maxLength: 10 },
    )
    .map((cs) =>
      cs.map((c, i) => ({
        candidate: `c${i}`,
        listNumber: i + 1,
        votes: c.votes,
        sex: c.sex,
        ...(c.blocked ? { blocked: c.blocked } : {}),
      })),
    );

  it('elects min(seats, electable) candidates, none outvoted by someone left out', () => {
    fc.assert(
      fc.property(partyList, fc.integer({ min: 0, max: 12 }), (candidates, seats) => {
        const r = electCandidates([{ party: 'A', seats }], [{ party: 'A', candidates }])[0]!;
        const electable = candidates.filter((c) => c.blocked === undefined);
        expect(r.elected.length).toBe(Math.min(seats, electable.length));
        expect(r.unfilled).toBe(seats - r.elected.length);
        const chosen = new Set(r.elected);
        expect(candidates.filter((c) => c.blocked && chosen.has(c.candidate))).toEqual([]);
        const minIn = Math.min(
          ...electable.filter((c) => chosen.has(c.candidate)).map((c) => c.votes),
        );
        for (const c of electable)
          if (!chosen.has(c.candidate)) expect(c.votes).toBeLessThanOrEqual(minIn);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the list as given', () => {
    fc.assert(
      fc.property(
        partyList.chain((l) =>
          fc.tuple(
            fc.constant(l),
            fc.shuffledSubarray(l, { minLength: l.length, maxLength: l.length }),
          ),
        ),
        fc.integer({ min: 0, max: 12 }),
        ([candidates, shuffled], seats) => {
          const a = electCandidates([{ party: 'A', seats }], [{ party: 'A', candidates }])[0];
          const b = electCandidates(
            [{ party: 'A', seats }],
            [{ party: 'A', candidates: shuffled }],
          )[0];
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});
