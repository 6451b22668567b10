/**
 * Reading a C2SP tlog-tiles log (https://c2sp.org/tlog-tiles) and checking its
 * tiles against each other, for ./log.ts:
 *
 *  - every full hash tile at level L hashes (RFC 9162 §2.1.1 MTH over its 256
 *    hashes) to the hash the level-(L+1) tile holds for it;
 *  - every entry in a bundle has the leaf hash at its position in the level-0 tile;
 *  - the root of any tree size up to the checkpoint's is rebuilt from the perfect
 *    subtrees the tiles hold (rootAt).
 *
 * Everything fetched is untrusted. Level-0 tiles and bundles are streamed: only
 * the hashes of levels ≥ 1 (1/256 of the leaves) and the level-0 tiles at the
 * right edges of the sizes asked for are kept in memory.
 */
import { parseEntryBundle } from './bundle.ts';
import { bytesEqual, toBase64 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { emptyRoot, HASH_SIZE, type Hash, leafHash, nodeHash } from './hash.ts';
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

const TILE_BYTES = TILE_WIDTH * HASH_SIZE;
const levelSpan = (level: number): number => 2 ** (TILE_HEIGHT * level);

/** Fetches with at most `concurrency` requests in flight, counting tiles and bytes. */
export class TileReader {
  readonly stats = { tilesFetched: 0, bytes: 0, entriesVerified: 0 };
  readonly #fetch: TileFetcher;
  readonly #slots: ReturnType<typeof semaphore>;

  constructor(
    fetch: TileFetcher,
    readonly concurrency: number,
  ) {
    this.#fetch = fetch;
    this.#slots = semaphore(concurrency);
  }

  /** One resource; null on 404. A failed fetch is FETCH_FAILED. */
  async get(path: string): Promise<Uint8Array | null> {
    let data: Uint8Array | null;
    await this.#slots.acquire();
    try {
      data = await this.#fetch(path);
    } catch (e) {
      if (e instanceof VerifyError) throw e;
      throw new VerifyError(
        'FETCH_FAILED',
        `fetching ${path} failed: ${(e as Error)?.message ?? e}`,
      );
    } finally {
      this.#slots.release();
    }
    if (data === null) return null;
    if (!(data instanceof Uint8Array))
      throw new TypeError(`fetch(${JSON.stringify(path)}) must resolve to a Uint8Array or null`);
    this.stats.bytes += data.length;
    return data;
  }

  /**
   * A tile or bundle of `width` items. tlog-tiles "Partial Tiles": a log may
   * delete a partial tile once the full tile exists, and clients may fall back to
   * the full tile, whose first `width` items are the partial tile's.
   */
  async resource(
    kind: 'hash' | 'entries',
    level: number,
    index: number,
    width: number,
  ): Promise<{ path: string; data: Uint8Array; full: boolean }> {
    const pathOf = (w: number) =>
      formatTilePath(
        kind === 'hash' ? { kind, level, index, width: w } : { kind, index, width: w },
      );
    const path = pathOf(width);
    let data = await this.get(path);
    let full = width === TILE_WIDTH;
    if (data === null && width < TILE_WIDTH) {
      data = await this.get(pathOf(TILE_WIDTH));
      full = true;
    }
    if (data === null) throw new VerifyError('FETCH_FAILED', `${path} is missing (404)`);
    this.stats.tilesFetched++;
    return { path, data, full };
  }

  /** The first `width` hashes of a hash tile, its length checked. */
  async hashTile(
    level: number,
    index: number,
    width: number,
  ): Promise<{ path: string; hashes: Uint8Array }> {
    const r = await this.resource('hash', level, index, width);
    const expected = (r.full ? TILE_WIDTH : width) * HASH_SIZE;
    if (r.data.length !== expected)
      throw new VerifyError(
        'MALFORMED_TILE',
        `${r.path} has ${r.data.length} bytes, expected ${expected}`,
      );
    return { path: r.path, hashes: r.data.subarray(0, width * HASH_SIZE) };
  }
}

/** Called for every entry as its bundle is checked (index order is not guaranteed). */
export type EntryVisitor = (index: number, entry: Uint8Array) => void;

/** The hashes of a tree of `size` leaves, every tile checked against the level above. */
export class TreeTiles {
  /** level → all its hashes, for levels ≥ 1. */
  readonly #levels = new Map<number, Uint8Array>();
  /** Level-0 tiles kept: those at the right edge of a size asked for. */
  readonly #level0 = new Map<number, Uint8Array>();

  readonly #reader: TileReader;

  private constructor(
    readonly size: number,
    reader: TileReader,
  ) {
    this.#reader = reader;
  }

  /**
   * Fetches every hash tile of levels ≥ 1, top level first (so that each full
   * tile is checked against the level above as soon as it arrives), then every
   * level-0 tile with its entry bundle. Keeps the level-0 tiles at the right edges
   * of `size` and of each size in `keep`.
   */
  static async fetch(
    reader: TileReader,
    size: number,
    keep: readonly number[],
    onEntry?: EntryVisitor,
    onProgress?: (p: VerifyLogProgress) => void,
  ): Promise<TreeTiles> {
    const tree = new TreeTiles(size, reader);
    await tree.#fetchUpperLevels();
    await tree.#fetchLevel0(new Set([size, ...keep].map(edgeTile)), onEntry, onProgress);
    return tree;
  }

  async #fetchUpperLevels(): Promise<void> {
    let top = 0;
    while (Math.floor(this.size / levelSpan(top + 1)) > 0) top++;
    for (let level = top; level >= 1; level--) {
      const { full, partial } = tileCountAtLevel(this.size, level);
      const all = new Uint8Array((full * TILE_WIDTH + partial) * HASH_SIZE);
      await pool(full + (partial ? 1 : 0), this.#reader.concurrency, async (index) => {
        const width = index < full ? TILE_WIDTH : partial;
        const t = await this.#reader.hashTile(level, index, width);
        if (width === TILE_WIDTH) this.#checkFullTile(level, index, t.path, t.hashes);
        all.set(t.hashes, index * TILE_BYTES);
      });
      this.#levels.set(level, all);
    }
  }

  async #fetchLevel0(
    keep: Set<number>,
    onEntry: EntryVisitor | undefined,
    onProgress: ((p: VerifyLogProgress) => void) | undefined,
  ): Promise<void> {
    const stats = this.#reader.stats;
    const { full, partial } = tileCountAtLevel(this.size, 0);
    await pool(full + (partial ? 1 : 0), this.#reader.concurrency, async (index) => {
      const width = index < full ? TILE_WIDTH : partial;
      const [tile, bundle] = await Promise.all([
        this.#reader.hashTile(0, index, width),
        this.#reader.resource('entries', 0, index, width),
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
        onEntry?.(index * TILE_WIDTH + j, entries[j]!);
      }
      if (width === TILE_WIDTH) this.#checkFullTile(0, index, tile.path, tile.hashes);
      if (keep.has(index)) this.#level0.set(index, tile.hashes);
      stats.entriesVerified += width;
      onProgress?.({
        entriesVerified: stats.entriesVerified,
        totalEntries: this.size,
        tilesFetched: stats.tilesFetched,
        bytes: stats.bytes,
      });
    });
  }

  /**
   * RFC 9162 §2.1.1 root of the first `size` leaves (size ≤ this.size). A
   * level-0 tile not kept while streaming is fetched again and checked against
   * the level above before it is used.
   */
  async rootAt(size: number): Promise<Hash> {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`no tree of size ${size} in a tree of ${this.size}`);
    const index = edgeTile(size);
    if (size % TILE_WIDTH !== 0 && !this.#level0.has(index)) {
      // Only a full tile can be missing: the partial one is at this.size's edge, always kept.
      const t = await this.#reader.hashTile(0, index, TILE_WIDTH);
      this.#checkFullTile(0, index, t.path, t.hashes);
      this.#level0.set(index, t.hashes);
    }
    return rootFromTiles(size, (level, start, count) => this.#hashesAt(level, start, count));
  }

  #hashesAt(level: number, start: number, count: number): Uint8Array {
    if (level >= 1) {
      const all = this.#levels.get(level);
      if (!all) throw new Error(`internal: no hashes for level ${level}`);
      return all.subarray(start * HASH_SIZE, (start + count) * HASH_SIZE);
    }
    const tileIndex = Math.floor(start / TILE_WIDTH);
    const tile = this.#level0.get(tileIndex);
    if (!tile) throw new Error(`internal: level-0 tile ${tileIndex} was not kept`);
    const off = start - tileIndex * TILE_WIDTH;
    return tile.subarray(off * HASH_SIZE, (off + count) * HASH_SIZE);
  }

  #checkFullTile(level: number, index: number, path: string, hashes: Uint8Array): void {
    const got = perfectRoot(hashes, TILE_WIDTH);
    const above = this.#levels.get(level + 1);
    // A full tile at `level` always has a hash at level+1 (tlog-tiles "Merkle Tree").
    if (!above || (index + 1) * HASH_SIZE > above.length)
      throw new Error(`internal: no level-${level + 1} hash for tile ${index}`);
    const want = above.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
    if (!bytesEqual(got, want))
      throw new VerifyError(
        'ROOT_MISMATCH',
        `${path} hashes to ${toBase64(got)}, but ${tilePathFor(level + 1, index)} holds ${toBase64(want)} for it`,
      );
  }
}

/** The level-0 tile holding the right edge of a tree of `size` leaves. */
const edgeTile = (size: number): number => Math.floor(size / TILE_WIDTH);

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
