/**
 * Ranking people by votes with an explicit, total tie order — shared by the DPR/
 * DPRD candidate rule (within one party list) and the DPD rule (within a province).
 *
 * Order: more votes first; then, in the order the caller configures, the tie keys
 * below; finally the id in UTF-16 code-unit order, so that the result never depends
 * on input order even when every configured key is equal. Which key separated the
 * last person in from the first person out is reported, so a decision that rested
 * on a tie rule is visible to observers rather than buried in a sort.
 */
import { assertArray, assertUnique, fail, show } from './validate.ts';

/**
 * - `spread`: larger tiered spread first, compared tier by tier from the top
 *   ("persebaran wilayah perolehan suara yang lebih luas secara berjenjang").
 * - `women-first`: a woman before a man ("mempertimbangkan keterwakilan perempuan").
 * - `number`: lower ballot/list number first (nomor urut), entries without one last.
 */
export type TieKey = 'spread' | 'women-first' | 'number';

/** What finally separated two entries: their votes, a tie key, or the id fallback. */
export type Decider = 'votes' | TieKey | 'id';

export interface Rankable {
  readonly id: string;
  readonly votes: number;
  readonly number?: number | undefined;
  readonly spread?: readonly number[] | undefined;
  readonly sex?: 'F' | 'M' | undefined;
}

/** A tie across the cut: people with equal votes, some in and some out. */
export interface CutoffTie {
  /** Everyone with the vote count at the cut, in rank order. */
  readonly ids: readonly string[];
  /** The rule that put the last one in ahead of the first one out. */
  readonly decidedBy: Decider;
}

function compareSpread(a?: readonly number[], b?: readonly number[]): number {
  if (a === undefined || b === undefined) return 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function compareKey(key: TieKey, a: Rankable, b: Rankable): number {
  switch (key) {
    case 'spread':
      return compareSpread(a.spread, b.spread);
    case 'women-first':
      return (a.sex === 'F' ? 0 : 1) - (b.sex === 'F' ? 0 : 1);
    case 'number':
      // Entries without a number come after those with one; two without are equal.
      if (a.number === b.number) return 0;
      if (a.number === undefined) return 1;
      if (b.number === undefined) return -1;
      return a.number - b.number;
    default: {
      const never: never = key;
      throw new Error(`unknown tie key ${String(never)}`);
    }
  }
}

/** Negative when `a` ranks above `b`; never 0 for distinct ids. */
export function compareRanked(
  a: Rankable,
  b: Rankable,
  keys: readonly TieKey[],
): { order: number; decidedBy: Decider } {
  if (a.votes !== b.votes) return { order: b.votes - a.votes, decidedBy: 'votes' };
  for (const key of keys) {
    const order = compareKey(key, a, b);
    if (order !== 0) return { order, decidedBy: key };
  }
  return { order: a.id < b.id ? -1 : a.id > b.id ? 1 : 0, decidedBy: 'id' };
}

export function rank<T extends Rankable>(items: readonly T[], keys: readonly TieKey[]): T[] {
  return [...items].sort((a, b) => compareRanked(a, b, keys).order);
}

/** The tie straddling position `n` of a ranked list (n in, the rest out), if any. */
export function cutoffTie(
  ranked: readonly Rankable[],
  n: number,
  keys: readonly TieKey[],
): CutoffTie | undefined {
  const lastIn = ranked[n - 1];
  const firstOut = ranked[n];
  if (lastIn === undefined || firstOut === undefined || lastIn.votes !== firstOut.votes) {
    return undefined;
  }
  return {
    ids: ranked.filter((r) => r.votes === lastIn.votes).map((r) => r.id),
    decidedBy: compareRanked(lastIn, firstOut, keys).decidedBy,
  };
}

export interface Selectable extends Rankable {
  /** Why this person may not be declared elected; absent when they may be. */
  readonly blocked?: string | undefined;
}

export type SelectionStatus = 'elected' | 'not-elected' | 'blocked';

export interface Selection<T> {
  /** Everyone, best first, with their status. */
  readonly ranked: readonly { readonly item: T; readonly status: SelectionStatus }[];
  readonly elected: readonly T[];
  /** Seats no eligible person was left to fill. */
  readonly unfilled: number;
  readonly cutoffTie?: CutoffTie;
}

/**
 * The top `seats` by votes. With `skipBlocked`, a blocked person is passed over
 * and the next in rank takes the place (e.g. no LPPDK: DOMAIN.md app 6).
 */
export function selectTop<T extends Selectable>(
  items: readonly T[],
  seats: number,
  keys: readonly TieKey[],
  skipBlocked: boolean,
): Selection<T> {
  const ranked = rank(items, keys);
  const contenders = skipBlocked ? ranked.filter((r) => r.blocked === undefined) : ranked;
  const elected = contenders.slice(0, seats);
  const chosen = new Set<T>(elected);
  const tie = cutoffTie(contenders, seats, keys);
  return {
    ranked: ranked.map((item) => ({
      item,
      status: chosen.has(item)
        ? 'elected'
        : skipBlocked && item.blocked !== undefined
          ? 'blocked'
          : 'not-elected',
    })),
    elected,
    unfilled: seats - elected.length,
    ...(tie ? { cutoffTie: tie } : {}),
  };
}

/** Public tie-key names (per rule) to the internal keys; refuses unknown or repeated keys. */
export function tieKeys<K extends string>(
  value: unknown,
  map: Readonly<Record<K, TieKey>>,
  fallback: readonly K[],
): TieKey[] {
  if (value === undefined) return fallback.map((k) => map[k]);
  assertArray(value, 'tieBreak');
  const keys = value.map((k) => {
    if (typeof k !== 'string' || !Object.hasOwn(map, k)) {
      fail('INVALID_INPUT', `unknown tie-break key ${show(k)}`);
    }
    return map[k as K];
  });
  assertUnique(keys, 'tie-break key');
  return keys;
}

export function cutoffFor<D extends string>(
  tie: CutoffTie | undefined,
  names: Readonly<Record<Decider, D>>,
): { readonly candidates: readonly string[]; readonly decidedBy: D } | undefined {
  return tie && { candidates: tie.ids, decidedBy: names[tie.decidedBy] };
}
