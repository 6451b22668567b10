/**
 * The arithmetic of a count form (DOMAIN.md application 8, per TPS):
 *
 *   votes of every choice sum to the valid votes;
 *   valid + invalid = ballots used = voters who voted (DPT + DPTb + DPK);
 *   voters who voted ≤ voters registered, on each list;
 *   ballots used + unused + spoiled = ballots received.
 *
 * In 2024 the results app misread digits ("3" as "8") and published the numbers
 * before anyone checked them (DOMAIN.md "What went wrong in 2024", 1). These checks
 * run on every version of a form, before anything is published; a form that fails
 * them is still recorded as evidence, flagged with exactly the checks it failed,
 * and kept out of totals until a correction makes it pass.
 *
 * Pure functions over a schema-valid `CountForm` (payload.ts): no I/O, no clock.
 * Check IDs are stable — they are stored with flagged forms and shown to observers —
 * so a rule may be added under a new ID but an ID is never reused for another rule.
 */
import type { CountForm, VoterCounts } from './payload.ts';

/**
 * A check the form failed. `actual` is the figure the form's own numbers give
 * (a sum, or the voters who voted); `expected` is the figure the rule says it must
 * equal (or, for an upper bound, must not exceed). Both are absent only for a rule
 * that compares no two numbers (none so far).
 */
export type FailedCheck = { check: string; message: string; expected?: number; actual?: number };

/** The arithmetic rules, in the order `checkForm` reports them. */
export const CHECK_IDS = [
  'votes-sum-to-valid',
  'valid-plus-invalid-is-used',
  'used-is-voted',
  'voted-within-registered-dpt',
  'voted-within-registered-dptb',
  'voted-within-registered-dpk',
  'ballots-accounted',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** Warnings: figures worth a look that the law does not make an error. */
export const WARNING_IDS = ['ballots-received-dpt-reserve'] as const;
export type WarningId = (typeof WARNING_IDS)[number];

const LISTS = [
  ['dpt', 'DPT'],
  ['dptb', 'DPTb'],
  ['dpk', 'DPK'],
] as const satisfies readonly (readonly [keyof VoterCounts, string])[];

/** The sum of every choice's votes (for a party contest: party-only and candidate votes). */
export function sumVotes(votes: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const n of Object.values(votes)) sum += n;
  return sum;
}

/**
 * DPR/DPRD: each party's total, its party-only votes (`"7"`) plus the votes of its
 * candidates (`"7.1"`, `"7.2"`, …). A party that appears only through candidates
 * is included; parties come in ascending number order.
 */
export function partyTotals(votes: Readonly<Record<string, number>>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [choice, n] of Object.entries(votes)) {
    const dot = choice.indexOf('.');
    const party = dot < 0 ? choice : choice.slice(0, dot);
    totals.set(party, (totals.get(party) ?? 0) + n);
  }
  return new Map([...totals].sort(([a], [b]) => Number(a) - Number(b)));
}

/**
 * Every arithmetic rule the form fails, in CHECK_IDS order; `[]` when it adds up.
 * Messages quote the form's own numbers, so an observer can see the error on the
 * photo without reading code.
 */
export function checkForm(p: CountForm): FailedCheck[] {
  const failed: FailedCheck[] = [];
  const { registered, voted } = p.voters;
  const { received, used, unused, spoiled } = p.ballots;

  const votes = sumVotes(p.votes);
  if (votes !== p.valid)
    failed.push({
      check: 'votes-sum-to-valid',
      message: `votes sum to ${votes} but valid is ${p.valid}`,
      expected: p.valid,
      actual: votes,
    });

  const cast = p.valid + p.invalid;
  if (cast !== used)
    failed.push({
      check: 'valid-plus-invalid-is-used',
      message: `valid ${p.valid} + invalid ${p.invalid} = ${cast} but ballots used is ${used}`,
      expected: used,
      actual: cast,
    });

  const turnout = voted.dpt + voted.dptb + voted.dpk;
  if (used !== turnout)
    failed.push({
      check: 'used-is-voted',
      message: `ballots used is ${used} but voters who voted is ${turnout} (DPT ${voted.dpt} + DPTb ${voted.dptb} + DPK ${voted.dpk})`,
      expected: turnout,
      actual: used,
    });

  for (const [list, name] of LISTS)
    if (voted[list] > registered[list])
      failed.push({
        check: `voted-within-registered-${list}`,
        message: `${voted[list]} ${name} voters voted but only ${registered[list]} are registered`,
        expected: registered[list],
        actual: voted[list],
      });

  const accounted = used + unused + spoiled;
  if (accounted !== received)
    failed.push({
      check: 'ballots-accounted',
      message: `ballots used ${used} + unused ${unused} + spoiled ${spoiled} = ${accounted} but received is ${received}`,
      expected: received,
      actual: accounted,
    });

  return failed;
}

/**
 * Parameters of the warnings. DOMAIN.md application 7 says ballots delivered =
 * registered voters + 2% reserve; how the 2% is rounded is not stated there
 * (marked *check*), so both are parameters.
 */
export type WarningParams = {
  /** Reserve on top of the DPT, in basis points (200 = 2%). */
  ballotReserveBasisPoints: number;
  /** How a fractional reserve is rounded: 294 DPT × 2% = 5.88 → 6 with 'up'. */
  ballotReserveRounding: 'up' | 'down';
};

export const DEFAULT_WARNING_PARAMS: Readonly<WarningParams> = Object.freeze({
  ballotReserveBasisPoints: 200,
  ballotReserveRounding: 'up',
});

/** Warning parameters that cannot be meant (configuration, not input: a programming error). */
export class WarningParamsError extends Error {
  readonly code = 'INVALID_WARNING_PARAMS';
  override readonly name = 'WarningParamsError';
}

/** Fails closed on a reserve that is not 0–100% in whole basis points, or an unknown rounding. */
export function assertWarningParams(params: Readonly<WarningParams>): void {
  const bp = params.ballotReserveBasisPoints;
  if (!Number.isSafeInteger(bp) || bp < 0 || bp > 10_000)
    throw new WarningParamsError(`ballotReserveBasisPoints must be an integer 0–10000, got ${bp}`);
  if (params.ballotReserveRounding !== 'up' && params.ballotReserveRounding !== 'down')
    throw new WarningParamsError(
      `ballotReserveRounding must be 'up' or 'down', got ${String(params.ballotReserveRounding)}`,
    );
}

/** The reserve for `dpt` voters, in exact integer arithmetic. */
export function ballotReserve(dpt: number, params: Readonly<WarningParams>): number {
  assertWarningParams(params);
  const scaled = dpt * params.ballotReserveBasisPoints;
  return params.ballotReserveRounding === 'up'
    ? Math.floor((scaled + 9_999) / 10_000)
    : Math.floor(scaled / 10_000);
}

/**
 * Warnings, kept apart from `checkForm`: a TPS that received more or fewer
 * ballots than DPT + reserve may have had them moved by logistics (DOMAIN.md
 * application 9), which is worth showing but does not make its count wrong.
 */
export function formWarnings(
  p: CountForm,
  params: Readonly<WarningParams> = DEFAULT_WARNING_PARAMS,
): FailedCheck[] {
  const dpt = p.voters.registered.dpt;
  const reserve = ballotReserve(dpt, params);
  const due = dpt + reserve;
  if (p.ballots.received === due) return [];
  const pct = formatBasisPoints(params.ballotReserveBasisPoints);
  return [
    {
      check: 'ballots-received-dpt-reserve',
      message: `ballots received is ${p.ballots.received} but DPT ${dpt} + ${pct}% reserve ${reserve} is ${due}`,
      expected: due,
      actual: p.ballots.received,
    },
  ];
}

/** 200 → "2", 250 → "2.5", 5 → "0.05". */
function formatBasisPoints(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
