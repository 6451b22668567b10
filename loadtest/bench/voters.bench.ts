/**
 * `npm run bench:voters` (issue #11): `saksi voters import` against a plain
 * `COPY` of the same rows into an unindexed table, in the same run on the same
 * PostgreSQL, so the ratio is of like with like (goal ≥ 0.2: about 20,000
 * records/s here). Also: CPU per record of this process and of PostgreSQL, the
 * resident memory as the file streams (flat in the file's size), and the time
 * the sequencer then takes to integrate the entries (context), and what the
 * log entries alone cost per record, one per record against one per batch.
 *
 *   npm run bench:voters -- [--rows 200000] [--batch 2000] [--quick]
 *
 * Prints a table and writes bench-results/voters.md and voters.json.
 *
 * Imports from api/ (the import is the product's own code path, called
 * in-process as `saksi voters import` does; the election is setup):
 *   - api/domains/registry/index.ts: generateElection, loadElection, refreshRegistry — the areas and TPS the voters are registered at
 *   - api/domains/voters/index.ts: importVoters, VOTER_CSV_HEADER, VoterKeys — the measured import
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  generateElection,
  loadElection,
  refreshRegistry,
} from '../../api/domains/registry/index.ts';
import { importVoters, VOTER_CSV_HEADER, VoterKeys } from '../../api/domains/voters/index.ts';
import { openLocalKeystore } from '../../keys/index.ts';
import {
  appendVersions,
  ed25519Signer,
  LedgerStore,
  migrate,
  openDb,
  Sequencer,
  systemActor,
  type VersionDraft,
} from '../../ledger/index.ts';
import { benchArgs, now } from './common.ts';
import { figureLog, table, writeBenchResults } from './figures.ts';
import { createDb, pgPids } from './postgres.ts';
import { cpuOf } from './processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { num } = benchArgs(process.argv.slice(2));
const ROWS = num('--rows', 200_000, 20_000);
const BATCH = num('--batch', 2000, 2000);

/** `rows` valid records, streamed to `file`: NIKs unique, birth dates agreeing, TPS cycling. */
async function writeCsv(file: string, rows: number, tps: string[]): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) =>
    new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write(`${VOTER_CSV_HEADER.join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    const serial = (i % 9999) + 1;
    const combo = Math.floor(i / 9999);
    const day = (combo % 28) + 1;
    const month = (Math.floor(combo / 28) % 12) + 1;
    const female = i % 2 === 1;
    const year = 1950 + (Math.floor(combo / 336) % 50);
    const dd = String(female ? day + 40 : day).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    const nik = `317101${dd}${mm}${String(year % 100).padStart(2, '0')}${String(serial).padStart(4, '0')}`;
    const birth = `${year}-${mm}-${String(day).padStart(2, '0')}`;
    await write(
      `${nik},3171010101${String(i % 1_000_000).padStart(6, '0')},"Pemilih ${i}, Contoh",Jakarta,${birth},${female ? 'P' : 'L'},S,"Jl. Contoh ${i % 500}, RT 0${i % 9}",none,true,${tps[i % tps.length]},DPT\n`,
    );
  }
  await new Promise<void>((res) => out.end(res));
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg();
  const created = await createDb('voters');
  // The server reads the file for COPY: a directory PostgreSQL's user can read.
  const dir = mkdtempSync(join(os.tmpdir(), 'saksi-bench-voters-'));
  chmodSync(dir, 0o755);
  const file = join(dir, 'register.csv');
  const db = await openDb({ url: created.url, poolSize: 4 });
  const admin = new pg.Client({ connectionString: created.url });
  const { figures, record } = figureLog();
  const failures: string[] = [];
  try {
    await migrate(db);
    await loadElection(db, generateElection({ scale: 'province', seed: 7 }));
    const registry = await refreshRegistry(db);
    const tps: string[] = [];
    const walk = (code: string) => {
      for (const c of registry.children(code)) {
        if (tps.length >= 400) return;
        if (c.length === 13) tps.push(c);
        else walk(c);
      }
    };
    walk('317101');
    await writeCsv(file, ROWS, tps);
    chmodSync(file, 0o644);
    await admin.connect();
    const pgCpu = async () => {
      let s = 0;
      for (const pid of await pgPids(admin, created.name)) s += cpuOf(pid);
      return s;
    };

    // 1. The baseline: COPY of the same rows into a table with no index.
    await admin.query(
      `CREATE TABLE copy_baseline (${VOTER_CSV_HEADER.map((c) => `${c} text`).join(', ')})`,
    );
    let t = now();
    let pg0 = await pgCpu();
    await admin.query(`COPY copy_baseline FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const copySeconds = (now() - t) / 1000;
    const copyPgCpu = (await pgCpu()) - pg0;
    const copyRate = ROWS / copySeconds;
    record({ step: 'COPY', what: 'rows/s into an unindexed table', value: copyRate, unit: '/s' });

    // 2. The import: the same rows, through the subject log.
    const keys = new VoterKeys(await openLocalKeystore({ dir: join(dir, 'keys') }));
    const rss: number[] = [];
    const cpu0 = process.cpuUsage();
    pg0 = await pgCpu();
    t = now();
    const result = await importVoters({
      db,
      keys,
      registry,
      file,
      batchSize: BATCH,
      onBatch: () => rss.push(process.memoryUsage().rss),
    });
    const importSeconds = (now() - t) / 1000;
    if (!result.ok) throw new Error(result.error);
    const cpu = process.cpuUsage(cpu0);
    const importPgCpu = (await pgCpu()) - pg0;
    const rate = ROWS / importSeconds;
    record({ step: 'import', what: 'records/s (one log entry each)', value: rate, unit: '/s' });
    record({
      step: 'import',
      what: 'share of the COPY rate in the same run',
      value: (100 * rate) / copyRate,
      unit: '%',
      target: { cmp: '>=', value: 20 },
    });
    record({
      step: 'import',
      what: 'CPU per record, this process',
      value: ((cpu.user + cpu.system) / 1000 / ROWS) * 1000,
      unit: 'µs',
    });
    record({
      step: 'import',
      what: 'CPU per record, PostgreSQL',
      value: ((importPgCpu * 1000) / ROWS) * 1000,
      unit: 'µs',
      note: `COPY: ${fmtUs((copyPgCpu * 1e6) / ROWS)} per row`,
    });
    const quarter = rss[Math.floor(rss.length / 4)] ?? 0;
    record({
      step: 'import',
      what: 'resident memory at 25% → end of the file',
      value: (rss[rss.length - 1] ?? 0) / 2 ** 20,
      unit: 'MiB',
      note: `at 25%: ${(quarter / 2 ** 20).toFixed(0)} MiB (flat: two batches in memory, one sealed while one is stored)`,
    });

    // 3. Context: the sequencer integrating them.
    const signer = ed25519Signer('bench.saksi.local/log', new Uint8Array(32).fill(0x42));
    const seq = new Sequencer(db, signer, { origin: 'bench.saksi.local/log', batchSize: 8192 });
    await seq.acquire(100);
    t = now();
    seq.start();
    const total = await new LedgerStore(db).appendedCount();
    while (seq.size < total) await new Promise((r) => setTimeout(r, 100));
    await seq.stop();
    record({
      step: 'integrate',
      what: 'entries/s, sequencer (context)',
      value: ROWS / ((now() - t) / 1000),
      unit: '/s',
    });

    // 4. What the one log entry per record costs, alone (docs/voters.md "One
    // entry per record, not per batch"): appendVersions of voter-shaped drafts
    // in the import's batches, against one draft per batch — the entry a batch
    // root would log instead. Drafts built before the clock starts.
    const entryRows = Math.min(ROWS, 50_000);
    for (const perBatch of [false, true]) {
      const all: VersionDraft[][] = [];
      for (let i = 0; i < entryRows; i += BATCH)
        all.push(
          Array.from({ length: perBatch ? 1 : Math.min(BATCH, entryRows - i) }, () => ({
            kind: 'voters.record.registered',
            subject: `voter:${randomBytes(16).toString('hex')}`,
            seq: 1,
            actor: systemActor('voter-import'),
            payload: {
              tps: tps[0]!,
              list: 'DPT',
              change: 'registered',
              reason: null,
              commitment: randomBytes(32).toString('base64'),
            },
          })),
        );
      const c0 = process.cpuUsage();
      const p0 = await pgCpu();
      for (const drafts of all) await db.transaction((tx) => appendVersions(tx, drafts));
      const c = process.cpuUsage(c0);
      const p = (await pgCpu()) - p0;
      const what = perBatch ? 'one per batch' : 'one per record';
      record({
        step: 'entries alone',
        what: `${what}: CPU per record, this process`,
        value: (c.user + c.system) / entryRows,
        unit: 'µs',
        note: `appendVersions, ${entryRows.toLocaleString('en-US')} records in batches of ${BATCH}`,
      });
      record({
        step: 'entries alone',
        what: `${what}: CPU per record, PostgreSQL`,
        value: (p * 1e6) / entryRows,
        unit: 'µs',
      });
    }
  } catch (e) {
    failures.push(String((e as Error).stack ?? e));
    console.error(e);
  } finally {
    await admin.end().catch(() => undefined);
    await db.close();
    await created.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: os.loadavg(),
    loadavgAtStart: loadAtStart,
  };
  const md = `# bench:voters — voter import vs COPY

${new Date().toISOString()}, ${ROWS.toLocaleString('en-US')} rows, batches of ${BATCH}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${loadAtStart.map((x) => x.toFixed(1)).join(' ')} at the start and ${machine.loadavg.map((x) => x.toFixed(1)).join(' ')} at the end (the machine is shared: with a load above its 2 cores every rate here is a share of them, the CPU per record less so).

${table(figures)}

The import writes, per record: one log entry through \`appendVersions\` (a
pending entry and a \`subject_versions\` row), the sealed record (\`voters\`), its
public facts (\`voter_changes\`) and its sealed opening (\`voter_salts\`), with
the NIK's HMAC index refusing duplicates; per batch, one statement for the log
and one for the private rows, the next batch sealed while this one is stored.
COPY writes the same text into one table with no index. docs/voters.md
discusses the figures.
${failures.length ? `\n## Failures\n\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n` : ''}`;
  console.log(`\n${table(figures)}`);
  writeBenchResults(
    ROOT,
    'voters',
    md,
    { machine, targets: { ratio: 0.2 }, figures, failures },
    {
      rows: ROWS,
      batch: BATCH,
    },
  );
}

const fmtUs = (us: number) => `${us.toFixed(0)} µs`;

void main();
