/**
 * The arithmetic of a count form (DOMAIN.md application 8, per TPS), in
 * numbered versions:
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
 * Why versions: a recap lists each TPS form with the status its checks gave and
 * the version of the check set that judged it (`checks` on the row, ./recap.ts).
 * The observer's verifier re-runs exactly that version, so a check added later
 * (a new version) judges new forms only and never turns an old, honest proof
 * invalid. A version, once published, never changes; check IDs are stable — they
 * are stored with flagged forms and shown to observers — so a rule may be added
 * under a new ID but an ID is never reused for another rule (checkRegistry
 * refuses that).
 *
 * Pure functions over a schema-valid `CountForm` (./count-form.ts): no I/O, no clock.
 */
import type { CountForm, VoterCounts } from './count-form.ts';
import { ResultsVerifyError } from './errors.ts';

/**
 * A check the form failed. `actual` is the figure the form's own numbers give
 * (a sum, or the voters who voted); `expected` is the figure the rule says it must
 * equal (or, for an upper bound, must not exceed). Both are absent only for a rule
 * that compares no two numbers (none so far).
 */
export type FailedCheck = { check: string; message: string; expected?: number; actual?: number };

/** One arithmetic rule: its stable ID, and what is wrong with a form (null: it holds). */
export interface CheckRule {
  readonly id: string;
  readonly test: (form: CountForm) => FailedCheck | null;
}

/** The rules of one version, in the order `checkForm` reports them. */
export interface CheckSet {
  readonly version: number;
  readonly rules: readonly CheckRule[];
}

/** Every published check set, by version (built by checkRegistry). */
export type CheckRegistry = ReadonlyMap<number, CheckSet>;

/** The rules of version 1, in the order `checkForm` reports them. */
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

// Messages quote the form's own numbers, so an observer can see the error on the
// photo without reading code.

const votesSumToValid: CheckRule = {
  id: 'votes-sum-to-valid',
  test(p) {
    const votes = sumVotes(p.votes);
    return votes === p.valid
      ? null
      : {
          check: 'votes-sum-to-valid',
          message: `votes sum to ${votes} but valid is ${p.valid}`,
          expected: p.valid,
          actual: votes,
        };
  },
};

const validPlusInvalidIsUsed: CheckRule = {
  id: 'valid-plus-invalid-is-used',
  test(p) {
    const cast = p.valid + p.invalid;
    const { used } = p.ballots;
    return cast === used
      ? null
      : {
          check: 'valid-plus-invalid-is-used',
          message: `valid ${p.valid} + invalid ${p.invalid} = ${cast} but ballots used is ${used}`,
          expected: used,
          actual: cast,
        };
  },
};

const usedIsVoted: CheckRule = {
  id: 'used-is-voted',
  test(p) {
    const { voted } = p.voters;
    const turnout = voted.dpt + voted.dptb + voted.dpk;
    const { used } = p.ballots;
    return used === turnout
      ? null
      : {
          check: 'used-is-voted',
          message: `ballots used is ${used} but voters who voted is ${turnout} (DPT ${voted.dpt} + DPTb ${voted.dptb} + DPK ${voted.dpk})`,
          expected: turnout,
          actual: used,
        };
  },
};

const votedWithinRegistered = (list: keyof VoterCounts, name: string): CheckRule => ({
  id: `voted-within-registered-${list}`,
  test(p) {
    const { registered, voted } = p.voters;
    return voted[list] <= registered[list]
      ? null
      : {
          check: `voted-within-registered-${list}`,
          message: `${voted[list]} ${name} voters voted but only ${registered[list]} are registered`,
          expected: registered[list],
          actual: voted[list],
        };
  },
});

const ballotsAccounted: CheckRule = {
  id: 'ballots-accounted',
  test(p) {
    const { received, used, unused, spoiled } = p.ballots;
    const accounted = used + unused + spoiled;
    return accounted === received
      ? null
      : {
          check: 'ballots-accounted',
          message: `ballots used ${used} + unused ${unused} + spoiled ${spoiled} = ${accounted} but received is ${received}`,
          expected: received,
          actual: accounted,
        };
  },
};

/** Version 1: the checks of issue #4. Published; never edited. */
export const CHECKS_V1: CheckSet = Object.freeze({
  version: 1,
  rules: Object.freeze([
    votesSumToValid,
    validPlusInvalidIsUsed,
    usedIsVoted,
    votedWithinRegistered('dpt', 'DPT'),
    votedWithinRegistered('dptb', 'DPTb'),
    votedWithinRegistered('dpk', 'DPK'),
    ballotsAccounted,
  ]),
});

/**
 * A registry of check sets: versions 1, 2, … without gaps, and an ID names one
 * rule in every version that has it (a rule may be added or dropped, never
 * redefined under the same ID). A malformed registry is a programming error.
 */
export function checkRegistry(sets: readonly CheckSet[]): CheckRegistry {
  const byId = new Map<string, CheckRule>();
  const out = new Map<number, CheckSet>();
  sets.forEach((set, i) => {
    if (set.version !== i + 1)
      throw new RangeError(`check set ${i + 1} says version ${set.version}: versions are 1, 2, …`);
    const ids = new Set<string>();
    for (const rule of set.rules) {
      if (ids.has(rule.id)) throw new RangeError(`version ${set.version} lists ${rule.id} twice`);
      ids.add(rule.id);
      const seen = byId.get(rule.id);
      if (seen && seen !== rule)
        throw new RangeError(`${rule.id} is redefined in version ${set.version}: use a new ID`);
      byId.set(rule.id, rule);
    }
    out.set(set.version, set);
  });
  return out;
}

/** Every check set this code knows. */
export const CHECK_SETS: CheckRegistry = checkRegistry([CHECKS_V1]);

/** The version new forms are judged by: the newest in CHECK_SETS. */
export const CHECKS_VERSION = 1;

/**
 * Every rule of check-set `version` the form fails, in that set's order; `[]`
 * when it adds up. Throws ResultsVerifyError UNKNOWN_CHECKS_VERSION for a
 * version the registry does not hold (a verifier older than the entry: fail
 * closed rather than judge by other rules).
 */
export function checkForm(
  p: CountForm,
  version: number = CHECKS_VERSION,
  registry: CheckRegistry = CHECK_SETS,
): FailedCheck[] {
  const set = registry.get(version);
  if (!set)
    throw new ResultsVerifyError(
      'UNKNOWN_CHECKS_VERSION',
      `check set version ${version} is not known to this verifier (it knows ${[...registry.keys()].join(', ')})`,
    );
  const failed: FailedCheck[] = [];
  for (const rule of set.rules) {
    const f = rule.test(p);
    if (f) failed.push(f);
  }
  return failed;
}
