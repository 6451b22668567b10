/**
 * The five contests and how a choice is spelled (DOMAIN.md glossary; issue #9
 * "Rules stated once"). Browser-safe, so the observer's verifier and the server
 * read the same definition: the server's contest lists should import this one.
 */

/** The five contests; Jakarta has no DPRD_KABKOTA. */
export const CONTESTS = ['PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA'] as const;
export type Contest = (typeof CONTESTS)[number];

/** Contests voted by party list, whose votes go to a party or to one of its candidates. */
export const PARTY_CONTESTS: readonly Contest[] = ['DPR', 'DPRD_PROV', 'DPRD_KABKOTA'];

/** Contests whose choices belong to no party: presidential pairs and DPD candidates. */
export const PLAIN_CHOICE_CONTESTS: readonly Contest[] = ['PPWP', 'DPD'];

export const isContest = (s: unknown): s is Contest =>
  typeof s === 'string' && (CONTESTS as readonly string[]).includes(s);

export const isPartyContest = (contest: string): boolean =>
  (PARTY_CONTESTS as readonly string[]).includes(contest);

/**
 * A choice: a pair or DPD candidate number ("1"…"999"), a party number for a
 * party-only vote ("7"), or a party's candidate ("7.3": party 7, list number 3).
 * No leading zeros, so every choice has exactly one spelling.
 */
export const CHOICE_ID = /^[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2})?$/;
/** A choice without a party: presidential pairs and DPD candidates. */
export const PLAIN_CHOICE_ID = /^[1-9][0-9]{0,2}$/;
