/**
 * The log entry envelope (ARCHITECTURE.md "The log format" → Entry): one RFC 8785
 * canonical JSON object per leaf, validated field by field before it may be hashed.
 *
 * Everything in an envelope is attacker-controlled until proven otherwise: it comes
 * from API request bodies, from `saksi ledger append` on standard input, and (for
 * auditors) from entry bundles fetched off the network. Validation therefore
 * returns a value listing every problem with its JSON Pointer (CONVENTIONS.md §5,
 * §6) and never throws on bad input; encodeEntry is the throwing wrapper for
 * writer code that has already built a well-formed envelope.
 *
 * Personal data never enters an envelope in clear (ARCHITECTURE.md "Personal data
 * in a public log"): such entries carry `commitment` = HMAC-SHA256(salt, JCS of the
 * private record) and a `public` part; commitTo / openCommitment below make and
 * check those commitments.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CanonicalError, canonicalBytes, canonicalize, pointerToken } from './canonical.ts';
import { type Hash, leafHash as rfc9162LeafHash } from './hash.ts';
import { fromBase64, fromUtf8, toBase64, utf8 } from './verifier/encoding.ts';

/**
 * C2SP tlog-tiles entry bundles prefix each entry with a big-endian uint16 length,
 * so no entry can be longer than this many bytes.
 */
export const MAX_ENTRY_BYTES = 65_535;
/** The envelope format version this code writes and reads. */
export const ENTRY_VERSION = 1;

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Who caused the entry. `key` and `sig` appear together, only when a device signed
 * the submission (its enrolled Ed25519 key and the signature, checked by the API's
 * device authentication; here only their shape is checked).
 */
export type EntryActor =
  | { id: string; role: string; key?: never; sig?: never }
  | { id: string; role: string; key: string; sig: string };

interface EnvelopeFields {
  v: 1;
  /** `domain.entity.event`, e.g. `results.tps.submitted`. */
  kind: string;
  /** Stable record key; all versions of a record share it. */
  subject: string;
  /** Version of the subject, from 1. */
  seq: number;
  /** Standard base64 leaf hash of version seq−1, or null for seq 1. */
  prev: string | null;
  /** RFC 3339 UTC timestamp with `Z`. */
  at: string;
  actor: EntryActor;
  /** Why this version exists; required for corrections (seq > 1). */
  reason?: string;
  /** External reference, e.g. a case or decree number. */
  ref?: string;
}

/** A public record, in clear. */
export interface PublicEnvelope extends EnvelopeFields {
  payload: JsonObject;
  commitment?: never;
  public?: never;
}

/** Personal data: a salted commitment to the private record plus its public part. */
export interface CommittedEnvelope extends EnvelopeFields {
  /** Standard base64 of HMAC-SHA256(salt, JCS(private record)). */
  commitment: string;
  public: JsonObject;
  payload?: never;
}

export type EntryEnvelope = PublicEnvelope | CommittedEnvelope;

/** One reason an envelope is refused: an RFC 6901 pointer and what is wrong there. */
export interface EntryIssue {
  path: string;
  message: string;
}

export type EntryResult =
  | { ok: true; entry: EntryEnvelope; bytes: Uint8Array; leafHash: Hash }
  | { ok: false; errors: EntryIssue[] };

export type EntryErrorCode = 'INVALID_ENTRY' | 'INVALID_SALT' | 'INVALID_RECORD';

export class EntryError extends Error {
  readonly code: EntryErrorCode;
  readonly issues: readonly EntryIssue[];
  constructor(code: EntryErrorCode, message: string, issues: readonly EntryIssue[] = []) {
    super(message);
    this.name = 'EntryError';
    this.code = code;
    this.issues = issues;
  }
}

const ENVELOPE_FIELDS = new Set([
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
]);
const ACTOR_FIELDS = new Set(['id', 'role', 'key', 'sig']);

const KIND = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const MAX_KIND = 96;
const ROLE = /^[A-Z][A-Z0-9_]*$/;
const MAX_ROLE = 64;
// Characters that print nothing or rearrange what prints (controls, format
// characters such as bidi overrides, lone surrogates, line/paragraph separators):
// refused in identifiers so that two subjects that look alike are alike.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
// Free text (a reason) may span lines; other controls are still refused.
const UNPRINTABLE_TEXT = /[\p{Cs}\p{Zl}\p{Zp}]|(?![\n\t])\p{Cc}/u;
// RFC 3339 §5.6 date-time restricted to UTC written `Z`, upper-case `T`, and at most
// nanosecond precision: one spelling per instant apart from trailing fraction digits.
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

// ---------------------------------------------------------------------------
// Validation

/**
 * Validates an envelope. Never throws on bad input: a refused envelope comes back
 * as `{ ok: false, errors }`, each error pointing at the field concerned. On
 * success, `entry` is an independent copy (parsed back from the canonical bytes),
 * `bytes` the RFC 8785 UTF-8 encoding and `leafHash` its RFC 9162 leaf hash.
 */
export function validateEntry(value: unknown): EntryResult {
  let text: string;
  try {
    text = canonicalize(value);
  } catch (e) {
    if (!(e instanceof CanonicalError)) throw e;
    // No canonical form: report field problems found on the data properties that
    // can be read, plus the canonicalization problem unless a field issue at or
    // above its path already explains it.
    const errors = checkFields(value);
    const covered = errors.some((x) => e.path === x.path || e.path.startsWith(`${x.path}/`));
    if (!covered) errors.push({ path: e.path, message: e.reason });
    return { ok: false, errors };
  }
  // From here on, validate an inert copy (no getters, proxies or shared references
  // that could change between the checks and the hash).
  const entry: unknown = JSON.parse(text);
  const bytes = utf8(text);
  const errors = checkFields(entry);
  if (bytes.length > MAX_ENTRY_BYTES) {
    errors.push({
      path: '',
      message: `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES} (C2SP entry bundle uint16 length)`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, entry: entry as EntryEnvelope, bytes, leafHash: rfc9162LeafHash(bytes) };
}

/** The canonical bytes of a valid envelope; throws EntryError (INVALID_ENTRY) otherwise. */
export function encodeEntry(envelope: EntryEnvelope): Uint8Array {
  const result = validateEntry(envelope);
  if (!result.ok) throw invalidEntry(result.errors);
  return result.bytes;
}

/**
 * Reads an entry as stored in the log (e.g. from an entry bundle). The bytes must
 * be exactly the canonical encoding of a valid envelope: anything else (a BOM,
 * whitespace, unsorted keys, "1.0", a duplicate key) would give one record two
 * leaf hashes.
 */
export function parseEntryBytes(bytes: Uint8Array): EntryResult {
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, errors: [{ path: '', message: 'must be a Uint8Array' }] };
  }
  if (bytes.length > MAX_ENTRY_BYTES) {
    const message = `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES} (C2SP entry bundle uint16 length)`;
    return { ok: false, errors: [{ path: '', message }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (e) {
    const why =
      e instanceof SyntaxError ? `is not valid JSON (${e.message})` : 'is not valid UTF-8';
    return { ok: false, errors: [{ path: '', message: why }] };
  }
  const result = validateEntry(value);
  if (!result.ok) return result;
  if (!bytesEqualPublic(result.bytes, bytes)) {
    const message = 'is not in RFC 8785 canonical form (re-encoding changes the bytes)';
    return { ok: false, errors: [{ path: '', message }] };
  }
  return result;
}

function invalidEntry(errors: readonly EntryIssue[]): EntryError {
  const list = errors.map((x) => `${x.path || '(entry)'} ${x.message}`).join('; ');
  return new EntryError('INVALID_ENTRY', `invalid entry: ${list}`, errors);
}

/** Plain data object (not an array, Date, Map, class instance, …). */
function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Own data properties only: accessors are never invoked (canonicalize refuses them). */
function dataProperties(v: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(v))) {
    if ('value' in d && d.enumerable) out.set(k, d.value);
  }
  return out;
}

function checkFields(value: unknown): EntryIssue[] {
  const errors: EntryIssue[] = [];
  const fail = (path: string, message: string): void => {
    errors.push({ path, message });
  };
  if (!isRecord(value)) {
    fail('', 'must be a JSON object');
    return errors;
  }
  const f = dataProperties(value);
  for (const k of f.keys()) {
    if (!ENVELOPE_FIELDS.has(k)) fail(`/${pointerToken(k)}`, 'unknown field');
  }

  if (!f.has('v')) fail('/v', 'is required');
  else if (f.get('v') !== ENTRY_VERSION) fail('/v', `must be ${ENTRY_VERSION}`);

  const kind = f.get('kind');
  if (!f.has('kind')) fail('/kind', 'is required');
  else if (typeof kind !== 'string') fail('/kind', 'must be a string');
  else if (kind.length > MAX_KIND)
    fail('/kind', `must be at most ${MAX_KIND} characters (is ${kind.length})`);
  else if (!KIND.test(kind)) {
    fail('/kind', 'must be domain.entity.event: three dot-separated segments of [a-z][a-z0-9_]*');
  }

  checkIdentifier(f, 'subject', '/subject', 256, fail);

  const seq = f.get('seq');
  const seqValid = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1;
  if (!f.has('seq')) fail('/seq', 'is required');
  else if (!seqValid) fail('/seq', 'must be a safe integer ≥ 1');

  const prev = f.get('prev');
  if (!f.has('prev')) fail('/prev', 'is required (null when seq is 1)');
  else if (prev === null) {
    if (seqValid && seq > 1) {
      fail('/prev', 'must be the leaf hash of version seq − 1 when seq > 1, not null');
    }
  } else if (seqValid && seq === 1) fail('/prev', 'must be null when seq is 1');
  else if (!isBase64Of(prev, 32)) fail('/prev', 'must be base64 of a 32-byte leaf hash');

  const at = f.get('at');
  if (!f.has('at')) fail('/at', 'is required');
  else {
    const why = rfc3339UtcIssue(at);
    if (why) fail('/at', why);
  }

  checkActor(f, fail);
  checkBody(f, fail);

  const reason = f.get('reason');
  if (!f.has('reason')) {
    if (seqValid && seq > 1) {
      fail('/reason', 'is required when seq > 1 (a correction must say why)');
    }
  } else {
    const why = textIssue(reason, 1, 1000, UNPRINTABLE_TEXT);
    if (why) fail('/reason', why);
  }
  if (f.has('ref')) checkIdentifier(f, 'ref', '/ref', 256, fail);
  return errors;
}

type Fail = (path: string, message: string) => void;

function checkActor(f: Map<string, unknown>, fail: Fail): void {
  const actor = f.get('actor');
  if (!f.has('actor')) {
    fail('/actor', 'is required');
    return;
  }
  if (!isRecord(actor)) {
    fail('/actor', 'must be a JSON object');
    return;
  }
  const a = dataProperties(actor);
  for (const k of a.keys()) {
    if (!ACTOR_FIELDS.has(k)) fail(`/actor/${pointerToken(k)}`, 'unknown field');
  }
  checkIdentifier(a, 'id', '/actor/id', 128, fail);
  const role = a.get('role');
  if (!a.has('role')) fail('/actor/role', 'is required');
  else if (typeof role !== 'string' || role.length > MAX_ROLE || !ROLE.test(role)) {
    fail(
      '/actor/role',
      `must be an upper-case identifier [A-Z][A-Z0-9_]* of at most ${MAX_ROLE} characters`,
    );
  }
  // A device signature is meaningless without the key that made it, and a key
  // without a signature claims a device signed when none did.
  if (a.has('key') && !a.has('sig')) fail('/actor/sig', 'is required when /actor/key is present');
  if (a.has('sig') && !a.has('key')) fail('/actor/key', 'is required when /actor/sig is present');
  if (a.has('key') && !isBase64Of(a.get('key'), 32)) {
    fail('/actor/key', 'must be base64 of a 32-byte Ed25519 public key');
  }
  if (a.has('sig') && !isBase64Of(a.get('sig'), 64)) {
    fail('/actor/sig', 'must be base64 of 64 bytes');
  }
}

/** Either `payload`, or `commitment` with `public`: never both shapes, never neither. */
function checkBody(f: Map<string, unknown>, fail: Fail): void {
  const hasPayload = f.has('payload');
  const hasCommitted = f.has('commitment') || f.has('public');
  if (hasPayload && hasCommitted) {
    fail(
      '/payload',
      'must not appear together with commitment/public (an entry is public or committed, not both)',
    );
  } else if (!hasPayload && !hasCommitted) {
    fail('', 'must have either payload, or commitment and public');
  }
  if (hasPayload && !isRecord(f.get('payload'))) fail('/payload', 'must be a JSON object');
  if (hasCommitted) {
    if (!f.has('commitment')) fail('/commitment', 'is required with public');
    else if (!isBase64Of(f.get('commitment'), 32)) {
      fail('/commitment', 'must be base64 of 32 bytes (HMAC-SHA256)');
    }
    if (!f.has('public')) fail('/public', 'is required with commitment');
    else if (!isRecord(f.get('public'))) fail('/public', 'must be a JSON object');
  }
}

/** A printable key-like string: subject, actor id, ref. */
function checkIdentifier(
  f: Map<string, unknown>,
  field: string,
  path: string,
  max: number,
  fail: Fail,
): void {
  if (!f.has(field)) {
    fail(path, 'is required');
    return;
  }
  const v = f.get(field);
  const why = textIssue(v, 1, max, UNPRINTABLE);
  if (why) {
    fail(path, why);
    return;
  }
  if (/^\s|\s$/u.test(v as string)) fail(path, 'must not begin or end with whitespace');
}

/** Length is counted in Unicode code points, as JSON Schema's maxLength does. */
function textIssue(v: unknown, min: number, max: number, unprintable: RegExp): string | null {
  if (typeof v !== 'string') return `must be a string of ${min}–${max} characters`;
  let n = 0;
  for (const _ of v) n++;
  if (n < min || n > max) return `must be ${min}–${max} characters long (is ${n})`;
  const bad = unprintable.exec(v);
  if (bad) {
    const cp = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `must not contain unprintable characters (U+${cp} at offset ${bad.index})`;
  }
  return null;
}

/** Strict standard base64 (RFC 4648 §4, padded, canonical) of exactly `n` bytes. */
function isBase64Of(v: unknown, n: number): boolean {
  if (typeof v !== 'string' || v.length !== 4 * Math.ceil(n / 3)) return false;
  try {
    return fromBase64(v).length === n;
  } catch {
    return false;
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function rfc3339UtcIssue(v: unknown): string | null {
  const shape = 'must be an RFC 3339 UTC timestamp ending in Z, e.g. 2024-02-14T13:05:00Z';
  if (typeof v !== 'string') return shape;
  const m = RFC3339_UTC.exec(v);
  if (!m) return shape;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return `has month ${m[2]}, which does not exist`;
  // RFC 3339 Appendix C: Gregorian leap years.
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > days) return `has day ${m[3]}, which does not exist in ${m[1]}-${m[2]}`;
  if (hour > 23) return `has hour ${m[4]}, which does not exist`;
  if (minute > 59) return `has minute ${m[5]}, which does not exist`;
  // RFC 3339 §5.7 allows a leap second (:60); the log's clock, like POSIX time and
  // ECMAScript Date, has none, so an entry claiming one did not come from it.
  if (second > 59) return `has second ${m[6]}; leap seconds are not accepted`;
  return null;
}

/** Length-and-content equality of public data (no timing concern). */
function bytesEqualPublic(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

// ---------------------------------------------------------------------------
// Commitments to personal data

export const SALT_BYTES = 32;

/**
 * HMAC-SHA256(salt, JCS(record)) with a fresh 32-byte random salt unless one is
 * given (ARCHITECTURE.md "Personal data in a public log"): an unsalted hash of a
 * NIK and birth date could be brute-forced, a 256-bit salt cannot. The salt goes to
 * the private table, never to the log.
 */
export function commitTo(
  privateRecord: object,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): { commitment: string; salt: Uint8Array } {
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    throw new EntryError('INVALID_SALT', `salt must be ${SALT_BYTES} bytes`);
  }
  if (!isRecord(privateRecord)) {
    throw new EntryError('INVALID_RECORD', 'a private record must be a plain JSON object');
  }
  // canonicalBytes throws CanonicalError (with a path) if the record has no JSON form.
  const mac = createHmac('sha256', salt).update(canonicalBytes(privateRecord)).digest();
  return { commitment: toBase64(mac), salt: Uint8Array.from(salt) };
}

/**
 * Whether `record` with `salt` opens `commitment`. All three come from whoever
 * claims the record (a voter holding their salt), so anything malformed is simply
 * "does not open"; the MAC comparison is constant-time.
 */
export function openCommitment(commitment: string, salt: Uint8Array, record: object): boolean {
  if (!isBase64Of(commitment, 32)) return false;
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES || !isRecord(record)) {
    return false;
  }
  let data: Uint8Array;
  try {
    data = canonicalBytes(record);
  } catch {
    return false;
  }
  const mac = createHmac('sha256', salt).update(data).digest();
  return timingSafeEqual(mac, fromBase64(commitment));
}
