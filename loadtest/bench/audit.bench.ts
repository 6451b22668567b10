/**
 * `npm run bench:audit` (issue #13 "Performance"): the audit of a log with its
 * database against `saksi verify` of the same log, in the same run. The target
 * is audit ≤ 2 × verify. The log is built quickly: entries preloaded as pending
 * rows, integrated by an in-process sequencer. Both read the log through the
 * same tile fetcher (LedgerStore.readPublished, as the API serves it) after an
 * untimed warm-up pass, so both find the store's tile cache as a running
 * server's would be — neither pays the other's cold reads. Then ROUNDS times:
 * verify, then the audit's controls 1 and 2 (control 1: verify's code plus the
 * independent merkletreejs recomputation on a worker thread; control 2: the
 * streamed reconciliation with the database); the ratio reported is the median
 * of the rounds' ratios. Wall time, this process's CPU and PostgreSQL's CPU are
 * recorded per round. The 1,000,000-entry figure is extrapolated linearly (both
 * are linear in the entries; stated as such).
 *
 *   npm run bench:audit [-- --entries 200000] [--rounds 3] [--quick]
 *
 * PostgreSQL at SAKSI_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 * the bench creates and drops a database of its own.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { logIntegrity } from '../../audit/controls/log-integrity.ts';
import { reconciliation } from '../../audit/controls/reconciliation.ts';
import { type AuditContext, runControls } from '../../audit/index.ts';
import {
  addPending,
  type Db,
  ed25519Signer,
  LedgerStore,
  migrate,
  openDb,
  Sequencer,
  verifierKeyOf,
} from '../../ledger/index.ts';
import { type TileFetcher, verifyLog } from '../../ledger/verifier/index.ts';
import { benchArgs, now } from './common.ts';
import { type Figure, figureLog, table, writeBenchResults } from './figures.ts';
import { pgPids } from './postgres.ts';
import { cpuOf } from './processes.ts';

const ORIGIN = 'bench.audit/log';
const SIGNER = ed25519Signer(ORIGIN, new Uint8Array(32).fill(0x13));
const VKEY = verifierKeyOf(SIGNER);
const ADMIN = process.env.SAKSI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const { num } = benchArgs(process.argv.slice(2));
const ENTRIES = num('--entries', 200_000, 20_000);
const ROUNDS = num('--rounds', 3, 1);
const { figures, record } = figureLog();

/** A subject-log-shaped entry (ARCHITECTURE.md "Entry") of ~300 bytes. */
function entry(i: number): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      actor: { id: 'bench', role: 'system' },
      at: '2024-02-14T12:00:00Z',
      kind: 'bench.entry.created',
      payload: { i, note: 'x'.repeat(160) },
      prev: null,
      seq: 1,
      subject: `bench:${i}`,
      v: 1,
    }),
  );
}

async function build(db: Db): Promise<number> {
  const t0 = now();
  for (let from = 0; from < ENTRIES; from += 5000) {
    const batch: Uint8Array[] = [];
    for (let i = from; i < Math.min(ENTRIES, from + 5000); i++) batch.push(entry(i));
    await db.transaction((tx) => addPending(tx, batch));
  }
  const sequencer = new Sequencer(db, SIGNER, { origin: ORIGIN, batchSize: 8192, intervalMs: 5 });
  await sequencer.acquire(1000);
  sequencer.start();
  const store = new LedgerStore(db);
  while (((await store.integratedSize()) ?? 0) < ENTRIES)
    await new Promise((r) => setTimeout(r, 200));
  await sequencer.stop();
  return (now() - t0) / 1000;
}

async function main(): Promise<void> {
  const name = `saksi_bench_audit_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
  const db = await openDb({ url, poolSize: 8 });
  try {
    await migrate(db);
    console.log(`building a ${ENTRIES.toLocaleString()}-entry log…`);
    const built = await build(db);
    record({
      step: 'audit',
      what: `build the log (preload + sequencer)`,
      value: built,
      unit: 's',
      note: 'setup',
    });
    const store = new LedgerStore(db);
    const tiles: TileFetcher = (path) => store.readPublished(path);
    const pgClient = new pg.Client({ connectionString: url });
    await pgClient.connect();
    /** CPU seconds of this database's PostgreSQL backends, per pid (a backend that exits meanwhile is not counted). */
    const pgCpu = async () => {
      const out = new Map<number, number>();
      for (const pid of await pgPids(pgClient, name)) out.set(pid, cpuOf(pid));
      return out;
    };
    const pgSince = async (before: Map<number, number>) => {
      let sum = 0;
      for (const [pid, cpu] of await pgCpu()) sum += cpu - (before.get(pid) ?? 0);
      return sum;
    };
    /** Wall time, this process's CPU and PostgreSQL's CPU (its backends for this database). */
    const timed = async <T>(fn: () => Promise<T>) => {
      const [c0, p0, t0] = [process.cpuUsage(), await pgCpu(), now()];
      const out = await fn();
      const s = (now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      return { out, s, nodeCpu: (c.user + c.system) / 1e6, pgCpu: await pgSince(p0) };
    };

    // Warm-up, not timed: a running server keeps full tiles and bundles in its
    // cache (LedgerStore, 64 MiB) for every reader; both measured readers then
    // find the same warm cache, so neither pays the other's cold reads.
    await verifyLog({ fetch: tiles, verifierKey: VKEY });

    const rounds: { verify: number; audit: number; ratio: number }[] = [];
    let rssGrowth = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const v = await timed(() => verifyLog({ fetch: tiles, verifierKey: VKEY }));
      if (v.out.size !== ENTRIES) throw new Error(`verified ${v.out.size}, expected ${ENTRIES}`);
      const rss0 = process.memoryUsage().rss;
      let rssMax = rss0;
      const sampler = setInterval(
        () => (rssMax = Math.max(rssMax, process.memoryUsage().rss)),
        100,
      );
      const ctx: AuditContext = {
        baseUrl: 'in-process',
        http: () => Promise.reject(new Error('no HTTP in this bench')),
        tiles,
        verifierKey: VKEY,
        db,
        reader: store,
        now: () => new Date(),
      };
      // The runner's order (control 2 reads what control 1 published), one
      // control at a time so each has its own CPU figures.
      const one = await timed(() => runControls([logIntegrity], ctx));
      const two = await timed(() => runControls([reconciliation], ctx));
      const a = {
        out: [...one.out, ...two.out],
        s: one.s + two.s,
        nodeCpu: one.nodeCpu + two.nodeCpu,
        pgCpu: one.pgCpu + two.pgCpu,
      };
      const cpuOfControl = { 'log-integrity': one, reconciliation: two } as Record<
        string,
        typeof one
      >;
      clearInterval(sampler);
      rssGrowth = Math.max(rssGrowth, (rssMax - rss0) / 2 ** 20);
      const r = `round ${round}: `;
      record({
        step: 'audit',
        what: `${r}saksi verify (verifyLog)`,
        value: v.s,
        unit: 's',
        note: `CPU node ${v.nodeCpu.toFixed(2)} s, PostgreSQL ${v.pgCpu.toFixed(2)} s`,
      });
      for (const c of a.out) {
        if (c.status !== 'pass') throw new Error(`${c.id}: ${c.status} ${c.summary}`);
        const t = cpuOfControl[c.id]!;
        record({
          step: 'audit',
          what: `${r}  control ${c.id}`,
          value: c.ms / 1000,
          unit: 's',
          note: `CPU node ${t.nodeCpu.toFixed(2)} s (all its threads), PostgreSQL ${t.pgCpu.toFixed(2)} s`,
        });
      }
      record({
        step: 'audit',
        what: `${r}saksi audit (controls 1 and 2)`,
        value: a.s,
        unit: 's',
        note: `CPU node ${a.nodeCpu.toFixed(2)} s, PostgreSQL ${a.pgCpu.toFixed(2)} s`,
      });
      record({ step: 'audit', what: `${r}audit / verify`, value: a.s / v.s, unit: '×' });
      rounds.push({ verify: v.s, audit: a.s, ratio: a.s / v.s });
    }
    await pgClient.end();
    const median = (xs: number[]) => {
      const s = [...xs].sort((x, y) => x - y);
      return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    const ratio = median(rounds.map((r) => r.ratio));
    const auditS = median(rounds.map((r) => r.audit));
    const verifyS = median(rounds.map((r) => r.verify));
    record({
      step: 'audit',
      what: `audit / verify, same log, same run (median of ${ROUNDS} rounds)`,
      value: ratio,
      unit: '×',
      target: { cmp: '<=', value: 2 },
    });
    record({
      step: 'audit',
      what: 'audit of 1,000,000 entries (linear extrapolation of the median)',
      value: (auditS * 1_000_000) / ENTRIES,
      unit: 's',
      note: `verify: ${((verifyS * 1_000_000) / ENTRIES).toFixed(1)} s`,
    });
    record({
      step: 'audit',
      what: 'audit RSS growth (largest round)',
      value: rssGrowth,
      unit: 'MiB',
      note: '32 bytes per entry of published leaf hashes are kept for reconciliation',
    });
    const md = `# bench:audit\n\n${ENTRIES.toLocaleString()} entries, PostgreSQL, ${ROUNDS} rounds (verify, then audit) after an untimed warm-up verify\n\n${table(figures as Figure[])}\n`;
    console.log(`\n${md}`);
    writeBenchResults(
      fileURLToPath(new URL('../..', import.meta.url)),
      'audit',
      md,
      {
        machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
        targets: { auditOverVerify: '<= 2' },
        figures: figures as Figure[],
        failures: ratio > 2 ? [`audit/verify ${ratio.toFixed(2)} > 2`] : [],
      },
      { entries: ENTRIES, rounds: ROUNDS },
    );
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
