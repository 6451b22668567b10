/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures:
 *
 *   <text ending in \n>\n— <key name> <base64(key ID ‖ signature)>\n…
 *
 * Everything in a note is attacker-controlled until a trusted key's signature
 * over the text has verified, so openNote checks the whole shape first and fails
 * closed on anything it does not recognise. The verifier keys come from the
 * caller's configuration and are trusted.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from './encoding.ts';
import { VerifyError } from './errors.ts';

/** signed-note "Signature types": 0x01 is Ed25519. */
export const SIG_TYPE_ED25519 = 0x01;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;

/**
 * Limits on untrusted notes. signed-note "Format" asks verifiers to bound the
 * number of signatures and to accept at least 16; 100 is what Go's
 * golang.org/x/mod/sumdb/note accepts. A line of 8 KiB leaves room for a
 * post-quantum signature (~5 kB, ~6.7k base64 characters); 1 MiB bounds the note.
 */
export const MAX_SIGNATURES = 100;
export const MAX_LINE_LENGTH = 8192;
export const MAX_NOTE_LENGTH = 1 << 20;

/** A trusted key that can check signatures in a note. */
export interface NoteVerifier {
  /** Key name (for a log key, the checkpoint origin). */
  readonly name: string;
  /** signed-note key ID (uint32). */
  readonly keyId: number;
  /** True if `signature` (without the 4-byte key ID) is valid over `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Ed25519NoteVerifier extends NoteVerifier {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ key)>`. */
  readonly verifierKey: string;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** True if a known key verified it; false for a signature by an unknown key. */
  verified: boolean;
}

export interface OpenedNote {
  /** The signed text, including its final newline. */
  text: string;
  /** Every signature line, in order. */
  signatures: NoteSignature[];
  /** The whole note as a string. */
  note: string;
}

function malformed(message: string): never {
  throw new VerifyError('MALFORMED_NOTE', message);
}

// signed-note "Format": no ASCII control characters other than newline.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the rule.
const CONTROL_RE = /[\u0000-\u0009\u000b-\u001f]/;
// With the u flag this matches only unpaired surrogates, which have no UTF-8 form.
const LONE_SURROGATE_RE = /[\uD800-\uDFFF]/u;
// Unicode White_Space (Go's unicode.IsSpace adds U+0085 to what \s covers).
const SPACE_RE = /[\s\u0085]/u;

/**
 * signed-note "Format": key names are non-empty and contain no Unicode spaces and
 * no "+". Control characters are refused as everywhere in a note.
 */
export function isValidKeyName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_LINE_LENGTH &&
    !name.includes('+') &&
    !SPACE_RE.test(name) &&
    !CONTROL_RE.test(name) &&
    !LONE_SURROGATE_RE.test(name)
  );
}

function checkPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE)
    throw new TypeError('Ed25519 public key must be a 32-byte Uint8Array');
}

/**
 * signed-note "Ed25519 signatures": key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte
 * public key)[:4], read as a big-endian uint32.
 */
export function keyIdFor(name: string, publicKey: Uint8Array): number {
  if (!isValidKeyName(name))
    throw new TypeError(`invalid signed-note key name ${JSON.stringify(name)}`);
  checkPublicKey(publicKey);
  const h = sha256(concatBytes(utf8(name), new Uint8Array([0x0a, SIG_TYPE_ED25519]), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

function keyIdBytes(keyId: number): Uint8Array {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff)
    throw new TypeError(`key ID must be a uint32, got ${String(keyId)}`);
  return new Uint8Array([keyId >>> 24, (keyId >>> 16) & 0xff, (keyId >>> 8) & 0xff, keyId & 0xff]);
}

const keyIdHex = (keyId: number): string => toHex(keyIdBytes(keyId));

/** The verifier key string `<name>+<8 hex key ID>+<base64(0x01 ‖ public key)>`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = keyIdFor(name, publicKey);
  return `${name}+${keyIdHex(id)}+${toBase64(concatBytes(new Uint8Array([SIG_TYPE_ED25519]), publicKey))}`;
}

/** A verifier for a raw Ed25519 public key under `name`. */
export function ed25519Verifier(name: string, publicKey: Uint8Array): Ed25519NoteVerifier {
  const keyId = keyIdFor(name, publicKey);
  const key = publicKey.slice();
  return {
    name,
    keyId,
    publicKey: key,
    verifierKey: formatVerifierKey(name, key),
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        // zip215: false selects RFC 8032 / FIPS 186-5 strict verification, so a
        // signature valid here is valid for every conforming implementation.
        return ed25519.verify(signature, message, key, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

function badKey(message: string): never {
  throw new VerifyError('MALFORMED_VERIFIER_KEY', message);
}

/**
 * Parses a verifier key string. Strict: lowercase 8-digit hex key ID, strict
 * base64, signature type 0x01 (Ed25519), a 32-byte key, and a key ID that matches
 * the name and key (so a typo in either is caught here, not at first use).
 */
export function parseVerifierKey(s: string): Ed25519NoteVerifier {
  if (typeof s !== 'string') throw new TypeError('verifier key must be a string');
  const p1 = s.indexOf('+');
  const p2 = p1 < 0 ? -1 : s.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) badKey('verifier key must be <name>+<key id>+<key>');
  const name = s.slice(0, p1);
  const idHex = s.slice(p1 + 1, p2);
  const keyB64 = s.slice(p2 + 1);
  if (!isValidKeyName(name)) badKey(`invalid key name ${JSON.stringify(name.slice(0, 80))}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) badKey('key ID must be 8 lowercase hex digits');
  let key: Uint8Array;
  try {
    key = fromBase64(keyB64);
  } catch {
    badKey('verifier key is not standard base64');
  }
  if (key.length === 0 || key[0] !== SIG_TYPE_ED25519)
    badKey(
      `unsupported signature type ${key.length ? `0x${toHex(key.subarray(0, 1))}` : '(none)'}`,
    );
  if (key.length !== 1 + ED25519_PUBLIC_KEY_SIZE) badKey('Ed25519 verifier key must be 32 bytes');
  const publicKey = key.subarray(1);
  const keyId = keyIdFor(name, publicKey);
  const claimed = fromHex(idHex);
  if (keyIdHex(keyId) !== toHex(claimed)) badKey(`key ID ${idHex} does not match the name and key`);
  return ed25519Verifier(name, publicKey);
}

/**
 * Checks that `text` can be the text of a signed note and returns the bytes an
 * Ed25519 signer signs (signed-note "Ed25519 signatures": the note text, UTF-8,
 * including its final newline). The writer uses this so it never signs a note
 * that openNote would refuse.
 */
export function noteMessage(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('note text must be a string');
  if (text === '' || !text.endsWith('\n')) malformed('note text must end with a newline');
  checkCharacters(text);
  checkLineLengths(text);
  return utf8(text);
}

/** The signature line `— <name> <base64(key ID ‖ signature)>\n`. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isValidKeyName(name))
    throw new TypeError(`invalid signed-note key name ${JSON.stringify(name)}`);
  if (!(signature instanceof Uint8Array) || signature.length === 0)
    throw new TypeError('signature must be a non-empty Uint8Array');
  return `— ${name} ${toBase64(concatBytes(keyIdBytes(keyId), signature))}\n`;
}

function checkCharacters(s: string): void {
  if (LONE_SURROGATE_RE.test(s)) malformed('note is not valid UTF-8 (unpaired surrogate)');
  if (CONTROL_RE.test(s)) malformed('note contains an ASCII control character other than newline');
}

function checkLineLengths(s: string): void {
  let start = 0;
  while (start < s.length) {
    let end = s.indexOf('\n', start);
    if (end < 0) end = s.length;
    if (end - start > MAX_LINE_LENGTH)
      malformed(`note has a line longer than ${MAX_LINE_LENGTH} characters`);
    start = end + 1;
  }
}

function checkVerifiers(verifiers: unknown): asserts verifiers is readonly NoteVerifier[] {
  if (!Array.isArray(verifiers)) throw new TypeError('verifiers must be an array');
  for (const v of verifiers) {
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof v.name !== 'string' ||
      typeof v.keyId !== 'number' ||
      typeof v.verify !== 'function'
    )
      throw new TypeError('each verifier needs name, keyId and verify()');
  }
}

/** A signature line as written: the key it names and the signature bytes, not yet checked. */
export interface ParsedSignature {
  name: string;
  keyId: number;
  /** The signature without its 4-byte key ID. */
  signature: Uint8Array;
}

export interface ParsedNote {
  /** The signed text, including its final newline. */
  text: string;
  signatures: ParsedSignature[];
  /** The whole note as a string. */
  note: string;
}

/**
 * Reads a signed note's shape (signed-note "Format") without checking any
 * signature: what openNote does first, and what a verifier uses to see which keys
 * a note names before it decides which one to trust (./key-handover.ts).
 * Shape errors are MALFORMED_NOTE.
 */
export function parseNote(note: string | Uint8Array): ParsedNote {
  let s: string;
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_LENGTH) malformed(`note is larger than ${MAX_NOTE_LENGTH} bytes`);
    try {
      s = fromUtf8(note);
    } catch {
      malformed('note is not valid UTF-8');
    }
  } else if (typeof note === 'string') {
    s = note;
    if (s.length > MAX_NOTE_LENGTH) malformed(`note is larger than ${MAX_NOTE_LENGTH} characters`);
  } else {
    throw new TypeError('note must be a string or a Uint8Array');
  }
  checkCharacters(s);
  checkLineLengths(s);

  // signed-note "Format": the text ends in a newline and is separated from the
  // signatures by the last blank line; the signature block ends with a newline.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) malformed('note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    malformed('note must end with a signature line and newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`note has more than ${MAX_SIGNATURES} signatures`);

  const signatures = lines.map((line): ParsedSignature => {
    if (!line.startsWith('— ')) malformed('signature line must start with an em dash and a space');
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    if (sp < 0) malformed('signature line needs a key name and a signature');
    const name = rest.slice(0, sp);
    const b64 = rest.slice(sp + 1);
    if (!isValidKeyName(name))
      malformed(`invalid key name in signature line ${JSON.stringify(name.slice(0, 80))}`);
    let raw: Uint8Array;
    try {
      raw = fromBase64(b64);
    } catch {
      malformed(`signature by ${name} is not standard base64`);
    }
    if (raw.length < 5) malformed(`signature by ${name} is too short`);
    const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name, keyId, signature: raw.subarray(4) };
  });
  return { text, signatures, note: s };
}

/** Whether the note has a signature line naming `key` (its name and key ID), valid or not. */
export function namesKey(note: ParsedNote, key: NoteVerifier): boolean {
  return note.signatures.some((sig) => sig.name === key.name && sig.keyId === key.keyId);
}

/**
 * Opens a signed note (signed-note "Signatures"): signatures by unknown keys are
 * ignored (reported with verified: false); a signature whose name and key ID match
 * a known key must verify or the whole note is rejected; at least one known key
 * must have signed, else UNVERIFIED_NOTE. Shape errors are MALFORMED_NOTE.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  checkVerifiers(verifiers);
  const parsed = parseNote(note);
  const message = utf8(parsed.text);
  const signatures: NoteSignature[] = [];
  const seen = new Set<string>();
  let verifiedCount = 0;
  for (const { name, keyId, signature } of parsed.signatures) {
    const known = verifiers.find((v) => v.name === name && v.keyId === keyId);
    if (!known) {
      // signed-note "Signatures": verifiers MUST ignore unknown keys, even if they
      // share a name or an ID (but not both) with a known key.
      signatures.push({ name, keyId, verified: false });
      continue;
    }
    const id = `${name}+${keyIdHex(keyId)}`;
    if (seen.has(id)) malformed(`two signatures by ${id}`);
    seen.add(id);
    // "If a signature from a known key fails to verify, clients SHOULD reject
    // the whole note": we do, since a log key never signs badly by accident.
    if (!known.verify(message, signature))
      throw new VerifyError('UNVERIFIED_NOTE', `signature by ${id} does not verify`);
    verifiedCount++;
    signatures.push({ name, keyId, verified: true });
  }
  if (verifiedCount === 0)
    throw new VerifyError('UNVERIFIED_NOTE', 'note is not signed by any known key');
  return { text: parsed.text, signatures, note: parsed.note };
}
