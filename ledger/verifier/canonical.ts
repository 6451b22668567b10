/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a log entry.
 *
 * The leaf hash of an entry is SHA-256 over these bytes (ARCHITECTURE.md "The log
 * format"), so two writers holding the same value must produce the same bytes, and
 * anything that has no single JSON form (NaN, undefined, a Date, a lone surrogate)
 * is refused rather than coerced the way JSON.stringify would.
 *
 * Values reaching this module may be attacker-controlled (request bodies, imported
 * records): every rejection is a typed CanonicalError with a JSON Pointer
 * (RFC 6901) to the offending place, never a silent drop.
 */
import { utf8 } from './encoding.ts';

/** Deepest nesting of objects/arrays accepted (the top-level value is depth 1). */
export const MAX_DEPTH = 64;

export class CanonicalError extends Error {
  readonly code = 'NOT_CANONICALIZABLE' as const;
  /** RFC 6901 JSON Pointer to the offending value ('' is the root). */
  readonly path: string;
  /** What is wrong there, without the path (for callers that report paths separately). */
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`${path === '' ? '(root)' : path}: ${reason}`);
    this.name = 'CanonicalError';
    this.path = path;
    this.reason = reason;
  }
}

/** RFC 6901 §3: '~' is written '~0' and '/' is written '~1' inside a reference token. */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** RFC 8785 text of `value`. Throws CanonicalError if it has no canonical form. */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  serialize(value, '', undefined, 1, new Set(), out);
  return out.join('');
}

/**
 * The JSON Pointer of a value, from its container's pointer and its key. Built
 * only for containers and for errors: a pointer per number of a long array was
 * most of the cost of canonicalizing a recap entry (bench:results).
 */
function pointer(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : `${parent}/${pointerToken(key)}`;
}

/** RFC 8785 §3.2.4: the canonical form is transmitted as UTF-8. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

/** Plain data objects only: `{}` literals, JSON.parse output, Object.create(null). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(
  value: unknown,
  parent: string,
  key: string | number | undefined,
  depth: number,
  ancestors: Set<object>,
  out: string[],
): void {
  switch (typeof value) {
    case 'string':
      out.push(serializeString(value, parent, key));
      return;
    case 'number':
      out.push(serializeNumber(value, parent, key));
      return;
    case 'boolean':
      // RFC 8785 §3.2.2.1: literals are serialized as in ECMAScript.
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      serializeContainer(value, pointer(parent, key), depth, ancestors, out);
      return;
    case 'undefined':
      throw new CanonicalError(
        pointer(parent, key),
        'undefined has no JSON form (omit the field instead)',
      );
    case 'bigint':
      // RFC 8785 §3.2.2.3 only defines IEEE-754 doubles; a bigint would lose digits.
      throw new CanonicalError(
        pointer(parent, key),
        'bigint has no JSON form (encode it as a string)',
      );
    case 'function':
    case 'symbol':
      throw new CanonicalError(pointer(parent, key), `a ${typeof value} has no JSON form`);
    default:
      // typeof has no other results today; refuse whatever a future engine adds.
      throw new CanonicalError(pointer(parent, key), `unsupported ${typeof value}`);
  }
}

function serializeContainer(
  value: object,
  path: string,
  depth: number,
  ancestors: Set<object>,
  out: string[],
): void {
  if (ancestors.has(value)) throw new CanonicalError(path, 'cycle: the value contains itself');
  if (depth > MAX_DEPTH) throw new CanonicalError(path, `nesting deeper than ${MAX_DEPTH} levels`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) {
      throw new CanonicalError(path, 'only plain arrays are accepted');
    }
    if (finiteNumbers(value)) {
      // Every element a finite number: ECMAScript's JSON.stringify writes each by
      // Number::toString ("0" for -0), exactly RFC 8785 §3.2.2.3, several times
      // faster than token by token (recap entries are mostly vote columns).
      out.push(JSON.stringify(value));
      ancestors.delete(value);
      return;
    }
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      // A hole in a sparse array reads as undefined and is refused like one.
      serialize(value[i], path, i, depth + 1, ancestors, out);
    }
    out.push(']');
  } else {
    if (!isPlainObject(value)) {
      const name = value.constructor?.name ?? 'object';
      throw new CanonicalError(path, `only plain objects are accepted, not ${name}`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new CanonicalError(path, 'symbol-keyed properties have no JSON form');
    }
    // RFC 8785 §3.2.3: properties sorted by their names as arrays of UTF-16 code
    // units, compared numerically. The default Array#sort comparison on strings is
    // exactly that (ECMA-262 IsLessThan on code units), independent of locale.
    const keys = Object.keys(value).sort();
    const descriptors = Object.getOwnPropertyDescriptors(value);
    out.push('{');
    keys.forEach((key, i) => {
      const d = descriptors[key]!;
      // A getter could return a different value on every read: refuse rather than
      // canonicalize whatever it happened to return this time.
      if (!('value' in d))
        throw new CanonicalError(pointer(path, key), 'accessor properties are not data');
      if (i > 0) out.push(',');
      out.push(serializeString(key, path, key), ':');
      serialize(d.value, path, key, depth + 1, ancestors, out);
    });
    out.push('}');
  }
  ancestors.delete(value);
}

function finiteNumbers(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return a.length > 0;
}

/**
 * RFC 8785 §3.2.2.3: numbers are serialized by the ECMAScript Number-to-String
 * algorithm (ECMA-262 Number::toString), which String(n) is. It already gives the
 * shortest round-tripping digits, "0" for -0, and exponents as "1e+21" / "1e-7".
 * NaN and ±Infinity have no JSON form (RFC 8785 §3.2.2.3, I-JSON RFC 7493 §2.2).
 */
function serializeNumber(n: number, parent: string, key: string | number | undefined): string {
  if (!Number.isFinite(n)) throw new CanonicalError(pointer(parent, key), `${n} has no JSON form`);
  return String(n);
}

const HEX = '0123456789abcdef';
// Anything that needs more than copying: quote, backslash, C0 controls, surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the C0 range is what §3.2.2.2 escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * RFC 8785 §3.2.2.2: strings get the minimal JSON escaping — \" \\ \b \f \n \r \t,
 * other controls below U+0020 as \u00XX with lowercase hex, everything else
 * (including U+007F, U+2028 and non-ASCII) copied as is. Lone surrogates are not
 * Unicode text (I-JSON, RFC 7493 §2.1) and are refused.
 */
function serializeString(s: string, parent: string, key: string | number | undefined): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) {
        throw new CanonicalError(
          pointer(parent, key),
          `lone surrogate U+${c.toString(16)} at offset ${i}`,
        );
      }
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new CanonicalError(
        pointer(parent, key),
        `lone surrogate U+${c.toString(16)} at offset ${i}`,
      );
    } else out += s[i];
  }
  return `${out}"`;
}
