// The sequencer against a storage double that fails on cue (CONVENTIONS.md §10):
// "fail and do not persist" (the batch transaction rolls back, before commit or
// part-way through), "fail after persisting" (the commit succeeded but the caller
// sees an error), and failed reads while reloading. After every fault the log is
// re-verified whole: one index per pending entry, indexes 0..n-1, an unbroken
// checkpoint chain, and the independent verifier over tiles and bundles.
// Runs on PGlite and, with SAKSI_TEST_DB=postgres, on PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../test/fresh-db.ts';
import {
  addPending,
  type Db,
  ed25519Signer,
  LedgerStore,
  Sequencer,
  type Session,
  type Sql,
} from './index.ts';
import {
  formatVerifierKey,
  openCheckpoint,
  type TileFetcher,
  toBase64,
  utf8,
  verifyLog,
} from './verifier/index.ts';

const ORIGIN = 'faults.saksi.local/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(0x3c));
const VKEY = formatVerifierKey(ORIGIN, signer.publicKey);

/** An error only the double throws, so a test can tell injected faults from real ones. */
class InjectedFault extends Error {
  constructor(readonly fault: Fault) {
    super(`injected fault: ${fault.kind}`);
  }
}

type Fault =
  /** Fail and do not persist: the batch runs whole, then rolls back. */
  | { kind: 'rollback' }
  /** Fail and do not persist: the `at`-th statement of the transaction throws. */
  | { kind: 'statement'; at: number }
  /** Fail after persisting: the commit succeeded, the caller sees an error. */
  | { kind: 'after-commit' }
  /** A read outside a transaction (the sequencer's reload) throws. */
  | { kind: 'read' };

/**
 * TEST DOUBLE — wraps a real Db and injects storage faults into the sessions it
 * hands out (the sequencer's connection); plain db.query/db.transaction (the
 * writers) pass through untouched. Faults are queued with failNext() or drawn at
 * random with a given probability per transaction and per read.
 */
class FaultInjectingDb implements Db {
  readonly kind: Db['kind'];
  readonly injected: Fault[] = [];
  private readonly queued: Fault[] = [];
  private randomRate = 0;

  constructor(private readonly inner: Db) {
    this.kind = inner.kind;
  }

  failNext(f: Fault): void {
    this.queued.push(f);
  }

  /** Faults at random: a share `rate` of transactions and of session reads fail. */
  failRandomly(rate: number): void {
    this.randomRate = rate;
  }

  query: Db['query'] = (text, params) => this.inner.query(text, params);
  exec: Db['exec'] = (text) => this.inner.exec(text);
  transaction: Db['transaction'] = (fn) => this.inner.transaction(fn);
  close: Db['close'] = () => this.inner.close();

  async session(): Promise<Session> {
    const s = await this.inner.session();
    return {
      query: async (text, params) => {
        const f = this.take((k) => k === 'read');
        if (f) throw this.record(f);
        return s.query(text, params);
      },
      exec: (text) => s.exec(text),
      transaction: (fn) => this.transact(s, fn),
      release: () => s.release(),
    };
  }

  private async transact<T>(s: Session, fn: (tx: Sql) => Promise<T>): Promise<T> {
    const f = this.take((k) => k !== 'read');
    if (!f) return s.transaction(fn);
    if (f.kind === 'after-commit') {
      await s.transaction(fn);
      throw this.record(f);
    }
    // Both other kinds throw inside the transaction, so the real store rolls back.
    return s.transaction(async (tx) => {
      let n = 0;
      const faulty: Sql = {
        query: async (text, params) => {
          if (f.kind === 'statement' && ++n === f.at) throw this.record(f);
          return tx.query(text, params);
        },
        exec: (text) => tx.exec(text),
      };
      await fn(faulty);
      throw this.record(f);
    });
  }

  private take(want: (k: Fault['kind']) => boolean): Fault | undefined {
    const i = this.queued.findIndex((f) => want(f.kind));
    if (i >= 0) return this.queued.splice(i, 1)[0];
    if (this.randomRate === 0 || Math.random() >= this.randomRate) return undefined;
    if (want('read')) return { kind: 'read' };
    const r = Math.random();
    if (r < 1 / 3) return { kind: 'rollback' };
    if (r < 2 / 3) return { kind: 'after-commit' };
    return { kind: 'statement', at: 1 + Math.floor(Math.random() * 5) };
  }

  private record(f: Fault): InjectedFault {
    this.injected.push(f);
    return new InjectedFault(f);
  }
}

let t: FreshDb;
let db: FaultInjectingDb;
beforeEach(async () => {
  t = await freshDb();
  db = new FaultInjectingDb(t.db);
});
afterEach(async () => {
  // A failed assertion can leave a sequencer holding its session; the pool would
  // not close (and the database not drop) until it lets go.
  await Promise.all(sequencers.splice(0).map((q) => q.stop()));
  await t.drop();
});
const sequencers: Sequencer[] = [];
const track = (q: Sequencer) => {
  sequencers.push(q);
  return q;
};

let serial = 0;
const entry = () =>
  utf8(
    JSON.stringify({
      v: 1,
      kind: 'test.fault.write',
      subject: `s/${serial++}`,
      pad: 'y'.repeat(serial % 150),
    }),
  );

async function addMany(n: number): Promise<number[]> {
  return t.db.transaction((tx) => addPending(tx, Array.from({ length: n }, entry)));
}

async function counts(): Promise<{ entries: number; checkpoints: number; size: number }> {
  const [r] = await t.db.query<{ entries: number; checkpoints: number; size: number }>(
    `SELECT (SELECT count(*) FROM ledger_entries)::int8 AS entries,
            (SELECT count(*) FROM ledger_checkpoints)::int8 AS checkpoints,
            (SELECT max(size) FROM ledger_checkpoints)::int8 AS size`,
  );
  return r!;
}

async function waitForSize(n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await counts()).size !== n) {
    if (Date.now() > deadline) throw new Error(`log did not reach size ${n}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sequencer under storage faults', () => {
  it('fail and do not persist: a batch that rolls back leaves no trace and is retried whole', async () => {
    const seq = track(new Sequencer(db, signer, { origin: ORIGIN, batchSize: 300 }));
    await seq.acquire();
    const ids = await addMany(1900);
    // Before commit, and at each statement of the batch (select, entries, tiles,
    // bundles, checkpoint).
    const faults: Fault[] = [
      { kind: 'rollback' },
      ...[1, 2, 3, 4, 5].map((at) => ({ kind: 'statement' as const, at })),
    ];
    for (const f of faults) {
      const before = await counts();
      db.failNext(f);
      await expect(seq.integrateOnce()).rejects.toBeInstanceOf(InjectedFault);
      expect(await counts()).toEqual(before);
      expect(seq.size).toBe(before.size);
      expect(await seq.integrateOnce()).toBeGreaterThan(0);
    }
    while ((await seq.integrateOnce()) > 0);
    await seq.stop();
    expect(db.injected).toHaveLength(faults.length);
    await checkWholeLog(ids);
  });

  it('fail after persisting: the start loop reloads and does not integrate the batch twice', async () => {
    const errors: unknown[] = [];
    const seq = track(
      new Sequencer(db, signer, { origin: ORIGIN, batchSize: 256, intervalMs: 10 }),
    );
    await seq.acquire();
    const ids = await addMany(1000);
    db.failNext({ kind: 'after-commit' });
    seq.start((e) => errors.push(e));
    await waitForSize(ids.length);
    await seq.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InjectedFault);
    await checkWholeLog(ids);
  });

  it('fail after persisting: the next batch integrates nothing twice, whatever it does', async () => {
    const seq = track(new Sequencer(db, signer, { origin: ORIGIN, batchSize: 100 }));
    await seq.acquire();
    try {
      const ids = await addMany(150);
      db.failNext({ kind: 'after-commit' });
      await expect(seq.integrateOnce()).rejects.toBeInstanceOf(InjectedFault);
      expect(await counts()).toMatchObject({ entries: 100, size: 100 });
      // The sequencer's memory may still say size 0. Its next batch either reloads
      // first or is refused by the database's keys (indexes and pending ids are
      // unique); it must never store an entry twice.
      await seq.integrateOnce().catch(() => 0);
      expect((await counts()).entries).toBeOneOf([100, 150]);
      await seq.stop();
      const next = track(new Sequencer(t.db, signer, { origin: ORIGIN, batchSize: 100 }));
      await next.acquire();
      while ((await next.integrateOnce()) > 0);
      await next.stop();
      await checkWholeLog(ids);
    } finally {
      await seq.stop();
    }
  });

  // Regression: integrateOnce() used to keep its stale in-memory edge after a batch
  // that failed after committing, so every later call failed on the database's
  // keys until start()'s loop reloaded; a caller driving integrateOnce() itself
  // (`saksi ledger append`) could not recover short of a new Sequencer.
  it('fail after persisting: integrateOnce() alone recovers on the next call', async () => {
    const seq = track(new Sequencer(db, signer, { origin: ORIGIN, batchSize: 100 }));
    await seq.acquire();
    try {
      const ids = await addMany(150);
      db.failNext({ kind: 'after-commit' });
      await expect(seq.integrateOnce()).rejects.toBeInstanceOf(InjectedFault);
      expect(await seq.integrateOnce()).toBe(50);
      expect(seq.size).toBe(150);
      await checkWholeLog(ids);
    } finally {
      await seq.stop();
    }
  });

  it('acquire() recovers when the empty-tree checkpoint fails after persisting', async () => {
    const seq = track(new Sequencer(db, signer, { origin: ORIGIN }));
    db.failNext({ kind: 'after-commit' });
    await expect(seq.acquire()).rejects.toBeInstanceOf(InjectedFault);
    expect(await counts()).toMatchObject({ checkpoints: 1, size: 0 });
    await seq.acquire();
    const ids = await addMany(10);
    while ((await seq.integrateOnce()) > 0);
    await seq.stop();
    await checkWholeLog(ids);
  });

  it('random faults of every kind under concurrent writers: the log stays whole', async () => {
    const errors: unknown[] = [];
    const seq = track(new Sequencer(db, signer, { origin: ORIGIN, batchSize: 64, intervalMs: 5 }));
    await seq.acquire();
    db.failRandomly(0.2);
    seq.start((e) => errors.push(e));
    const recorded: number[] = [];
    const deadline = Date.now() + 3000;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let k = 0; k < 500 && Date.now() < deadline; k++) {
          recorded.push(...(await addMany(1 + Math.floor(Math.random() * 8))));
          await new Promise((r) => setTimeout(r, Math.random() * 3));
        }
      }),
    );
    // Faults stay on until the end: the loop must converge through them.
    await waitForSize(recorded.length).catch((e) => {
      throw new Error(
        `${(e as Error).message}; last errors: ${errors.slice(-3).map(String).join(' | ')}`,
      );
    });
    await seq.stop();
    db.failRandomly(0);
    const kinds = new Set(db.injected.map((f) => f.kind));
    expect(kinds).toEqual(new Set(['rollback', 'statement', 'after-commit', 'read']));
    // Every error the loop saw was injected, or the database refusing a stale batch
    // (after a read fault interrupted a reload): nothing else went wrong.
    const other = errors.filter((e) => !(e instanceof InjectedFault));
    for (const e of other) expect(String((e as Error).message)).toMatch(/duplicate key|unique/i);
    await checkWholeLog(recorded);
  });
});

describe('commit-safe order', () => {
  // Regression: the batch query once said `SELECT id, tx::text AS tx … ORDER BY
  // tx, id`, and ORDER BY resolves a bare name to the output column first, so rows
  // were ordered by the transaction id's decimal TEXT ('1000' < '999'). Where
  // pending rows straddled a power of ten, a batch took rows out of order and
  // stored a cursor behind rows it had integrated (the sequencer then failed on
  // duplicate keys forever) or ahead of rows it had not (those entries were lost).
  it('integrates in numeric transaction order across a decimal boundary of xids', async (ctx) => {
    const boundary = 10 ** String(await currentXid()).length;
    // PGlite starts below 1000; a shared PostgreSQL cluster may be far from its next
    // power of ten, and burning a million xids is not a unit test.
    if (boundary - (await currentXid()) > 20_000) ctx.skip();
    await burnXidsTo(boundary - 3);
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await addMany(1))); // tx boundary-3 … boundary+2
    const seq = track(new Sequencer(t.db, signer, { origin: ORIGIN, batchSize: 4 }));
    await seq.acquire();
    try {
      while ((await seq.integrateOnce()) > 0);
    } finally {
      await seq.stop();
    }
    const idx = await new LedgerStore(t.db).indexesOf(ids);
    expect(ids.map((id) => idx.get(id))).toEqual([0, 1, 2, 3, 4, 5]);
    await checkWholeLog(ids);
  });
});

async function currentXid(): Promise<number> {
  const [r] = await t.db.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x');
  return Number(r!.x);
}

/** Uses up transaction ids (one per autocommit statement) until the next is ≥ `xid`. */
async function burnXidsTo(xid: number): Promise<void> {
  while ((await currentXid()) < xid - 1);
}

/** A TileFetcher over the store, as the HTTP routes would serve it. */
const storeFetcher =
  (store: LedgerStore): TileFetcher =>
  (path) =>
    store.readPublished(path);

/**
 * Sunlight's CheckLog, on the database: `ids` (every pending row written) each have
 * exactly one index, indexes are exactly 0..n-1 in commit-safe order, each
 * checkpoint extends the one before, each signed root is the tree's root at its
 * size, and the whole log verifies from tiles and bundles.
 */
async function checkWholeLog(ids: readonly number[]): Promise<void> {
  const n = ids.length;
  const store = new LedgerStore(t.db);
  const indexes = await store.indexesOf(ids);
  expect(indexes.size).toBe(n);
  expect([...indexes.values()].sort((a, b) => a - b)).toEqual(
    Array.from({ length: n }, (_, i) => i),
  );
  const [c] = await t.db.query<{ pending: number; entries: number; ids: number; back: number }>(
    `SELECT (SELECT count(*) FROM ledger_pending)::int8 AS pending,
            (SELECT count(*) FROM ledger_entries)::int8 AS entries,
            (SELECT count(DISTINCT pending_id) FROM ledger_entries)::int8 AS ids,
            (SELECT count(*) FROM (
               SELECT (p.tx, p.id) < lag((p.tx, p.id)) OVER (ORDER BY e.idx) AS back
               FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id) s
             WHERE back)::int8 AS back`,
  );
  expect(c).toEqual({ pending: n, entries: n, ids: n, back: 0 });

  const cps = await t.db.query<{ size: number; prev_size: number; root: Uint8Array; note: string }>(
    'SELECT size, prev_size, root, note FROM ledger_checkpoints ORDER BY size',
  );
  expect(cps[0]).toMatchObject({ size: 0, prev_size: -1 });
  for (let i = 1; i < cps.length; i++) expect(cps[i]!.prev_size).toBe(cps[i - 1]!.size);
  expect(cps.at(-1)!.size).toBe(n);
  for (const cp of cps) {
    const root = toBase64(new Uint8Array(cp.root));
    expect(toBase64(openCheckpoint(cp.note, VKEY).rootHash)).toBe(root);
    expect(toBase64(await store.rootAt(cp.size))).toBe(root);
  }
  const result = await verifyLog({ fetch: storeFetcher(store), verifierKey: VKEY });
  expect(result).toMatchObject({ size: n, entries: n });
}
