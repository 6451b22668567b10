/**
 * Verifies a whole C2SP tlog-tiles log (https://c2sp.org/tlog-tiles) from its
 * public read API, the way an auditor or a browser would. verifyLog reads top to
 * bottom as these steps:
 *
 *  1. fetch the checkpoint;
 *  2. check its signature with the trusted log key (C2SP signed-note,
 *     tlog-checkpoint; the key's name must be the origin) — or, when following
 *     from a previous state, note that a key hand-over must vouch for it;
 *  3. fetch every hash tile and entry bundle and check each against the level
 *     above (./log-tiles.ts), noting the entries that concern the log key;
 *  4. recompute the root of the checkpoint's size and compare it with the signed one;
 *  5. with a previously verified (size, root), recompute the root at that size
 *     from the same tiles and require it to match: the old tree is a prefix of the
 *     new one, which is what an RFC 9162 §2.1.4 consistency proof establishes (a
 *     checkpoint smaller than the state must instead be a prefix of it: an older
 *     view, `stale`, or else the log shrank or forked — checkStale);
 *  6. follow any log-key hand-over announced since (./key-handover.ts), and
 *     require the checkpoint to be signed by the key reached.
 *
 * Saving the new state is the caller's (cli/commands/verify.ts), once all holds.
 */
import { openCheckpoint, parseCheckpointBody } from './checkpoint.ts';
import { type Cosigner, type QuorumOptions, requireCosignatures } from './cosignature.ts';
import { bytesEqual, toBase64 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { HASH_SIZE, type Hash } from './hash.ts';
import {
  type FollowedKeys,
  followKeyHandOvers,
  type KeyHandOver,
  type LogKeyEvent,
  logKeyEventOf,
} from './key-handover.ts';
import {
  type EntryVisitor,
  type TileFetcher,
  TileReader,
  TreeTiles,
  type VerifyLogProgress,
} from './log-tiles.ts';
import {
  type Ed25519NoteVerifier,
  type NoteVerifier,
  namesKey,
  parseNote,
  parseVerifierKey,
} from './note.ts';

export interface VerifyLogOptions {
  fetch: TileFetcher;
  /** The log's verifier key string (or a parsed verifier); its name is the origin. */
  verifierKey: string | NoteVerifier;
  /**
   * A (size, root) this client verified before; the log must have only grew. With
   * it, log-key hand-overs announced since are followed (step 6), which needs the
   * verifier key as a string or an Ed25519 verifier.
   */
  previous?: { size: number; rootHash: Hash };
  /** Maximum fetches in flight (default 8); tiles are processed as they arrive. */
  concurrency?: number;
  onProgress?: (p: VerifyLogProgress) => void;
  /**
   * Called with every entry once its bundle has been checked against the level-0
   * tile (index order not guaranteed): the audit suite (audit/) recomputes the
   * tree from these with a second implementation, in the same pass.
   */
  onEntry?: EntryVisitor;
  /**
   * Witnesses whose cosignatures the checkpoint must carry, and how many
   * (C2SP tlog-cosignature, ./cosignature.ts); checked before any tile is
   * fetched. Without it no cosignature is required.
   */
  witnesses?: QuorumOptions;
}

export interface VerifyLogResult {
  origin: string;
  size: number;
  rootHash: Hash;
  /** The signed checkpoint note, as fetched. */
  checkpoint: string;
  /** The key to trust from now on: the one given, or the one it handed over to. */
  verifierKey: string | undefined;
  /** The key whose signature on the checkpoint was verified. */
  checkpointKey: string | undefined;
  /** Hand-overs followed since `previous`, oldest first. */
  handOvers: KeyHandOver[];
  /** Entries checked against the level-0 tiles (= size). */
  entries: number;
  /** Hash tiles and entry bundles fetched. */
  tilesFetched: number;
  /** Bytes fetched, checkpoint included. */
  bytes: number;
  /** The witnesses whose valid cosignature the checkpoint carries (with `witnesses`). */
  cosigners: Cosigner[];
  /**
   * The server answered with a checkpoint older than `previous` that is a prefix
   * of it: nothing new was verified, and the caller keeps `previous` as its state.
   */
  stale?: true;
}

export async function verifyLog(opts: VerifyLogOptions): Promise<VerifyLogResult> {
  const { reader, previous, key, follow } = startVerification(opts);
  const signed = checkSignatures(await fetchCheckpoint(reader), key, follow);
  const cosigners = opts.witnesses ? requireCosignatures(signed.note, opts.witnesses) : [];
  if (previous && signed.size < previous.size)
    return staleResult(await checkStale(reader, signed, previous), cosigners, reader);
  const events: LogKeyEvent[] = [];
  const tree = await TreeTiles.fetch(
    reader,
    signed.size,
    previous ? [previous.size] : [],
    visitors(follow && previous ? noteKeyEvents(previous.size, events) : undefined, opts.onEntry),
    opts.onProgress,
  );
  await checkRoot(tree, signed.rootHash);
  if (previous) await checkConsistency(tree, previous);
  const keys = follow ? await followHandOvers(follow, signed, events, tree) : undefined;
  return {
    origin: signed.origin,
    size: signed.size,
    rootHash: signed.rootHash,
    checkpoint: signed.note,
    verifierKey: keys?.verifierKey.verifierKey ?? keyString(key),
    checkpointKey: keys?.checkpointKey.verifierKey ?? keyString(key),
    handOvers: keys?.handOvers ?? [],
    entries: reader.stats.entriesVerified,
    tilesFetched: reader.stats.tilesFetched,
    bytes: reader.stats.bytes,
    cosigners,
  };
}

/** Checks the options; hand-overs are followed only from a previous state, with an Ed25519 key. */
function startVerification(opts: VerifyLogOptions) {
  if (typeof opts?.fetch !== 'function') throw new TypeError('verifyLog needs a fetch function');
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    throw new TypeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  const previous = opts.previous;
  if (previous !== undefined) {
    if (!Number.isSafeInteger(previous.size) || previous.size < 0)
      throw new TypeError('previous.size must be a non-negative safe integer');
    if (!(previous.rootHash instanceof Uint8Array) || previous.rootHash.length !== HASH_SIZE)
      throw new TypeError('previous.rootHash must be 32 bytes');
  }
  const key =
    typeof opts.verifierKey === 'string' ? parseVerifierKey(opts.verifierKey) : opts.verifierKey;
  const ed25519 = 'verifierKey' in key ? (key as Ed25519NoteVerifier) : undefined;
  const follow = previous && ed25519 ? ed25519 : undefined;
  return { reader: new TileReader(opts.fetch, concurrency), previous, key, follow };
}

/** Step 1. */
async function fetchCheckpoint(reader: TileReader): Promise<Uint8Array> {
  const bytes = await reader.get('checkpoint');
  if (bytes === null) throw new VerifyError('FETCH_FAILED', 'the log has no checkpoint (404)');
  return bytes;
}

interface SignedCheckpoint {
  origin: string;
  size: number;
  rootHash: Hash;
  note: string;
}

/**
 * Step 2. The trusted key's name must be the checkpoint's origin (tlog-checkpoint
 * "Signatures" says SHOULD; we make it a MUST, so one key cannot vouch for
 * another log). A checkpoint that names the trusted key must verify with it.
 * When following hand-overs, one that does not name it is left to step 6.
 */
function checkSignatures(
  bytes: Uint8Array,
  key: NoteVerifier,
  follow: Ed25519NoteVerifier | undefined,
): SignedCheckpoint {
  const parsed = parseNote(bytes);
  if (!follow || namesKey(parsed, key)) return openCheckpoint(parsed.note, key);
  const cp = parseCheckpointBody(parsed.text);
  if (cp.origin !== key.name)
    throw new VerifyError(
      'MALFORMED_CHECKPOINT',
      `checkpoint origin ${clip(cp.origin)} is not the log key's name ${clip(key.name)}`,
    );
  return { ...cp, note: parsed.note };
}

/**
 * A checkpoint smaller than the one verified before. A log never shrinks, but a
 * server may answer from an older view: another API process, a cache, a
 * checkpoint still waiting for its witnesses' cosignatures (docs/witness.md).
 * That is not evidence of anything if the older checkpoint is a prefix of the
 * state: the tiles of the state's tree must reproduce the state's root (the
 * history verified before is still served) and, at the smaller size, the root
 * this checkpoint signs (RFC 9162 §2.1.4, the roles of old and new swapped).
 * Otherwise the log shrank or forked: two signed views that cannot both hold.
 */
async function checkStale(
  reader: TileReader,
  signed: SignedCheckpoint,
  previous: { size: number; rootHash: Hash },
): Promise<SignedCheckpoint> {
  const shrank = (why: string) =>
    new VerifyError(
      'LOG_SHRANK',
      `the log's checkpoint has size ${signed.size}, smaller than the ${previous.size} verified before, and ${why}`,
    );
  let tree: TreeTiles;
  try {
    tree = await TreeTiles.fetch(reader, previous.size, [signed.size]);
  } catch (e) {
    throw shrank(
      `the tree verified before cannot be read from it (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (!bytesEqual(await tree.rootAt(previous.size), previous.rootHash))
    throw shrank('its tiles no longer give the root verified before');
  if (!bytesEqual(await tree.rootAt(signed.size), signed.rootHash))
    throw new VerifyError(
      'INCONSISTENT_LOG',
      `the log's checkpoint of size ${signed.size} signs root ${toBase64(signed.rootHash)}, but the tree verified before (size ${previous.size}) has another root at that size: two signed views of the log that cannot both hold`,
    );
  return signed;
}

/**
 * The answer for an older, consistent checkpoint: nothing new was verified, and
 * the state to keep is the one verified before (`stale` says so).
 */
function staleResult(
  signed: SignedCheckpoint,
  cosigners: Cosigner[],
  reader: TileReader,
): VerifyLogResult {
  return {
    origin: signed.origin,
    size: signed.size,
    rootHash: signed.rootHash,
    checkpoint: signed.note,
    verifierKey: undefined,
    checkpointKey: undefined,
    handOvers: [],
    entries: reader.stats.entriesVerified,
    tilesFetched: reader.stats.tilesFetched,
    bytes: reader.stats.bytes,
    cosigners,
    stale: true,
  };
}

/** Step 3's visitor: keeps the log-key events of entries at or after `from`. */
function noteKeyEvents(from: number, events: LogKeyEvent[]) {
  return (index: number, entry: Uint8Array) => {
    if (index < from) return;
    const event = logKeyEventOf(index, entry);
    if (event) events.push(event);
  };
}

/** Both visitors of an entry, either of which may be absent. */
function visitors(a: EntryVisitor | undefined, b: EntryVisitor | undefined) {
  if (!a || !b) return a ?? b;
  return (index: number, entry: Uint8Array) => {
    a(index, entry);
    b(index, entry);
  };
}

/** Step 4. */
async function checkRoot(tree: TreeTiles, signedRoot: Hash): Promise<void> {
  const root = await tree.rootAt(tree.size);
  if (!bytesEqual(root, signedRoot))
    throw new VerifyError(
      'ROOT_MISMATCH',
      `the tiles give root ${toBase64(root)} for size ${tree.size}, but the checkpoint signs ${toBase64(signedRoot)}`,
    );
}

/** Step 5. */
async function checkConsistency(
  tree: TreeTiles,
  previous: { size: number; rootHash: Hash },
): Promise<void> {
  const old = await tree.rootAt(previous.size);
  if (!bytesEqual(old, previous.rootHash))
    throw new VerifyError(
      'INCONSISTENT_LOG',
      `the log's tree at size ${previous.size} now has root ${toBase64(old)}, but ${toBase64(previous.rootHash)} was verified before: the log rewrote history`,
    );
}

/** Step 6: the key reached through the hand-overs since `previous`, which must sign the checkpoint. */
function followHandOvers(
  pinned: Ed25519NoteVerifier,
  signed: SignedCheckpoint,
  events: readonly LogKeyEvent[],
  tree: TreeTiles,
): Promise<FollowedKeys> {
  return followKeyHandOvers({ pinned, checkpoint: signed, events, rootAt: (s) => tree.rootAt(s) });
}

function keyString(key: NoteVerifier): string | undefined {
  return 'verifierKey' in key ? (key as Ed25519NoteVerifier).verifierKey : undefined;
}

function clip(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
