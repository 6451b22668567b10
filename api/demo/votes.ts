/**
 * Plausible votes for the demo's forms. `consistentForm` (../testing.ts) makes
 * forms that add up, but spreads the votes evenly at random and gives every
 * rounding remainder to the last choice on the ballot — fine for tests, yet over
 * a hundred TPS it makes the last party (Ummat, number 24) "win" Jakarta. Here
 * the same total of valid votes is shared by weights of the shape of Jakarta's
 * 2024 count — illustrative, not the official figures — with noise per TPS, so
 * the demo's totals look like an election a newcomer recognises.
 *
 * Only the votes change; their sum stays `valid`, so every arithmetic check
 * that held still holds (../forms/checks.ts compares sums only).
 */
import type { Choice } from '../domains/registry/index.ts';

/** Presidential pairs by number (Jakarta 2024: two close leaders, a distant third). */
const PAIR_WEIGHT: Readonly<Record<number, number>> = { 1: 41, 2: 42, 3: 17 };

/** Parties by ballot number, roughly Jakarta's 2024 DPR shape; unlisted parties get 0.5. */
const PARTY_WEIGHT: Readonly<Record<number, number>> = {
  8: 17, // PKS
  3: 14, // PDI-P
  2: 13, // Gerindra
  4: 9, // Golkar
  15: 8, // PSI
  5: 8, // NasDem
  1: 7, // PKB
  12: 7, // PAN
  14: 6, // Demokrat
  16: 2.5, // Perindo
  17: 2.5, // PPP
  7: 1.2, // Gelora
};

/** Share of a party's votes cast for the party alone rather than one of its candidates. */
const PARTY_ONLY = 0.3;

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * `valid` votes shared over the ballot's choices by weight (with noise from
 * `seed`), largest remainder for the rounding; choices with no votes left out.
 */
export function demoVotes(
  choices: readonly Choice[],
  valid: number,
  seed: number,
): Record<string, number> {
  const rnd = xorshift(seed);
  const noise = () => 0.6 + 0.8 * rnd();
  const weights = new Map<string, number>();
  // Candidates of a party: the first on the list draws most (a 1/k tail).
  const perParty = new Map<number, Choice[]>();
  for (const c of choices)
    if (c.kind === 'candidate' && c.party !== undefined)
      perParty.set(c.party, [...(perParty.get(c.party) ?? []), c]);
  for (const c of choices) {
    if (c.kind === 'pair') weights.set(c.id, (PAIR_WEIGHT[c.number] ?? 10) * noise());
    else if (c.kind === 'party') {
      const party = (PARTY_WEIGHT[c.number] ?? 0.5) * noise();
      const list = perParty.get(c.number) ?? [];
      weights.set(c.id, party * (list.length > 0 ? PARTY_ONLY : 1));
      const tail = list.map((_, k) => 1 / (k + 1));
      const sum = tail.reduce((a, b) => a + b, 0);
      list.forEach((cand, k) => {
        weights.set(cand.id, (party * (1 - PARTY_ONLY) * tail[k]! * noise()) / sum);
      });
    } else if (c.kind === 'candidate' && c.party === undefined) {
      // A DPD candidate: a few well-known names draw most.
      weights.set(c.id, (rnd() < 0.2 ? 8 : 1) * noise());
    }
  }
  const ids = [...weights.keys()];
  const total = ids.reduce((a, id) => a + weights.get(id)!, 0);
  const quota = ids.map((id) => (valid * weights.get(id)!) / total);
  const out = quota.map(Math.floor);
  let left = valid - out.reduce((a, b) => a + b, 0);
  const order = ids
    .map((_, i) => i)
    .sort((a, b) => quota[b]! - out[b]! - (quota[a]! - out[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    out[i]!++;
    left--;
  }
  // A form names at least one choice (COUNT_FORM_SCHEMA), even with no valid vote.
  if (valid === 0 && ids.length > 0) return { [ids[0]!]: 0 };
  const votes: Record<string, number> = {};
  ids.forEach((id, i) => {
    if (out[i]! > 0) votes[id] = out[i]!;
  });
  return votes;
}
