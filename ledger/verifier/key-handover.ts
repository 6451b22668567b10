/**
 * Following a log-key hand-over (docs/keys.md, "The log-key hand-over"): a
 * verifier pinned to the log's key K learns the next key K′ from signed history
 * alone, never from the log's say-so.
 *
 * Saksi's log announces K′ in an entry (`system.key.activated`, subject
 * `key:log`) while every checkpoint is signed by both K and K′, and then keeps one
 * such checkpoint in the log (`system.key.handed_over`, subject
 * `key:log:handover`), so the evidence is still there after /log/checkpoint has
 * moved on to K′ alone. The verifier adopts K′ only if a checkpoint signed by K
 * covers the announcing entry — the latest checkpoint itself, or one kept in the
 * log whose root the verified tiles reproduce. Several hand-overs are followed in
 * index order. Anything else is refused: an announcement no K-signed checkpoint
 * covers (KEY_HANDOVER), a checkpoint signed by a key nobody handed over to
 * (UNVERIFIED_NOTE).
 *
 * A stolen K can announce a K′ of the thief's choosing: the hand-over is for
 * planned rotations. After a compromise auditors re-pin out of band (SECURITY.md).
 */
import { openCheckpoint } from './checkpoint.ts';
import { bytesEqual, fromUtf8, utf8 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import type { Hash } from './hash.ts';
import { type Ed25519NoteVerifier, namesKey, parseNote, parseVerifierKey } from './note.ts';

/** The entries that concern the log key, as api/platform/key-rotation.ts writes them. */
export const LOG_KEY_ANNOUNCEMENT = { kind: 'system.key.activated', subject: 'key:log' } as const;
export const LOG_KEY_HANDOVER = {
  kind: 'system.key.handed_over',
  subject: 'key:log:handover',
} as const;

export type LogKeyEvent =
  | { type: 'announced'; index: number; verifierKey: string }
  | { type: 'handed_over'; index: number; checkpoint: string };

export interface KeyHandOver {
  /** The verifier key trusted before, and the one adopted. */
  from: string;
  to: string;
  /** Index of the entry that announces `to`. */
  announcedAt: number;
  /** Size of the checkpoint signed by `from` that covers the announcement. */
  coveredBy: number;
  /** Whether that checkpoint is signed by `to` as well (Saksi's always is). */
  signedByBoth: boolean;
}

export interface FollowedKeys {
  /** The key to pin from now on. */
  verifierKey: Ed25519NoteVerifier;
  /** The key whose signature on the latest checkpoint was verified. */
  checkpointKey: Ed25519NoteVerifier;
  handOvers: KeyHandOver[];
}

// Entries are RFC 8785 canonical JSON: no spaces, and a quote inside a string is
// escaped, so these bytes occur only as a member name and its value. Entries
// without them are not parsed at all (a log of a million entries has a handful).
const MARK = utf8('"kind":"system.key.');

/** The log-key event an entry records, or null (any other entry, or not JSON at all). */
export function logKeyEventOf(index: number, entry: Uint8Array): LogKeyEvent | null {
  if (!contains(entry, MARK)) return null;
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(entry));
  } catch {
    return null;
  }
  if (!isObject(value) || !isObject(value.payload) || value.payload.label !== 'log') return null;
  const { kind, subject, payload } = value;
  if (
    kind === LOG_KEY_ANNOUNCEMENT.kind &&
    subject === LOG_KEY_ANNOUNCEMENT.subject &&
    typeof payload.verifierKey === 'string'
  )
    return { type: 'announced', index, verifierKey: payload.verifierKey };
  if (
    kind === LOG_KEY_HANDOVER.kind &&
    subject === LOG_KEY_HANDOVER.subject &&
    typeof payload.checkpoint === 'string'
  )
    return { type: 'handed_over', index, checkpoint: payload.checkpoint };
  return null;
}

/**
 * From `pinned`, adopts each key announced in `events` (entries at or after the
 * previously verified size, whose tiles hash to the checkpoint's root) that a
 * checkpoint signed by the key trusted at that point covers; then requires the
 * latest checkpoint to be signed by the key reached. `rootAt` gives the root of
 * the verified tree at a smaller size.
 */
export async function followKeyHandOvers(args: {
  pinned: Ed25519NoteVerifier;
  checkpoint: { note: string; size: number };
  events: readonly LogKeyEvent[];
  rootAt: (size: number) => Promise<Hash>;
}): Promise<FollowedKeys> {
  const { pinned, checkpoint } = args;
  const events = [...args.events].sort((a, b) => a.index - b.index);
  const kept = events.flatMap((e) => (e.type === 'handed_over' ? [e.checkpoint] : []));
  let key = pinned;
  let coveredByLatest: Ed25519NoteVerifier | undefined;
  const handOvers: KeyHandOver[] = [];
  for (const event of events) {
    if (event.type !== 'announced') continue;
    const next = announcedKey(event, key);
    if (next.verifierKey === key.verifierKey) continue; // the same key, announced again
    const cover = await coveringCheckpoint(key, next, event.index, checkpoint, kept, args.rootAt);
    handOvers.push({
      from: key.verifierKey,
      to: next.verifierKey,
      announcedAt: event.index,
      coveredBy: cover.size,
      signedByBoth: cover.signedByBoth,
    });
    coveredByLatest = cover.latest ? key : undefined;
    key = next;
  }
  return {
    verifierKey: key,
    checkpointKey: latestKey(checkpoint.note, key, coveredByLatest),
    handOvers,
  };
}

function announcedKey(
  event: { index: number; verifierKey: string },
  trusted: Ed25519NoteVerifier,
): Ed25519NoteVerifier {
  let next: Ed25519NoteVerifier;
  try {
    next = parseVerifierKey(event.verifierKey);
  } catch (e) {
    throw new VerifyError(
      'KEY_HANDOVER',
      `entry ${event.index} announces a log key that is not a verifier key: ${(e as Error).message}`,
    );
  }
  if (next.name !== trusted.name)
    throw new VerifyError(
      'KEY_HANDOVER',
      `entry ${event.index} announces a key named ${JSON.stringify(next.name)}, not this log's ${JSON.stringify(trusted.name)}`,
    );
  return next;
}

/**
 * A checkpoint signed by `key` of a size past `index`: the latest one, or one kept
 * in the log. A kept one must have the root the verified tiles give for its size
 * (otherwise `key` signed two histories: a fork, refused as INCONSISTENT_LOG).
 */
async function coveringCheckpoint(
  key: Ed25519NoteVerifier,
  next: Ed25519NoteVerifier,
  index: number,
  latest: { note: string; size: number },
  kept: readonly string[],
  rootAt: (size: number) => Promise<Hash>,
): Promise<{ size: number; signedByBoth: boolean; latest: boolean }> {
  for (const [note, isLatest] of [
    [latest.note, true] as const,
    ...kept.map((n) => [n, false] as const),
  ]) {
    let parsed: ReturnType<typeof parseNote>;
    try {
      parsed = parseNote(note);
    } catch {
      continue; // a kept note that is not a note vouches for nothing
    }
    if (!namesKey(parsed, key)) continue;
    const cp = openCheckpoint(note, key); // named by the trusted key: must verify
    if (cp.size <= index || cp.size > latest.size) continue;
    if (!isLatest && !bytesEqual(await rootAt(cp.size), cp.rootHash))
      throw new VerifyError(
        'INCONSISTENT_LOG',
        `a checkpoint of size ${cp.size} kept in the log is signed by ${key.verifierKey} but the tiles give another root for that size: the log signed two histories`,
      );
    return {
      size: cp.size,
      signedByBoth: namesKey(parsed, next) && opens(note, next),
      latest: isLatest,
    };
  }
  throw new VerifyError(
    'KEY_HANDOVER',
    `entry ${index} announces the log key ${next.verifierKey}, but no checkpoint signed by ${key.verifierKey} covers it: the hand-over is not in signed history, so it is not followed`,
  );
}

/** The key that verifies the latest checkpoint: the one reached, or the one that handed over in it. */
function latestKey(
  note: string,
  key: Ed25519NoteVerifier,
  handedOverInLatest: Ed25519NoteVerifier | undefined,
): Ed25519NoteVerifier {
  if (opens(note, key)) return key;
  if (handedOverInLatest && opens(note, handedOverInLatest)) return handedOverInLatest;
  throw new VerifyError(
    'UNVERIFIED_NOTE',
    `the log's checkpoint is not signed by ${key.verifierKey}, the key trusted${handedOverInLatest ? ' after the hand-over' : ''}, and the log announces no hand-over to the key that signed it`,
  );
}

function opens(note: string, key: Ed25519NoteVerifier): boolean {
  try {
    openCheckpoint(note, key);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (
    let i = haystack.indexOf(first!);
    i !== -1 && i <= last;
    i = haystack.indexOf(first!, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
