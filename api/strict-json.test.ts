// The strict JSON scanner against RFC 8259's grammar and JSON.parse, and its one
// addition: names unique per object, compared after unescaping (issue #10).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson, JsonError, parseStrictJson } from './strict-json.ts';

const codeWith = (f: (text: string) => unknown, text: string) => {
  try {
    f(text);
    return 'ok';
  } catch (e) {
    if (e instanceof JsonError) return e.code;
    throw e;
  }
};

/**
 * The scanner's verdict, which parseStrictJson (JSON.parse, then a count of
 * members: ./strict-json.ts) must give too, for every text of this file.
 */
const codeOf = (text: string) => {
  const code = codeWith(checkJson, text);
  expect(codeWith(parseStrictJson, text), `parseStrictJson on ${text.slice(0, 80)}`).toBe(code);
  return code;
};

describe('duplicate names', () => {
  it('refuses them at any depth and however they are spelt', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":1,"b":2,"a":1}',
      '{"x":{"a":1,"a":2}}',
      '[{"ok":1},{"a":[{"a":1,"b":{"c":1,"c":1}}]}]',
      '{"a":1,"\\u0061":2}',
      '{"\\u0061":1,"a":2}',
      '{"é":1,"\\u00e9":2}',
      '{"a\\/b":1,"a/b":2}',
      '{"\\ud83d\\ude00":1,"😀":2}',
      '{"":1,"":2}',
      ' { "a" : 1 , "a" : 2 } ',
    ])
      expect(codeOf(text), text).toBe('DUPLICATE_KEY');
  });

  it('keeps names apart per object, and tells distinct names apart', () => {
    for (const text of [
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"a":1,"A":2,"a ":3,"\\u0062":4}',
      '{"__proto__":1,"constructor":2}',
      '[]',
      '{}',
      '[{},{}]',
    ])
      expect(codeOf(text), text).toBe('ok');
  });

  it('points at the repeated name', () => {
    try {
      checkJson('{"a":1,"a":2}');
      expect.unreachable();
    } catch (e) {
      expect((e as JsonError).at).toBe(7);
      expect((e as JsonError).message).toBe('duplicate name "a" in an object');
    }
  });
});

describe('the grammar', () => {
  // Valid texts must parse with JSON.parse too, invalid ones must fail there:
  // the scanner and JSON.parse agree on everything but duplicate names.
  const valid = [
    '0',
    '-0',
    '1.5e-3',
    '-12E+2',
    '"x"',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"',
    'true',
    'false',
    'null',
    ' [1, "a", {"b": [true, false, null]}, -0.5] ',
    '{"a":{"b":{"c":[[[]]]}}}',
    '"\u2028 and \ud83d\ude00"',
  ];
  const invalid = [
    '',
    ' ',
    '{',
    '}',
    '[1,]',
    '[,1]',
    '{"a":1,}',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '01',
    '1.',
    '.5',
    '+1',
    '1e',
    '0x10',
    'NaN',
    'Infinity',
    'tru',
    'nul',
    'True',
    '"unterminated',
    '"bad \\x escape"',
    '"bad \\u12 escape"',
    '"raw \u0001 control"',
    '"raw \u0000 nul"',
    '1 2',
    '{} {}',
    '[1]]',
    '{"a":1}}',
    '[1}',
    '{"a":1]',
    '\ufeff{}',
    '{"a":1,"b"',
  ];
  it('accepts what RFC 8259 accepts', () => {
    for (const text of valid) {
      expect(codeOf(text), text).toBe('ok');
      expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    }
  });
  it('refuses what it refuses', () => {
    for (const text of invalid) {
      expect(codeOf(text), JSON.stringify(text)).toBe('MALFORMED_JSON');
      expect(() => JSON.parse(text), JSON.stringify(text)).toThrow();
    }
  });
  it('walks deep nesting without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(codeOf(deep)).toBe('ok');
    expect(codeOf(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toBe('ok');
    expect(codeOf(`${'['.repeat(200_000)}${']'.repeat(199_999)}`)).toBe('MALFORMED_JSON');
  });
});

describe('parseStrictJson', () => {
  it('agrees with the scanner on generated JSON, with and without a repeated name', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        fc.nat(),
        (any, obj, pick) => {
          const text = JSON.stringify(any);
          expect(codeOf(text)).toBe('ok');
          expect(parseStrictJson(text)).toEqual(JSON.parse(text));
          // The same object with one of its names written twice.
          const keys = Object.keys(obj);
          const k = keys[pick % keys.length]!;
          const twice = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(k)}:0}`;
          expect(codeOf(twice)).toBe('DUPLICATE_KEY');
        },
      ),
      { numRuns: 300 },
    );
  });
});
