/**
 * RFC 8785 (JCS) vectors and properties for ledger/canonical.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalError, canonicalBytes, canonicalize, MAX_DEPTH } from './canonical.ts';

const fromIeeeHex = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

function errorOf(fn: () => unknown): CanonicalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CanonicalError) return e;
    throw e;
  }
  throw new Error('expected a CanonicalError');
}

describe('RFC 8785 Appendix B: number serialization', () => {
  // [IEEE-754 bits, expected JSON text]
  const samples: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // minus zero
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'], // round to even
  ];
  it.each(samples)('%s → %s', (hex, expected) => {
    expect(canonicalize(fromIeeeHex(hex))).toBe(expected);
  });

  it('writes 1e-7 and 1e21 in exponent form and -0 as 0', () => {
    expect(canonicalize(1e-7)).toBe('1e-7');
    expect(canonicalize(1e21)).toBe('1e+21');
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize([-0, 0])).toBe('[0,0]');
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('refuses %s (%s): no JSON form', (hex, name) => {
    const e = errorOf(() => canonicalize({ n: fromIeeeHex(hex) }));
    expect(e.code).toBe('NOT_CANONICALIZABLE');
    expect(e.path).toBe('/n');
    expect(e.message).toContain(name);
  });
});

describe('RFC 8785 §3.2.3: property sorting by UTF-16 code units', () => {
  it('sorts the RFC example', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts by code units, not code points: U+1F600 (D83D…) before U+FB33', () => {
    expect(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it('is not fooled by integer-like keys that JS enumerates first', () => {
    expect(canonicalize({ b: 1, 10: 2, 2: 3, a: 4 })).toBe('{"10":2,"2":3,"a":4,"b":1}');
  });
});

describe('RFC 8785 §3.2.2: the combined example', () => {
  it('canonicalizes literals, numbers and strings', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalize(input)).toBe(expected);
    // §3.2.4: UTF-8 on the wire; the euro sign is E2 82 AC.
    const bytes = canonicalBytes(input);
    expect(Buffer.from(bytes).toString('utf8')).toBe(expected);
    expect(Buffer.from(bytes).includes(Buffer.from([0xe2, 0x82, 0xac]))).toBe(true);
  });
});

describe('RFC 8785 §3.2.2.2: string escaping', () => {
  it('uses the short escapes and lowercase \\u00XX for other controls', () => {
    expect(canonicalize('"\\\b\f\n\r\t')).toBe('"\\"\\\\\\b\\f\\n\\r\\t"');
    expect(canonicalize('\u0000\u0001\u001f')).toBe('"\\u0000\\u0001\\u001f"');
    expect(canonicalize('\u000b\u001e')).toBe('"\\u000b\\u001e"');
  });

  it('copies DEL, U+2028/9, slash and non-ASCII unescaped', () => {
    expect(canonicalize('\u007f\u2028\u2029/é😀')).toBe('"\u007f\u2028\u2029/é😀"');
  });

  it.each([
    ['lone high surrogate', 'a\ud800'],
    ['lone low surrogate', '\udc00b'],
    ['reversed pair', '\ude00\ud83d'],
    ['high then non-surrogate', '\ud83dx'],
  ])('refuses a %s', (_, s) => {
    const e = errorOf(() => canonicalize({ k: [s] }));
    expect(e.path).toBe('/k/0');
    expect(e.message).toMatch(/lone surrogate/);
  });

  it('refuses a lone surrogate in a property name', () => {
    expect(errorOf(() => canonicalize({ '\ud800': 1 })).message).toMatch(/lone surrogate/);
  });
});

describe('values with no JSON form are refused with a path', () => {
  class Ballot {
    n = 1;
  }
  const cases: [string, () => unknown, string, RegExp][] = [
    ['undefined', () => ({ a: undefined }), '/a', /undefined/],
    ['undefined in an array', () => [1, undefined], '/1', /undefined/],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    ['a hole in a sparse array', () => [1, , 3], '/1', /undefined/],
    ['a function', () => ({ f: () => 1 }), '/f', /function/],
    ['a symbol', () => ({ s: Symbol('x') }), '/s', /symbol/],
    ['a bigint', () => ({ n: 10n }), '/n', /bigint/],
    ['a Date', () => ({ d: new Date(0) }), '/d', /not Date/],
    ['a Map', () => ({ m: new Map() }), '/m', /not Map/],
    ['a Set', () => ({ m: new Set() }), '/m', /not Set/],
    ['a class instance', () => ({ b: new Ballot() }), '/b', /not Ballot/],
    ['a boxed string', () => ({ s: new String('x') }), '/s', /not String/],
    ['a Uint8Array', () => ({ u: new Uint8Array(2) }), '/u', /not Uint8Array/],
    ['a symbol-keyed property', () => ({ [Symbol('k')]: 1 }), '', /symbol-keyed/],
    [
      'a getter',
      () => ({
        get g() {
          return 1;
        },
      }),
      '/g',
      /accessor/,
    ],
    ['an escaped key in the path', () => ({ 'a/b~c': { x: Number.NaN } }), '/a~1b~0c/x', /NaN/],
  ];
  it.each(cases)('%s', (_, make, path, message) => {
    const e = errorOf(() => canonicalize(make()));
    expect(e).toBeInstanceOf(CanonicalError);
    expect(e.code).toBe('NOT_CANONICALIZABLE');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });

  it('accepts null-prototype objects', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.b = 1;
    o.a = null;
    expect(canonicalize(o)).toBe('{"a":null,"b":1}');
  });

  it('refuses cycles but accepts shared (acyclic) references', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(errorOf(() => canonicalize(a)).message).toMatch(/cycle/);
    const shared = { v: 1 };
    expect(canonicalize({ p: shared, q: [shared] })).toBe('{"p":{"v":1},"q":[{"v":1}]}');
  });

  it(`accepts ${MAX_DEPTH} levels of nesting and refuses ${MAX_DEPTH + 1}`, () => {
    const nest = (n: number): unknown => (n === 0 ? 0 : [nest(n - 1)]);
    expect(canonicalize(nest(MAX_DEPTH))).toBe(`${'['.repeat(MAX_DEPTH)}0${']'.repeat(MAX_DEPTH)}`);
    const e = errorOf(() => canonicalize(nest(MAX_DEPTH + 1)));
    expect(e.message).toMatch(/nesting deeper than 64/);
    expect(e.path).toBe('/0'.repeat(MAX_DEPTH));
  });

  it('ignores toJSON (a Date-like plain object is data, not a hook)', () => {
    expect(canonicalize({ toJSON: 1 })).toBe('{"toJSON":1}');
  });
});

/** Rebuilds `v` with every object's keys inserted in a seeded random order. */
function reorder(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reorder(x, seed + i));
  if (v === null || typeof v !== 'object') return v;
  let s = seed >>> 0 || 1;
  const keys = Object.keys(v)
    .map((k) => {
      s = (s * 1103515245 + 12345) >>> 0;
      return [s, k] as const;
    })
    .sort((x, y) => x[0] - y[0])
    .map(([, k]) => k);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    Object.defineProperty(out, k, {
      value: reorder((v as Record<string, unknown>)[k], s),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('properties', () => {
  it('is a fixed point: canonicalize(JSON.parse(canonicalize(x))) === canonicalize(x)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (x) => {
        const c = canonicalize(x);
        expect(canonicalize(JSON.parse(c))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (x, seed) => {
        expect(canonicalize(reorder(x, seed))).toBe(canonicalize(x));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.stringify on well-formed strings (same minimal escaping)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(canonicalize(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes every finite double as Number#toString and it round-trips', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const c = canonicalize(n);
        expect(c).toBe(Object.is(n, -0) ? '0' : String(n));
        expect(Number(c)).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 1000 },
    );
  });

  it('is valid JSON that parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (x) => {
        expect(JSON.parse(canonicalize(x))).toEqual(JSON.parse(JSON.stringify(x)));
      }),
      { numRuns: 300 },
    );
  });
});
