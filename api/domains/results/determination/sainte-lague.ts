/**
 * Sainte-Laguë (Webster) seat allocation — UU 7/2017 Art. 415(2)–(3): each party's
 * valid votes in the dapil are divided by 1, 3, 5, 7, …; the seats go to the
 * largest quotients in turn until the dapil's seats are used up (DOMAIN.md app 8).
 *
 * Implemented the way it is explained to an observer: seat by seat, each seat to
 * the party whose next quotient votes / (2·seatsSoFar + 1) is highest. Quotients
 * are compared exactly (v1·(2s2+1) vs v2·(2s1+1) in BigInt, see exact.ts).
 *
 * Equal quotients (the law is silent on this point; check PKPU 6/2024):
 *   1. more valid votes in the dapil (a common reading: the quotient is equal
 *      because the larger party already holds more seats) — (check);
 *   2. a larger tiered `spread`, when every party carries one — (check);
 *   3. the caller's `tieOrder` (e.g. the recorded result of a public lot), else the
 *      lower ballot number (nomor urut partai), parties without one after — (check);
 *   4. finally the party id in code-unit order, so the result never depends on the
 *      order of the input.
 * Every award reached through a tie names the rule that decided it.
 */
import { compareFractions, formatRatio } from './exact.ts';
import { compareRanked, type Decider, type Rankable } from './ranking.ts';
import {
  assertArray,
  assertContenders,
  assertId,
  assertNumber,
  assertRecord,
  assertVotes,
  fail,
  optionalBoolean,
  show,
  sumVotes,
} from './validate.ts';

/** One party's valid votes in a dapil (party votes plus its candidates' votes). */
export interface PartyVotes {
  readonly party: string;
  readonly votes: number;
  /** Ballot number (nomor urut partai): a late, deterministic tie key. */
  readonly ballotNumber?: number | undefined;
  /** Tiered spread, top tier first (e.g. kab/kota then kecamatan with votes). */
  readonly spread?: readonly number[] | undefined;
}

/** An exact quotient votes / divisor (divisor = 2·seatsAlreadyWon + 1). */
export interface Quotient {
  readonly votes: number;
  readonly divisor: number;
}

export type PartyTieRule = 'votes' | 'spread' | 'tie-order' | 'ballot-number' | 'party-id';

export interface SeatAward {
  /** 1-based seat number, in the order the seats were awarded. */
  readonly seat: number;
  readonly party: string;
  readonly quotient: Quotient;
  /** Present when another party had exactly the same quotient for this seat. */
  readonly tie?: { readonly parties: readonly string[]; readonly decidedBy: PartyTieRule };
}

export interface SeatAllocation {
  readonly party: string;
  readonly votes: number;
  readonly seats: number;
  /** The quotients that won this party its seats (with `explain`, or in a trace). */
  readonly quotients?: readonly Quotient[];
}

export interface SainteLagueTrace {
  readonly seats: number;
  /** One row per input party, in input order, each with its winning quotients. */
  readonly allocation: readonly SeatAllocation[];
  /** Seat by seat: which quotient won it. */
  readonly awards: readonly SeatAward[];
  /** The highest quotient that won nothing: the margin of the last seat. */
  readonly nextInLine?: { readonly party: string; readonly quotient: Quotient };
}

export interface AllocateOptions {
  /**
   * Explicit priority for ties that votes and spread do not settle, e.g. the
   * recorded result of a public lot. Must list exactly the parties allocated.
   */
  readonly tieOrder?: readonly string[];
  /** Attach each party's winning quotients to its row. */
  readonly explain?: boolean;
}

/** Far above the largest assembly (the DPR, 580 seats): refuses runaway input. */
export const MAX_SEATS = 1000;

export function assertSeats(seats: unknown, min = 0, max = MAX_SEATS): asserts seats is number {
  if (typeof seats !== 'number' || !Number.isSafeInteger(seats) || seats < min || seats > max) {
    fail('INVALID_SEATS', `seats must be an integer in [${min}, ${max}], got ${show(seats)}`);
  }
}

/** Validates `votes` (untrusted: from recap forms) and returns it typed. */
export function validatePartyVotes(votes: unknown, what = 'party votes'): readonly PartyVotes[] {
  assertArray(votes, what);
  for (const [i, row] of votes.entries()) {
    assertRecord(row, `${what}[${i}]`);
    assertId(row.party, `${what}[${i}].party`);
    assertVotes(row.votes, `votes of party ${show(row.party)}`);
    if (row.ballotNumber !== undefined) {
      assertNumber(row.ballotNumber, `ballot number of party ${show(row.party)}`);
    }
  }
  const rows = votes as readonly PartyVotes[];
  assertContenders(rows, (r) => r.party, {
    id: 'party',
    ballotNumber: 'ballot number',
    spreads: what,
  });
  sumVotes(
    rows.map((r) => r.votes),
    `total of ${what}`,
  );
  return rows;
}

function tieRanks(rows: readonly PartyVotes[], tieOrder: unknown): Map<string, number> | undefined {
  if (tieOrder === undefined) return undefined;
  assertArray(tieOrder, 'tieOrder');
  const ranks = new Map<string, number>();
  for (const [i, p] of tieOrder.entries()) {
    if (typeof p !== 'string' || ranks.has(p)) {
      fail('INVALID_TIE_ORDER', `tieOrder entry ${show(p)} is not a distinct party id`);
    }
    ranks.set(p, i + 1);
  }
  if (ranks.size !== rows.length || rows.some((r) => !ranks.has(r.party))) {
    fail('INVALID_TIE_ORDER', 'tieOrder must list exactly the parties being allocated');
  }
  return ranks;
}

interface Row {
  readonly input: PartyVotes;
  readonly rankable: Rankable;
  seats: number;
}

const RULE_NAME: Record<Decider, PartyTieRule> = {
  votes: 'votes',
  spread: 'spread',
  number: 'ballot-number',
  id: 'party-id',
  'women-first': 'party-id', // not among the party keys, so never the decider
};

/** Negative when `a`'s next quotient wins over `b`'s; `decidedBy` when quotients tie. */
function compareNext(
  a: Row,
  b: Row,
  byOrder: boolean,
): { order: number; decidedBy: PartyTieRule | 'quotient' } {
  const q = compareFractions(a.input.votes, 2 * a.seats + 1, b.input.votes, 2 * b.seats + 1);
  if (q !== 0) return { order: -q, decidedBy: 'quotient' };
  const { order, decidedBy } = compareRanked(a.rankable, b.rankable, ['spread', 'number']);
  const rule = decidedBy === 'number' && byOrder ? 'tie-order' : RULE_NAME[decidedBy];
  return { order, decidedBy: rule };
}

/** Sorted copy of `rows` by their next quotient, best first (a total order). */
function byNextQuotient(rows: readonly Row[], byOrder: boolean): Row[] {
  return [...rows].sort((a, b) => compareNext(a, b, byOrder).order);
}

/** The full computation, with the seat-by-seat trace an observer can follow. */
export function sainteLague(
  votes: readonly PartyVotes[],
  seats: number,
  opts: AllocateOptions = {},
): SainteLagueTrace {
  const input = validatePartyVotes(votes);
  assertSeats(seats);
  assertRecord(opts, 'options');
  const ranks = tieRanks(input, opts.tieOrder);
  if (seats > 0 && input.every((r) => r.votes === 0)) {
    fail('NO_VOTES', `cannot allocate ${seats} seat(s): no party has any votes`);
  }
  const byOrder = ranks !== undefined;
  const rows: Row[] = input.map((r) => ({
    input: r,
    seats: 0,
    rankable: {
      id: r.party,
      votes: r.votes,
      number: ranks ? ranks.get(r.party) : r.ballotNumber,
      spread: r.spread,
    },
  }));

  const awards: SeatAward[] = [];
  for (let seat = 1; seat <= seats; seat++) {
    const ranked = byNextQuotient(rows, byOrder);
    const [best, second] = ranked;
    if (best === undefined) break; // unreachable: NO_VOTES above covers an empty list
    const quotient = { votes: best.input.votes, divisor: 2 * best.seats + 1 };
    let tie: SeatAward['tie'];
    const cmp = second && compareNext(best, second, byOrder);
    if (cmp && cmp.decidedBy !== 'quotient') {
      // Everyone on the same quotient, in the order the tie rule put them.
      const parties = ranked
        .filter(
          (r) =>
            compareFractions(r.input.votes, 2 * r.seats + 1, quotient.votes, quotient.divisor) ===
            0,
        )
        .map((r) => r.input.party);
      tie = { parties, decidedBy: cmp.decidedBy };
    }
    best.seats += 1;
    awards.push({ seat, party: best.input.party, quotient, ...(tie ? { tie } : {}) });
  }

  const next = byNextQuotient(rows, byOrder)[0];
  return {
    seats,
    allocation: rows.map((r) => ({
      party: r.input.party,
      votes: r.input.votes,
      seats: r.seats,
      quotients: Array.from({ length: r.seats }, (_, k) => ({
        votes: r.input.votes,
        divisor: 2 * k + 1,
      })),
    })),
    awards,
    ...(next && next.input.votes > 0
      ? {
          nextInLine: {
            party: next.input.party,
            quotient: { votes: next.input.votes, divisor: 2 * next.seats + 1 },
          },
        }
      : {}),
  };
}

/**
 * Seats per party for one dapil, in input order. Every party's seats are ≥ 0 and
 * they sum to `seats`; with `explain`, each row carries its winning quotients.
 */
export function allocateSeats(
  votes: readonly PartyVotes[],
  seats: number,
  opts: AllocateOptions = {},
): SeatAllocation[] {
  const { allocation } = sainteLague(votes, seats, opts);
  const explain = optionalBoolean(opts.explain, 'explain', false);
  return allocation.map((a) => (explain ? a : { party: a.party, votes: a.votes, seats: a.seats }));
}

const showQuotient = (q: Quotient) =>
  `${q.votes} / ${q.divisor} = ${formatRatio(q.votes, q.divisor)}`;

/** The trace as lines of plain text, for a report or an observer's terminal. */
export function formatTrace(trace: SainteLagueTrace): string[] {
  const lines = trace.awards.map((a) => {
    const tie = a.tie
      ? ` (equal quotient with ${a.tie.parties.filter((p) => p !== a.party).join(', ')}; decided by ${a.tie.decidedBy})`
      : '';
    return `seat ${a.seat}: ${a.party} with ${showQuotient(a.quotient)}${tie}`;
  });
  if (trace.nextInLine) {
    lines.push(
      `next in line: ${trace.nextInLine.party} with ${showQuotient(trace.nextInLine.quotient)}`,
    );
  }
  lines.push(
    `result: ${trace.allocation.map((a) => `${a.party} ${a.seats}`).join(', ')} (${trace.seats} seats)`,
  );
  return lines;
}
