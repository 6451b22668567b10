/**
 * Properties of Sainte-Laguë as implemented (fast-check): seats add up, nothing
 * negative, agreement with the textbook quotient-table method, the divisor-method
 * bounds, vote and house monotonicity, and independence from input order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareFractions } from './exact.ts';
import { allocateSeats, type PartyVotes, sainteLague } from './sainte-lague.ts';

/** Votes from tiny (many ties) to huge (products beyond 2^53). */
const count = fc.oneof(fc.nat({ max: 12 }), fc.nat({ max: 1_000_000 }), fc.nat({ max: 2 ** 49 }));

const parties: fc.Arbitrary<PartyVotes[]> = fc
  .integer({ min: 1, max: 8 })
  .chain((n) =>
    fc.tuple(
      fc.array(count, { minLength: n, maxLength: n }),
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i + 1),
        { minLength: n, maxLength: n },
      ),
      fc.boolean(),
    ),
  )
  .filter(([votes]) => votes.some((v) => v > 0))
  .map(([votes, numbers, numbered]) =>
    votes.map((v, i) => ({
      party: `P${i}`,
      votes: v,
      ...(numbered ? { ballotNumber: numbers[i] } : {}),
    })),
  );

const seatCount = fc.integer({ min: 0, max: 40 });
const bySeats = (a: readonly { party: string; seats: number }[]) =>
  Object.fromEntries(a.map((r) => [r.party, r.seats]));

/** The explainer's method: list every quotient, sort, count the top `seats`. */
function quotientTable(votes: readonly PartyVotes[], seats: number): Record<string, number> {
  const entries = votes.flatMap((p) =>
    Array.from({ length: seats }, (_, k) => ({ p, divisor: 2 * k + 1 })),
  );
  entries.sort((a, b) => {
    const q = compareFractions(b.p.votes, b.divisor, a.p.votes, a.divisor);
    if (q !== 0) return q;
    if (a.p.votes !== b.p.votes) return b.p.votes - a.p.votes;
    const na = a.p.ballotNumber ?? Number.MAX_SAFE_INTEGER;
    const nb = b.p.ballotNumber ?? Number.MAX_SAFE_INTEGER;
    if (na !== nb) return na - nb;
    if (a.p.party !== b.p.party) return a.p.party < b.p.party ? -1 : 1;
    return a.divisor - b.divisor;
  });
  const out = Object.fromEntries(votes.map((p) => [p.party, 0]));
  for (const e of entries.slice(0, seats)) out[e.p.party] = (out[e.p.party] ?? 0) + 1;
  return out;
}

describe('Sainte-Laguë properties', () => {
  it('gives every seat, to nobody negatively', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        const a = allocateSeats(votes, seats);
        expect(a.map((r) => r.party)).toEqual(votes.map((v) => v.party));
        expect(a.every((r) => Number.isSafeInteger(r.seats) && r.seats >= 0)).toBe(true);
        expect(a.reduce((s, r) => s + r.seats, 0)).toBe(seats);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the quotient-table method, ties included', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        expect(bySeats(allocateSeats(votes, seats))).toEqual(quotientTable(votes, seats));
      }),
      { numRuns: 300 },
    );
  });

  it('meets the divisor-method bounds: max v/(2s+1) ≤ min over seat-holders of v/(2s−1)', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        const a = allocateSeats(votes, seats);
        for (const winner of a.filter((r) => r.seats > 0)) {
          for (const other of a) {
            const c = compareFractions(
              other.votes,
              2 * other.seats + 1,
              winner.votes,
              2 * winner.seats - 1,
            );
            expect(c).toBeLessThanOrEqual(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a party with no votes no seat while others have votes', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        for (const r of allocateSeats(votes, seats)) if (r.votes === 0) expect(r.seats).toBe(0);
      }),
    );
  });

  it('is vote-monotone: a party gaining votes, others fixed, never loses a seat', () => {
    fc.assert(
      fc.property(
        parties,
        seatCount,
        fc.nat(),
        fc.nat({ max: 1_000_000 }),
        (votes, seats, pick, gain) => {
          const i = pick % votes.length;
          const more = votes.map((p, j) => (j === i ? { ...p, votes: p.votes + gain } : p));
          const before = allocateSeats(votes, seats)[i]?.seats ?? 0;
          const after = allocateSeats(more, seats)[i]?.seats ?? 0;
          expect(after).toBeGreaterThanOrEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is house-monotone: one more seat never takes a seat from anyone', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        const k = allocateSeats(votes, seats);
        const k1 = allocateSeats(votes, seats + 1);
        k.forEach((r, i) => {
          expect(k1[i]?.seats).toBeGreaterThanOrEqual(r.seats);
        });
        expect(k1.reduce((s, r) => s + r.seats, 0) - k.reduce((s, r) => s + r.seats, 0)).toBe(1);
      }),
    );
  });

  it('does not depend on the order of the input (the tie rule is a total order)', () => {
    fc.assert(
      fc.property(
        parties.chain((v) =>
          fc.tuple(
            fc.constant(v),
            fc.shuffledSubarray(v, { minLength: v.length, maxLength: v.length }),
          ),
        ),
        seatCount,
        ([votes, shuffled], seats) => {
          const a = sainteLague(votes, seats);
          const b = sainteLague(shuffled, seats);
          expect(bySeats(b.allocation)).toEqual(bySeats(a.allocation));
          expect(b.awards).toEqual(a.awards);
          expect(b.nextInLine).toEqual(a.nextInLine);
          const order = shuffled.map((p) => p.party).reverse();
          expect(bySeats(allocateSeats(shuffled, seats, { tieOrder: order }))).toEqual(
            bySeats(allocateSeats(votes, seats, { tieOrder: order })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has a trace that accounts for every seat with the divisor the party had reached', () => {
    fc.assert(
      fc.property(parties, seatCount, (votes, seats) => {
        const t = sainteLague(votes, seats);
        expect(t.awards.map((a) => a.seat)).toEqual(Array.from({ length: seats }, (_, i) => i + 1));
        const won = new Map<string, number>();
        for (const a of t.awards) {
          const k = won.get(a.party) ?? 0;
          expect(a.quotient.divisor).toBe(2 * k + 1);
          if (a.tie) expect(a.tie.parties).toContain(a.party);
          won.set(a.party, k + 1);
        }
        for (const r of t.allocation) expect(won.get(r.party) ?? 0).toBe(r.seats);
      }),
    );
  });
});
