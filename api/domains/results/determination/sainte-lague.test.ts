/**
 * Sainte-Laguë (UU 7/2017 Art. 415(2)–(3)) against worked examples from public
 * sources, each re-computed by hand in the comments before being asserted.
 */
import { describe, expect, it } from 'vitest';
import { DeterminationError } from './errors.ts';
import { allocateSeats, formatTrace, type PartyVotes, sainteLague } from './sainte-lague.ts';

const seatsOf = (votes: readonly PartyVotes[], seats: number) =>
  Object.fromEntries(allocateSeats(votes, seats).map((a) => [a.party, a.seats]));

const order = (votes: readonly PartyVotes[], seats: number) =>
  sainteLague(votes, seats).awards.map((a) => a.party);

describe('worked examples', () => {
  it('Wikipedia "Sainte-Laguë method": A 53,000, B 24,000, C 23,000, 7 seats → 3, 2, 2', () => {
    // Quotients: A 53000, 17666.67, 10600, 7571.43 | B 24000, 8000, 4800 |
    // C 23000, 7666.67, 4600. The seven largest: 53000 A, 24000 B, 23000 C,
    // 17666.67 A, 10600 A, 8000 B, 7666.67 C; next is 7571.43 (A).
    const votes = [
      { party: 'A', votes: 53_000 },
      { party: 'B', votes: 24_000 },
      { party: 'C', votes: 23_000 },
    ];
    expect(seatsOf(votes, 7)).toEqual({ A: 3, B: 2, C: 2 });
    const trace = sainteLague(votes, 7);
    expect(trace.awards.map((a) => a.party)).toEqual(['A', 'B', 'C', 'A', 'A', 'B', 'C']);
    expect(trace.nextInLine).toEqual({ party: 'A', quotient: { votes: 53_000, divisor: 7 } });
    expect(formatTrace(trace)).toEqual([
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
  });

  it('electoralreform wiki table: 25,000 / 19,000 / 12,000 / 8,000, 10 seats → 4, 3, 2, 1 in the ranked order', () => {
    // The published table ranks: A 25000[1] 8333[4] 5000[7] 3571[10];
    // B 19000[2] 6333[6] 3800[9]; C 12000[3] 4000[8]; D 8000[5].
    const votes = [
      { party: 'A', votes: 25_000 },
      { party: 'B', votes: 19_000 },
      { party: 'C', votes: 12_000 },
      { party: 'D', votes: 8_000 },
    ];
    expect(order(votes, 10)).toEqual(['A', 'B', 'C', 'A', 'D', 'B', 'A', 'C', 'B', 'A']);
    expect(seatsOf(votes, 10)).toEqual({ A: 4, B: 3, C: 2, D: 1 });
  });

  it('an Indonesian explainer (Partai Apel/Blimbing/Cokelat/Durian, 5 seats) → 2, 1, 1, 1', () => {
    // bungko.desa.id "Metode Sainte Lague: Rumus dan Contoh Perhitungan Kursi DPR-RI
    // dan DPRD Pemilu 2024". Apel 36000, 12000 | Blimbing 18000 | Cokelat 15000 |
    // Durian 9000: the five largest. (D'Hondt — 1, 2, 3 — would give Apel
    // 36000, 18000, 12000 and leave Durian with nothing: 3, 1, 1, 0.)
    const votes = [
      { party: 'Apel', votes: 36_000 },
      { party: 'Blimbing', votes: 18_000 },
      { party: 'Cokelat', votes: 15_000 },
      { party: 'Durian', votes: 9_000 },
    ];
    expect(seatsOf(votes, 5)).toEqual({ Apel: 2, Blimbing: 1, Cokelat: 1, Durian: 1 });
    expect(order(votes, 5)).toEqual(['Apel', 'Blimbing', 'Cokelat', 'Apel', 'Durian']);
  });

  it('electowiki 35-seat example: 503 / 304 / 193 → 17, 11, 7 (a vote majority without a seat majority)', () => {
    // Smallest winning quotients: A 503/33 ≈ 15.24, C 193/13 ≈ 14.85, B 304/21 ≈
    // 14.48 (the 35th seat); next in line A 503/35 ≈ 14.37 — electowiki's "final
    // divisors" column lists these next divisors (35, 23, 15).
    const votes = [
      { party: 'A', votes: 503 },
      { party: 'B', votes: 304 },
      { party: 'C', votes: 193 },
    ];
    expect(seatsOf(votes, 35)).toEqual({ A: 17, B: 11, C: 7 });
    const trace = sainteLague(votes, 35);
    expect(trace.awards.at(-1)).toEqual({
      seat: 35,
      party: 'B',
      quotient: { votes: 304, divisor: 21 },
    });
    expect(trace.nextInLine).toEqual({ party: 'A', quotient: { votes: 503, divisor: 35 } });
  });
});

describe('equal quotients (tie rules, see sainte-lague.ts)', () => {
  const fourParties = [
    { party: 'A', votes: 100_000, ballotNumber: 4 },
    { party: 'B', votes: 80_000, ballotNumber: 3 },
    { party: 'C', votes: 30_000, ballotNumber: 2 },
    { party: 'D', votes: 20_000, ballotNumber: 1 },
  ];

  it('goes to the party with more votes: A 100,000/5 = D 20,000/1 for the sixth seat', () => {
    // 100000 A, 80000 B, 33333 A, 30000 C, 26667 B, then 20000 for both A and D.
    const trace = sainteLague(fourParties, 6);
    expect(trace.awards[5]).toEqual({
      seat: 6,
      party: 'A',
      quotient: { votes: 100_000, divisor: 5 },
      tie: { parties: ['A', 'D'], decidedBy: 'votes' },
    });
    expect(seatsOf(fourParties, 6)).toEqual({ A: 3, B: 2, C: 1, D: 0 });
    expect(trace.nextInLine).toEqual({ party: 'D', quotient: { votes: 20_000, divisor: 1 } });
    expect(formatTrace(trace)[5]).toBe(
      'seat 6: A with 100000 / 5 = 20000.00 (equal quotient with D; decided by votes)',
    );
    // One more seat and D gets it anyway: the tie only decided the order.
    expect(seatsOf(fourParties, 7)).toEqual({ A: 3, B: 2, C: 1, D: 1 });
  });

  it('equal votes: spread, then the tie order or ballot number, then the party id', () => {
    const base = [
      { party: 'X', votes: 1_000 },
      { party: 'Y', votes: 1_000 },
    ];
    expect(sainteLague(base, 1).awards[0]?.tie).toEqual({
      parties: ['X', 'Y'],
      decidedBy: 'party-id',
    });
    expect(order(base, 1)).toEqual(['X']);

    const numbered = [
      { party: 'X', votes: 1_000, ballotNumber: 7 },
      { party: 'Y', votes: 1_000, ballotNumber: 2 },
    ];
    expect(sainteLague(numbered, 1).awards[0]).toMatchObject({
      party: 'Y',
      tie: { decidedBy: 'ballot-number' },
    });
    expect(sainteLague(numbered, 1, { tieOrder: ['X', 'Y'] }).awards[0]).toMatchObject({
      party: 'X',
      tie: { decidedBy: 'tie-order' },
    });

    const spread = [
      { party: 'X', votes: 1_000, ballotNumber: 1, spread: [3, 10] },
      { party: 'Y', votes: 1_000, ballotNumber: 2, spread: [3, 12] },
    ];
    expect(sainteLague(spread, 1).awards[0]).toMatchObject({
      party: 'Y',
      tie: { decidedBy: 'spread' },
    });
    // Two seats: each gets one whatever the rule.
    expect(seatsOf(spread, 2)).toEqual({ X: 1, Y: 1 });
  });
});

describe('exact comparison', () => {
  it('decides a seat that floating-point division would call a tie', () => {
    // A/7 − B/9 = (9A − 7B)/63 = 3/63 > 0, yet both divide to 487996521333134.7
    // in binary64; a float implementation would then fall to "more votes" and hand
    // the eighth seat to B.
    const A = 3_415_975_649_331_943;
    const B = 4_391_968_691_998_212;
    expect(A / 7).toBe(B / 9);
    const trace = sainteLague(
      [
        { party: 'A', votes: A },
        { party: 'B', votes: B },
      ],
      8,
    );
    expect(trace.awards[7]).toEqual({ seat: 8, party: 'A', quotient: { votes: A, divisor: 7 } });
    expect(trace.allocation.map((a) => a.seats)).toEqual([4, 4]);
  });
});

describe('shape of the answer', () => {
  it('keeps input order, includes zero-seat parties, attaches quotients only with explain', () => {
    const votes = [
      { party: 'small', votes: 10 },
      { party: 'big', votes: 1_000 },
    ];
    expect(allocateSeats(votes, 2)).toEqual([
      { party: 'small', votes: 10, seats: 0 },
      { party: 'big', votes: 1_000, seats: 2 },
    ]);
    expect(allocateSeats(votes, 2, { explain: true })[1]).toEqual({
      party: 'big',
      votes: 1_000,
      seats: 2,
      quotients: [
        { votes: 1_000, divisor: 1 },
        { votes: 1_000, divisor: 3 },
      ],
    });
  });

  it('allocates zero seats to anyone, even with no votes at all', () => {
    expect(allocateSeats([{ party: 'A', votes: 0 }], 0)).toEqual([
      { party: 'A', votes: 0, seats: 0 },
    ]);
    expect(allocateSeats([], 0)).toEqual([]);
  });
});

describe('invalid input is refused, never coerced', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DeterminationError);
      return (e as DeterminationError).code;
    }
    return 'no error';
  };
  const one = (votes: unknown) => () => allocateSeats([{ party: 'A', votes } as never], 1);

  it.each([
    ['a negative count', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '12'],
    ['a bigint', 12n],
    ['beyond 2^53', 2 ** 53],
    ['null', null],
  ])('votes: %s', (_, votes) => {
    expect(code(one(votes))).toBe('INVALID_VOTES');
  });

  it('refuses bad seats, ids, duplicates, shapes and totals', () => {
    const ok = [{ party: 'A', votes: 1 }];
    expect(code(() => allocateSeats(ok, -1))).toBe('INVALID_SEATS');
    expect(code(() => allocateSeats(ok, 1.5))).toBe('INVALID_SEATS');
    expect(code(() => allocateSeats(ok, '3' as never))).toBe('INVALID_SEATS');
    expect(code(() => allocateSeats(ok, 1001))).toBe('INVALID_SEATS');
    expect(code(() => allocateSeats('A' as never, 1))).toBe('INVALID_INPUT');
    expect(code(() => allocateSeats([null] as never, 1))).toBe('INVALID_INPUT');
    expect(code(() => allocateSeats([{ party: '', votes: 1 }], 1))).toBe('INVALID_ID');
    expect(code(() => allocateSeats([{ party: 7, votes: 1 } as never], 1))).toBe('INVALID_ID');
    expect(code(() => allocateSeats([...ok, ...ok], 1))).toBe('DUPLICATE_ID');
    expect(
      code(() =>
        allocateSeats(
          [
            { party: 'A', votes: 1, ballotNumber: 1 },
            { party: 'B', votes: 1, ballotNumber: 1 },
          ],
          1,
        ),
      ),
    ).toBe('DUPLICATE_ID');
    expect(code(() => allocateSeats([{ party: 'A', votes: 1, ballotNumber: 0 }], 1))).toBe(
      'INVALID_NUMBER',
    );
    expect(
      code(() =>
        allocateSeats(
          [
            { party: 'A', votes: 1, spread: [1] },
            { party: 'B', votes: 1 },
          ],
          1,
        ),
      ),
    ).toBe('INVALID_SPREAD');
    expect(code(() => allocateSeats([{ party: 'A', votes: 0 }], 1))).toBe('NO_VOTES');
    expect(code(() => allocateSeats([], 3))).toBe('NO_VOTES');
    const max = Number.MAX_SAFE_INTEGER;
    expect(
      code(() =>
        allocateSeats(
          [
            { party: 'A', votes: max },
            { party: 'B', votes: 1 },
          ],
          1,
        ),
      ),
    ).toBe('INVALID_VOTES');
    expect(code(() => allocateSeats(ok, 1, { tieOrder: ['A', 'B'] }))).toBe('INVALID_TIE_ORDER');
    expect(code(() => allocateSeats(ok, 1, { tieOrder: [] }))).toBe('INVALID_TIE_ORDER');
    expect(code(() => allocateSeats(ok, 1, { explain: 'yes' as never }))).toBe('INVALID_INPUT');
  });
});
