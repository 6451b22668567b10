/**
 * The election-day check against the register (issue #11 "Public, provable
 * counts": "voters who voted ≤ DPT + DPTb + DPK of the TPS").
 *
 * A C.Hasil form states its own "voters registered" and the arithmetic checks
 * (../results/checks.ts, `voted-within-registered-*`) compare the turnout with
 * those figures — figures the KPPS wrote on the same sheet. This check compares
 * the turnout with the register itself: the TPS's published count entry
 * (`voters.count.computed`, api/domains/voters/counts.ts). A TPS whose form says
 * more people voted than the register has for it (DPT + DPTb + DPK: DPS and
 * DPSHP are drafts, not voters on the day; removed voters are not counted) is
 * flagged for review.
 *
 * Pure, browser-safe (../boundary.test.ts): the results write path and any
 * observer holding the form and the count entry compute the same verdict.
 */

/** The lists whose voters may vote at the TPS on the day (UU 7/2017 art. 348). */
export const VOTING_LISTS = ['DPT', 'DPTb', 'DPK'] as const;

/** The stable ID of this check, stored with the form version it judged. */
export const REGISTER_CHECK_ID = 'voted-within-register';

/** Voters who voted, by list, as a C.Hasil form states them. */
export interface Turnout {
  dpt: number;
  dptb: number;
  dpk: number;
}

/** What the check found: `within` true when the turnout is no more than the register allows. */
export interface RegisterCheck {
  check: typeof REGISTER_CHECK_ID;
  within: boolean;
  /** DPT + DPTb + DPK of the TPS's count entry. */
  registered: number;
  /** DPT + DPTb + DPK voters who voted, from the form. */
  voted: number;
  message: string;
}

/** DPT + DPTb + DPK of a count entry's `lists` (a missing list counts 0). */
export function registeredToVote(lists: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const l of VOTING_LISTS) n += lists[l] ?? 0;
  return n;
}

/** The turnout against the register's count of the TPS. */
export function checkTurnout(
  voted: Readonly<Turnout>,
  lists: Readonly<Record<string, number>>,
): RegisterCheck {
  const registered = registeredToVote(lists);
  const total = voted.dpt + voted.dptb + voted.dpk;
  const within = total <= registered;
  return {
    check: REGISTER_CHECK_ID,
    within,
    registered,
    voted: total,
    message: within
      ? `${total} voted, within the ${registered} the register has for this TPS (DPT + DPTb + DPK)`
      : `${total} voted (DPT ${voted.dpt} + DPTb ${voted.dptb} + DPK ${voted.dpk}) but the register has only ${registered} for this TPS (DPT ${lists.DPT ?? 0} + DPTb ${lists.DPTb ?? 0} + DPK ${lists.DPK ?? 0})`,
  };
}
