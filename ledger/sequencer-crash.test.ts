// Crash safety of the sequencer on a real PostgreSQL: while writers keep adding
// pending entries, a sequencer in a child process is SIGKILLed at random moments
// (some while its batch transaction is open on the server) and restarted, again
// and again. Afterwards the log must be whole: every pending entry has exactly one
// index, indexes are 0..n-1, the checkpoint chain has no gap, and the log verifies
// from its tiles and bundles (Sunlight's CheckLog; CONVENTIONS.md §10).
// PostgreSQL only: PGlite lives in one process's memory and cannot outlive a kill.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';
import { LedgerStore } from './index.ts';
import { addPending } from './store/pending.ts';
import { openCheckpoint, type TileFetcher, toBase64, utf8, verifyLog } from './verifier/index.ts';

const onPg = TEST_DB_KIND === 'postgres' ? it : it.skip;
const CHILD = fileURLToPath(new URL('../test/crash/sequencer-child.ts', import.meta.url));
const APP_NAME = 'saksi_crash_child';
const KILLS = 9;
const WRITERS = 4;

let t: FreshDb;
beforeEach(async () => {
  if (TEST_DB_KIND === 'postgres') t = await freshDb();
});
afterEach(async () => {
  // A failed test may leave a child running; it must not outlive its database.
  for (const c of live) c.kill('SIGKILL');
  await Promise.all([...live].map((c) => new Promise((r) => c.once('exit', r))));
  if (TEST_DB_KIND === 'postgres') await t.drop();
});
const live = new Set<ChildProcess>();

type ChildEvent =
  | { event: 'ready'; size: number; vkey: string; pid: number }
  | { event: 'checkpoint'; size: number; added: number }
  | { event: 'error'; message: string }
  | { event: 'stopped'; size: number };

/** A running sequencer child and the events it has printed so far. */
interface Child {
  proc: ChildProcess;
  events: ChildEvent[];
  exited: Promise<void>;
  /** Resolves with the first event (seen now or later) that satisfies `pred`. */
  until<E extends ChildEvent>(pred: (e: ChildEvent) => e is E, timeoutMs?: number): Promise<E>;
  until(pred: (e: ChildEvent) => boolean, timeoutMs?: number): Promise<ChildEvent>;
}

function spawnChild(url: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, url, '64', '20'], {
    // PGAPPNAME names the child's connections in pg_stat_activity, so the test can
    // see when a batch transaction is open and kill the child right then.
    env: { ...process.env, PGAPPNAME: APP_NAME },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: ChildEvent[] = [];
  const waiters: { pred: (e: ChildEvent) => boolean; resolve: (e: ChildEvent) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let e: ChildEvent;
    try {
      e = JSON.parse(line) as ChildEvent;
    } catch {
      return; // a line cut short by SIGKILL
    }
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  live.add(proc);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      live.delete(proc);
      resolve();
    }),
  );
  const until = (pred: (e: ChildEvent) => boolean, timeoutMs = 20_000) =>
    new Promise<ChildEvent>((resolve, reject) => {
      const seen = events.find(pred);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        const tail = events.slice(-3).map((e) => JSON.stringify(e));
        reject(new Error(`child ${proc.pid}: event timed out; last events ${tail.join(' ')}`));
      }, timeoutMs);
      waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
      void exited.then(() => setTimeout(() => reject(new Error('child exited early')), 200));
    });
  return { proc, events, exited, until: until as Child['until'] };
}

const isReady = (e: ChildEvent): e is Extract<ChildEvent, { event: 'ready' }> =>
  e.event === 'ready';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while the child's batch transaction is open on the server. */
async function childInTransaction(): Promise<boolean> {
  const rows = await t.db.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM pg_stat_activity
     WHERE application_name = $1 AND xact_start IS NOT NULL AND state <> 'idle'`,
    [APP_NAME],
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** A TileFetcher over the store, as the HTTP routes would serve it. */
const storeFetcher =
  (store: LedgerStore): TileFetcher =>
  (path) =>
    store.readPublished(path);

onPg(
  'survives repeated SIGKILLs mid-batch under load: no gap, no duplicate, nothing lost',
  async () => {
    const url = t.url!;
    // Writers: many small transactions, as API requests would commit them.
    const recorded: number[] = [];
    let writing = true;
    let written = 0;
    const writer = async (w: number) => {
      for (let k = 0; writing; k++) {
        const n = 1 + Math.floor(Math.random() * 6);
        const batch = Array.from({ length: n }, (_, j) =>
          utf8(
            JSON.stringify({
              v: 1,
              kind: 'test.crash.write',
              subject: `w${w}/${k}/${j}`,
              at: new Date().toISOString(),
              pad: 'x'.repeat(Math.floor(Math.random() * 200)),
            }),
          ),
        );
        recorded.push(...(await t.db.transaction((tx) => addPending(tx, batch))));
        written += n;
        await sleep(Math.random() * 4);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    let lastSize = 0;
    let vkey = '';
    let killedInTx = 0;
    for (let round = 0; round < KILLS; round++) {
      const child = spawnChild(url);
      const ready = await child.until(isReady);
      // A restart must resume from at least every checkpoint the last one reported.
      expect(ready.size).toBeGreaterThanOrEqual(lastSize);
      if (vkey) expect(ready.vkey).toBe(vkey);
      vkey = ready.vkey;
      // Let it integrate a random while, then kill it; on odd rounds wait until the
      // server shows its batch transaction open, so the kill lands mid-batch.
      await child.until((e) => e.event === 'checkpoint');
      await sleep(100 + Math.random() * 900);
      if (round % 2 === 1) {
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline && !(await childInTransaction()));
        if (await childInTransaction()) killedInTx++;
      }
      child.proc.kill('SIGKILL');
      await child.exited;
      const sizes = child.events.flatMap((e) => (e.event === 'checkpoint' ? [e.size] : []));
      lastSize = Math.max(lastSize, ...sizes);
    }
    writing = false;
    await Promise.all(writers);
    expect(written).toBe(recorded.length);

    // The final sequencer: run until everything pending is in, then stop cleanly.
    const last = spawnChild(url);
    expect((await last.until(isReady)).size).toBeGreaterThanOrEqual(lastSize);
    await last
      .until((e) => e.event === 'checkpoint' && e.size === recorded.length, 30_000)
      .catch(async (e) => {
        // Say what holds the line: the sequencer only takes rows older than every
        // transaction still open on this database.
        const open = await t.db.query(
          `SELECT datname, application_name, state, backend_xid::text, now() - xact_start AS age, left(query, 60) AS q
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
        );
        const [pend] = await t.db.query(
          `SELECT count(*)::int8 AS n, min(tx)::text AS min_tx, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin
           FROM ledger_pending p WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.pending_id = p.id)`,
        );
        throw new Error(
          `${(e as Error).message}; not integrated ${JSON.stringify(pend)}; open ${JSON.stringify(open)}`,
        );
      });
    last.proc.kill('SIGTERM');
    await last.until((e) => e.event === 'stopped');
    await last.exited;
    console.log(
      `crash test: ${KILLS} kills (${killedInTx} with a batch open on the server), ${recorded.length} entries`,
    );

    // Every recorded pending id has exactly one index; indexes are exactly 0..n-1.
    const n = recorded.length;
    const store = new LedgerStore(t.db);
    const indexes = await store.indexesOf(recorded);
    expect(indexes.size).toBe(n);
    const seen = new Uint8Array(n);
    for (const idx of indexes.values()) {
      expect(idx).toBeGreaterThanOrEqual(0);
      expect(idx).toBeLessThan(n);
      seen[idx]! += 1;
    }
    expect(seen.every((c) => c === 1)).toBe(true);
    const [counts] = await t.db.query<{ pending: number; entries: number; ids: number }>(
      `SELECT (SELECT count(*) FROM ledger_pending)::int8 AS pending,
              (SELECT count(*) FROM ledger_entries)::int8 AS entries,
              (SELECT count(DISTINCT pending_id) FROM ledger_entries)::int8 AS ids`,
    );
    expect(counts).toEqual({ pending: n, entries: n, ids: n });
    // Indexes follow commit-safe order, (tx, id), so no row was taken out of turn.
    const [order] = await t.db.query<{ bad: number }>(
      `SELECT count(*)::int8 AS bad FROM (
         SELECT (p.tx, p.id) < lag((p.tx, p.id)) OVER (ORDER BY e.idx) AS back
         FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id) s
       WHERE back`,
    );
    expect(order!.bad).toBe(0);

    await checkCheckpointsAndVerify(store, vkey, n);
  },
  90_000,
);

/**
 * The checkpoint chain is unbroken (each prev_size is the size before it), every
 * stored checkpoint's signed root is the tree's root at that size, and the whole
 * log verifies from tiles and bundles with the independent verifier.
 */
async function checkCheckpointsAndVerify(store: LedgerStore, vkey: string, n: number) {
  const cps = await t.db.query<{ size: number; prev_size: number; root: Uint8Array; note: string }>(
    'SELECT size, prev_size, root, note FROM ledger_checkpoints ORDER BY size',
  );
  expect(cps[0]).toMatchObject({ size: 0, prev_size: -1 });
  for (let i = 1; i < cps.length; i++) expect(cps[i]!.prev_size).toBe(cps[i - 1]!.size);
  expect(cps.at(-1)!.size).toBe(n);
  for (const cp of cps) {
    const opened = openCheckpoint(cp.note, vkey);
    expect(opened.size).toBe(cp.size);
    const root = toBase64(new Uint8Array(cp.root));
    expect(toBase64(opened.rootHash)).toBe(root);
    expect(toBase64(await store.rootAt(cp.size))).toBe(root);
  }
  const result = await verifyLog({ fetch: storeFetcher(store), verifierKey: vkey });
  expect(result.size).toBe(n);
  expect(result.entries).toBe(n);
}
