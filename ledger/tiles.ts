/**
 * C2SP tlog-tiles on the writer side (https://c2sp.org/tlog-tiles), height 8.
 *
 * A level-L tile holds the hashes of tree level 8L, 256 to a full tile. Full tiles
 * never change; a partial tile of width W is the first W hashes of the tile it
 * will become. This file has two halves: reading nodes out of tiles (for proofs)
 * and the sequencer's right edge (the partial tile at every level: O(log n) state
 * from which the root and every newly completed tile follow).
 */
import { HASH_SIZE, type Hash, nodeHash } from './hash.ts';
import { foldRange, type NodeId, type NodeReader, perfectRoot, rangeNodes } from './merkle.ts';
import { TILE_HEIGHT, TILE_WIDTH } from './verifier/tilepath.ts';

/** Where tile bytes come from: a cache, a database, a directory, an HTTP server. */
export interface TileSource {
  /** The hash tile (level, index) of `width` hashes, 32·width bytes; throws if absent. */
  hashTile(level: number, index: number, width: number): Promise<Uint8Array>;
}

/** Number of hashes stored at tile level L for a tree of `size` leaves. */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / 2 ** (TILE_HEIGHT * level));
}

/** Width of tile (level, index) in a tree of `size` leaves (0 if it does not exist yet). */
export function tileWidth(size: number, level: number, index: number): number {
  const n = hashesAtLevel(size, level) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, n));
}

/** Every hash tile a tree of `size` has at `level` that is partial (at most one). */
export function partialTileAt(
  size: number,
  level: number,
): { index: number; width: number } | null {
  const n = hashesAtLevel(size, level);
  const width = n % TILE_WIDTH;
  return width === 0 ? null : { index: Math.floor(n / TILE_WIDTH), width };
}

/** Number of tile levels a tree of `size` uses (0 for the empty tree). */
export function tileLevels(size: number): number {
  let levels = 0;
  while (hashesAtLevel(size, levels) > 0) levels++;
  return levels;
}

export function joinHashes(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  for (let i = 0; i < hashes.length; i++) out.set(hashes[i]!, i * HASH_SIZE);
  return out;
}

/**
 * A tile with every in-tile level precomputed: level k is one contiguous buffer
 * holding the perfect nodes of height k over hashes j·2^k … (j+1)·2^k−1 of the
 * tile (511 hashes for a full tile, 16 KiB). One buffer per level, not one object
 * per hash: a cache of thousands of tiles must cost bytes, not object headers.
 */
export type ExpandedTile = Uint8Array[];

export function expandTile(data: Uint8Array): ExpandedTile {
  const levels: Uint8Array[] = [data];
  for (let k = 1; k < TILE_HEIGHT; k++) {
    const below = levels[k - 1]!;
    const n = Math.floor(below.length / HASH_SIZE / 2);
    const row = new Uint8Array(n * HASH_SIZE);
    for (let j = 0; j < n; j++) {
      const o = 2 * j * HASH_SIZE;
      row.set(
        nodeHash(
          below.subarray(o, o + HASH_SIZE),
          below.subarray(o + HASH_SIZE, o + 2 * HASH_SIZE),
        ),
        j * HASH_SIZE,
      );
    }
    levels.push(row);
  }
  return levels;
}

/** Node `j` at in-tile height `k`, or undefined if the tile is too narrow. */
function expandedNode(t: ExpandedTile, k: number, j: number): Hash | undefined {
  const row = t[k];
  if (!row || (j + 1) * HASH_SIZE > row.length) return undefined;
  return row.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE);
}

/** A least-recently-used map bounded by total weight (bytes, by default 1 per entry). */
export class Lru<V> {
  private readonly map = new Map<string, { v: V; w: number }>();
  private total = 0;
  constructor(
    private readonly max: number,
    private readonly weigh: (v: V) => number = () => 1,
  ) {}
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e !== undefined) {
      this.map.delete(key);
      this.map.set(key, e);
    }
    return e?.v;
  }
  set(key: string, v: V): void {
    const old = this.map.get(key);
    if (old) this.total -= old.w;
    this.map.delete(key);
    const w = this.weigh(v);
    this.map.set(key, { v, w });
    this.total += w;
    while (this.total > this.max && this.map.size > 1) {
      const [k, e] = this.map.entries().next().value!;
      this.map.delete(k);
      this.total -= e.w;
    }
  }
  get size(): number {
    return this.map.size;
  }
}

export const expandedTileBytes = (t: ExpandedTile) => t.reduce((n, row) => n + row.length, 0);

/**
 * Reads perfect nodes of a tree of a given size out of its tiles. A node at tree
 * level 8L+k lives in tile level L, k levels above the tile's stored hashes.
 */
export class TileNodeReader implements NodeReader {
  constructor(
    private readonly source: TileSource,
    private readonly size: number,
    private readonly cache: Lru<ExpandedTile> = new Lru(1 << 20, expandedTileBytes),
  ) {}

  async nodes(ids: readonly NodeId[]): Promise<Hash[]> {
    const wanted = ids.map((id) => this.locate(id));
    const tiles = new Map<string, Promise<ExpandedTile>>();
    for (const w of wanted)
      if (!tiles.has(w.key)) tiles.set(w.key, this.tile(w.level, w.index, w.width, w.key));
    const out: Hash[] = [];
    for (const w of wanted) {
      const t = await tiles.get(w.key)!;
      const h = expandedNode(t, w.k, w.offset);
      if (!h) throw new RangeError(`node ${w.k}/${w.offset} missing from tile ${w.key}`);
      out.push(h);
    }
    return out;
  }

  private locate(id: NodeId) {
    const level = Math.floor(id.level / TILE_HEIGHT);
    const k = id.level % TILE_HEIGHT;
    const first = id.index * 2 ** k;
    const index = Math.floor(first / TILE_WIDTH);
    const width = tileWidth(this.size, level, index);
    const offset = (first % TILE_WIDTH) / 2 ** k;
    if ((offset + 1) * 2 ** k > width)
      throw new RangeError(`node ${id.level}/${id.index} is not in a tree of size ${this.size}`);
    return { level, index, width, k, offset, key: `${level}/${index}/${width}` };
  }

  private async tile(
    level: number,
    index: number,
    width: number,
    key: string,
  ): Promise<ExpandedTile> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const data = await this.source.hashTile(level, index, width);
    if (data.length !== width * HASH_SIZE)
      throw new RangeError(`tile ${key} has ${data.length} bytes`);
    const t = expandTile(data);
    this.cache.set(key, t);
    return t;
  }
}

export interface FullTile {
  level: number;
  index: number;
  /** 8,192 bytes: 256 hashes. */
  data: Uint8Array;
  /** The tile's subtree hash: the node one tile level up. */
  root: Hash;
}

/**
 * The right edge of the tree: for each tile level, the hashes after its last full
 * tile. Appending leaves completes tiles bottom-up; the root is computed from the
 * edge alone, because every perfect node in the root's decomposition lies in the
 * partial tile of its level (a node inside a full tile would be covered by a
 * complete node one tile level up).
 */
export class TreeEdge {
  private constructor(
    private treeSize: number,
    private readonly partial: Hash[][],
  ) {}

  static empty(): TreeEdge {
    return new TreeEdge(0, []);
  }

  /**
   * Rebuilds the edge of a tree of `size` from its partial tiles' hashes
   * (`partialHashes(level)` returns that level's partial tile, possibly empty).
   */
  static restore(size: number, partialHashes: (level: number) => Hash[]): TreeEdge {
    const partial: Hash[][] = [];
    for (let level = 0; level < tileLevels(size); level++) {
      const hashes = partialHashes(level);
      const expect = hashesAtLevel(size, level) % TILE_WIDTH;
      if (hashes.length !== expect)
        throw new RangeError(`level ${level} edge has ${hashes.length} hashes, expected ${expect}`);
      partial.push(hashes.slice());
    }
    return new TreeEdge(size, partial);
  }

  get size(): number {
    return this.treeSize;
  }

  /** A copy, so a failed batch can be thrown away without touching this edge. */
  clone(): TreeEdge {
    return new TreeEdge(
      this.treeSize,
      this.partial.map((p) => p.slice()),
    );
  }

  /** Appends leaf hashes; returns the hash tiles that became full, lowest level first. */
  append(leaves: readonly Hash[]): FullTile[] {
    const full: FullTile[] = [];
    for (const leaf of leaves) {
      let h = leaf;
      for (let level = 0; ; level++) {
        const row = this.partial[level] ?? [];
        this.partial[level] = row;
        row.push(h);
        if (row.length < TILE_WIDTH) break;
        const index = Math.floor((this.treeSize + 1) / 2 ** (TILE_HEIGHT * (level + 1))) - 1;
        h = perfectRoot(row);
        full.push({ level, index, data: joinHashes(row), root: h });
        this.partial[level] = [];
      }
      this.treeSize++;
    }
    return full;
  }

  /** The partial tile at `level` for the current size, or null if that level has none. */
  partialTile(level: number): { index: number; width: number; hashes: Hash[] } | null {
    const at = partialTileAt(this.treeSize, level);
    return at ? { ...at, hashes: this.partial[level]!.slice() } : null;
  }

  root(): Hash {
    const nodes = rangeNodes({ start: 0, size: this.treeSize }).map((id) => this.node(id));
    return foldRange(nodes);
  }

  private node(id: NodeId): Hash {
    const level = Math.floor(id.level / TILE_HEIGHT);
    const k = id.level % TILE_HEIGHT;
    const first =
      id.index * 2 ** k - Math.floor(hashesAtLevel(this.treeSize, level) / TILE_WIDTH) * TILE_WIDTH;
    const row = this.partial[level] ?? [];
    if (first < 0 || first + 2 ** k > row.length)
      throw new RangeError(`node ${id.level}/${id.index} is not on the edge`);
    return perfectRoot(row.slice(first, first + 2 ** k));
  }
}

/** C2SP entry bundle encoding: one implementation, the verifier's. */
export { formatEntryBundle as encodeBundle } from './verifier/bundle.ts';
