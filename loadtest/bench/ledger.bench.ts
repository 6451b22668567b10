/**
 * Ledger benchmarks (`npm run bench:ledger`). Every figure goes through the product
 * path — pending rows written in transactions by addPending, integrated by the real
 * Sequencer, read back through LedgerStore and, where the API exists, over HTTP —
 * and is printed beside its target. Results go to bench-results/ledger.{json,md}.
 *
 *   --db postgres|pglite|both   which stores (default both)
 *   --quick                     small sizes, a smoke run of every step
 *   --preload-pg N              (a) pending rows per PostgreSQL trial (200,000)
 *   --preload-pglite N          (a) pending rows per PGlite trial (50,000)
 *   --batches 2048,4096,8192    (a) batch sizes tried
 *   --big N                     (c–f) size of the big PostgreSQL log (1,000,000)
 *   --rate R --seconds S        (b) offered entries/s and duration (5,000, 20)
 *   --rate-pglite R             (b) a second PGlite run below saturation (2,000)
 *   --tx-size K                 (b) entries per writer transaction (5)
 *   --http-seconds S            (f) duration (10)   --http-concurrency C (64)
 *
 * Imports from api/ (imports.test.ts holds this list to the file's imports):
 *   - api/index.ts: createApp, the API's log routes served by the `--child-server` helper (e, f), loaded only if the API exists
 *
 * PostgreSQL: DATABASE_URL (an empty database) or else a fresh saksi_bench_<random>
 * on postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards. PGlite is
 * file-backed in a temporary directory, as `npm start` runs it.
 *
 * The same file is also the two helper processes, chosen by its first argument:
 * `--child-sequencer URL BATCH` (d: a sequencer alone, reporting its RSS) and
 * `--child-server URL` (e, f: the API's log routes on loopback).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  addPending,
  type Db,
  ed25519Signer,
  encodeEntry,
  LedgerStore,
  migrate,
  openDb,
  Sequencer,
  verifierKeyOf,
} from '../../ledger/index.ts';
import {
  fromBase64,
  openCheckpoint,
  type TileFetcher,
  utf8,
  verifyInclusion,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { benchArgs, now, sleep } from './common.ts';
import { figureLog, percentile, table as tableOf, verdict } from './figures.ts';

const SELF = fileURLToPath(import.meta.url);
const ORIGIN = 'bench.saksi.local/log';
// A fixed bench key: the helper processes sign and serve the same log.
const SIGNER = ed25519Signer(ORIGIN, new Uint8Array(32).fill(0x42));
const VKEY = verifierKeyOf(SIGNER);
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

// ───────────────────────────── helper processes ─────────────────────────────

const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers };
};

async function childSequencer(url: string, batchSize: number): Promise<void> {
  const db = await openDb({ url, poolSize: 2 });
  const seq = new Sequencer(db, SIGNER, {
    origin: ORIGIN,
    batchSize,
    onCheckpoint: (c) =>
      emit({ event: 'checkpoint', size: c.size, t: performance.now(), ...mem() }),
  });
  await seq.acquire(100);
  emit({ event: 'ready', size: seq.size, ...mem() });
  const sampler = setInterval(() => emit({ event: 'sample', size: seq.size, ...mem() }), 500);
  seq.start((e) => emit({ event: 'error', message: String((e as Error)?.message ?? e) }));
  process.once('SIGTERM', () => {
    clearInterval(sampler);
    void seq.stop().then(async () => {
      await db.close();
      process.exit(0);
    });
  });
}

async function childServer(url: string): Promise<void> {
  const { createApp } = await import('../../api/index.ts');
  const { serve } = await import('@hono/node-server');
  const db = await openDb({ url, poolSize: 16 });
  const store = new LedgerStore(db);
  const app = createApp({
    store,
    verifierKey: VKEY,
    health: { database: async () => ({ ok: true, detail: db.kind }) },
    logError: (e) => process.stderr.write(`server: ${String((e as Error)?.stack ?? e)}\n`),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  emit({ event: 'ready', url: `http://127.0.0.1:${port}` });
  const sampler = setInterval(() => emit({ event: 'sample', ...mem() }), 1000);
  process.once('SIGTERM', () => {
    clearInterval(sampler);
    emit({ event: 'sample', ...mem() });
    server.close();
    void db.close().then(() => process.exit(0));
  });
}

interface Child {
  proc: ChildProcess;
  events: Record<string, unknown>[];
  next(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function spawnSelf(args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  const waiters = new Set<{
    pred: (e: Record<string, unknown>) => boolean;
    done: (e: Record<string, unknown>) => void;
  }>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const e = JSON.parse(line) as Record<string, unknown>;
    events.push(e);
    for (const w of waiters)
      if (w.pred(e)) {
        waiters.delete(w);
        w.done(e);
      }
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    events,
    next: (pred, timeoutMs) =>
      new Promise((resolve, reject) => {
        const seen = events.find(pred);
        if (seen) return resolve(seen);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`helper ${args[0]}: timed out; last: ${JSON.stringify(events.at(-1))}`),
            ),
          timeoutMs,
        );
        waiters.add({
          pred,
          done: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      }),
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

// ───────────────────────────────── fixtures ─────────────────────────────────

// Pools of distinct values so that entries differ the way real ones do (signatures
// and photo hashes do not compress), without a signature per entry in the setup.
const SIGS = Array.from({ length: 4099 }, () => randomBytes(64).toString('base64'));
const PHOTOS = Array.from({ length: 4093 }, () => randomBytes(32).toString('hex'));
const DEVICE_KEY = randomBytes(32).toString('base64');

/** A polling-station result as a device submits it, in the entry envelope. */
function envelope(i: number) {
  const kel = 3171011001 + (Math.floor(i / 1000) % 4000);
  const tps = String(i % 1000).padStart(3, '0');
  const v = [(i * 7) % 311, (i * 13) % 297, (i * 17) % 283];
  return {
    v: 1 as const,
    kind: 'results.tps.submitted',
    subject: `tps/${kel}/${tps}/ppwp`,
    seq: 1,
    prev: null,
    at: new Date(1_770_000_000_000 + i * 37).toISOString(),
    actor: {
      id: `kpps-${kel}-${tps}-1`,
      role: 'KPPS',
      key: DEVICE_KEY,
      sig: SIGS[i % SIGS.length]!,
    },
    payload: {
      area: `${kel}${tps}`,
      form: 'C1-PLANO-PPWP',
      photo: `sha256:${PHOTOS[i % PHOTOS.length]}`,
      votes: { '01': v[0]!, '02': v[1]!, '03': v[2]! },
      valid: v[0]! + v[1]! + v[2]!,
      invalid: i % 11,
      voters: { dpt: 300, dptb: i % 9, dpk: i % 5 },
    },
  };
}

/**
 * RFC 8785 bytes of envelope(i), built directly: the object above has no floats and
 * only ASCII strings, so sorting keys and JSON.stringify is JCS. encodeEntry (the
 * product's validating encoder) is several times slower; checkFixtures proves the
 * two agree.
 */
function entryBytes(i: number): Uint8Array {
  return utf8(JSON.stringify(sortKeys(envelope(i))));
}
function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}
function checkFixtures(): number {
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    const a = entryBytes(i * 7919);
    const b = encodeEntry(envelope(i * 7919));
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0)
      throw new Error('fixture is not the canonical entry');
    bytes += a.length;
  }
  return bytes / 200;
}

// ──────────────────────────────── utilities ─────────────────────────────────

/** Writes `count` pending entries numbered from `first`, `parallel` transactions at a time. */
async function preload(
  db: Db,
  first: number,
  count: number,
  chunk: number,
  parallel: number,
): Promise<number> {
  const t0 = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + chunk);
        const batch: Uint8Array[] = [];
        for (let i = from; i < next; i++) batch.push(entryBytes(first + i));
        await db.transaction((tx) => addPending(tx, batch));
      }
    }),
  );
  return (now() - t0) / 1000;
}

async function logSize(db: Db): Promise<number> {
  const [r] = await db.query<{ n: number | null }>('SELECT max(size) AS n FROM ledger_checkpoints');
  return r?.n ?? 0;
}

interface SeqRun {
  entries: number;
  seconds: number;
  rate: number;
  batches: number;
  errors: string[];
}

/** Runs a Sequencer (start(), as `saksi serve` does) until the log reaches `target`. */
async function runSequencer(
  db: Db,
  target: number,
  opts: {
    batchSize?: number;
    intervalMs?: number;
    onCheckpoint?: (size: number, t: number) => void;
  },
  during?: () => Promise<void>,
): Promise<SeqRun> {
  let reached: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    reached = r;
  });
  let batches = 0;
  let first = -1;
  const errors: string[] = [];
  const seq = new Sequencer(db, SIGNER, {
    origin: ORIGIN,
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
    onCheckpoint: (c) => {
      batches++;
      opts.onCheckpoint?.(c.size, now());
      if (c.size >= target) reached();
    },
  });
  await seq.acquire(100);
  first = seq.size;
  const t0 = now();
  seq.start((e) => errors.push(String((e as Error)?.message ?? e)));
  const work = during?.();
  let timedOut = false;
  await Promise.race([
    done,
    (async () => {
      // A stalled sequencer must not hang the bench: give up after a minute without progress.
      for (let last = seq.size, idle = 0; seq.size < target; await sleep(1000)) {
        idle = seq.size === last ? idle + 1 : 0;
        last = seq.size;
        if (idle >= 60) {
          timedOut = true;
          return;
        }
      }
    })(),
  ]);
  const seconds = (now() - t0) / 1000;
  await work;
  await seq.stop();
  if (timedOut)
    throw new Error(
      `sequencer stalled at ${seq.size} of ${target}: ${errors.slice(-2).join(' | ')}`,
    );
  return { entries: target - first, seconds, rate: (target - first) / seconds, batches, errors };
}

// ──────────────────────────────── reporting ─────────────────────────────────

/** Log figures span several orders of magnitude: milliseconds to the µs. */
function fmtLedger(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  const digits = unit === 'ms' && v < 10 ? 3 : v < 100 ? 2 : 0;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`;
}
const { figures, record } = figureLog(fmtLedger);
const tried: Record<string, unknown>[] = [];
const table = () => tableOf(figures, fmtLedger);

// ─────────────────────────────── the benchmark ──────────────────────────────

interface Options {
  db: 'postgres' | 'pglite' | 'both';
  quick: boolean;
  preloadPg: number;
  preloadPglite: number;
  batches: number[];
  big: number;
  rate: number;
  /** (b) a second PGlite run below its saturation point. */
  ratePglite: number;
  seconds: number;
  txSize: number;
  httpSeconds: number;
  httpConcurrency: number;
}

function parseArgs(argv: string[]): Options {
  const { quick, get, num } = benchArgs(argv);
  const db = (get('--db') ?? 'both') as Options['db'];
  if (!['postgres', 'pglite', 'both'].includes(db))
    throw new Error('--db is postgres, pglite or both');
  return {
    db,
    quick,
    preloadPg: num('--preload-pg', 200_000, 20_000),
    preloadPglite: num('--preload-pglite', 50_000, 10_000),
    batches: (get('--batches') ?? '2048,4096,8192').split(',').map(Number),
    big: num('--big', 1_000_000, 50_000),
    rate: num('--rate', 5000, 2000),
    ratePglite: num('--rate-pglite', 2000, 1000),
    seconds: num('--seconds', 20, 5),
    txSize: num('--tx-size', 5, 5),
    httpSeconds: num('--http-seconds', 10, 3),
    httpConcurrency: num('--http-concurrency', 64, 16),
  };
}

/** (a) Throughput from a preloaded queue, per batch size, then with writers running. */
async function benchThroughput(
  db: Db,
  kind: 'postgres' | 'pglite',
  o: Options,
  n: number,
): Promise<number> {
  console.log(
    `\n(a) integration throughput on ${kind}: ${n.toLocaleString()} preloaded pending per trial`,
  );
  const target = kind === 'postgres' ? 20_000 : 5_000;
  let best = { batch: 0, rate: 0 };
  for (const batchSize of o.batches) {
    const base = await logSize(db);
    const load = await preload(db, base, n, 2000, kind === 'postgres' ? 4 : 1);
    const r = await runSequencer(db, base + n, { batchSize });
    tried.push({
      step: 'a',
      db: kind,
      batchSize,
      entries: n,
      seconds: r.seconds,
      rate: r.rate,
      preloadRate: n / load,
    });
    console.log(
      `  batch ${batchSize}: ${Math.round(r.rate).toLocaleString()} entries/s (${r.batches} batches, ${(
        (r.seconds * 1000) / r.batches
      ).toFixed(1)} ms each; preload ${Math.round(n / load).toLocaleString()}/s)`,
    );
    if (r.rate > best.rate) best = { batch: batchSize, rate: r.rate };
  }
  record({
    step: 'a',
    db: kind,
    what: `integration, ${n.toLocaleString()} preloaded (best batchSize ${best.batch})`,
    value: best.rate,
    unit: 'entries/s',
    target: { cmp: '>=', value: target },
    note: `tried ${o.batches.join('/')}: ${tried
      .filter((t) => t.step === 'a' && t.db === kind)
      .map((t) => Math.round(t.rate as number).toLocaleString())
      .join(' / ')}`,
  });

  // Concurrent: writers commit transactions of 50 entries while the sequencer runs.
  const base = await logSize(db);
  let insertSeconds = 0;
  let lagAtEnd = 0;
  let size = base;
  const r = await runSequencer(
    db,
    base + n,
    {
      batchSize: best.batch,
      onCheckpoint: (s) => {
        size = s;
      },
    },
    async () => {
      insertSeconds = await preload(db, base, n, 50, kind === 'postgres' ? 8 : 1);
      lagAtEnd = base + n - size;
    },
  );
  record({
    step: 'a',
    db: kind,
    what: `integration while writers insert (${n.toLocaleString()} in 50-entry tx)`,
    value: r.rate,
    unit: 'entries/s',
    target: { cmp: '>=', value: target },
    note: `writers committed ${Math.round(n / insertSeconds).toLocaleString()}/s; backlog ${lagAtEnd.toLocaleString()} when they stopped`,
  });
  return best.batch;
}

/** (b) Latency from a pending row's commit to the checkpoint that includes it. */
async function benchLatency(
  db: Db,
  kind: 'postgres' | 'pglite',
  o: Options,
  rate: number,
): Promise<void> {
  console.log(
    `\n(b) latency on ${kind}: ${rate}/s offered for ${o.seconds} s, ${o.txSize} per tx, sequencer defaults`,
  );
  const cps: { size: number; t: number }[] = [];
  const commits: { ids: number[]; t: number }[] = [];
  const failures: string[] = [];
  const base = await logSize(db);
  const totalTx = Math.round((rate * o.seconds) / o.txSize);
  const gapMs = (1000 * o.txSize) / rate;
  let k = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let offeredSeconds = 0;
  const target = base + totalTx * o.txSize;
  // Sequencer defaults are `saksi serve`'s (batchSize 4096, every ≤100 ms).
  await runSequencer(db, target, { onCheckpoint: (size, t) => cps.push({ size, t }) }, async () => {
    const t0 = now();
    const pending: Promise<void>[] = [];
    // Open loop: each transaction starts at its scheduled time however the others
    // are doing, so a slow store shows up as latency, not as a lower offered rate.
    while (k < totalTx) {
      while (k < totalTx && t0 + k * gapMs <= now()) {
        const entries = Array.from({ length: o.txSize }, (_, j) =>
          entryBytes(10_000_000 + k * o.txSize + j),
        );
        k++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.push(
          db
            .transaction((tx) => addPending(tx, entries))
            .then(
              (ids) => {
                commits.push({ ids, t: now() });
              },
              (e) => {
                failures.push(String(e));
              },
            )
            .finally(() => {
              inFlight--;
            }),
        );
      }
      await sleep(Math.max(1, t0 + k * gapMs - now()));
    }
    await Promise.all(pending);
    offeredSeconds = (now() - t0) / 1000;
  });
  if (failures.length) throw new Error(`writers failed: ${failures[0]}`);
  const store = new LedgerStore(db);
  const all = commits.flatMap((c) => c.ids);
  const idx = await store.indexesOf(all);
  const lat: number[] = [];
  for (const c of commits)
    for (const id of c.ids) {
      const i = idx.get(id)!;
      // First checkpoint whose size covers index i.
      let lo = 0;
      let hi = cps.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cps[mid]!.size > i) hi = mid;
        else lo = mid + 1;
      }
      lat.push(Math.max(0, cps[lo]!.t - c.t));
    }
  lat.sort((a, b) => a - b);
  const offered = all.length / offeredSeconds;
  const note = `${all.length.toLocaleString()} entries at ${Math.round(offered).toLocaleString()}/s achieved; ${cps.length} checkpoints; ≤${maxInFlight} tx in flight`;
  for (const [p, label] of [
    [50, 'p50'],
    [95, 'p95'],
    [99, 'p99'],
  ] as const)
    record({
      step: 'b',
      db: kind,
      what: `commit → checkpoint latency ${label} at ${rate.toLocaleString()}/s`,
      value: percentile(lat, p),
      unit: 'ms',
      ...(p === 99 ? { target: { cmp: '<=' as const, value: 1000 } } : {}),
      ...(p === 50 ? { note } : {}),
    });
  record({
    step: 'b',
    db: kind,
    what: `commit → checkpoint latency max at ${rate.toLocaleString()}/s`,
    value: lat.at(-1)!,
    unit: 'ms',
  });
  if (offered < rate * 0.95)
    record({
      step: 'b',
      db: kind,
      what: 'offered load achieved',
      value: offered,
      unit: 'entries/s',
      target: { cmp: '>=', value: rate },
    });
}

/** (d) Builds the big log through a sequencer in its own process, sampling its RSS. */
async function benchBigLog(db: Db, url: string, o: Options): Promise<void> {
  console.log(
    `\n(d) building a ${o.big.toLocaleString()}-entry log: preload, then a sequencer child integrates it`,
  );
  const load = await preload(db, 0, o.big, 2000, 4);
  record({
    step: 'd',
    db: 'postgres',
    what: `preload ${o.big.toLocaleString()} pending (2,000-entry tx ×4)`,
    value: o.big / load,
    unit: 'entries/s',
    note: 'setup, for context',
  });
  const child = spawnSelf(['--child-sequencer', url, '4096']);
  const ready = await child.next((e) => e.event === 'ready', 60_000);
  const t0 = now();
  await child.next(
    (e) => (e.event === 'checkpoint' || e.event === 'sample') && (e.size as number) >= o.big,
    30 * 60_000,
  );
  const seconds = (now() - t0) / 1000;
  await child.stop();
  const errors = child.events.filter((e) => e.event === 'error');
  if (errors.length) console.log(`  child errors: ${JSON.stringify(errors.slice(0, 3))}`);
  const samples = child.events.filter((e) => e.event === 'checkpoint' || e.event === 'sample');
  const rssAt = (size: number) =>
    (samples.find((e) => (e.size as number) >= size)?.rss as number) / 2 ** 20;
  const maxRss = Math.max(...samples.map((e) => e.rss as number)) / 2 ** 20;
  record({
    step: 'd',
    db: 'postgres',
    what: `sequencer child integrating ${o.big.toLocaleString()} (batch 4096)`,
    value: o.big / seconds,
    unit: 'entries/s',
    note: `${seconds.toFixed(1)} s`,
  });
  const marks = [Math.round(o.big / 10), Math.round(o.big / 2), o.big];
  record({
    step: 'd',
    db: 'postgres',
    what: 'sequencer RSS after acquire()',
    value: (ready.rss as number) / 2 ** 20,
    unit: 'MiB',
  });
  for (const m of marks)
    record({
      step: 'd',
      db: 'postgres',
      what: `sequencer RSS at ${m.toLocaleString()}`,
      value: rssAt(m),
      unit: 'MiB',
      target: { cmp: '<=', value: 300 },
    });
  record({
    step: 'd',
    db: 'postgres',
    what: 'sequencer RSS max over the run',
    value: maxRss,
    unit: 'MiB',
    target: { cmp: '<=', value: 300 },
    note: `${samples.length} samples; heap at end ${((samples.at(-1)?.heap as number) / 2 ** 20).toFixed(0)} MiB`,
  });
}

/** (c) Inclusion proofs in process through LedgerStore, cold then warm. */
async function benchProofsInProcess(db: Db, size: number): Promise<void> {
  console.log(`\n(c) inclusion proofs in process on the ${size.toLocaleString()}-entry log`);
  const store = new LedgerStore(db);
  const cp = (await store.checkpoint())!;
  const root = openCheckpoint(cp.note, VKEY).rootHash;
  const rand = () => Math.floor(Math.random() * size);
  const time = async (count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      const i = rand();
      const t0 = now();
      await store.inclusionProof(i, size);
      out.push(now() - t0);
    }
    return out.sort((a, b) => a - b);
  };
  const cold = await time(2000);
  // Warm: every level-0 tile touched once, then random proofs.
  for (let i = 0; i < size; i += 256) await store.inclusionProof(i, size);
  const warm = await time(20_000);
  // Honesty: a sample of the proofs verifies with the independent verifier.
  const sample = Array.from({ length: 50 }, rand);
  // The leaves through the reader (LogReader.entry), as any reader outside ledger/ must.
  for (const l of await Promise.all(sample.map((i) => store.entry(i))))
    verifyInclusion(l.leafHash, l.index, size, await store.inclusionProof(l.index, size), root);
  record({
    step: 'c',
    db: 'postgres',
    what: 'inclusion proof p50 (warm)',
    value: percentile(warm, 50),
    unit: 'ms',
  });
  record({
    step: 'c',
    db: 'postgres',
    what: 'inclusion proof p99 (warm)',
    value: percentile(warm, 99),
    unit: 'ms',
    target: { cmp: '<=', value: 2 },
    note: `20,000 random indexes; ${Math.round(1000 / (warm.reduce((a, b) => a + b, 0) / warm.length)).toLocaleString()} proofs/s on one connection`,
  });
  record({
    step: 'c',
    db: 'postgres',
    what: 'inclusion proof p50 (cold store)',
    value: percentile(cold, 50),
    unit: 'ms',
  });
  record({
    step: 'c',
    db: 'postgres',
    what: 'inclusion proof p99 (cold store)',
    value: percentile(cold, 99),
    unit: 'ms',
    note: 'fresh LedgerStore: first 2,000 proofs read their tiles from PostgreSQL',
  });
}

function httpFetcher(base: string, agent: http.Agent): TileFetcher {
  return (path) =>
    new Promise((resolve, reject) => {
      http
        .get(`${base}/log/${path}`, { agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 404) resolve(null);
            else if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
            else resolve(new Uint8Array(Buffer.concat(chunks)));
          });
          res.on('error', reject);
        })
        .on('error', reject);
    });
}

const storeFetcher =
  (store: LedgerStore): TileFetcher =>
  (path) =>
    store.readPublished(path);

/** (e) verifyLog over the whole big log; (f) inclusion proofs over HTTP. */
async function benchVerifyAndHttp(db: Db, url: string, size: number, o: Options): Promise<void> {
  let hasApp = false;
  try {
    hasApp = typeof (await import('../../api/index.ts')).createApp === 'function';
  } catch {
    hasApp = false;
  }
  if (!hasApp) {
    console.log(
      '\n(e) api/index.ts has no createApp: verifying through a fetcher over LedgerStore',
    );
    const t0 = now();
    const r = await verifyLog({ fetch: storeFetcher(new LedgerStore(db)), verifierKey: VKEY });
    record({
      step: 'e',
      db: 'postgres',
      what: `verifyLog of ${r.size.toLocaleString()} entries (LedgerStore fetcher, no HTTP app yet)`,
      value: (now() - t0) / 1000,
      unit: 's',
      target: { cmp: '<=', value: 60 },
    });
    console.log('(f) skipped: no HTTP app');
    return;
  }
  console.log(`\n(e) verifyLog over HTTP (API log routes in a child process on loopback)`);
  const server = spawnSelf(['--child-server', url]);
  try {
    const base = (await server.next((e) => e.event === 'ready', 60_000)).url as string;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const t0 = now();
    const r = await verifyLog({ fetch: httpFetcher(base, agent), verifierKey: VKEY });
    const seconds = (now() - t0) / 1000;
    if (r.size !== size) throw new Error(`verified size ${r.size}, expected ${size}`);
    record({
      step: 'e',
      db: 'postgres',
      what: `verifyLog of ${r.size.toLocaleString()} entries over HTTP`,
      value: seconds,
      unit: 's',
      target: { cmp: '<=', value: 60 },
      note: `${r.tilesFetched.toLocaleString()} tiles+bundles, ${(r.bytes / 2 ** 20).toFixed(0)} MiB, concurrency 8`,
    });
    const rssAfterVerify = Math.max(
      ...server.events.filter((e) => e.event === 'sample').map((e) => e.rss as number),
    );
    agent.destroy();
    await benchHttpProofs(db, base, size, o);
    const serverRss = Math.max(
      rssAfterVerify,
      ...server.events.filter((e) => e.event === 'sample').map((e) => e.rss as number),
    );
    record({
      step: 'e',
      db: 'postgres',
      what: 'API server RSS max (serving e and f)',
      value: serverRss / 2 ** 20,
      unit: 'MiB',
      note: 'LedgerStore caches bounded at 64 MiB each (tiles and bundles; expanded tiles)',
    });
  } finally {
    await server.stop();
  }
}

async function benchHttpProofs(db: Db, base: string, size: number, o: Options): Promise<void> {
  console.log(
    `\n(f) inclusion proofs over HTTP: ${o.httpConcurrency} concurrent keep-alive requests for ${o.httpSeconds} s`,
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.httpConcurrency });
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(`${base}${path}`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const samples: { index: number; path: string[] }[] = [];
  const phase = async (seconds: number, pick: () => number, until = () => false) => {
    let ok = 0;
    let bad = 0;
    const lat: number[] = [];
    const t0 = now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: o.httpConcurrency }, async () => {
        while (now() < end && !until()) {
          const index = pick();
          const t1 = now();
          const r = await get(`/v1/proofs/inclusion?index=${index}&size=${size}`);
          lat.push(now() - t1);
          if (r.status !== 200) bad++;
          else if (++ok % 500 === 0)
            samples.push({ index, path: (JSON.parse(r.body) as { path: string[] }).path });
        }
      }),
    );
    lat.sort((a, b) => a - b);
    return { rate: ok / ((now() - t0) / 1000), ok, bad, lat };
  };
  const random = () => Math.floor(Math.random() * size);
  const describe = (r: Awaited<ReturnType<typeof phase>>) =>
    `${r.ok.toLocaleString()} ok, ${r.bad} not 200; latency p50 ${percentile(r.lat, 50).toFixed(1)} ms, p99 ${percentile(r.lat, 99).toFixed(1)} ms`;
  // Cold: right after verifyLog, which read every tile but left the proof path's
  // expanded-tile cache empty, as after a restart.
  const cold = await phase(o.httpSeconds, random);
  // Warm: every level-0 tile has served a proof; this is the steady state.
  let next = 0;
  await phase(
    600,
    () => {
      const i = next;
      next += 256;
      return Math.min(i, size - 1);
    },
    () => next >= size,
  );
  const warm = await phase(o.httpSeconds, random);
  // Honesty: sampled proofs verify against the signed root.
  const cp = openCheckpoint(
    (
      await db.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [
        size,
      ])
    )[0]!.note,
    VKEY,
  );
  const reader = new LedgerStore(db);
  const leaves = new Map<number, Uint8Array>();
  for (const s of samples) leaves.set(s.index, (await reader.entry(s.index)).leafHash);
  for (const s of samples)
    verifyInclusion(leaves.get(s.index)!, s.index, size, s.path.map(fromBase64), cp.rootHash);
  record({
    step: 'f',
    db: 'postgres',
    what: `inclusion proofs over HTTP (${o.httpConcurrency} concurrent, keep-alive, warm)`,
    value: warm.rate,
    unit: 'proofs/s',
    target: { cmp: '>=', value: 10_000 },
    note: `${describe(warm)}; ${samples.length} sampled proofs verified; client on the same host`,
  });
  record({
    step: 'f',
    db: 'postgres',
    what: 'inclusion proofs over HTTP (cold proof cache)',
    value: cold.rate,
    unit: 'proofs/s',
    note: describe(cold),
  });
}

async function pgInfo(db: Db): Promise<Record<string, string>> {
  const [v] = await db.query<{ version: string }>('SELECT version()');
  const settings = await db.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings
     WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'max_wal_size', 'wal_level')`,
  );
  return {
    version: v!.version,
    ...Object.fromEntries(
      settings.map((s) => [s.name, `${s.setting}${s.unit ? ` ×${s.unit}` : ''}`]),
    ),
  };
}

async function runPostgres(o: Options, info: Record<string, unknown>): Promise<void> {
  let url = process.env.DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const name = `saksi_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
    drop = async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  const db = await openDb({ url, poolSize: 24 });
  try {
    await migrate(db);
    if ((await logSize(db)) > 0)
      throw new Error('DATABASE_URL must name an empty database: the bench builds its own log');
    info.postgres = await pgInfo(db);
    // d first: it builds the big log that c, e and f read.
    await benchBigLog(db, url, o);
    const size = await logSize(db);
    await benchProofsInProcess(db, size);
    await benchVerifyAndHttp(db, url, size, o);
    await benchThroughput(db, 'postgres', o, o.preloadPg);
    await benchLatency(db, 'postgres', o, o.rate);
  } finally {
    await db.close();
    await drop?.();
  }
}

async function runPglite(o: Options, info: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'saksi-bench-pglite-'));
  const db = await openDb({ dataDir: join(dir, 'pgdata') });
  try {
    await migrate(db);
    info.pglite = { dataDir: 'file-backed, temporary directory' };
    await benchThroughput(db, 'pglite', o, o.preloadPglite);
    await benchLatency(db, 'pglite', o, o.rate);
    // PGlite is one thread: past its capacity the queue, not the sequencer, sets
    // the latency. Show it below saturation too.
    await benchLatency(db, 'pglite', o, o.ratePglite);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const entryAvg = checkFixtures();
  const info: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    db: o.db,
    quick: o.quick,
    options: o,
    entryBytesAvg: Math.round(entryAvg),
    // Other work on a shared machine moves every figure: say how busy it was.
    loadAvgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(
    `Saksi ledger bench — ${info.cpus}× ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}, db ${o.db}${o.quick ? ' (quick)' : ''}; entries ~${Math.round(entryAvg)} bytes`,
  );
  const failures: string[] = [];
  const attempt = async (label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      failures.push(`${label}: ${(e as Error)?.message ?? e}`);
      console.error(`${label} failed: ${(e as Error)?.stack ?? e}`);
    }
  };
  if (o.db !== 'pglite') await attempt('postgres', () => runPostgres(o, info));
  if (o.db !== 'postgres') await attempt('pglite', () => runPglite(o, info));

  info.loadAvgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const md = [
    '# Saksi ledger benchmark',
    '',
    `${info.date} · ${info.cpus}× ${info.cpuModel} · ${info.memoryGiB} GiB · Node ${info.node} · db ${o.db}${o.quick ? ' · quick' : ''} · entries ~${info.entryBytesAvg} bytes · load average ${String(info.loadAvgAtStart)} → ${String(info.loadAvgAtEnd)}`,
    info.postgres ? `\nPostgreSQL: ${JSON.stringify(info.postgres)}` : '',
    '',
    table(),
    '',
    failures.length ? `Failures:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : '',
  ].join('\n');
  console.log(`\n${table()}\n`);
  const out = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'ledger.json'),
    `${JSON.stringify({ machine: info, figures: figures.map((f) => ({ ...f, verdict: verdict(f) || undefined })), tried, failures }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'ledger.md'), md);
  console.log(`wrote ${join(out, 'ledger.json')} and ledger.md`);
  if (failures.length) process.exitCode = 1;
}

const [mode, a1, a2] = process.argv.slice(2);
if (mode === '--child-sequencer') await childSequencer(a1!, Number(a2));
else if (mode === '--child-server') await childServer(a1!);
else await main();
