/**
 * DPD (regional senate) — UU 7/2017 Art. 423(1): in each province the four
 * candidates with the most votes are elected (four seats per province, Art. 196).
 *
 * Equal votes at the fourth place, Art. 423(2) as publicly quoted: the candidate
 * whose support is "lebih merata penyebarannya di seluruh kabupaten/kota" wins.
 * That is the `spread` key; what exactly is counted (kab/kota with votes, or a
 * measure of evenness) is the caller's and is marked (check). After it, the lower
 * ballot number (check), then the candidate id. A candidate without an LPPDK is
 * passed over (DOMAIN.md app 6); the 5th–8th in rank are the substitutes.
 */
import { cutoffFor, type Decider, selectTop, type TieKey, tieKeys } from './ranking.ts';
import { assertSeats } from './sainte-lague.ts';
import {
  assertArray,
  assertContenders,
  assertId,
  assertNumber,
  assertRecord,
  assertVotes,
  optionalBoolean,
  show,
} from './validate.ts';

/** UU 7/2017 Art. 196. */
export const DPD_SEATS_PER_PROVINCE = 4;

export interface DpdCandidate {
  readonly candidate: string;
  readonly votes: number;
  readonly ballotNumber?: number | undefined;
  readonly spread?: readonly number[] | undefined;
  readonly blocked?: string | undefined;
}

export type DpdTieKey = 'spread' | 'ballot-number';
export type DpdDecider = 'votes' | DpdTieKey | 'candidate-id';

export interface DpdOptions {
  readonly seats?: number;
  readonly tieBreak?: readonly DpdTieKey[];
  readonly skipBlocked?: boolean;
}

export interface DpdResult {
  readonly elected: readonly string[];
  readonly ranking: readonly {
    readonly candidate: string;
    readonly votes: number;
    readonly status: 'elected' | 'not-elected' | 'blocked';
    readonly blocked?: string;
  }[];
  readonly unfilled: number;
  readonly cutoffTie?: { readonly candidates: readonly string[]; readonly decidedBy: DpdDecider };
}

const KEY_MAP: Record<DpdTieKey, TieKey> = { spread: 'spread', 'ballot-number': 'number' };
const DECIDER_NAME: Record<Decider, DpdDecider> = {
  votes: 'votes',
  spread: 'spread',
  'women-first': 'candidate-id', // not among the DPD keys, so never the decider
  number: 'ballot-number',
  id: 'candidate-id',
};

export function electDpd(candidates: readonly DpdCandidate[], opts: DpdOptions = {}): DpdResult {
  assertArray(candidates, 'DPD candidates');
  for (const c of candidates) {
    assertRecord(c, 'DPD candidate');
    assertId(c.candidate, 'DPD candidate id');
    assertVotes(c.votes, `votes of DPD candidate ${show(c.candidate)}`);
    if (c.ballotNumber !== undefined) {
      assertNumber(c.ballotNumber, `ballot number of ${show(c.candidate)}`);
    }
    if (c.blocked !== undefined) assertId(c.blocked, `blocked reason of ${show(c.candidate)}`);
  }
  assertContenders(candidates, (c) => c.candidate, {
    id: 'DPD candidate',
    ballotNumber: 'DPD ballot number',
    spreads: 'DPD candidates',
  });
  assertRecord(opts, 'options');
  const seats = opts.seats ?? DPD_SEATS_PER_PROVINCE;
  assertSeats(seats);
  const keys = tieKeys(opts.tieBreak, KEY_MAP, ['spread', 'ballot-number']);
  const pick = selectTop(
    candidates.map((c) => ({ ...c, id: c.candidate, number: c.ballotNumber })),
    seats,
    keys,
    optionalBoolean(opts.skipBlocked, 'skipBlocked', true),
  );
  const tie = cutoffFor(pick.cutoffTie, DECIDER_NAME);
  return {
    elected: pick.elected.map((c) => c.candidate),
    ranking: pick.ranked.map(({ item, status }) => ({
      candidate: item.candidate,
      votes: item.votes,
      status,
      ...(item.blocked !== undefined ? { blocked: item.blocked } : {}),
    })),
    unfilled: pick.unfilled,
    ...(tie ? { cutoffTie: tie } : {}),
  };
}
