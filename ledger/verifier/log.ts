/**
 * Verifies a whole C2SP tlog-tiles log (https://c2sp.org/tlog-tiles) from its
 * public read API, the way an auditor or a browser would:
 *
 *  1. open the signed checkpoint with the log's verifier key (C2SP signed-note,
 *     tlog-checkpoint), whose name must be the checkpoint origin;
 *  2. fetch every hash tile the checkpoint's size requires, top level first, and
 *     check that each full tile at level L hashes (RFC 9162 §2.1.1 MTH over its
 *     256 hashes) to the hash the level-(L+1) tile holds for it;
 *  3. fetch every entry bundle and check that each entry's leaf hash is the hash
 *     at its position in the level-0 tile;
 *  4. rebuild the root of the checkpoint's size from the perfect subtrees the tiles
 *     hold and compare it with the signed root;
 *  5. with a previously verified (size, root), rebuild the root at that size from
 *     the same tiles and require it to match: the old tree is a prefix of the new
 *     one, which is what an RFC 9162 §2.1.4 consistency proof establishes.
 *
 * Everything fetched is untrusted. Level-0 tiles and bundles are streamed: only
 * the hashes of levels ≥ 1 (1/256 of the leaves) and the level-0 tiles at the
 * two tree sizes' right edges are kept in memory.
 */

import { parseEntryBundle } from './bundle.ts';
import { openCheckpoint } from './checkpoint.ts';
import { bytesEqual, toBase64 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { emptyRoot, HASH_SIZE, type Hash, leafHash, nodeHash } from './hash.ts';
import type { NoteVerifier } from './note.ts';
import {
  formatTileIndex,
  formatTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileCountAtLevel,
} from './tilepath.ts';

/** Fetches `<prefix>/<path>`; resolves null when the resource does not exist (404). */
export type TileFetcher = (path: string) => Promise<Uint8Array | null>;

export interface VerifyLogProgress {
  entriesVerified: number;
  totalEntries: number;
  tilesFetched: number;
  bytes: number;
}

export interface VerifyLogOptions {
  fetch: TileFetcher;
  /** The log's verifier key string (or a parsed verifier); its name is the origin. */
  verifierKey: string | NoteVerifier;
  /** A (size, root) this client verified before; the log must have only grown. */
  previous?: { size: number; rootHash: Hash };
  /** Maximum fetches in flight (default 8); tiles are processed as they arrive. */
  concurrency?: number;
  onProgress?: (p: VerifyLogProgress) => void;
}

export interface VerifyLogResult {
  origin: string;
  size: number;
  rootHash: Hash;
  /** The signed checkpoint note, as fetched. */
  checkpoint: string;
  /** Entries checked against the level-0 tiles (= size). */
  entries: number;
  /** Hash tiles and entry bundles fetched. */
  tilesFetched: number;
  /** Bytes fetched, checkpoint included. */
  bytes: number;
}

const TILE_BYTES = TILE_WIDTH * HASH_SIZE;
const levelSpan = (level: number): number => 2 ** (TILE_HEIGHT * level);

export async function verifyLog(opts: VerifyLogOptions): Promise<VerifyLogResult> {
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

  const stats = { tilesFetched: 0, bytes: 0, entriesVerified: 0 };
  const slots = semaphore(concurrency);
  const get = async (path: string): Promise<Uint8Array | null> => {
    let data: Uint8Array | null;
    await slots.acquire();
    try {
      data = await opts.fetch(path);
    } catch (e) {
      if (e instanceof VerifyError) throw e;
      throw new VerifyError(
        'FETCH_FAILED',
        `fetching ${path} failed: ${(e as Error)?.message ?? e}`,
      );
    } finally {
      slots.release();
    }
    if (data === null) return null;
    if (!(data instanceof Uint8Array))
      throw new TypeError(`fetch(${JSON.stringify(path)}) must resolve to a Uint8Array or null`);
    stats.bytes += data.length;
    return data;
  };

  // Step 1: the checkpoint.
  const cpBytes = await get('checkpoint');
  if (cpBytes === null) throw new VerifyError('FETCH_FAILED', 'the log has no checkpoint (404)');
  const cp = openCheckpoint(cpBytes, opts.verifierKey);
  const size = cp.size;
  if (previous && previous.size > size)
    throw new VerifyError(
      'LOG_SHRANK',
      `the log's checkpoint has size ${size}, smaller than the ${previous.size} verified before`,
    );

  /**
   * Fetches a tile or bundle of `width` items. tlog-tiles "Partial Tiles": a log
   * may delete a partial tile once the full tile exists, and clients may fall
   * back to the full tile, whose first `width` items are the partial tile's.
   */
  const fetchResource = async (
    kind: 'hash' | 'entries',
    level: number,
    index: number,
    width: number,
  ): Promise<{ path: string; data: Uint8Array; full: boolean }> => {
    const path = formatTilePath(
      kind === 'hash' ? { kind, level, index, width } : { kind, index, width },
    );
    let data = await get(path);
    let full = width === TILE_WIDTH;
    if (data === null && width < TILE_WIDTH) {
      const fullPath = formatTilePath(
        kind === 'hash'
          ? { kind, level, index, width: TILE_WIDTH }
          : { kind, index, width: TILE_WIDTH },
      );
      data = await get(fullPath);
      full = true;
    }
    if (data === null) throw new VerifyError('FETCH_FAILED', `${path} is missing (404)`);
    stats.tilesFetched++;
    return { path, data, full };
  };

  const fetchHashTile = async (level: number, index: number, width: number) => {
    const r = await fetchResource('hash', level, index, width);
    const expected = (r.full ? TILE_WIDTH : width) * HASH_SIZE;
    if (r.data.length !== expected)
      throw new VerifyError(
        'MALFORMED_TILE',
        `${r.path} has ${r.data.length} bytes, expected ${expected}`,
      );
    return { path: r.path, hashes: r.data.subarray(0, width * HASH_SIZE) };
  };

  // Step 2: hash tiles of levels ≥ 1, top level first, so that every full tile
  // can be checked against the level above as soon as it arrives.
  let top = 0;
  while (Math.floor(size / levelSpan(top + 1)) > 0) top++;
  const levels = new Map<number, Uint8Array>(); // level → all its hashes, levels ≥ 1
  const upperHash = (level: number, index: number): Hash => {
    const above = levels.get(level + 1);
    // A full tile at `level` always has a hash at level+1 (tlog-tiles "Merkle Tree").
    if (!above || (index + 1) * HASH_SIZE > above.length)
      throw new Error(`internal: no level-${level + 1} hash for tile ${index}`);
    return above.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  };
  const checkFullTile = (level: number, index: number, path: string, hashes: Uint8Array) => {
    const got = perfectRoot(hashes, TILE_WIDTH);
    const want = upperHash(level, index);
    if (!bytesEqual(got, want))
      throw new VerifyError(
        'ROOT_MISMATCH',
        `${path} hashes to ${toBase64(got)}, but ${tilePathFor(level + 1, index)} holds ${toBase64(want)} for it`,
      );
  };

  for (let level = top; level >= 1; level--) {
    const { full, partial } = tileCountAtLevel(size, level);
    const all = new Uint8Array((full * TILE_WIDTH + partial) * HASH_SIZE);
    await pool(full + (partial ? 1 : 0), concurrency, async (index) => {
      const width = index < full ? TILE_WIDTH : partial;
      const t = await fetchHashTile(level, index, width);
      if (width === TILE_WIDTH) checkFullTile(level, index, t.path, t.hashes);
      all.set(t.hashes, index * TILE_BYTES);
    });
    levels.set(level, all);
  }

  // Step 3: level-0 tiles with their entry bundles, streamed. Keep only the tiles
  // at the right edges of the current and the previous tree, which step 4 needs.
  const keep = new Set<number>([Math.floor(size / TILE_WIDTH)]);
  if (previous) keep.add(Math.floor(previous.size / TILE_WIDTH));
  const level0 = new Map<number, Uint8Array>();
  {
    const { full, partial } = tileCountAtLevel(size, 0);
    await pool(full + (partial ? 1 : 0), concurrency, async (index) => {
      const width = index < full ? TILE_WIDTH : partial;
      const [tile, bundle] = await Promise.all([
        fetchHashTile(0, index, width),
        fetchResource('entries', 0, index, width),
      ]);
      const entries = parseEntryBundle(bundle.data, bundle.full ? TILE_WIDTH : width);
      for (let j = 0; j < width; j++) {
        const got = leafHash(entries[j]!);
        const want = tile.hashes.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE);
        if (!bytesEqual(got, want))
          throw new VerifyError(
            'ROOT_MISMATCH',
            `entry ${index * TILE_WIDTH + j} in ${bundle.path} has leaf hash ${toBase64(got)}, but ${tile.path} holds ${toBase64(want)}`,
          );
      }
      if (width === TILE_WIDTH) checkFullTile(0, index, tile.path, tile.hashes);
      if (keep.has(index)) level0.set(index, tile.hashes);
      stats.entriesVerified += width;
      opts.onProgress?.({
        entriesVerified: stats.entriesVerified,
        totalEntries: size,
        tilesFetched: stats.tilesFetched,
        bytes: stats.bytes,
      });
    });
  }

  const hashesAt = (level: number, start: number, count: number): Uint8Array => {
    if (level >= 1) {
      const all = levels.get(level);
      if (!all) throw new Error(`internal: no hashes for level ${level}`);
      return all.subarray(start * HASH_SIZE, (start + count) * HASH_SIZE);
    }
    const tileIndex = Math.floor(start / TILE_WIDTH);
    const tile = level0.get(tileIndex);
    if (!tile) throw new Error(`internal: level-0 tile ${tileIndex} was not kept`);
    const off = start - tileIndex * TILE_WIDTH;
    return tile.subarray(off * HASH_SIZE, (off + count) * HASH_SIZE);
  };

  // Step 4: the signed root.
  const root = rootFromTiles(size, hashesAt);
  if (!bytesEqual(root, cp.rootHash))
    throw new VerifyError(
      'ROOT_MISMATCH',
      `the tiles give root ${toBase64(root)} for size ${size}, but the checkpoint signs ${toBase64(cp.rootHash)}`,
    );

  // Step 5: the log only grew since `previous`.
  if (previous) {
    const old = rootFromTiles(previous.size, hashesAt);
    if (!bytesEqual(old, previous.rootHash))
      throw new VerifyError(
        'INCONSISTENT_LOG',
        `the log's tree at size ${previous.size} now has root ${toBase64(old)}, but ${toBase64(previous.rootHash)} was verified before: the log rewrote history`,
      );
  }

  return {
    origin: cp.origin,
    size,
    rootHash: cp.rootHash,
    checkpoint: cp.note,
    entries: stats.entriesVerified,
    tilesFetched: stats.tilesFetched,
    bytes: stats.bytes,
  };
}

/** Names hash `index` of a level for messages: "hash 5 of tile/1/000". */
function tilePathFor(level: number, index: number): string {
  return `hash ${index % TILE_WIDTH} of tile/${level}/${formatTileIndex(Math.floor(index / TILE_WIDTH))}`;
}

/**
 * RFC 9162 §2.1.1 MTH of a tree of `size` leaves, from perfect subtrees: the tree
 * splits into perfect subtrees of sizes 2^k for the set bits k of `size`, left to
 * right from the largest, and MTH = H(P1, H(P2, … H(Pm-1, Pm))). A perfect
 * subtree of 2^k leaves is the root of 2^(k mod 8) consecutive hashes of tile
 * level ⌊k/8⌋, all inside one tile since they are aligned.
 */
export function rootFromTiles(
  size: number,
  hashesAt: (level: number, start: number, count: number) => Uint8Array,
): Hash {
  if (size === 0) return emptyRoot();
  const subtrees: Hash[] = [];
  let offset = 0;
  for (let k = Math.floor(Math.log2(size)) + 1; k >= 0; k--) {
    const span = 2 ** k;
    if (Math.floor(size / span) % 2 === 0) continue;
    const level = Math.floor(k / TILE_HEIGHT);
    const count = 2 ** (k % TILE_HEIGHT);
    subtrees.push(perfectRoot(hashesAt(level, offset / levelSpan(level), count), count));
    offset += span;
  }
  let r = subtrees.pop()!;
  while (subtrees.length > 0) r = nodeHash(subtrees.pop()!, r);
  return r;
}

/** MTH of `count` (a power of two) consecutive 32-byte hashes in `flat`. */
function perfectRoot(flat: Uint8Array, count: number): Hash {
  if (flat.length !== count * HASH_SIZE) throw new Error('internal: short hash run');
  let layer: Hash[] = [];
  for (let i = 0; i < count; i++) layer.push(flat.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  while (layer.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!.slice();
}

/** A counting semaphore: at most `n` holders at once, waiters served in order. */
function semaphore(n: number): { acquire: () => Promise<void>; release: () => void } {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((r) => waiting.push(r));
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/**
 * Runs task(0..count-1) with at most `limit` in flight. After the first failure
 * no new task starts, and that failure is rethrown once the running ones settle.
 */
async function pool(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure) throw failure.error;
}
