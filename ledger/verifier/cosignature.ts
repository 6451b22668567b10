/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the Ed25519 type
 * `cosignature/v1`: a witness's statement that, as of a time, the checkpoint is
 * the largest consistent tree head it has seen for the log. It is an ordinary
 * signed-note signature line beside the log's own:
 *
 *   — <witness name> base64(key ID ‖ u64 timestamp ‖ Ed25519 signature)
 *
 * with key ID = SHA-256(name ‖ "\n" ‖ 0x04 ‖ 32-byte key)[:4] and the signature
 * over "cosignature/v1\ntime <T>\n" followed by the checkpoint body.
 *
 * Browser-safe like the rest of the verifier: @noble only, no Node built-ins.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type OpenedCheckpoint, openCheckpoint } from './checkpoint.ts';
import { concatBytes, fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { isValidKeyName, type NoteVerifier, parseNote } from './note.ts';
import { verifyConsistency } from './proof.ts';

/** tlog-cosignature "Format": the signature type (vkey byte and key-ID byte) of cosignature/v1. */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
/** tlog-cosignature "Format": timestamped_signature is u64 timestamp ‖ 64-byte signature. */
export const COSIGNATURE_SIZE = 8 + ED25519_SIGNATURE_SIZE;

/** A witness's cosignature key, trusted by configuration. */
export interface CosignatureVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
  /** `<name>+<hex key ID>+<base64(0x04 ‖ key)>` (signed-note vkey with type 0x04). */
  readonly verifierKey: string;
  /** The cosignature's timestamp if `cosignature` is a valid one over `body`, else null. */
  timestampOf(body: string, cosignature: Uint8Array): number | null;
}

function badKey(message: string): never {
  throw new VerifyError('MALFORMED_VERIFIER_KEY', message);
}

/** tlog-cosignature "Format": SHA-256(<name> ‖ "\n" ‖ 0x04 ‖ key)[:4], big-endian. */
export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  if (!isValidKeyName(name))
    throw new TypeError(`invalid signed-note key name ${JSON.stringify(name)}`);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE)
    throw new TypeError('Ed25519 public key must be a 32-byte Uint8Array');
  const h = sha256(
    concatBytes(utf8(name), new Uint8Array([0x0a, SIG_TYPE_COSIGNATURE_V1]), publicKey),
  );
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** The witness verifier key `<name>+<hex key ID>+<base64(0x04 ‖ key)>`. */
export function formatCosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = cosignatureKeyId(name, publicKey);
  const material = concatBytes(new Uint8Array([SIG_TYPE_COSIGNATURE_V1]), publicKey);
  return `${name}+${hex32(id)}+${toBase64(material)}`;
}

/**
 * tlog-cosignature "Ed25519 signed message": two header lines, then the whole
 * checkpoint body with its final newline. The time is a POSIX timestamp in
 * decimal without leading zeroes.
 */
export function cosignatureMessage(body: string, timestamp: number): Uint8Array {
  if (typeof body !== 'string' || !body.endsWith('\n'))
    throw new TypeError('checkpoint body must end with a newline');
  checkTimestamp(timestamp);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${body}`);
}

function checkTimestamp(t: number): void {
  // The spec allows up to 2^63-1; a time beyond 2^53 seconds is ~285 million
  // years away, so refusing it loses nothing and keeps the number exact.
  if (!Number.isSafeInteger(t) || t < 0)
    throw new RangeError(`cosignature timestamp must be a non-negative safe integer, got ${t}`);
}

/** The 8-byte big-endian timestamp ‖ signature of a cosignature line (after its key ID). */
export function encodeCosignature(timestamp: number, signature: Uint8Array): Uint8Array {
  checkTimestamp(timestamp);
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_SIZE)
    throw new TypeError('Ed25519 signature must be 64 bytes');
  const out = new Uint8Array(COSIGNATURE_SIZE);
  const hi = Math.floor(timestamp / 2 ** 32);
  const lo = timestamp >>> 0;
  out.set([hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff], 0);
  out.set([lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff], 4);
  out.set(signature, 8);
  return out;
}

/**
 * Splits a cosignature (what follows the key ID) into its timestamp and
 * signature; null if it is not exactly 72 bytes or its timestamp is out of range.
 */
export function decodeCosignature(
  bytes: Uint8Array,
): { timestamp: number; signature: Uint8Array } | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== COSIGNATURE_SIZE) return null;
  const hi = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const lo = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  const timestamp = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(timestamp)) return null;
  return { timestamp, signature: bytes.subarray(8) };
}

/** A verifier for a witness's raw Ed25519 public key under `name`. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): CosignatureVerifier {
  const keyId = cosignatureKeyId(name, publicKey);
  const key = publicKey.slice();
  const timestampOf = (body: string, cosig: Uint8Array): number | null => {
    const d = decodeCosignature(cosig);
    if (!d) return null;
    try {
      // Strict RFC 8032 verification, as for the log key (./note.ts).
      return ed25519.verify(d.signature, cosignatureMessage(body, d.timestamp), key, {
        zip215: false,
      })
        ? d.timestamp
        : null;
    } catch {
      return null;
    }
  };
  return {
    name,
    keyId,
    publicKey: key,
    verifierKey: formatCosignatureVerifierKey(name, key),
    timestampOf,
    // As a NoteVerifier (for openNote): the message is the note text.
    verify: (message, signature) => timestampOf(fromUtf8(message), signature) !== null,
  };
}

/**
 * Parses a witness verifier key. Strict like parseVerifierKey (./note.ts):
 * lowercase 8-digit hex key ID that must match, strict base64, and signature
 * type 0x04 — a log key (type 0x01) is refused, since its signatures say
 * something else and its key ID differs.
 */
export function parseCosignatureVerifierKey(s: string): CosignatureVerifier {
  if (typeof s !== 'string') throw new TypeError('verifier key must be a string');
  // The key's base64 may itself contain "+": split at the first two only.
  const p1 = s.indexOf('+');
  const p2 = p1 < 0 ? -1 : s.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) badKey('witness key must be <name>+<key id>+<key>');
  const name = s.slice(0, p1);
  const idHex = s.slice(p1 + 1, p2);
  const keyB64 = s.slice(p2 + 1);
  if (!isValidKeyName(name)) badKey(`invalid key name ${JSON.stringify(name.slice(0, 80))}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) badKey('key ID must be 8 lowercase hex digits');
  let key: Uint8Array;
  try {
    key = fromBase64(keyB64);
  } catch {
    badKey('witness key is not standard base64');
  }
  if (key.length === 0 || key[0] !== SIG_TYPE_COSIGNATURE_V1)
    badKey(
      `witness key has signature type ${key.length ? `0x${toHex(key.subarray(0, 1))}` : '(none)'}, not 0x04 (cosignature/v1)`,
    );
  if (key.length !== 1 + ED25519_PUBLIC_KEY_SIZE) badKey('Ed25519 witness key must be 32 bytes');
  const v = cosignatureVerifier(name, key.subarray(1));
  if (toHex(fromHex(idHex)) !== hex32(v.keyId))
    badKey(`key ID ${idHex} does not match the name and key`);
  return v;
}

/** A witness whose valid cosignature a checkpoint carries. */
export interface Cosigner {
  name: string;
  verifierKey: string;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: number;
}

export interface CosignedCheckpoint extends OpenedCheckpoint {
  /** The trusted witnesses whose cosignature verified, in the order of `witnesses`. */
  cosigners: Cosigner[];
}

export interface QuorumOptions {
  /** The trusted witnesses (strings are parsed as witness vkeys). */
  witnesses: readonly (string | CosignatureVerifier)[];
  /** How many distinct trusted witnesses must have cosigned (default: all of them). */
  quorum?: number;
  /**
   * Refuse cosignatures dated more than this many seconds after `now` (the spec
   * lets verifiers reject timestamps in the future); default 3600 with `now`.
   */
  now?: number;
  maxFutureSeconds?: number;
}

/**
 * Requires valid cosignatures from at least `quorum` distinct trusted witnesses
 * on a checkpoint note whose log signature the caller has verified (or will):
 * tlog-cosignature "Format": clients compute each witness's name and key ID and
 * ignore lines that match neither. A line that names a trusted witness but does
 * not verify is not counted and is named in the error if the quorum fails.
 * Fewer than `quorum` → NO_QUORUM. Returns the witnesses that cosigned.
 */
export function requireCosignatures(note: string | Uint8Array, options: QuorumOptions): Cosigner[] {
  const witnesses = options.witnesses.map((w) =>
    typeof w === 'string' ? parseCosignatureVerifierKey(w) : w,
  );
  const distinct = new Set(witnesses.map((w) => w.verifierKey));
  if (distinct.size !== witnesses.length) throw new TypeError('a witness key is listed twice');
  const quorum = options.quorum ?? witnesses.length;
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length)
    throw new RangeError(`quorum ${quorum} is not in 0..${witnesses.length} (the witnesses given)`);
  const parsed = parseNote(note);
  const body = parsed.text;
  const maxFuture = options.maxFutureSeconds ?? 3600;
  const cosigners: Cosigner[] = [];
  const problems: string[] = [];
  for (const w of witnesses) {
    const lines = parsed.signatures.filter((s) => s.name === w.name && s.keyId === w.keyId);
    if (lines.length === 0) {
      problems.push(`no cosignature by ${w.name}`);
      continue;
    }
    if (lines.length > 1) {
      problems.push(`${w.name} cosigned twice`);
      continue;
    }
    const ts = w.timestampOf(body, lines[0]!.signature);
    if (ts === null) {
      problems.push(`the cosignature by ${w.name} does not verify`);
      continue;
    }
    if (options.now !== undefined && ts > options.now + maxFuture) {
      problems.push(`the cosignature by ${w.name} is dated in the future (${ts})`);
      continue;
    }
    cosigners.push({ name: w.name, verifierKey: w.verifierKey, timestamp: ts });
  }
  if (cosigners.length < quorum) {
    const size = body.split('\n')[1] ?? '?';
    throw new VerifyError(
      'NO_QUORUM',
      `checkpoint of size ${size} has ${cosigners.length} valid witness cosignature${cosigners.length === 1 ? '' : 's'}, ${quorum} required: ${problems.join('; ')}`,
    );
  }
  return cosigners;
}

/** Opens a checkpoint with the log key, then requires the witnesses' quorum (requireCosignatures). */
export function openCosignedCheckpoint(
  note: string | Uint8Array,
  logKey: string | NoteVerifier,
  options: QuorumOptions,
): CosignedCheckpoint {
  const cp = openCheckpoint(note, logKey);
  return { ...cp, cosigners: requireCosignatures(cp.note, options) };
}

/**
 * For a proof made against a tree the witnesses may not have cosigned itself
 * (an inclusion proof at size `tree.size`): checks that the tree is a prefix of
 * a cosigned checkpoint, by an RFC 9162 consistency proof from `tree.size` to
 * `cosigned.size`. A cosigned tree smaller than the proof's is NO_QUORUM (the
 * witnesses have not seen those entries yet; ask again shortly); a proof that
 * does not hold is BAD_PROOF.
 */
export function checkWitnessedPrefix(
  tree: { size: number; rootHash: Uint8Array },
  cosigned: { size: number; rootHash: Uint8Array },
  consistency: readonly Uint8Array[],
): void {
  if (cosigned.size < tree.size)
    throw new VerifyError(
      'NO_QUORUM',
      `the witnesses have cosigned the log up to size ${cosigned.size}, not yet ${tree.size}`,
    );
  verifyConsistency(tree.size, cosigned.size, tree.rootHash, cosigned.rootHash, consistency);
}
