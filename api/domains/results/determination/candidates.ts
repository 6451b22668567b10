/**
 * From party seats to people — UU 7/2017 Art. 422 (DPR/DPRD, open list): a
 * party's seats in a dapil go to its candidates with the most votes (DOMAIN.md
 * app 8). A candidate without a final campaign finance report (LPPDK) may not be
 * declared elected (DOMAIN.md app 6): mark them `blocked` and, by default, the
 * next candidate in rank takes the seat (replacement rule: check PKPU 6/2024).
 *
 * Equal votes, as publicly quoted from PKPU 6/2024 Art. 29 — (check): first the
 * wider tiered spread of the candidate's votes ("persebaran wilayah perolehan
 * suara yang lebih luas secara berjenjang"), then a woman before a man. Each key
 * applies only when the caller supplies its data (`spread`, `sex`); the last
 * deterministic key is the lower list number (nomor urut) — (check: not in
 * DOMAIN.md; the regulation's final step may differ) — then the candidate id.
 * So with votes alone, ties go by list order. The order is configurable.
 */

import { cutoffFor, type Decider, selectTop, type TieKey, tieKeys } from './ranking.ts';
import { MAX_SEATS } from './sainte-lague.ts';
import {
  assertArray,
  assertId,
  assertNumber,
  assertRecord,
  assertSpreads,
  assertUnique,
  assertVotes,
  fail,
  optionalBoolean,
  show,
} from './validate.ts';

export interface Candidate {
  readonly candidate: string;
  /** Position on the party's list in this dapil (nomor urut), from 1. */
  readonly listNumber: number;
  readonly votes: number;
  readonly sex?: 'F' | 'M' | undefined;
  /** Tiered spread of the candidate's votes, top tier first (see ranking.ts). */
  readonly spread?: readonly number[] | undefined;
  /** Why the candidate may not be declared elected, e.g. 'LPPDK_MISSING'. */
  readonly blocked?: string | undefined;
}

export interface PartyList {
  readonly party: string;
  readonly candidates: readonly Candidate[];
}

export interface PartySeats {
  readonly party: string;
  readonly seats: number;
}

export type CandidateTieKey = 'spread' | 'women-first' | 'list-number';
export type CandidateDecider = 'votes' | CandidateTieKey | 'candidate-id';

export const DEFAULT_CANDIDATE_TIE_BREAK: readonly CandidateTieKey[] = [
  'spread',
  'women-first',
  'list-number',
];

export interface CandidateOptions {
  /** Keys after votes, in order; default DEFAULT_CANDIDATE_TIE_BREAK. */
  readonly tieBreak?: readonly CandidateTieKey[];
  /** Pass over `blocked` candidates (default true). */
  readonly skipBlocked?: boolean;
}

export interface RankedCandidate {
  readonly candidate: string;
  readonly listNumber: number;
  readonly votes: number;
  readonly status: 'elected' | 'not-elected' | 'blocked';
  readonly blocked?: string;
}

export interface PartyCandidates {
  readonly party: string;
  readonly seats: number;
  /** Elected candidate ids, best first. */
  readonly elected: readonly string[];
  /** The whole list by rank, best first. */
  readonly ranking: readonly RankedCandidate[];
  /** Seats left over because the list ran out of electable candidates. */
  readonly unfilled: number;
  /** Candidates with equal votes on both sides of the cut, and what decided it. */
  readonly cutoffTie?: {
    readonly candidates: readonly string[];
    readonly decidedBy: CandidateDecider;
  };
}

const KEY_MAP: Record<CandidateTieKey, TieKey> = {
  spread: 'spread',
  'women-first': 'women-first',
  'list-number': 'number',
};
const DECIDER_NAME: Record<Decider, CandidateDecider> = {
  votes: 'votes',
  spread: 'spread',
  'women-first': 'women-first',
  number: 'list-number',
  id: 'candidate-id',
};

function validateList(list: unknown, i: number): PartyList {
  assertRecord(list, `lists[${i}]`);
  assertId(list.party, `lists[${i}].party`);
  const where = `list of party ${show(list.party)}`;
  assertArray(list.candidates, `${where}: candidates`);
  for (const c of list.candidates) {
    assertRecord(c, `${where}: candidate`);
    assertId(c.candidate, `${where}: candidate id`);
    const who = `candidate ${show(c.candidate)}`;
    assertNumber(c.listNumber, `list number of ${who}`);
    assertVotes(c.votes, `votes of ${who}`);
    if (c.sex !== undefined && c.sex !== 'F' && c.sex !== 'M') {
      fail('INVALID_INPUT', `sex of ${who} must be 'F' or 'M', got ${show(c.sex)}`);
    }
    if (c.blocked !== undefined) assertId(c.blocked, `blocked reason of ${who}`);
  }
  const candidates = list.candidates as readonly Candidate[];
  assertUnique(
    candidates.map((c) => c.listNumber),
    `${where}: list number`,
  );
  assertSpreads(
    candidates.map((c) => c.spread),
    where,
  );
  return list as unknown as PartyList;
}

/**
 * Elected candidates per party, in `partySeats` order. Lists of parties absent
 * from `partySeats` (e.g. below the DPR threshold) elect nobody and are ignored;
 * a party with seats but no list is refused (MISSING_LIST).
 */
export function electCandidates(
  partySeats: readonly PartySeats[],
  lists: readonly PartyList[],
  opts: CandidateOptions = {},
): PartyCandidates[] {
  assertArray(partySeats, 'partySeats');
  for (const [i, p] of partySeats.entries()) {
    assertRecord(p, `partySeats[${i}]`);
    assertId(p.party, `partySeats[${i}].party`);
    const seats = p.seats;
    if (
      typeof seats !== 'number' ||
      !Number.isSafeInteger(seats) ||
      seats < 0 ||
      seats > MAX_SEATS
    ) {
      fail(
        'INVALID_SEATS',
        `seats of party ${show(p.party)} must be an integer in [0, ${MAX_SEATS}]`,
      );
    }
  }
  assertUnique(
    partySeats.map((p) => p.party),
    'party',
  );
  assertArray(lists, 'lists');
  const validated = lists.map(validateList);
  assertUnique(
    validated.map((l) => l.party),
    'list party',
  );
  assertUnique(
    validated.flatMap((l) => l.candidates.map((c) => c.candidate)),
    'candidate',
  );
  assertRecord(opts, 'options');
  const keys = tieKeys(opts.tieBreak, KEY_MAP, DEFAULT_CANDIDATE_TIE_BREAK);
  const skipBlocked = optionalBoolean(opts.skipBlocked, 'skipBlocked', true);
  const byParty = new Map(validated.map((l) => [l.party, l]));

  return partySeats.map(({ party, seats }) => {
    const list = byParty.get(party);
    if (list === undefined) {
      if (seats > 0)
        fail('MISSING_LIST', `party ${show(party)} won ${seats} seat(s) but has no list`);
      return { party, seats, elected: [], ranking: [], unfilled: 0 };
    }
    const pick = selectTop(
      list.candidates.map((c) => ({ ...c, id: c.candidate, number: c.listNumber })),
      seats,
      keys,
      skipBlocked,
    );
    const tie = cutoffFor(pick.cutoffTie, DECIDER_NAME);
    return {
      party,
      seats,
      elected: pick.elected.map((c) => c.candidate),
      ranking: pick.ranked.map(({ item, status }) => ({
        candidate: item.candidate,
        listNumber: item.listNumber,
        votes: item.votes,
        status,
        ...(item.blocked !== undefined ? { blocked: item.blocked } : {}),
      })),
      unfilled: pick.unfilled,
      ...(tie ? { cutoffTie: tie } : {}),
    };
  });
}
