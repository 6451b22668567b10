/**
 * Properties of the arithmetic checks over generated forms (fast-check):
 *
 * - a form built to be consistent passes the schema and every check;
 * - changing any single number of it makes at least one check fail — every figure
 *   except the registered voters enters an equation, and registered voters are
 *   bounded from below by those who voted;
 * - on any schema-valid form, consistent or not, the checks never throw, never
 *   change their input, and each failure's figures show why it failed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TPS_CODE_PATTERN } from '../../../../policies/areas.ts';
import { validate } from '../../../schemas.ts';
import {
  CHECK_IDS,
  CONTESTS,
  COUNT_FORM_SCHEMA,
  type Contest,
  type CountForm,
  checkForm,
  formWarnings,
  MAX_CHOICES,
  MAX_COUNT,
  PARTY_CONTESTS,
  WARNING_IDS,
} from './index.ts';

const num = (max: number) => fc.integer({ min: 1, max });
const plainChoice = num(999).map(String);
const partyChoice = fc.oneof(
  num(999).map(String),
  fc.tuple(num(999), num(999)).map(([p, c]) => `${p}.${c}`),
);
const choicesOf = (contest: Contest, maxKeys: number) =>
  fc.uniqueArray(PARTY_CONTESTS.includes(contest) ? partyChoice : plainChoice, {
    minLength: 1,
    maxLength: maxKeys,
  });

const photo = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));
// A TPS code (policies/areas.ts): no segment of zeros, TPS number 001–999.
const segment = (digits: number, min = 1) =>
  fc.integer({ min, max: 10 ** digits - 1 }).map((n) => String(n).padStart(digits, '0'));
const tps = fc
  .tuple(segment(2, 10), segment(2), segment(2), segment(4), segment(3))
  .map((s) => s.join(''))
  .filter((code) => new RegExp(TPS_CODE_PATTERN).test(code));

/** Splits `total` into three non-negative parts. */
const split3 = (total: number) =>
  fc.tuple(fc.nat(total), fc.nat(total)).map(([a, b]) => {
    const x = Math.min(a, b);
    const y = Math.max(a, b);
    return [x, y - x, total - y] as const;
  });

/** A form that adds up: built from the votes upward. Every figure ≤ MAX_COUNT. */
const consistentForm: fc.Arbitrary<CountForm> = fc
  .record({ contest: fc.constantFrom(...CONTESTS), tps, photo })
  .chain(({ contest, tps, photo }) =>
    fc
      .record({
        choices: choicesOf(contest, 30),
        counts: fc.array(fc.nat(200), { minLength: 30, maxLength: 30 }),
        invalid: fc.nat(500),
        unused: fc.nat(2_000),
        spoiled: fc.nat(1_000),
        extra: fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300)),
        withCase: fc.boolean(),
      })
      .chain((g) => {
        const votes = Object.fromEntries(g.choices.map((c, i) => [c, g.counts[i]!]));
        const valid = Object.values(votes).reduce((a, b) => a + b, 0);
        const used = valid + g.invalid;
        return split3(used).map(
          ([dpt, dptb, dpk]): CountForm => ({
            tps,
            contest,
            voters: {
              registered: { dpt: dpt + g.extra[0], dptb: dptb + g.extra[1], dpk: dpk + g.extra[2] },
              voted: { dpt, dptb, dpk },
            },
            ballots: {
              received: used + g.unused + g.spoiled,
              used,
              unused: g.unused,
              spoiled: g.spoiled,
            },
            votes,
            valid,
            invalid: g.invalid,
            photo,
            ...(g.withCase ? { caseRef: '12/PHPU.PRES-XXII/2024' } : {}),
          }),
        );
      }),
  );

/** Any schema-valid form: every figure anywhere in 0…MAX_COUNT, up to MAX_CHOICES choices. */
const anyForm: fc.Arbitrary<CountForm> = fc
  .record({ contest: fc.constantFrom(...CONTESTS), tps, photo })
  .chain(({ contest, tps, photo }) => {
    const n = fc.nat(MAX_COUNT);
    const voters = fc.record({ dpt: n, dptb: n, dpk: n });
    return fc.record({
      tps: fc.constant(tps),
      contest: fc.constant(contest),
      voters: fc.record({ registered: voters, voted: voters }),
      ballots: fc.record({ received: n, used: n, unused: n, spoiled: n }),
      votes: choicesOf(contest, MAX_CHOICES).chain((keys) =>
        fc
          .array(n, { minLength: keys.length, maxLength: keys.length })
          .map((vals) => Object.fromEntries(keys.map((k, i) => [k, vals[i]!]))),
      ),
      valid: n,
      invalid: n,
      photo: fc.constant(photo),
    });
  });

/** Every numeric leaf of a form as [path, get, set]. */
function numbers(f: CountForm): { path: string; get(): number; set(n: number): void }[] {
  const leaves: { path: string; get(): number; set(n: number): void }[] = [];
  const walk = (o: Record<string, unknown>, path: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number')
        leaves.push({ path: `${path}/${k}`, get: () => o[k] as number, set: (n) => (o[k] = n) });
      else if (v && typeof v === 'object') walk(v as Record<string, unknown>, `${path}/${k}`);
    }
  };
  walk(f as unknown as Record<string, unknown>, '');
  return leaves;
}

const schemaValid = (f: unknown) => {
  validate(COUNT_FORM_SCHEMA, f, 'form');
  return true;
};

describe('checks: properties', () => {
  it('a generated consistent form passes the schema and every check', () => {
    fc.assert(
      fc.property(consistentForm, (f) => {
        expect(schemaValid(f)).toBe(true);
        expect(checkForm(f)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('changing any single number other than a registered count makes a check fail', () => {
    fc.assert(
      fc.property(
        consistentForm,
        fc.nat(),
        fc.integer({ min: 1, max: MAX_COUNT }),
        (f, pick, d) => {
          const leaves = numbers(f).filter((l) => !l.path.startsWith('/voters/registered/'));
          const leaf = leaves[pick % leaves.length]!;
          const was = leaf.get();
          // Move by d, up if there is room, else down; stay a schema-valid count.
          const now = was + d <= MAX_COUNT ? was + d : was - Math.min(d, was);
          fc.pre(now !== was);
          leaf.set(now);
          expect(schemaValid(f)).toBe(true);
          expect(checkForm(f).length, `${leaf.path}: ${was} → ${now}`).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a registered count below those who voted fails exactly that list’s check; above never fails', () => {
    fc.assert(
      fc.property(
        consistentForm,
        fc.constantFrom('dpt', 'dptb', 'dpk' as const),
        fc.integer({ min: 1, max: MAX_COUNT }),
        (f, list, d) => {
          const voted = f.voters.voted[list];
          const up = structuredClone(f);
          up.voters.registered[list] = Math.min(MAX_COUNT, voted + d);
          expect(checkForm(up)).toEqual([]);
          fc.pre(voted > 0);
          const down = structuredClone(f);
          down.voters.registered[list] = voted - Math.min(d, voted);
          expect(checkForm(down).map((x) => x.check)).toEqual([`voted-within-registered-${list}`]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws or mutates on a schema-valid form, and every failure shows its figures', () => {
    const known: readonly string[] = [...CHECK_IDS, ...WARNING_IDS];
    fc.assert(
      fc.property(anyForm, (f) => {
        expect(schemaValid(f)).toBe(true);
        const before = structuredClone(f);
        const failed = [...checkForm(f), ...formWarnings(f)];
        expect(f).toEqual(before);
        expect(checkForm(f)).toEqual(checkForm(before));
        for (const x of failed) {
          expect(known).toContain(x.check);
          expect(Number.isSafeInteger(x.expected) && Number.isSafeInteger(x.actual)).toBe(true);
          // The message quotes both figures, and they really disagree.
          expect(x.message).toContain(String(x.actual));
          expect(x.message).toContain(String(x.expected));
          if (x.check.startsWith('voted-within-registered-'))
            expect(x.actual!).toBeGreaterThan(x.expected!);
          else expect(x.actual).not.toBe(x.expected);
        }
        expect(new Set(failed.map((x) => x.check)).size).toBe(failed.length);
      }),
      { numRuns: 200 },
    );
  });
});
