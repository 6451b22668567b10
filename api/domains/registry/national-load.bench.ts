/**
 * National-scale registry on PostgreSQL, measured (a script, not a test):
 * generate the 2024-shaped election, check it, load it into a fresh database
 * (823,220 TPS in multi-row inserts, with the dataset entries), read it back into
 * a Registry, and time ballotFor on it.
 *
 *   node --import tsx api/domains/registry/national-load.bench.ts [--seed S] [--keep]
 *
 * Uses SAKSI_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) to
 * create a scratch database, dropped at the end unless --keep.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDb } from '../../../ledger/index.ts';
import {
  checkElection,
  digestElection,
  generateElection,
  loadElection,
  Registry,
} from './index.ts';

const args = process.argv.slice(2);
const seed = args.includes('--seed') ? args[args.indexOf('--seed') + 1]! : 'bench';
const keep = args.includes('--keep');
const ADMIN = process.env.SAKSI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const rows: [string, string][] = [];
async function step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  const ms = performance.now() - t;
  rows.push([name, `${(ms / 1000).toFixed(2)} s`]);
  console.error(`${name}: ${(ms / 1000).toFixed(2)} s`);
  return out;
}

const name = `saksi_registry_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const db = await openDb({ url: ADMIN.replace(/\/[^/]*$/, `/${name}`) });
try {
  await migrate(db);
  const election = await step('generate (national)', () =>
    generateElection({ scale: 'national', seed }),
  );
  await step('check every rule (in memory)', () => checkElection(election));
  await step('digest the six datasets', () => digestElection(election));
  const result = await step(
    'loadElection (check + digest + insert + entries, one transaction)',
    () => loadElection(db, election),
  );
  const reg = await step('Registry.load from PostgreSQL', () => Registry.load(db));
  const heap = process.memoryUsage();
  const codes = election.tps.desa.map((d) => `${d}001`);
  let found = 0;
  const started = performance.now();
  for (let round = 0; round < 10; round++)
    for (const code of codes) if (reg.ballotFor('DPRD_KABKOTA', code) !== null) found++;
  const perCall = ((performance.now() - started) * 1e6) / (10 * codes.length);
  const [sizes] = await db.query<{ tps: string; candidates: string; total: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('registry_tps')) AS tps,
            pg_size_pretty(pg_total_relation_size('registry_candidates')) AS candidates,
            pg_size_pretty(pg_database_size(current_database())) AS total`,
  );
  rows.push(
    [
      'TPS / candidates stored',
      `${reg.tpsCount.toLocaleString('en')} / ${election.candidates.length.toLocaleString('en')}`,
    ],
    [
      'dataset entries',
      result.loads.map((l) => `${l.dataset} ${l.rows.toLocaleString('en')}`).join(', '),
    ],
    [
      'ballotFor (DPRD_KABKOTA, 837,310 calls)',
      `${perCall.toFixed(0)} ns per call (${found} found)`,
    ],
    [
      'heap after Registry.load',
      `${(heap.heapUsed / 2 ** 20).toFixed(0)} MiB (rss ${(heap.rss / 2 ** 20).toFixed(0)} MiB)`,
    ],
    [
      'on disk: registry_tps / registry_candidates / database',
      `${sizes!.tps} / ${sizes!.candidates} / ${sizes!.total}`,
    ],
  );
  console.log('| step | measured |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  await db.close();
  if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else console.error(`kept database ${name}`);
  await admin.end();
}
