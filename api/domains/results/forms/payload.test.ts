/**
 * The C.Hasil payload schema, compiled by the same strict ajv the API validates
 * requests with (api/schemas.ts). Wrong types and shapes are refused (CONVENTIONS.md
 * §9: invalid and wrong-typed inputs are tested too).
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../ledger/index.ts';
import { validate } from '../../../schemas.ts';
import { CLEAN_DPR, CLEAN_PPWP, copy } from './fixtures.ts';
import { COUNT_FORM_SCHEMA, type CountForm, MAX_CHOICES, MAX_COUNT } from './index.ts';

const check = (value: unknown): string | null => {
  try {
    validate(COUNT_FORM_SCHEMA, value, 'form');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

/** A clean form with `value` at `path` (e.g. "voters/registered/dpt"); undefined deletes. */
const withValue = (path: string, value: unknown, base: CountForm = CLEAN_PPWP): unknown => {
  const f = copy(base) as unknown as Record<string, unknown>;
  const keys = path.split('/');
  const last = keys.pop()!;
  let o = f;
  for (const k of keys) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return f;
};

describe('COUNT_FORM_SCHEMA', () => {
  it('accepts clean forms of each kind, with or without a case reference', () => {
    expect(check(CLEAN_PPWP)).toBeNull();
    expect(check(CLEAN_DPR)).toBeNull();
    expect(check({ ...CLEAN_DPR, caseRef: '01-02-03/PHPU.DPR-DPRD-XXII/2024' })).toBeNull();
    for (const contest of ['DPD', 'DPRD_PROV', 'DPRD_KABKOTA'])
      expect(check({ ...CLEAN_PPWP, contest })).toBeNull();
  });

  it('is assignable to a ledger entry payload', () => {
    const payload: JsonObject = CLEAN_PPWP;
    expect(payload.tps).toBe('3171011001001');
  });

  it.each([
    'extra',
    'voters/total',
    'voters/registered/dpph',
    'voters/voted/other',
    'ballots/lost',
  ])('refuses an unknown field: %s', (path) => {
    expect(check(withValue(path, 1))).toContain(`unknown field "${path.split('/').pop()}"`);
  });

  it.each(['tps', 'contest', 'voters', 'ballots', 'votes', 'valid', 'invalid', 'photo'])(
    'requires %s',
    (field) => {
      expect(check(withValue(field, undefined))).toContain(
        `must have required property '${field}'`,
      );
    },
  );

  it('refuses counts that are negative, fractional, strings, null or above MAX_COUNT', () => {
    for (const bad of [-1, 1.5, '12', null, true, MAX_COUNT + 1, Number.MAX_SAFE_INTEGER]) {
      expect(check(withValue('valid', bad)), String(bad)).not.toBeNull();
      expect(check(withValue('ballots/spoiled', bad)), String(bad)).not.toBeNull();
      expect(check(withValue('voters/voted/dpk', bad)), String(bad)).not.toBeNull();
      expect(check(withValue('votes/2', bad)), String(bad)).not.toBeNull();
    }
    expect(check(withValue('valid', MAX_COUNT))).toBeNull();
    expect(check(withValue('valid', 0))).toBeNull();
  });

  it('refuses malformed choice IDs', () => {
    for (const key of [
      '0',
      '01',
      '1000',
      '1.',
      '.1',
      '1.0',
      '1.01',
      '1.2.3',
      'a',
      ' 1',
      '1 ',
      '',
    ]) {
      expect(check(withValue(`votes/${key}`, 1, CLEAN_DPR)), JSON.stringify(key)).toMatch(
        /property name must be valid|must match pattern/,
      );
    }
    expect(check(withValue('votes/999.999', 1, CLEAN_DPR))).toBeNull();
  });

  it('refuses party-candidate choices on the presidential and DPD forms', () => {
    expect(check(withValue('votes/1.1', 1))).toMatch(/must match pattern/);
    const dpd: CountForm = { ...CLEAN_PPWP, contest: 'DPD' };
    expect(check(dpd)).toBeNull();
    expect(check(withValue('votes/2.1', 1, dpd))).toMatch(/must match pattern/);
    expect(check(withValue('votes/1.1', 1, CLEAN_DPR))).toBeNull();
  });

  it('bounds the number of choices: at least one, at most MAX_CHOICES', () => {
    expect(check(withValue('votes', {}))).toMatch(/must NOT have fewer than 1 properties/);
    const many = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`${1 + (i % 30)}.${1 + Math.floor(i / 30)}`, 0]),
      );
    expect(check(withValue('votes', many(MAX_CHOICES), CLEAN_DPR))).toBeNull();
    expect(check(withValue('votes', many(MAX_CHOICES + 1), CLEAN_DPR))).toMatch(
      /must NOT have more than 400 properties/,
    );
  });

  it('refuses an unknown contest, a malformed TPS code, photo hash or case reference', () => {
    expect(check(withValue('contest', 'DPRD'))).toMatch(/contest must be equal to one of/);
    expect(check(withValue('contest', 'ppwp'))).not.toBeNull();
    for (const tps of ['317101100100', '31710110010011', '317101100100a', 3171011001001])
      expect(check(withValue('tps', tps)), String(tps)).not.toBeNull();
    for (const photo of [
      'A'.repeat(64),
      'a'.repeat(63),
      'a'.repeat(65),
      `sha256:${'a'.repeat(64)}`,
    ])
      expect(check(withValue('photo', photo)), photo).not.toBeNull();
    for (const caseRef of ['', '/x', 'a'.repeat(101), 'a b', 'a\nb', 7])
      expect(check(withValue('caseRef', caseRef)), String(caseRef)).not.toBeNull();
  });

  it('refuses what is not an object', () => {
    for (const bad of [null, [], 'form', 1, [CLEAN_PPWP]]) expect(check(bad)).not.toBeNull();
  });
});
