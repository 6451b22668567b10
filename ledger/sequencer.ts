/**
 * The single writer of the log (ARCHITECTURE.md "The write path"). It takes
 * pending entries in commit-safe order, gives them contiguous indexes, writes the
 * tiles and bundles they complete and a new signed checkpoint — all in one
 * transaction, so a crash at any point leaves either the old log or the new one.
 *
 * One sequencer is active at a time: leadership is a PostgreSQL session advisory
 * lock, held on the connection that also does the writes, so losing the
 * connection loses both. The checkpoint table's UNIQUE(prev_size) is the
 * compare-and-swap that keeps a stale leader from forking the log even so.
 *
 * State in memory is O(log n): the right edge of the tree (one partial tile per
 * level) and the entries of the current partial bundle (< 256).
 */
import { leafHash } from './hash.ts';
import { signNote } from './note-sign.ts';
import type { NoteSigner } from './signer.ts';
import type { Db, Session } from './store/db.ts';
import { encodeBundle, TreeEdge } from './tiles.ts';
import { formatCheckpointBody } from './verifier/checkpoint.ts';
import { TILE_WIDTH } from './verifier/tilepath.ts';

export interface SequencerOptions {
  /** Checkpoint origin line; also the log key's name. */
  origin: string;
  /** Most entries per batch (N in "every ≤250 ms or ≤N entries"). */
  batchSize?: number;
  /** Longest wait between batches when the queue is not full. */
  intervalMs?: number;
  /** Advisory lock key shared by every sequencer of this log. */
  lockKey?: number;
  /** Called after each committed batch. */
  onCheckpoint?: (c: { size: number; root: Uint8Array; note: string; added: number }) => void;
}

interface Cursor {
  tx: string;
  id: number;
}

const DEFAULT_LOCK = 0x5345_5131; // "SEQ1"

/**
 * The next batch in commit-safe order. Pending rows are ordered by their
 * inserting transaction's id, and only rows of transactions below the horizon are
 * taken: the oldest transaction still in progress in this statement's snapshot
 * (or the snapshot's xmax if none is). A transaction still open may yet commit a
 * row with a lower id than rows already visible, so nothing at or after it can be
 * sequenced without the risk of skipping that row forever.
 *
 * Transactions of other databases in the same cluster cannot write this table, so
 * they must not hold the log back (a long job elsewhere would stall integration).
 * They are recognised through pg_stat_activity; that view may lag the snapshot,
 * but only by missing a transaction, which then counts as ours: the error is
 * always on the side of waiting, never of skipping.
 *
 * ORDER BY names the xid8 column, not a text alias of it: text order puts '1000'
 * before '999' and would scramble the cursor.
 */
const SELECT_BATCH = `
  WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
  foreign_xids AS (
    SELECT backend_xid::text::int8 AS x32 FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
      AND datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database())
  ),
  horizon AS (
    SELECT coalesce(
      (SELECT min(x) FROM snap, pg_snapshot_xip(snap.s) AS x
        WHERE x::text::int8 % 4294967296 NOT IN (SELECT x32 FROM foreign_xids)),
      (SELECT pg_snapshot_xmax(s) FROM snap)
    ) AS h
  )
  SELECT id, tx::text AS xid, entry FROM ledger_pending, horizon
  WHERE (tx, id) > ($1::xid8, $2::int8) AND tx < horizon.h
  ORDER BY ledger_pending.tx, ledger_pending.id
  LIMIT $3`;

export class SequencerError extends Error {
  constructor(
    readonly code: 'ORIGIN_MISMATCH' | 'NOT_LEADER',
    message: string,
  ) {
    super(message);
    this.name = 'SequencerError';
  }
}

export class Sequencer {
  private session: Session | null = null;
  private edge = TreeEdge.empty();
  /** Entries of the current partial bundle: C2SP bundles need their bytes. */
  private bundleTail: Uint8Array[] = [];
  private cursor: Cursor = { tx: '0', id: 0 };
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private poked = false;
  /** Set while a batch is in flight or after it failed: memory may not match the database. */
  private stale = false;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly lockKey: number;

  /**
   * The keys that sign each checkpoint, in order: one, or two during a log-key
   * hand-over (the outgoing key first). C2SP signed-note: a note may carry
   * several signatures, and a verifier ignores those by keys it does not know.
   */
  private signers: NoteSigner[];

  constructor(
    private readonly db: Db,
    signer: NoteSigner,
    private readonly opts: SequencerOptions,
  ) {
    this.checkName(signer);
    this.signers = [signer];
    this.batchSize = opts.batchSize ?? 4096;
    this.intervalMs = opts.intervalMs ?? 100;
    this.lockKey = opts.lockKey ?? DEFAULT_LOCK;
  }

  get size(): number {
    return this.edge.size;
  }

  /** Whether this sequencer holds the lock, i.e. signs this log's checkpoints. */
  get leading(): boolean {
    return this.session !== null;
  }

  /** Whether a log-key hand-over is under way (checkpoints carry two signatures). */
  get handingOver(): boolean {
    return this.signers.length === 2;
  }

  /** Signs every later checkpoint with `signer` alone. */
  setSigner(signer: NoteSigner): void {
    this.checkName(signer);
    this.signers = [signer];
  }

  /**
   * Starts a log-key hand-over (docs/keys.md): every checkpoint from now on is
   * signed by the current key AND by `next`, until endHandOver(). The caller
   * announces `next` in the log meanwhile, so the checkpoint that covers the
   * announcement carries the old key's signature (a verifier pinned to it can
   * follow) and the new key's (a verifier that already has it can too).
   */
  beginHandOver(next: NoteSigner): void {
    this.checkName(next);
    if (this.signers.length !== 1) throw new Error('a log-key hand-over is already under way');
    this.signers = [this.signers[0]!, next];
  }

  /** Ends a hand-over: later checkpoints are signed by the new key alone. */
  endHandOver(): void {
    if (this.signers.length !== 2) throw new Error('no log-key hand-over is under way');
    this.signers = [this.signers[1]!];
  }

  private checkName(signer: NoteSigner): void {
    // tlog-checkpoint: the log's key name is its origin, for every key it signs with.
    if (signer.name !== this.opts.origin)
      throw new Error(`log key name ${signer.name} must equal the origin ${this.opts.origin}`);
  }

  /**
   * Becomes the leader (waiting while another sequencer holds the lock, polling
   * every `pollMs`), loads the tree's right edge, and writes the empty-tree
   * checkpoint if the log is new.
   */
  async acquire(pollMs = 500, signal?: AbortSignal): Promise<void> {
    const session = await this.db.session();
    try {
      for (;;) {
        const [r] = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          this.lockKey,
        ]);
        if (r?.ok) break;
        if (signal?.aborted) throw new Error('aborted while waiting for the sequencer lock');
        await sleep(pollMs);
      }
      this.session = session;
      await this.load();
    } catch (e) {
      this.session = null;
      await session.release();
      throw e;
    }
  }

  /** Reloads the right edge, bundle tail and cursor from the database. */
  private async load(): Promise<void> {
    const s = this.session!;
    const [cp] = await s.query<{
      size: number;
      cursor_tx: string;
      cursor_id: number;
      note: string;
    }>(
      'SELECT size, cursor_tx::text AS cursor_tx, cursor_id, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1',
    );
    // A log has one origin for life (C2SP tlog-checkpoint): continuing it under
    // another name would make every verifier's saved state useless.
    const origin = cp?.note.slice(0, cp.note.indexOf('\n'));
    if (cp && origin !== this.opts.origin)
      throw new SequencerError(
        'ORIGIN_MISMATCH',
        `this log's origin is ${JSON.stringify(origin)}, not ${JSON.stringify(this.opts.origin)}; start with --origin ${origin}`,
      );
    if (!cp) {
      this.edge = TreeEdge.empty();
      this.bundleTail = [];
      this.cursor = { tx: '0', id: 0 };
      await s.transaction((tx) => this.writeCheckpoint(tx, this.edge, -1, this.cursor));
      return;
    }
    const size = cp.size;
    const levels: Uint8Array[][] = [];
    for (let level = 0, n = size; n > 0; level++, n = Math.floor(n / TILE_WIDTH)) {
      const first = Math.floor(n / TILE_WIDTH) * TILE_WIDTH;
      const rows =
        level === 0
          ? await s.query<{ h: Uint8Array }>(
              'SELECT leaf_hash AS h FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
              [first, n],
            )
          : await s.query<{ h: Uint8Array }>(
              'SELECT root AS h FROM ledger_tiles WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
              [level - 1, first, n],
            );
      levels.push(rows.map((r) => new Uint8Array(r.h)));
    }
    this.edge = TreeEdge.restore(size, (level) => levels[level] ?? []);
    const tailStart = Math.floor(size / TILE_WIDTH) * TILE_WIDTH;
    const tail = await s.query<{ entry: Uint8Array }>(
      `SELECT p.entry FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id
       WHERE e.idx >= $1 ORDER BY e.idx`,
      [tailStart],
    );
    this.bundleTail = tail.map((r) => new Uint8Array(r.entry));
    this.cursor = { tx: cp.cursor_tx, id: cp.cursor_id };
  }

  /**
   * Integrates up to batchSize pending entries in one transaction. Returns how
   * many were added (0 when nothing committed is waiting).
   */
  async integrateOnce(): Promise<number> {
    const s = this.session;
    if (!s) throw new SequencerError('NOT_LEADER', 'sequencer has not acquired the lock');
    if (this.stale) {
      // A failed batch may have committed even so (the error came after COMMIT),
      // or another leader may have moved on: start again from the database.
      await this.load();
      this.stale = false;
    }
    const edge = this.edge.clone();
    const prevSize = edge.size;
    let tail = this.bundleTail;
    let cursor = this.cursor;
    let signed: { note: string; root: Uint8Array } = { note: '', root: new Uint8Array(0) };
    let added = 0;
    // The edge is a copy: memory changes only once the transaction has committed.
    this.stale = true;
    await s.transaction(async (tx) => {
      const rows = await tx.query<{ id: number; xid: string; entry: Uint8Array }>(SELECT_BATCH, [
        cursor.tx,
        cursor.id,
        this.batchSize,
      ]);
      if (rows.length === 0) return;
      const entries = rows.map((r) => new Uint8Array(r.entry));
      const leaves = entries.map(leafHash);
      const full = edge.append(leaves);
      await tx.query(
        'INSERT INTO ledger_entries (idx, pending_id, leaf_hash) SELECT * FROM unnest($1::int8[], $2::int8[], $3::bytea[])',
        [entries.map((_, i) => prevSize + i), rows.map((r) => r.id), leaves],
      );
      if (full.length > 0)
        await tx.query(
          'INSERT INTO ledger_tiles (level, idx, data, root) SELECT * FROM unnest($1::int2[], $2::int8[], $3::bytea[], $4::bytea[])',
          [
            full.map((t) => t.level),
            full.map((t) => t.index),
            full.map((t) => t.data),
            full.map((t) => t.root),
          ],
        );
      // Entry bundles that this batch completes, built from the tail of the last one.
      const bundles: { idx: number; data: Uint8Array }[] = [];
      let pendingTail = tail.slice();
      let nextIndex = prevSize;
      for (const e of entries) {
        pendingTail.push(e);
        nextIndex++;
        if (pendingTail.length === TILE_WIDTH) {
          bundles.push({ idx: nextIndex / TILE_WIDTH - 1, data: encodeBundle(pendingTail) });
          pendingTail = [];
        }
      }
      if (bundles.length > 0)
        // One parameter per bundle: node-postgres sends a Buffer parameter as binary
        // but a bytea[] as hex text (twice the bytes, encoded here, decoded there).
        await tx.query(
          `INSERT INTO ledger_bundles (idx, data) VALUES ${bundles.map((_, i) => `($${2 * i + 1}::int8, $${2 * i + 2}::bytea)`).join(', ')}`,
          bundles.flatMap((b) => [
            b.idx,
            Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
          ]),
        );
      const last = rows[rows.length - 1]!;
      cursor = { tx: last.xid, id: last.id };
      signed = await this.writeCheckpoint(tx, edge, prevSize, cursor);
      tail = pendingTail;
      added = entries.length;
    });
    this.stale = false;
    if (added > 0) {
      this.edge = edge;
      this.bundleTail = tail;
      this.cursor = cursor;
      this.opts.onCheckpoint?.({ size: edge.size, ...signed, added });
    }
    return added;
  }

  private async writeCheckpoint(
    tx: { query: Session['query'] },
    edge: TreeEdge,
    prevSize: number,
    cursor: Cursor,
  ): Promise<{ note: string; root: Uint8Array }> {
    const root = edge.root();
    const body = formatCheckpointBody({
      origin: this.opts.origin,
      size: edge.size,
      rootHash: root,
    });
    const note = await signNote(body, this.signers);
    await tx.query(
      'INSERT INTO ledger_checkpoints (size, prev_size, root, note, cursor_tx, cursor_id) VALUES ($1, $2, $3, $4, $5::xid8, $6)',
      [edge.size, prevSize, root, note, cursor.tx, cursor.id],
    );
    return { note, root };
  }

  /** Runs batches until stop(): at once while the queue is full, else every intervalMs. */
  start(onError: (e: unknown) => void = () => undefined): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let n = 0;
        try {
          n = await this.integrateOnce();
        } catch (e) {
          // The next integrateOnce() reloads what is committed before going on.
          onError(e);
          await sleep(this.intervalMs);
          continue;
        }
        if (n < this.batchSize && this.running) await this.pause();
      }
    })();
  }

  /** Asks a waiting loop to run a batch now (e.g. after a local write). */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  private pause(): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, this.intervalMs);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        this.poked = false;
        done();
      };
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    this.loop = null;
    if (this.session) {
      await this.session
        .query('SELECT pg_advisory_unlock($1)', [this.lockKey])
        .catch(() => undefined);
      await this.session.release();
      this.session = null;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
