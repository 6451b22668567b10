/**
 * President and vice-president — UUD 1945 Art. 6A(3)–(4), UU 7/2017 Art. 416
 * (DOMAIN.md app 8). A pair is elected with more than 50 % of the valid votes
 * nationally AND at least 20 % of the valid votes in each of more than half of the
 * provinces (38 provinces → at least 20). Otherwise the two pairs with the most
 * votes go to a run-off (Art. 416(2)).
 *
 * Exact semantics: "lebih dari 50%" is strict (2·v > total); "sedikitnya 20%" is
 * inclusive (5·v ≥ provinceTotal); "lebih dari 1/2 jumlah provinsi" is
 * ⌊n/2⌋ + 1 of the n provinces of Indonesia — n is a parameter and every one of
 * them must be supplied, so a missing province cannot quietly lower the bar.
 *
 * The national total includes overseas votes, which belong to no province, so each
 * pair's provinces may add up to less than its national votes, never to more.
 *
 * Ties (Art. 416(3)–(5)): two pairs level on the most votes both go to the run-off;
 * three or more level on first, or several level on second, are ranked by the
 * wider spread of their votes, tier by tier ("persebaran wilayah perolehan suara
 * yang lebih luas secara berjenjang"): the caller's `spread` — what is counted per
 * tier is (check). After that the lower ballot number (check), then the pair id.
 *
 * Two pairs only: MK Decision 50/PUU-XII/2014 held that with two pairs the one
 * with the most votes is elected without the spread requirement (the 2014 and 2019
 * elections) — (check) that it carries over to Art. 416; on by default, see
 * `twoPairsMostVotes`.
 */
import { atLeastBasisPoints, formatPercent } from './exact.ts';
import { cutoffTie, type Decider, rank, type TieKey, tieKeys } from './ranking.ts';
import {
  assertArray,
  assertContenders,
  assertId,
  assertNumber,
  assertRecord,
  assertUnique,
  assertVotes,
  fail,
  optionalBoolean,
  show,
  sumVotes,
} from './validate.ts';

/** "sedikitnya 20%" of a province's valid votes, in basis points (inclusive). */
const PROVINCE_SHARE_BP = 2000n;

/** Provinces of Indonesia since 2022 (DOMAIN.md, 2024 scale). */
export const PROVINCES_2024 = 38;

export interface PairVotes {
  readonly pair: string;
  /** National valid votes, overseas included. */
  readonly votes: number;
  readonly ballotNumber?: number | undefined;
  /** Tiered spread of the pair's votes, top tier first, for Art. 416(4)–(5) ties. */
  readonly spread?: readonly number[] | undefined;
}

export interface ProvinceVotes {
  readonly province: string;
  /** Every pair exactly once. */
  readonly votes: readonly { readonly pair: string; readonly votes: number }[];
}

export type PairTieKey = 'spread' | 'ballot-number';
export type PairDecider = 'votes' | PairTieKey | 'pair-id';

export interface PresidentialOptions {
  /** Number of provinces in Indonesia; default 38. */
  readonly provinceCount?: number;
  /** With exactly two pairs, most votes wins (MK 50/PUU-XII/2014); default true. */
  readonly twoPairsMostVotes?: boolean;
  /** Keys after votes for ranking; default ['spread', 'ballot-number']. */
  readonly tieBreak?: readonly PairTieKey[];
}

export interface PairStanding {
  readonly pair: string;
  readonly votes: number;
  /** Share of national valid votes in percent, two decimals — display only. */
  readonly sharePct: string;
  /** More than 50 % of the national valid votes. */
  readonly majority: boolean;
  /** Provinces where the pair has at least 20 % of the valid votes. */
  readonly provincesAtLeast20: number;
  readonly spreadMet: boolean;
}

interface Common {
  readonly totalValidVotes: number;
  readonly provinceCount: number;
  readonly provincesRequired: number;
  /** All pairs, best first. */
  readonly standings: readonly PairStanding[];
}

export type PresidentialResult =
  | (Common & {
      readonly outcome: 'elected';
      readonly winner: string;
      readonly rule: 'majority-and-spread' | 'two-pairs-most-votes';
    })
  | (Common & {
      readonly outcome: 'runoff';
      readonly finalists: readonly [string, string];
      readonly reason: 'no-majority' | 'majority-without-spread' | 'tied-two-pairs';
      /** Pairs level on votes across the cut for the run-off, and what decided it. */
      readonly tie?: { readonly pairs: readonly string[]; readonly decidedBy: PairDecider };
    });

const KEY_MAP: Record<PairTieKey, TieKey> = { spread: 'spread', 'ballot-number': 'number' };
const DECIDER_NAME: Record<Decider, PairDecider> = {
  votes: 'votes',
  spread: 'spread',
  'women-first': 'pair-id', // not among the pair keys, so never the decider
  number: 'ballot-number',
  id: 'pair-id',
};

function validatePairs(pairs: unknown): readonly PairVotes[] {
  assertArray(pairs, 'pairs');
  for (const p of pairs) {
    assertRecord(p, 'pair');
    assertId(p.pair, 'pair id');
    assertVotes(p.votes, `votes of pair ${show(p.pair)}`);
    if (p.ballotNumber !== undefined)
      assertNumber(p.ballotNumber, `ballot number of ${show(p.pair)}`);
  }
  const rows = pairs as readonly PairVotes[];
  if (rows.length < 2) fail('INVALID_INPUT', 'a presidential election needs at least two pairs');
  assertContenders(rows, (p) => p.pair, {
    id: 'pair',
    ballotNumber: 'pair ballot number',
    spreads: 'pairs',
  });
  return rows;
}

/** Per pair, the provinces where it has ≥ 20 %; checks the provinces against the pairs. */
function provincesAtLeast20(
  pairs: readonly PairVotes[],
  provinces: unknown,
  provinceCount: number,
): Map<string, number> {
  assertArray(provinces, 'provinces');
  if (provinces.length !== provinceCount) {
    fail('INVALID_PROVINCES', `expected ${provinceCount} provinces, got ${provinces.length}`);
  }
  const known = new Set(pairs.map((p) => p.pair));
  const counts = new Map(pairs.map((p) => [p.pair, 0]));
  const sums = new Map(pairs.map((p) => [p.pair, 0n]));
  const ids: string[] = [];
  for (const prov of provinces) {
    assertRecord(prov, 'province');
    assertId(prov.province, 'province id');
    ids.push(prov.province);
    const where = `province ${show(prov.province)}`;
    assertArray(prov.votes, `${where}: votes`);
    const seen = new Set<string>();
    for (const v of prov.votes) {
      assertRecord(v, `${where}: row`);
      assertId(v.pair, `${where}: pair id`);
      if (!known.has(v.pair)) fail('UNKNOWN_PARTY', `${where}: unknown pair ${show(v.pair)}`);
      if (seen.has(v.pair)) fail('INVALID_PROVINCES', `${where}: pair ${show(v.pair)} twice`);
      seen.add(v.pair);
      assertVotes(v.votes, `${where}: votes of ${show(v.pair)}`);
    }
    if (seen.size !== known.size) fail('INVALID_PROVINCES', `${where}: every pair must be listed`);
    const rows = prov.votes as readonly { pair: string; votes: number }[];
    const total = sumVotes(
      rows.map((r) => r.votes),
      `${where}: valid votes`,
    );
    if (total === 0) fail('INVALID_PROVINCES', `${where} has no valid votes`);
    for (const r of rows) {
      sums.set(r.pair, (sums.get(r.pair) ?? 0n) + BigInt(r.votes));
      if (atLeastBasisPoints(r.votes, total, PROVINCE_SHARE_BP))
        counts.set(r.pair, (counts.get(r.pair) ?? 0) + 1);
    }
  }
  assertUnique(ids, 'province');
  for (const p of pairs) {
    if ((sums.get(p.pair) ?? 0n) > BigInt(p.votes)) {
      fail(
        'INCONSISTENT_TOTALS',
        `pair ${show(p.pair)}: provinces add up to more than its national votes`,
      );
    }
  }
  return counts;
}

export function presidentialResult(
  pairs: readonly PairVotes[],
  provinceVotes: readonly ProvinceVotes[],
  opts: PresidentialOptions = {},
): PresidentialResult {
  const rows = validatePairs(pairs);
  assertRecord(opts, 'options');
  const provinceCount = opts.provinceCount ?? PROVINCES_2024;
  if (
    typeof provinceCount !== 'number' ||
    !Number.isSafeInteger(provinceCount) ||
    provinceCount < 1
  ) {
    fail(
      'INVALID_PROVINCES',
      `provinceCount must be a positive integer, got ${show(provinceCount)}`,
    );
  }
  const twoPairsMostVotes = optionalBoolean(opts.twoPairsMostVotes, 'twoPairsMostVotes', true);
  const keys = tieKeys(opts.tieBreak, KEY_MAP, ['spread', 'ballot-number']);
  const total = sumVotes(
    rows.map((p) => p.votes),
    'national valid votes',
  );
  if (total === 0) fail('NO_VOTES', 'no pair has any votes');
  const counts = provincesAtLeast20(rows, provinceVotes, provinceCount);
  const provincesRequired = Math.floor(provinceCount / 2) + 1;

  const ranked = rank(
    rows.map((p) => ({ ...p, id: p.pair, number: p.ballotNumber })),
    keys,
  );
  const standings: PairStanding[] = ranked.map((p) => {
    const n = counts.get(p.pair) ?? 0;
    return {
      pair: p.pair,
      votes: p.votes,
      sharePct: formatPercent(p.votes, total),
      majority: 2n * BigInt(p.votes) > BigInt(total),
      provincesAtLeast20: n,
      spreadMet: n >= provincesRequired,
    };
  });
  const common = { totalValidVotes: total, provinceCount, provincesRequired, standings };
  const [first, second] = standings as [PairStanding, PairStanding];

  if (rows.length === 2 && twoPairsMostVotes) {
    if (first.votes > second.votes) {
      return { ...common, outcome: 'elected', winner: first.pair, rule: 'two-pairs-most-votes' };
    }
    return {
      ...common,
      outcome: 'runoff',
      finalists: [first.pair, second.pair],
      reason: 'tied-two-pairs',
    };
  }
  if (first.majority && first.spreadMet) {
    return { ...common, outcome: 'elected', winner: first.pair, rule: 'majority-and-spread' };
  }
  const cut = cutoffTie(ranked, 2, keys);
  const tie = cut && { pairs: cut.ids, decidedBy: DECIDER_NAME[cut.decidedBy] };
  return {
    ...common,
    outcome: 'runoff',
    finalists: [first.pair, second.pair],
    reason: first.majority ? 'majority-without-spread' : 'no-majority',
    ...(tie ? { tie } : {}),
  };
}
