/**
 * Campaign-finance sanctions as an input of the determination (DOMAIN.md
 * application 6; issue #12 "The results determination of #4 reads this
 * status"). The finance domain derives each participant's status from the log
 * (api/domains/finance `financeStandings`); these pure functions apply it:
 *
 * - `disqualified` (no LADK by its deadline): the participant is disqualified in
 *   its area — a party takes no part in the seat allocation of any dapil inside
 *   it, a DPD candidate is not ranked (UU 7/2017 art. 338 as DOMAIN.md reads it:
 *   check the article and the sanction's exact scope);
 * - `not-electable` (no LPPDK by its deadline): its candidates may not be
 *   declared elected — marked `blocked` with `LPPDK_MISSING`, so
 *   `electCandidates` / `electDpd` pass over them (the seat goes to the next in
 *   rank by default; check PKPU 6/2024 for the replacement rule).
 *
 * A participant absent from the standings is left as it is: whether "no
 * account at all" is "no LADK" is for the caller to decide when it builds them.
 */
import type { PartyList } from './candidates.ts';
import type { DpdCandidate } from './dpd.ts';
import type { PartyVotes } from './sainte-lague.ts';
import { assertArray, assertId, fail } from './validate.ts';

export type FinanceStatus = 'in-order' | 'pending' | 'disqualified' | 'not-electable';
export type FinanceSanction = 'LADK_MISSING' | 'LPPDK_MISSING';

export interface FinanceStanding {
  /** The party id, DPD candidate id or pair id, as the recap names it. */
  readonly participant: string;
  /** Where a disqualification applies: 'ID' (everywhere) or a province code. */
  readonly area: string;
  readonly status: FinanceStatus;
}

export interface FinanceExclusion {
  readonly participant: string;
  readonly reason: FinanceSanction;
}

const STATUSES: readonly string[] = ['in-order', 'pending', 'disqualified', 'not-electable'];

function byParticipant(standings: readonly FinanceStanding[]): Map<string, FinanceStanding> {
  assertArray(standings, 'finance standings');
  const out = new Map<string, FinanceStanding>();
  for (const s of standings) {
    assertId(s.participant, 'finance standing participant');
    assertId(s.area, `area of ${s.participant}`);
    if (!STATUSES.includes(s.status))
      fail(
        'INVALID_INPUT',
        `finance status of ${s.participant} is not one of ${STATUSES.join(', ')}`,
      );
    if (out.has(s.participant)) fail('DUPLICATE_ID', `two finance standings for ${s.participant}`);
    out.set(s.participant, s);
  }
  return out;
}

/** Whether a standing's area covers `area` (area codes nest by prefix; 'ID' covers all). */
const covers = (standingArea: string, area: string) =>
  standingArea === 'ID' || area === standingArea || area.startsWith(standingArea);

/**
 * A dapil's (or the nation's) party votes without the parties disqualified in
 * `area`: pass the result to `dprEligibleParties` / `allocateDprDapil` /
 * `allocateDprdDapil`. The excluded parties are reported with the reason.
 */
export function partyVotesAfterFinance(
  votes: readonly PartyVotes[],
  standings: readonly FinanceStanding[],
  area: string,
): { votes: readonly PartyVotes[]; excluded: readonly FinanceExclusion[] } {
  const s = byParticipant(standings);
  const out: PartyVotes[] = [];
  const excluded: FinanceExclusion[] = [];
  for (const v of votes) {
    const st = s.get(v.party);
    if (st?.status === 'disqualified' && covers(st.area, area))
      excluded.push({ participant: v.party, reason: 'LADK_MISSING' });
    else out.push(v);
  }
  return { votes: out, excluded };
}

/** Party lists with every candidate of a not-electable party blocked (`LPPDK_MISSING`). */
export function listsAfterFinance(
  lists: readonly PartyList[],
  standings: readonly FinanceStanding[],
): readonly PartyList[] {
  const s = byParticipant(standings);
  return lists.map((l) =>
    s.get(l.party)?.status === 'not-electable'
      ? {
          ...l,
          candidates: l.candidates.map((c) => ({ ...c, blocked: c.blocked ?? 'LPPDK_MISSING' })),
        }
      : l,
  );
}

/**
 * DPD candidates of `province`: a disqualified one is not ranked at all, a
 * not-electable one is blocked (`electDpd` passes over it).
 */
export function dpdAfterFinance(
  candidates: readonly DpdCandidate[],
  standings: readonly FinanceStanding[],
  province: string,
): { candidates: readonly DpdCandidate[]; excluded: readonly FinanceExclusion[] } {
  const s = byParticipant(standings);
  const out: DpdCandidate[] = [];
  const excluded: FinanceExclusion[] = [];
  for (const c of candidates) {
    const st = s.get(c.candidate);
    if (st?.status === 'disqualified' && covers(st.area, province))
      excluded.push({ participant: c.candidate, reason: 'LADK_MISSING' });
    else if (st?.status === 'not-electable')
      out.push({ ...c, blocked: c.blocked ?? 'LPPDK_MISSING' });
    else out.push(c);
  }
  return { candidates: out, excluded };
}

/**
 * The presidential result under finance sanctions: the rule of votes stands
 * (who won or who goes to the run-off is not recomputed — whether a pair's votes
 * still count is for KPU and the courts), but a pair under sanction may not be
 * declared elected, and a finalist under sanction is named. `declarable` is
 * false when the winner is under a sanction.
 */
export function presidentialFinanceFlags(
  result:
    | { readonly outcome: 'elected'; readonly winner: string }
    | { readonly outcome: 'runoff'; readonly finalists: readonly [string, string] },
  standings: readonly FinanceStanding[],
): { declarable: boolean; sanctioned: readonly FinanceExclusion[] } {
  const s = byParticipant(standings);
  const pairs = result.outcome === 'elected' ? [result.winner] : [...result.finalists];
  const sanctioned: FinanceExclusion[] = [];
  for (const pair of pairs) {
    const st = s.get(pair)?.status;
    if (st === 'disqualified') sanctioned.push({ participant: pair, reason: 'LADK_MISSING' });
    else if (st === 'not-electable')
      sanctioned.push({ participant: pair, reason: 'LPPDK_MISSING' });
  }
  return { declarable: result.outcome === 'elected' && sanctioned.length === 0, sanctioned };
}
