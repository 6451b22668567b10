/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) note bodies:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]*
 *
 * The body arrives from the log, so every field is attacker-controlled: parsing
 * accepts exactly one spelling of each (decimal without leading zeros, strict
 * base64 of exactly 32 bytes) and nothing after the final newline.
 */
import { fromBase64, toBase64 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { HASH_SIZE, type Hash } from './hash.ts';
import { type NoteVerifier, type OpenedNote, openNote, parseVerifierKey } from './note.ts';

export interface Checkpoint {
  /** tlog-checkpoint "Note text" line 1: the log's identity. */
  origin: string;
  /** Line 2: number of leaves. */
  size: number;
  /** Line 3: RFC 9162 §2.1.1 root of the tree of `size` leaves. */
  rootHash: Hash;
  /** Lines 4+: opaque, non-empty extension lines (without their newlines). */
  extensions: string[];
}

function bad(message: string): never {
  throw new VerifyError('MALFORMED_CHECKPOINT', message);
}

// tlog-checkpoint line 2: "ASCII decimal … with no leading zeroes".
const SIZE_RE = /^(?:0|[1-9][0-9]*)$/;
// Signed notes forbid ASCII control characters other than newline (C2SP signed-note
// "Format"); a body parsed outside a note gets the same rule.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point.
const CONTROL_RE = /[\u0000-\u0009\u000b-\u001f]/;

/** Parses a checkpoint note text (the body, without the signature block). */
export function parseCheckpointBody(text: string): Checkpoint {
  if (typeof text !== 'string') throw new TypeError('checkpoint body must be a string');
  if (!text.endsWith('\n')) bad('checkpoint body must end with a newline');
  if (CONTROL_RE.test(text)) bad('checkpoint body contains a control character');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) bad('checkpoint body needs origin, size and root hash lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === '') bad('checkpoint origin is empty');
  if (!SIZE_RE.test(sizeLine)) bad(`checkpoint size is not a canonical decimal: ${clip(sizeLine)}`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) bad(`checkpoint size ${clip(sizeLine)} is too large`);
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootLine);
  } catch {
    bad(`checkpoint root hash is not standard base64: ${clip(rootLine)}`);
  }
  if (rootHash.length !== HASH_SIZE)
    bad(`checkpoint root hash has ${rootHash.length} bytes, not 32`);
  extensions.forEach((e, i) => {
    if (e === '') bad(`checkpoint extension line ${i + 1} is empty`);
  });
  return { origin, size, rootHash, extensions };
}

/** Formats a checkpoint body; the inverse of parseCheckpointBody. */
export function formatCheckpointBody(c: {
  origin: string;
  size: number;
  rootHash: Hash;
  extensions?: readonly string[];
}): string {
  if (typeof c.origin !== 'string' || c.origin === '' || /[\n\r]/.test(c.origin))
    throw new RangeError('checkpoint origin must be a non-empty single line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`bad tree size ${c.size}`);
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== HASH_SIZE)
    throw new RangeError('root hash must be 32 bytes');
  let s = `${c.origin}\n${c.size}\n${toBase64(c.rootHash)}\n`;
  for (const e of c.extensions ?? []) {
    if (e === '' || e.includes('\n'))
      throw new RangeError('extension lines must be non-empty single lines');
    s += `${e}\n`;
  }
  return s;
}

export interface OpenedCheckpoint extends Checkpoint {
  /** The whole signed note as received. */
  note: string;
  signatures: OpenedNote['signatures'];
}

/**
 * Opens a signed checkpoint with the log's verifier key. The key's name must be
 * the origin line: tlog-checkpoint "Signatures" says the log's key name SHOULD
 * match the origin, and we make it a MUST so one key cannot vouch for another
 * log's checkpoints.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKey: string | NoteVerifier,
): OpenedCheckpoint {
  const verifier = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const opened = openNote(note, [verifier]);
  const cp = parseCheckpointBody(opened.text);
  if (cp.origin !== verifier.name)
    bad(`checkpoint origin ${clip(cp.origin)} is not the log key's name ${clip(verifier.name)}`);
  return { ...cp, note: opened.note, signatures: opened.signatures };
}

function clip(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
