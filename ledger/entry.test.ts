/**
 * The entry envelope (ARCHITECTURE.md "The log format" → Entry): exact canonical
 * bytes for each shape, one test per rule, wrong types everywhere, the C2SP entry
 * bundle size limit, canonical-only parsing, and salted commitments.
 */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalError, canonicalBytes, canonicalize } from './canonical.ts';
import {
  commitTo,
  type EntryEnvelope,
  EntryError,
  type EntryResult,
  encodeEntry,
  MAX_ENTRY_BYTES,
  openCommitment,
  parseEntryBytes,
  validateEntry,
} from './entry.ts';

const KEY = 'ERERERERERERERERERERERERERERERERERERERERERE='; // 32 × 0x11
const SIG =
  'IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIg=='; // 64 × 0x22
const FIRST_LEAF = 'Vf4Zx13Xw/A6P6pctSOd8CTbJvxH+Chwn8UykZBF4XE=';
const HASH32 = Buffer.alloc(32, 0x33).toString('base64');

const publicV1 = (): Record<string, unknown> => ({
  v: 1,
  kind: 'results.tps.submitted',
  subject: 'tps:3171010001001',
  seq: 1,
  prev: null,
  at: '2024-02-14T13:05:00Z',
  actor: { id: 'kpps-3171010001001-1', role: 'KPPS' },
  payload: { form: 'C.HASIL', votes: { '01': 120, '02': 95, '03': 60 }, invalid: 4 },
});

const correctionV2 = (): Record<string, unknown> => ({
  ...publicV1(),
  seq: 2,
  prev: FIRST_LEAF,
  at: '2024-02-15T08:30:00.250Z',
  actor: { id: 'ppk-317101', role: 'PPK' },
  payload: { form: 'C.HASIL', votes: { '01': 121, '02': 95, '03': 60 }, invalid: 3 },
  reason: 'Recount at PPK plenary: one invalid ballot was a valid vote for 01',
  ref: 'BA-PPK/317101/2024/017',
});

const deviceSigned = (): Record<string, unknown> => ({
  ...publicV1(),
  actor: { id: 'kpps-3171010001001-1', role: 'KPPS', key: KEY, sig: SIG },
});

const committedV1 = (): Record<string, unknown> => ({
  v: 1,
  kind: 'voters.record.registered',
  subject: 'voter:7f3a9c',
  seq: 1,
  prev: null,
  at: '2024-01-05T02:00:00Z',
  actor: { id: 'pps-3171010001', role: 'PPS' },
  commitment: HASH32,
  public: { region: '3171010001', change: 'added', list: 'DPS' },
});

function ok(r: EntryResult): Extract<EntryResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected a valid entry, got ${JSON.stringify(r.errors)}`);
  return r;
}
function errorsOf(value: unknown): { path: string; message: string }[] {
  const r = validateEntry(value);
  if (r.ok) throw new Error(`expected errors for ${canonicalize(value)}`);
  return r.errors;
}
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const sha256LeafB64 = (b: Uint8Array): string =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(b)
    .digest('base64');

describe('valid envelopes: exact canonical bytes', () => {
  it('a public record, first version', () => {
    const r = ok(validateEntry(publicV1()));
    expect(text(r.bytes)).toBe(
      '{"actor":{"id":"kpps-3171010001001-1","role":"KPPS"},"at":"2024-02-14T13:05:00Z",' +
        '"kind":"results.tps.submitted","payload":{"form":"C.HASIL","invalid":4,' +
        '"votes":{"01":120,"02":95,"03":60}},"prev":null,"seq":1,"subject":"tps:3171010001001","v":1}',
    );
    // RFC 9162 §2.1.1 leaf hash, checked against an independent computation.
    expect(Buffer.from(r.leafHash).toString('base64')).toBe(FIRST_LEAF);
    expect(sha256LeafB64(r.bytes)).toBe(FIRST_LEAF);
    expect(r.entry).toEqual(publicV1());
  });

  it('a correction (seq 2, prev, reason, ref)', () => {
    const r = ok(validateEntry(correctionV2()));
    expect(text(r.bytes)).toBe(
      '{"actor":{"id":"ppk-317101","role":"PPK"},"at":"2024-02-15T08:30:00.250Z",' +
        '"kind":"results.tps.submitted","payload":{"form":"C.HASIL","invalid":3,' +
        '"votes":{"01":121,"02":95,"03":60}},"prev":"Vf4Zx13Xw/A6P6pctSOd8CTbJvxH+Chwn8UykZBF4XE=",' +
        '"reason":"Recount at PPK plenary: one invalid ballot was a valid vote for 01",' +
        '"ref":"BA-PPK/317101/2024/017","seq":2,"subject":"tps:3171010001001","v":1}',
    );
    expect(Buffer.from(r.leafHash).toString('base64')).toBe(sha256LeafB64(r.bytes));
  });

  it('a device-signed submission (actor key and sig)', () => {
    const r = ok(validateEntry(deviceSigned()));
    expect(text(r.bytes)).toBe(
      `{"actor":{"id":"kpps-3171010001001-1","key":"${KEY}","role":"KPPS","sig":"${SIG}"},` +
        '"at":"2024-02-14T13:05:00Z","kind":"results.tps.submitted","payload":{"form":"C.HASIL",' +
        '"invalid":4,"votes":{"01":120,"02":95,"03":60}},"prev":null,"seq":1,' +
        '"subject":"tps:3171010001001","v":1}',
    );
  });

  it('a committed personal-data record (commitment and public)', () => {
    const r = ok(validateEntry(committedV1()));
    expect(text(r.bytes)).toBe(
      '{"actor":{"id":"pps-3171010001","role":"PPS"},"at":"2024-01-05T02:00:00Z",' +
        `"commitment":"${HASH32}","kind":"voters.record.registered","prev":null,` +
        '"public":{"change":"added","list":"DPS","region":"3171010001"},"seq":1,' +
        '"subject":"voter:7f3a9c","v":1}',
    );
  });

  it('returns an independent copy, not the caller’s object', () => {
    const input = publicV1();
    const r = ok(validateEntry(input));
    (input.payload as Record<string, unknown>).invalid = 999;
    expect((r.entry as unknown as { payload: { invalid: number } }).payload.invalid).toBe(4);
  });

  it('encodeEntry returns the same bytes', () => {
    const bytes = encodeEntry(correctionV2() as unknown as EntryEnvelope);
    expect(bytes).toEqual(ok(validateEntry(correctionV2())).bytes);
  });

  it.each([
    ['at with 9 fraction digits', { at: '2024-02-14T13:05:00.123456789Z' }],
    ['at on a leap day', { at: '2024-02-29T23:59:59Z' }],
    ['at on a 400-year leap day', { at: '2000-02-29T00:00:00Z' }],
    ['kind of exactly 96 characters', { kind: `a.b.${'c'.repeat(92)}` }],
    ['kind with digits and underscores', { kind: 'party_2.member_list.status_changed' }],
    ['subject of exactly 256 characters', { subject: 's'.repeat(256) }],
    ['subject with non-ASCII letters and inner spaces', { subject: 'partai:Gerakan Rakyat Ñ 🇮🇩' }],
    ['an empty payload object', { payload: {} }],
    ['a payload with nested arrays', { payload: { a: [[1, [2]], { b: null }] } }],
    ['a role with digits', { actor: { id: 'x', role: 'PPK_2' } }],
    ['a ref of 256 characters', { ref: 'r'.repeat(256) }],
  ])('accepts %s', (_, patch) => {
    ok(validateEntry({ ...publicV1(), ...patch }));
  });

  it('accepts a multi-line reason', () => {
    ok(validateEntry({ ...correctionV2(), reason: 'Line one.\nLine two,\tindented.' }));
  });
});

describe('each rule violated on its own gives its path and message', () => {
  type Case = [string, () => unknown, string, RegExp];
  const base = publicV1;
  const v2 = correctionV2;
  const cases: Case[] = [
    // The envelope itself
    ['null', () => null, '', /must be a JSON object/],
    ['an array', () => [base()], '', /must be a JSON object/],
    ['a string', () => canonicalize(base()), '', /must be a JSON object/],
    ['an unknown field', () => ({ ...base(), extra: 1 }), '/extra', /unknown field/],
    ['an unknown field needing escapes', () => ({ ...base(), 'a/b~': 1 }), '/a~1b~0', /unknown/],
    // v
    ['v missing', () => omit(base(), 'v'), '/v', /is required/],
    ['v = 2', () => ({ ...base(), v: 2 }), '/v', /must be 1/],
    ['v = "1"', () => ({ ...base(), v: '1' }), '/v', /must be 1/],
    // kind
    ['kind missing', () => omit(base(), 'kind'), '/kind', /is required/],
    ['kind with 2 segments', () => ({ ...base(), kind: 'results.tps' }), '/kind', /three dot/],
    ['kind with 4 segments', () => ({ ...base(), kind: 'a.b.c.d' }), '/kind', /three dot/],
    ['kind upper-case', () => ({ ...base(), kind: 'Results.tps.x' }), '/kind', /three dot/],
    ['kind segment from digit', () => ({ ...base(), kind: 'a.1b.c' }), '/kind', /three dot/],
    ['kind empty segment', () => ({ ...base(), kind: 'a..c' }), '/kind', /three dot/],
    ['kind with hyphen', () => ({ ...base(), kind: 'a.b-c.d' }), '/kind', /three dot/],
    ['kind of 97 chars', () => ({ ...base(), kind: `a.b.${'c'.repeat(93)}` }), '/kind', /96.*97/],
    // subject
    ['subject missing', () => omit(base(), 'subject'), '/subject', /is required/],
    ['subject empty', () => ({ ...base(), subject: '' }), '/subject', /1–256 .*is 0/],
    ['subject 257', () => ({ ...base(), subject: 's'.repeat(257) }), '/subject', /is 257/],
    ['subject newline', () => ({ ...base(), subject: 'a\nb' }), '/subject', /U\+000A at offset 1/],
    ['subject NUL', () => ({ ...base(), subject: 'a\u0000' }), '/subject', /U\+0000/],
    ['subject DEL', () => ({ ...base(), subject: 'a\u007f' }), '/subject', /U\+007F/],
    ['subject bidi override', () => ({ ...base(), subject: 'a\u202eb' }), '/subject', /U\+202E/],
    ['subject zero-width space', () => ({ ...base(), subject: 'a\u200b' }), '/subject', /U\+200B/],
    ['subject line separator', () => ({ ...base(), subject: 'a\u2028' }), '/subject', /U\+2028/],
    ['subject leading space', () => ({ ...base(), subject: ' tps:1' }), '/subject', /whitespace/],
    ['subject trailing space', () => ({ ...base(), subject: 'tps:1 ' }), '/subject', /whitespace/],
    // seq
    ['seq missing', () => omit(base(), 'seq'), '/seq', /is required/],
    ['seq 0', () => ({ ...base(), seq: 0 }), '/seq', /safe integer ≥ 1/],
    ['seq -1', () => ({ ...base(), seq: -1 }), '/seq', /safe integer ≥ 1/],
    ['seq 1.5', () => ({ ...base(), seq: 1.5 }), '/seq', /safe integer ≥ 1/],
    ['seq 2^53', () => ({ ...base(), seq: 2 ** 53 }), '/seq', /safe integer ≥ 1/],
    ['seq "1"', () => ({ ...base(), seq: '1' }), '/seq', /safe integer ≥ 1/],
    // prev
    ['prev missing', () => omit(base(), 'prev'), '/prev', /is required/],
    ['prev set at seq 1', () => ({ ...base(), prev: FIRST_LEAF }), '/prev', /null when seq is 1/],
    ['prev null at seq 2', () => ({ ...v2(), prev: null }), '/prev', /seq > 1, not null/],
    ['prev not base64', () => ({ ...v2(), prev: 'not a hash' }), '/prev', /32-byte/],
    ['prev 31 bytes', () => ({ ...v2(), prev: b64(31) }), '/prev', /32-byte leaf hash/],
    ['prev 33 bytes', () => ({ ...v2(), prev: b64(33) }), '/prev', /32-byte leaf hash/],
    ['prev URL alphabet', () => ({ ...v2(), prev: urlB64(32) }), '/prev', /32-byte/],
    ['prev unpadded', () => ({ ...v2(), prev: b64(32).slice(0, -1) }), '/prev', /32-byte/],
    ['prev as hex', () => ({ ...v2(), prev: 'ab'.repeat(32) }), '/prev', /32-byte/],
    // at
    ['at missing', () => omit(base(), 'at'), '/at', /is required/],
    ['at with offset', () => at('2024-02-14T13:05:00+00:00'), '/at', /RFC 3339 UTC/],
    ['at with space', () => at('2024-02-14 13:05:00Z'), '/at', /RFC 3339 UTC/],
    ['at lower-case', () => at('2024-02-14t13:05:00z'), '/at', /RFC 3339 UTC/],
    ['at without seconds', () => at('2024-02-14T13:05Z'), '/at', /RFC 3339 UTC/],
    ['at date only', () => at('2024-02-14'), '/at', /RFC 3339 UTC/],
    ['at 10 fraction digits', () => at('2024-02-14T13:05:00.1234567890Z'), '/at', /RFC 3339/],
    ['at empty fraction', () => at('2024-02-14T13:05:00.Z'), '/at', /RFC 3339/],
    ['at as epoch ms', () => at(1707915900000), '/at', /RFC 3339 UTC/],
    ['at Feb 30', () => at('2024-02-30T00:00:00Z'), '/at', /day 30.*2024-02/],
    ['at Feb 29 non-leap', () => at('2023-02-29T00:00:00Z'), '/at', /day 29.*2023-02/],
    ['at Feb 29 in 1900', () => at('1900-02-29T00:00:00Z'), '/at', /day 29/],
    ['at Apr 31', () => at('2024-04-31T00:00:00Z'), '/at', /day 31/],
    ['at day 00', () => at('2024-04-00T00:00:00Z'), '/at', /day 00/],
    ['at month 13', () => at('2024-13-01T00:00:00Z'), '/at', /month 13/],
    ['at month 00', () => at('2024-00-01T00:00:00Z'), '/at', /month 00/],
    ['at hour 24', () => at('2024-02-14T24:00:00Z'), '/at', /hour 24/],
    ['at minute 60', () => at('2024-02-14T23:60:00Z'), '/at', /minute 60/],
    ['at leap second', () => at('2016-12-31T23:59:60Z'), '/at', /leap seconds/],
    // actor
    ['actor missing', () => omit(base(), 'actor'), '/actor', /is required/],
    ['actor array', () => ({ ...base(), actor: [] }), '/actor', /JSON object/],
    ['actor string', () => ({ ...base(), actor: 'kpps' }), '/actor', /JSON object/],
    ['actor unknown field', () => actor({ name: 'Budi' }), '/actor/name', /unknown field/],
    ['actor id missing', () => actor({ id: undefined }), '/actor/id', /is required/],
    ['actor id empty', () => actor({ id: '' }), '/actor/id', /1–128 .*is 0/],
    ['actor id 129', () => actor({ id: 'i'.repeat(129) }), '/actor/id', /is 129/],
    ['actor id tab', () => actor({ id: 'a\tb' }), '/actor/id', /U\+0009/],
    ['actor id number', () => actor({ id: 42 }), '/actor/id', /must be a string/],
    ['role missing', () => actor({ role: undefined }), '/actor/role', /is required/],
    ['role lower-case', () => actor({ role: 'kpps' }), '/actor/role', /upper-case identifier/],
    ['role with hyphen', () => actor({ role: 'KPPS-1' }), '/actor/role', /upper-case/],
    ['role from digit', () => actor({ role: '1KPPS' }), '/actor/role', /upper-case/],
    ['role 65 chars', () => actor({ role: 'R'.repeat(65) }), '/actor/role', /at most 64/],
    ['key without sig', () => actor({ key: KEY }), '/actor/sig', /required when \/actor\/key/],
    ['sig without key', () => actor({ sig: SIG }), '/actor/key', /required when \/actor\/sig/],
    ['key 31 bytes', () => actor({ key: b64(31), sig: SIG }), '/actor/key', /32-byte Ed25519/],
    ['key hex', () => actor({ key: '11'.repeat(32), sig: SIG }), '/actor/key', /32-byte/],
    ['sig 63 bytes', () => actor({ key: KEY, sig: b64(63) }), '/actor/sig', /base64 of 64 bytes/],
    ['sig 65 bytes', () => actor({ key: KEY, sig: b64(65) }), '/actor/sig', /base64 of 64 bytes/],
    ['sig null', () => actor({ key: KEY, sig: null }), '/actor/sig', /base64 of 64 bytes/],
    // body
    ['neither body shape', () => omit(base(), 'payload'), '', /either payload, or commitment/],
    ['both body shapes', () => ({ ...committedV1(), payload: {} }), '/payload', /not both/],
    ['payload array', () => ({ ...base(), payload: [1] }), '/payload', /JSON object/],
    ['payload null', () => ({ ...base(), payload: null }), '/payload', /JSON object/],
    ['payload string', () => ({ ...base(), payload: '{}' }), '/payload', /JSON object/],
    ['commitment alone', () => omit(committedV1(), 'public'), '/public', /required with commit/],
    ['public alone', () => omit(committedV1(), 'commitment'), '/commitment', /required with pub/],
    ['commitment 31 bytes', () => committed({ commitment: b64(31) }), '/commitment', /32 bytes/],
    ['commitment hex', () => committed({ commitment: 'ab'.repeat(32) }), '/commitment', /32/],
    ['public array', () => committed({ public: [] }), '/public', /JSON object/],
    ['public number', () => committed({ public: 1 }), '/public', /JSON object/],
    // payload contents with no canonical form
    ['payload NaN', () => ({ ...base(), payload: { n: Number.NaN } }), '/payload/n', /NaN/],
    ['payload Infinity', () => payload({ a: [Infinity] }), '/payload/a/0', /Infinity/],
    ['payload Date', () => payload({ d: new Date(0) }), '/payload/d', /plain objects/],
    ['payload bigint', () => payload({ n: 1n }), '/payload/n', /bigint/],
    ['payload undefined', () => payload({ u: undefined }), '/payload/u', /undefined/],
    ['payload lone surrogate', () => payload({ s: '\ud800' }), '/payload/s', /surrogate/],
    ['payload too deep', () => payload({ d: nest(63) }), `/payload/d${'/0'.repeat(62)}`, /64/],
    ['public Map', () => committed({ public: { m: new Map() } }), '/public/m', /not Map/],
    // reason
    ['reason missing at seq 2', () => omit(v2(), 'reason'), '/reason', /correction must say why/],
    ['reason empty', () => ({ ...v2(), reason: '' }), '/reason', /1–1000 .*is 0/],
    ['reason 1001', () => ({ ...v2(), reason: 'r'.repeat(1001) }), '/reason', /is 1001/],
    ['reason NUL', () => ({ ...v2(), reason: 'a\u0000' }), '/reason', /U\+0000/],
    ['reason CR', () => ({ ...v2(), reason: 'a\rb' }), '/reason', /U\+000D/],
    ['reason number', () => ({ ...v2(), reason: 7 }), '/reason', /must be a string/],
    // ref
    ['ref empty', () => ({ ...base(), ref: '' }), '/ref', /is 0/],
    ['ref 257', () => ({ ...base(), ref: 'r'.repeat(257) }), '/ref', /is 257/],
    ['ref number', () => ({ ...base(), ref: 17 }), '/ref', /must be a string/],
    ['ref newline', () => ({ ...base(), ref: 'a\nb' }), '/ref', /U\+000A/],
  ];

  it.each(cases)('%s', (_, make, path, message) => {
    const errors = errorsOf(make());
    // Exactly one problem, and it is this one: the rules do not cascade.
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(path);
    expect(errors[0]!.message).toMatch(message);
  });

  it('reports every problem at once, in field order', () => {
    const errors = errorsOf({ ...base(), v: 0, seq: 0, actor: { id: '', role: 'x' }, junk: 1 });
    expect(errors.map((e) => e.path)).toEqual(['/junk', '/v', '/seq', '/actor/id', '/actor/role']);
  });

  it('encodeEntry throws EntryError carrying the reasons', () => {
    const bad = { ...deviceSigned(), actor: { id: 'x', role: 'KPPS', key: KEY, sig: b64(10) } };
    let caught: unknown;
    try {
      encodeEntry(bad as unknown as EntryEnvelope);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EntryError);
    const err = caught as EntryError;
    expect(err.code).toBe('INVALID_ENTRY');
    expect(err.issues).toEqual([{ path: '/actor/sig', message: 'must be base64 of 64 bytes' }]);
    expect(err.message).toContain('/actor/sig must be base64 of 64 bytes');
  });
});

describe('wrong types everywhere are refused', () => {
  const junk: unknown[] = [
    null,
    0,
    -1,
    1.5,
    '',
    '1',
    true,
    [],
    [1],
    {},
    { nested: { junk: [null, { deeper: [] }] } },
  ];
  const fields = ['v', 'kind', 'subject', 'seq', 'prev', 'at', 'actor', 'payload', 'reason', 'ref'];
  // The few junk values that are legitimately valid for a field.
  const valid = (field: string, value: unknown): boolean =>
    (field === 'prev' && value === null) ||
    (field === 'payload' && typeof value === 'object' && value !== null && !Array.isArray(value)) ||
    (['kind', 'subject', 'reason', 'ref'].includes(field) && value === '1' && field !== 'kind');
  for (const field of fields) {
    it(`/${field}`, () => {
      for (const value of junk) {
        const r = validateEntry({ ...publicV1(), [field]: value });
        if (valid(field, value)) continue;
        expect(r.ok, `${field} = ${JSON.stringify(value)}`).toBe(false);
        if (!r.ok) {
          expect(
            r.errors.some((e) => e.path === `/${field}` || e.path.startsWith(`/${field}/`)),
          ).toBe(true);
        }
      }
    });
  }

  it.each(['id', 'role', 'key', 'sig'])('/actor/%s', (field) => {
    for (const value of junk) {
      const r = validateEntry({
        ...deviceSigned(),
        actor: { id: 'a', role: 'KPPS', key: KEY, sig: SIG, [field]: value },
      });
      if (field === 'id' && value === '1') continue;
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(`/actor/${field}`);
    }
  });

  it.each(['commitment', 'public'])('/%s', (field) => {
    for (const value of junk) {
      const r = validateEntry({ ...committedV1(), [field]: value });
      if (field === 'public' && typeof value === 'object' && value && !Array.isArray(value))
        continue;
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(`/${field}`);
    }
  });

  it('refuses non-plain envelopes and actors', () => {
    class Envelope {
      constructor() {
        Object.assign(this, publicV1());
      }
    }
    expect(errorsOf(new Envelope())[0]).toEqual({ path: '', message: 'must be a JSON object' });
    expect(errorsOf({ ...publicV1(), actor: new Map() }).map((e) => e.path)).toEqual(['/actor']);
  });

  it('refuses a getter without calling it', () => {
    let called = false;
    const env = publicV1();
    Object.defineProperty(env, 'ref', {
      enumerable: true,
      get() {
        called = true;
        return 'x';
      },
    });
    expect(errorsOf(env)).toEqual([{ path: '/ref', message: 'accessor properties are not data' }]);
    expect(called).toBe(false);
  });
});

describe('size limit: C2SP entry bundles store a uint16 length', () => {
  const withPad = (n: number) => ({ ...publicV1(), payload: { pad: 'x'.repeat(n) } });
  const overhead = canonicalBytes(withPad(0)).length;

  it(`accepts exactly ${MAX_ENTRY_BYTES} bytes`, () => {
    expect(MAX_ENTRY_BYTES).toBe(65535);
    expect(ok(validateEntry(withPad(MAX_ENTRY_BYTES - overhead))).bytes.length).toBe(65535);
  });

  it('refuses 65,536 bytes and states the size', () => {
    expect(errorsOf(withPad(MAX_ENTRY_BYTES - overhead + 1))).toEqual([
      {
        path: '',
        message: 'entry is 65536 bytes; the limit is 65535 (C2SP entry bundle uint16 length)',
      },
    ]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 'é' is 2 bytes in UTF-8: half as many characters reach the same limit.
    const n = Math.ceil((MAX_ENTRY_BYTES - overhead + 1) / 2);
    const env = { ...publicV1(), payload: { pad: 'é'.repeat(n) } };
    const size = canonicalBytes(env).length;
    expect(size).toBeGreaterThan(MAX_ENTRY_BYTES);
    expect(errorsOf(env)[0]!.message).toContain(`entry is ${size} bytes`);
  });

  it('encodeEntry refuses it with the size in the error', () => {
    expect(() => encodeEntry(withPad(70_000) as unknown as EntryEnvelope)).toThrow(
      /entry is 70\d{3} bytes; the limit is 65535/,
    );
  });
});

describe('parseEntryBytes: canonical bytes only', () => {
  const canonical = ok(validateEntry(correctionV2())).bytes;
  const utf = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

  it('round-trips canonical bytes to the same entry and leaf hash', () => {
    const r = ok(parseEntryBytes(canonical));
    expect(r.entry).toEqual(correctionV2());
    expect(r.bytes).toEqual(canonical);
    expect(Buffer.from(r.leafHash).toString('base64')).toBe(sha256LeafB64(canonical));
  });

  const json = text(canonical);
  it.each([
    ['pretty-printed', JSON.stringify(JSON.parse(json), null, 2)],
    ['trailing newline', `${json}\n`],
    ['keys in insertion order', JSON.stringify(correctionV2())],
    ['a number written 2.0', json.replace('"seq":2', '"seq":2.0')],
    ['an escaped letter', json.replace('"v":1', '"\\u0076":1')],
    ['a duplicate key', json.replace('"v":1}', '"v":1,"v":1}')],
  ])('refuses %s', (_, s) => {
    const r = parseEntryBytes(utf(s));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([{ path: '', message: expect.stringMatching(/canonical/) }]);
  });

  it('refuses a UTF-8 byte order mark', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...canonical]);
    expect(parseEntryBytes(withBom).ok).toBe(false);
  });

  it('refuses invalid UTF-8', () => {
    const r = parseEntryBytes(new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(r).toEqual({ ok: false, errors: [{ path: '', message: 'is not valid UTF-8' }] });
  });

  it('refuses invalid JSON', () => {
    const r = parseEntryBytes(utf('{"v":1,'));
    expect(r.ok || r.errors[0]!.message).toMatch(/^is not valid JSON/);
  });

  it('refuses canonical JSON that is not a valid entry, with field errors', () => {
    const r = parseEntryBytes(canonicalBytes({ ...publicV1(), seq: 0 }));
    expect(r.ok || r.errors).toEqual([{ path: '/seq', message: 'must be a safe integer ≥ 1' }]);
  });

  it('refuses oversize input before parsing it', () => {
    const r = parseEntryBytes(new Uint8Array(MAX_ENTRY_BYTES + 1));
    expect(r.ok || r.errors[0]!.message).toMatch(/entry is 65536 bytes/);
  });

  it('refuses non-bytes', () => {
    expect(parseEntryBytes(json as unknown as Uint8Array).ok).toBe(false);
  });
});

describe('commitments to personal data', () => {
  const record = { nik: '3171234567890001', name: 'Siti Aminah', born: '1990-05-17' };
  const salt1 = new Uint8Array(32).fill(1);

  it('is HMAC-SHA256(salt, JCS(record)) — known answer', () => {
    const { commitment, salt } = commitTo(record, salt1);
    expect(commitment).toBe('KRqBS/3GDLBsvopTfuF4fDf5sl31GOJ2lt3XhjOJQXI=');
    expect(salt).toEqual(salt1);
    const independent = createHmac('sha256', salt1)
      .update('{"born":"1990-05-17","name":"Siti Aminah","nik":"3171234567890001"}')
      .digest('base64');
    expect(commitment).toBe(independent);
  });

  it('draws a fresh 32-byte salt per call, so equal records do not link', () => {
    const a = commitTo(record);
    const b = commitTo(record);
    expect(a.salt).toHaveLength(32);
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    expect(a.commitment).not.toBe(b.commitment);
  });

  it('opens with the right salt and record, whatever the key order', () => {
    const { commitment, salt } = commitTo(record);
    expect(openCommitment(commitment, salt, record)).toBe(true);
    const reordered = { born: record.born, nik: record.nik, name: record.name };
    expect(openCommitment(commitment, salt, reordered)).toBe(true);
  });

  it('does not open with a wrong salt, record or commitment', () => {
    const { commitment, salt } = commitTo(record);
    const otherSalt = Uint8Array.from(salt);
    otherSalt[0]! ^= 1;
    expect(openCommitment(commitment, otherSalt, record)).toBe(false);
    expect(openCommitment(commitment, salt, { ...record, nik: '3171234567890002' })).toBe(false);
    expect(openCommitment(HASH32, salt, record)).toBe(false);
  });

  it('treats malformed inputs as "does not open", never throws', () => {
    const { commitment, salt } = commitTo(record);
    expect(openCommitment('nope', salt, record)).toBe(false);
    expect(openCommitment(commitment, salt.subarray(0, 31), record)).toBe(false);
    expect(openCommitment(commitment, 'salt' as unknown as Uint8Array, record)).toBe(false);
    expect(openCommitment(commitment, salt, { n: Number.NaN })).toBe(false);
    expect(openCommitment(commitment, salt, [record] as unknown as object)).toBe(false);
    expect(openCommitment(42 as unknown as string, salt, record)).toBe(false);
  });

  it('refuses a salt that is not 32 bytes and a record that is not an object', () => {
    expect(() => commitTo(record, new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'INVALID_SALT' }),
    );
    expect(() => commitTo([record])).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
    expect(() => commitTo({ d: new Date() })).toThrow(CanonicalError);
  });

  it('a commitment makes a valid committed entry; the log never sees the record', () => {
    const { commitment } = commitTo(record);
    const r = ok(validateEntry({ ...committedV1(), commitment }));
    expect(text(r.bytes)).not.toContain(record.nik);
    expect(text(r.bytes)).not.toContain(record.name);
  });
});

describe('properties', () => {
  const bases = [publicV1, correctionV2, deviceSigned, committedV1];
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  const topKey = fc.constantFrom(
    'v',
    'kind',
    'subject',
    'seq',
    'prev',
    'at',
    'actor',
    'payload',
    'commitment',
    'public',
    'reason',
    'ref',
    'extra',
  );
  const actorKey = fc.constantFrom('id', 'role', 'key', 'sig', 'other');
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('set' as const), key: topKey, value: anything }),
    fc.record({ op: fc.constant('delete' as const), key: topKey }),
    fc.record({ op: fc.constant('actor' as const), key: actorKey, value: anything }),
    fc.record({ op: fc.constant('unactor' as const), key: actorKey }),
  );

  type Mutation = { op: 'set' | 'delete' | 'actor' | 'unactor'; key: string; value?: unknown };
  function mutate(env: Record<string, unknown>, m: Mutation): void {
    const actor = env.actor;
    if (m.op === 'set') env[m.key] = m.value;
    else if (m.op === 'delete') delete env[m.key];
    // An earlier mutation may have replaced the actor with something else.
    else if (typeof actor !== 'object' || actor === null || Object.isFrozen(actor)) return;
    else if (m.op === 'actor') (actor as Record<string, unknown>)[m.key] = m.value;
    else delete (actor as Record<string, unknown>)[m.key];
  }

  it('random mutations of a valid envelope either stay valid or yield errors, never throw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (make, mutations) => {
          const env = make();
          for (const m of mutations) mutate(env, m);
          const r = validateEntry(env);
          if (r.ok) {
            // Anything accepted must survive the log: bytes parse back to themselves.
            const back = parseEntryBytes(r.bytes);
            expect(back.ok).toBe(true);
            if (back.ok) expect(back.bytes).toEqual(r.bytes);
            expect(r.bytes.length).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
          } else {
            expect(r.errors.length).toBeGreaterThan(0);
            for (const e of r.errors) {
              expect(e.path === '' || e.path.startsWith('/')).toBe(true);
              expect(typeof e.message).toBe('string');
              expect(e.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('any JSON object payload gives a valid entry whose bytes parse back identically', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (payload) => {
        const r = ok(validateEntry({ ...publicV1(), payload }));
        const back = ok(parseEntryBytes(r.bytes));
        expect(back.bytes).toEqual(r.bytes);
        expect(back.leafHash).toEqual(r.leafHash);
      }),
      { numRuns: 300 },
    );
  });

  it('parseEntryBytes never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parseEntryBytes(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------
// helpers

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = o;
  return rest;
}
function b64(n: number): string {
  return Buffer.alloc(n, 0xfb).toString('base64');
}
function urlB64(n: number): string {
  return b64(n).replace(/\+/g, '-').replace(/\//g, '_');
}
function at(value: unknown): Record<string, unknown> {
  return { ...publicV1(), at: value };
}
function actor(patch: Record<string, unknown>): Record<string, unknown> {
  const a: Record<string, unknown> = { id: 'kpps-1', role: 'KPPS', ...patch };
  for (const k of Object.keys(a)) if (a[k] === undefined) delete a[k];
  return { ...publicV1(), actor: a };
}
function committed(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...committedV1(), ...patch };
}
function payload(p: Record<string, unknown>): Record<string, unknown> {
  return { ...publicV1(), payload: p };
}
function nest(n: number): unknown {
  return n === 0 ? 0 : [nest(n - 1)];
}
