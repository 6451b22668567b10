/**
 * The verifier's small JSON Schema validator (./schema.ts) against ajv, which
 * validates the same COUNT_FORM_SCHEMA on the server's write path: on random
 * edits of a valid form they must agree on every input, so the observer refuses
 * exactly what the server refuses. And it fails closed on what it does not know.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../api/schemas.ts';
import { GOOD_FORM } from '../../../test/results-proof.ts';
import { COUNT_FORM_SCHEMA, conforms, schemaProblem } from './index.ts';

const ajvAccepts = (v: unknown) => {
  try {
    validate(COUNT_FORM_SCHEMA, v, 'form');
    return true;
  } catch {
    return false;
  }
};

const PATHS = [
  [],
  ['tps'],
  ['contest'],
  ['voters'],
  ['voters', 'registered'],
  ['voters', 'voted', 'dpk'],
  ['ballots', 'used'],
  ['votes'],
  ['votes', '1'],
  ['votes', '2.1'],
  ['votes', '0'],
  ['valid'],
  ['invalid'],
  ['photo'],
  ['caseRef'],
  ['extra'],
] as const;

const value = fc.oneof(
  fc.integer({ min: -3, max: 12_000 }),
  fc.constantFrom(0, 10_000, 10_001, 2 ** 53, 1e300, 1.5, -0),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('PPWP', 'DPR', 'DPD', 'a'.repeat(64), '3171011001001', '01/PHPU/2024'),
  fc.constant(null),
  fc.array(fc.nat(5), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('1', '2', '7.3', 'dpt', 'x'), fc.nat(300), { maxKeys: 3 }),
  fc.constant(undefined), // delete the field
);

function edited(path: readonly string[], v: unknown): unknown {
  if (path.length === 0) return v;
  const root = structuredClone(GOOD_FORM) as unknown as Record<string, unknown>;
  let at: Record<string, unknown> = root;
  for (const k of path.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (v === undefined) delete at[last];
  else at[last] = v;
  return root;
}

describe('the verifier’s schema validator', () => {
  it('agrees with ajv on every edit of a count form', () => {
    expect(ajvAccepts(GOOD_FORM)).toBe(true);
    expect(conforms(COUNT_FORM_SCHEMA, GOOD_FORM)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), value, (path, v) => {
        const form = edited(path, v);
        expect(schemaProblem(COUNT_FORM_SCHEMA, form) === null, JSON.stringify(form)).toBe(
          ajvAccepts(form),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with ajv on the per-contest choice rule (if/then)', () => {
    for (const contest of ['PPWP', 'DPD', 'DPR'])
      for (const votes of [{ '1': 200 }, { '1.2': 200 }]) {
        const form = { ...GOOD_FORM, contest, votes };
        expect(conforms(COUNT_FORM_SCHEMA, form)).toBe(ajvAccepts(form));
      }
    expect(conforms(COUNT_FORM_SCHEMA, { ...GOOD_FORM, votes: { '1.2': 200 } })).toBe(false);
  });

  it('names where a value fails, as a JSON Pointer', () => {
    expect(schemaProblem(COUNT_FORM_SCHEMA, edited(['voters', 'voted', 'dpk'], -1))).toEqual({
      path: '/voters/voted/dpk',
      message: 'is below 0',
    });
    const proto = JSON.parse(`{"__proto__":1,${JSON.stringify(GOOD_FORM).slice(1)}`);
    expect(ajvAccepts(proto)).toBe(false);
    expect(schemaProblem(COUNT_FORM_SCHEMA, proto)).toEqual({
      path: '/__proto__',
      message: 'is a key no JSON here may use',
    });
  });

  it('refuses a schema keyword it does not implement rather than ignore a constraint', () => {
    expect(() => schemaProblem({ type: 'string', format: 'email' }, 'x')).toThrow(
      /keyword format not supported/,
    );
  });
});
