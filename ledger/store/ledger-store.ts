/**
 * Reads of the published log: checkpoints, hash tiles, entry bundles, entries and
 * proofs. Full tiles and bundles are immutable, so they are cached in memory after
 * the first read; PostgreSQL is the store of record, not the hot read path
 * (ARCHITECTURE.md "Storage").
 */
import { type Hash, leafHash } from '../hash.ts';
import type {
  AppendedCommit,
  IntegratedLeaf,
  IntegratedPosition,
  LogEntry,
  LogReader,
  PendingEntryState,
} from '../log-reader.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../merkle.ts';
import {
  type ExpandedTile,
  encodeBundle,
  expandedTileBytes,
  joinHashes,
  Lru,
  TileNodeReader,
  type TileSource,
  tileWidth,
} from '../tiles.ts';
import { utf8 } from '../verifier/encoding.ts';
import { parseTilePath, TILE_WIDTH } from '../verifier/tilepath.ts';
import type { Db, Sql } from './db.ts';

export interface StoredCheckpoint {
  size: number;
  root: Hash;
  note: string;
}

export class LedgerError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'OUT_OF_RANGE' | 'TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export interface LedgerStoreOptions {
  /** Bytes of immutable tiles and bundles kept in memory (default 64 MiB). */
  cacheBytes?: number;
  /** Bytes of expanded tiles (16 KiB each) kept for proofs (default 64 MiB). */
  expandedCacheBytes?: number;
  /** How stale the cached newest checkpoint may be before re-reading it. */
  checkpointTtlMs?: number;
}

export class LedgerStore implements TileSource, LogReader {
  private readonly blobs: Lru<Uint8Array>;
  private readonly expanded: Lru<ExpandedTile>;
  private latest: StoredCheckpoint | null = null;
  private latestAt = 0;
  private refreshing: Promise<StoredCheckpoint | null> | null = null;
  /** Hashes of composite leaf ranges (immutable once their leaves exist). */
  private readonly ranges = new Lru<Hash>(65_536);
  private readonly ttl: number;

  constructor(
    readonly db: Db,
    opts: LedgerStoreOptions = {},
  ) {
    this.blobs = new Lru(opts.cacheBytes ?? 64 << 20, (b) => b.length);
    this.expanded = new Lru(opts.expandedCacheBytes ?? 64 << 20, expandedTileBytes);
    this.ttl = opts.checkpointTtlMs ?? 100;
  }

  /**
   * The newest signed checkpoint. Read from the database at most every
   * `checkpointTtlMs` (the hot read paths — proofs, tiles — would otherwise cost
   * one query each); an in-process sequencer pushes each new one at once.
   */
  async checkpoint(): Promise<StoredCheckpoint | null> {
    if (this.latest && Date.now() - this.latestAt < this.ttl) return this.latest;
    // One query however many requests find the cache stale at the same moment.
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<StoredCheckpoint | null> {
    const rows = await this.db.query<{ size: number; root: Uint8Array; note: string }>(
      'SELECT size, root, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1',
    );
    const r = rows[0];
    if (r) this.observe({ size: r.size, root: new Uint8Array(r.root), note: r.note });
    return this.latest;
  }

  /** Records a checkpoint known to be committed (never moves backwards). */
  observe(cp: StoredCheckpoint): void {
    if (!this.latest || cp.size >= this.latest.size) this.latest = cp;
    this.latestAt = Date.now();
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    const rows = await this.db.query<{ size: number; root: Uint8Array; note: string }>(
      'SELECT size, root, note FROM ledger_checkpoints WHERE size = $1',
      [size],
    );
    const r = rows[0];
    return r ? { size: r.size, root: new Uint8Array(r.root), note: r.note } : null;
  }

  /**
   * The current tree size; with `atLeast`, re-reads the database before deciding
   * that a size a client names (from another node's checkpoint) does not exist.
   */
  private async currentSize(atLeast = 0): Promise<number> {
    const size = (await this.checkpoint())?.size ?? 0;
    return size >= atLeast ? size : ((await this.refresh())?.size ?? 0);
  }

  /** Hash tile bytes; `width` must match what the current tree has (or less). */
  async hashTile(level: number, index: number, width: number): Promise<Uint8Array> {
    const key = `h/${level}/${index}/${width}`;
    const hit = this.blobs.get(key);
    if (hit) return hit;
    const data =
      width === TILE_WIDTH
        ? await this.fullTile(level, index)
        : await this.partialTile(level, index, width);
    this.blobs.set(key, data);
    return data;
  }

  private async fullTile(level: number, index: number): Promise<Uint8Array> {
    const rows = await this.db.query<{ data: Uint8Array }>(
      'SELECT data FROM ledger_tiles WHERE level = $1 AND idx = $2',
      [level, index],
    );
    if (!rows[0]) throw new LedgerError('NOT_FOUND', `tile ${level}/${index} does not exist`);
    return new Uint8Array(rows[0].data);
  }

  private async partialTile(level: number, index: number, width: number): Promise<Uint8Array> {
    // A partial tile is never stored: its hashes are the leaf hashes (level 0) or
    // the roots of the full tiles one level down, which are.
    const first = index * TILE_WIDTH;
    const rows =
      level === 0
        ? await this.db.query<{ h: Uint8Array }>(
            'SELECT leaf_hash AS h FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
            [first, first + width],
          )
        : await this.db.query<{ h: Uint8Array }>(
            'SELECT root AS h FROM ledger_tiles WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
            [level - 1, first, first + width],
          );
    if (rows.length !== width)
      throw new LedgerError('NOT_FOUND', `tile ${level}/${index}.p/${width} does not exist`);
    return joinHashes(rows.map((r) => new Uint8Array(r.h)));
  }

  /**
   * What the public read API serves at a C2SP path under /log ("checkpoint",
   * "tile/0/001", "tile/entries/002.p/5"), or null where it would answer 404:
   * a TileFetcher for the verifier that needs no HTTP server.
   */
  async readPublished(path: string): Promise<Uint8Array | null> {
    if (path === 'checkpoint') {
      const cp = await this.checkpoint();
      return cp ? utf8(cp.note) : null;
    }
    const ref = parseTilePath(path);
    try {
      return ref.kind === 'hash'
        ? await this.hashTile(ref.level, ref.index, ref.width)
        : await this.bundle(ref.index, ref.width);
    } catch (e) {
      if (e instanceof LedgerError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  /** Checks a requested tile exists in the current tree (for the HTTP edge). */
  async tileExists(level: number | 'entries', index: number, width: number): Promise<boolean> {
    const l = level === 'entries' ? 0 : level;
    const size = await this.currentSize((index * TILE_WIDTH + width) * 2 ** (8 * l));
    return tileWidth(size, l, index) >= width;
  }

  async bundle(index: number, width: number): Promise<Uint8Array> {
    const key = `e/${index}/${width}`;
    const hit = this.blobs.get(key);
    if (hit) return hit;
    let data: Uint8Array;
    if (width === TILE_WIDTH) {
      const rows = await this.db.query<{ data: Uint8Array }>(
        'SELECT data FROM ledger_bundles WHERE idx = $1',
        [index],
      );
      if (!rows[0]) throw new LedgerError('NOT_FOUND', `entry bundle ${index} does not exist`);
      data = new Uint8Array(rows[0].data);
    } else {
      const entries = await this.entriesRange(index * TILE_WIDTH, width);
      if (entries.length !== width)
        throw new LedgerError('NOT_FOUND', `entry bundle ${index}.p/${width} does not exist`);
      data = encodeBundle(entries);
    }
    this.blobs.set(key, data);
    return data;
  }

  async entriesRange(first: number, count: number): Promise<Uint8Array[]> {
    const rows = await this.db.query<{ entry: Uint8Array }>(
      `SELECT p.entry FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id
       WHERE e.idx >= $1 AND e.idx < $2 ORDER BY e.idx`,
      [first, first + count],
    );
    return rows.map((r) => new Uint8Array(r.entry));
  }

  async entry(index: number): Promise<LogEntry> {
    const size = await this.currentSize(index + 1);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new LedgerError('OUT_OF_RANGE', `entry ${index} is not in the log (size ${size})`);
    const [entry] = await this.entriesRange(index, 1);
    if (!entry) throw new LedgerError('NOT_FOUND', `entry ${index} not found`);
    return { index, leafHash: leafHash(entry), entry };
  }

  /** Log indexes of pending rows that have been integrated (absent = still pending). */
  async indexesOf(pendingIds: readonly number[], sql: Sql = this.db): Promise<Map<number, number>> {
    if (pendingIds.length === 0) return new Map();
    const rows = await sql.query<{ pending_id: number; idx: number }>(
      'SELECT pending_id, idx FROM ledger_entries WHERE pending_id = ANY($1::int8[])',
      [pendingIds],
    );
    return new Map(rows.map((r) => [Number(r.pending_id), Number(r.idx)]));
  }

  async leavesOf(
    pendingIds: readonly number[],
    sql: Sql = this.db,
  ): Promise<Map<number, IntegratedLeaf>> {
    if (pendingIds.length === 0) return new Map();
    const rows = await sql.query<{ pending_id: number; idx: number; leaf_hash: Uint8Array }>(
      'SELECT pending_id, idx, leaf_hash FROM ledger_entries WHERE pending_id = ANY($1::int8[])',
      [pendingIds],
    );
    return new Map(
      rows.map((r) => [
        Number(r.pending_id),
        { index: Number(r.idx), leafHash: new Uint8Array(r.leaf_hash) },
      ]),
    );
  }

  async commitsOf(pendingIds: readonly number[], sql: Sql = this.db): Promise<AppendedCommit[]> {
    if (pendingIds.length === 0) return [];
    // `tx` is the appending transaction (001_ledger.sql): a shared commit's rows share it.
    const rows = await sql.query<{ entries: number; bytes: string | number }>(
      `SELECT count(*)::int AS entries, sum(octet_length(entry))::int8 AS bytes
         FROM ledger_pending WHERE id = ANY($1::int8[]) GROUP BY tx`,
      [pendingIds],
    );
    return rows.map((r) => ({ entries: Number(r.entries), bytes: Number(r.bytes) }));
  }

  async indexOfLeaf(hash: Hash): Promise<number | null> {
    const rows = await this.db.query<{ idx: number }>(
      'SELECT idx FROM ledger_entries WHERE leaf_hash = $1 ORDER BY idx LIMIT 1',
      [hash],
    );
    return rows[0] ? Number(rows[0].idx) : null;
  }

  async integratedSize(sql: Sql = this.db): Promise<number> {
    // Indexes are contiguous from 0 (the sequencer's invariant), so max + 1 is the
    // count, read from the primary key's end rather than by counting.
    const [row] = await sql.query<{ end: number }>(
      'SELECT coalesce(max(idx) + 1, 0) AS end FROM ledger_entries',
    );
    return Number(row?.end ?? 0);
  }

  async integratedBetween(
    from: number,
    to: number,
    sql: Sql = this.db,
  ): Promise<IntegratedPosition[]> {
    if (to <= from) return [];
    const rows = await sql.query<{ idx: number; pending_id: number }>(
      'SELECT idx, pending_id FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [from, to],
    );
    return rows.map((r) => ({ index: Number(r.idx), pendingId: Number(r.pending_id) }));
  }

  async integratedEntries(from: number, to: number, sql: Sql = this.db): Promise<LogEntry[]> {
    if (to <= from) return [];
    const rows = await sql.query<{ idx: number; leaf_hash: Uint8Array; entry: Uint8Array }>(
      `SELECT e.idx, e.leaf_hash, p.entry
         FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id
        WHERE e.idx >= $1 AND e.idx < $2 ORDER BY e.idx`,
      [from, to],
    );
    // pg and PGlite both give each bytea its own Uint8Array: no copy needed.
    return rows.map((r) => ({ index: Number(r.idx), leafHash: r.leaf_hash, entry: r.entry }));
  }

  async pendingEntries(
    pendingIds: readonly number[],
    sql: Sql = this.db,
  ): Promise<Map<number, PendingEntryState>> {
    if (pendingIds.length === 0) return new Map();
    const rows = await sql.query<{ id: number; entry: Uint8Array; idx: number | null }>(
      `SELECT p.id, p.entry, e.idx
         FROM ledger_pending p LEFT JOIN ledger_entries e ON e.pending_id = p.id
        WHERE p.id = ANY($1::int8[])`,
      [pendingIds],
    );
    return new Map(
      rows.map((r) => [
        Number(r.id),
        { entry: new Uint8Array(r.entry), index: r.idx === null ? null : Number(r.idx) },
      ]),
    );
  }

  async appendedCount(sql: Sql = this.db): Promise<number> {
    const [row] = await sql.query<{ n: number }>('SELECT count(*) AS n FROM ledger_pending');
    return Number(row?.n ?? 0);
  }

  /**
   * Waits until every pending id has an index (the sequencer, in this process or
   * another, integrated it). Returns the indexes; throws after `timeoutMs`.
   */
  async waitIntegrated(
    pendingIds: readonly number[],
    timeoutMs = 30_000,
    pollMs = 25,
  ): Promise<Map<number, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.indexesOf(pendingIds);
      if (found.size === new Set(pendingIds).size) return found;
      if (Date.now() > deadline)
        throw new LedgerError(
          'TIMEOUT',
          `${pendingIds.length - found.size} pending entries not integrated after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private async checkSize(size: number): Promise<void> {
    const current = await this.currentSize(size);
    if (size > current)
      throw new LedgerError('OUT_OF_RANGE', `tree size ${size} exceeds the log's size ${current}`);
  }

  private reader(size: number): TileNodeReader {
    return new TileNodeReader(this, size, this.expanded);
  }

  async inclusionProof(index: number, size: number): Promise<Hash[]> {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
      throw new LedgerError('OUT_OF_RANGE', `index ${index} is not below size ${size}`);
    await this.checkSize(size);
    return inclusionProof(index, size, this.reader(size), this.ranges);
  }

  async consistencyProof(from: number, to: number): Promise<Hash[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to)
      throw new LedgerError('OUT_OF_RANGE', `cannot prove size ${from} consistent with size ${to}`);
    await this.checkSize(to);
    return consistencyProof(from, to, this.reader(to), this.ranges);
  }

  async rootAt(size: number): Promise<Hash> {
    await this.checkSize(size);
    return treeRoot(size, this.reader(size));
  }
}
