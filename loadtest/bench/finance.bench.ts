/**
 * `npm run bench:finance` (issue #12): campaign contributions per second through
 * Saksi's whole write path — HTTP on loopback, bearer token, JSON Schema, Cedar,
 * the donor's keyed index and running total against the cap, a fresh salt's
 * commitment, envelope encryption of the donor, and the ledgered write (domain
 * row and log entry in one shared commit) — against a plain CRUD baseline in the
 * same run, on the same PostgreSQL, same process, same client and concurrency: a
 * Hono route that parses the same body, validates it with the same schema and
 * INSERTs the donor in clear into one table. The ratio is what the log, the
 * policy and the donor's privacy cost. Also CPU per contribution of this process
 * (server and client, both cases alike) and of the PostgreSQL backends.
 *
 *   npm run bench:finance -- [--ops 4000] [--concurrency 16] [--quick]
 *
 * Prints a table and writes bench-results/finance.md and finance.json.
 *
 * Imports from api/ (the Saksi app itself comes from test/platform-app.ts, the
 * same wiring as `saksi serve`; both apps are served here on loopback):
 *   - api/domains/finance/testing.ts: the request bodies (account, contribution) and the rules both cases use
 *   - api/schemas.ts: the baseline's validation, the same ajv the API uses
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import {
  accountBody,
  CONTRIBUTION_SCHEMA,
  contributionBody,
  OPEN_RULES,
} from '../../api/domains/finance/testing.ts';
import { validate } from '../../api/schemas.ts';
import { benchArgs, now, pool } from './common.ts';
import { figureLog, table, writeBenchResults } from './figures.ts';
import { pgPids } from './postgres.ts';
import { cpuOf } from './processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { num } = benchArgs(process.argv.slice(2));
const OPS = num('--ops', 4000, 600);
const CONCURRENCY = num('--concurrency', 16, 8);

async function main(): Promise<void> {
  // The product's own limits would throttle one filer long before the server is busy.
  process.env.SAKSI_TEST_DB = 'postgres';
  process.env.SAKSI_RATE_PRINCIPAL = '1000000';
  process.env.SAKSI_BURST_PRINCIPAL = '1000000';
  const { platformApp } = await import('../../test/platform-app.ts');
  const p = await platformApp();
  const dbName = new URL(p.fresh.url!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: p.fresh.url });
  await admin.connect();
  const pgCpu = async () => {
    let s = 0;
    for (const pid of await pgPids(admin, dbName)) s += cpuOf(pid);
    return s;
  };
  const { figures, record } = figureLog();
  const failures: string[] = [];
  const servers: ReturnType<typeof serve>[] = [];
  const listen = async (fetch: (r: Request) => Response | Promise<Response>) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => s.once('listening', r));
    servers.push(s);
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  try {
    // The baseline: the same body, validated the same way, stored in clear in one table.
    const pool0 = new pg.Pool({ connectionString: p.fresh.url, max: 8 });
    await admin.query(`CREATE TABLE crud_contributions (
      id bigserial PRIMARY KEY, participant text NOT NULL, category text NOT NULL, country text NOT NULL,
      id_number text NOT NULL, name text NOT NULL, amount bigint NOT NULL, day date NOT NULL)`);
    const crud = new Hono();
    crud.post('/contributions', async (c) => {
      const b = validate<{
        participant: string;
        donor: { category: string; country: string; idNumber: string; name: string };
        amount: string | number;
        date: string;
      }>(CONTRIBUTION_SCHEMA, await c.req.json());
      const [row] = (
        await pool0.query<{ id: string }>(
          `INSERT INTO crud_contributions (participant, category, country, id_number, name, amount, day)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [
            b.participant,
            b.donor.category,
            b.donor.country,
            b.donor.idNumber,
            b.donor.name,
            String(b.amount),
            b.date,
          ],
        )
      ).rows;
      return c.json({ id: row!.id }, 201);
    });
    const crudUrl = await listen(crud.fetch);
    const saksiUrl = await listen(p.app.fetch);

    const kpu = await p.token('KPU_RI', 'ID');
    const party = await p.token('PARTY', 'ID');
    const setup = async (path: string, body: unknown) => {
      const r = await p.app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${kpu}` },
        body: JSON.stringify(body),
      });
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    };
    await setup('/v1/finance/rules', OPEN_RULES);
    await setup('/v1/finance/accounts', accountBody('bench-party', 'demo-party-id'));

    // Distinct donors: no two requests race on one donor's running total.
    const body = (i: number, round: number) =>
      JSON.stringify(
        contributionBody(
          'bench-party',
          {
            idNumber: `31710${round}${String(i).padStart(10, '0')}`,
            name: `Donatur Bench ${round}-${i}`,
          },
          String(1_000_000 + i),
        ),
      );
    const run = async (name: string, url: string, token: string | null, round: number) => {
      const items = Array.from({ length: OPS }, (_, i) => i);
      // Warm-up (JIT, pools, caches), untimed.
      await pool(items.slice(0, 200), CONCURRENCY, async (i) => {
        await send(url, token, body(i, round + 5));
      });
      const cpu0 = process.cpuUsage();
      const pg0 = await pgCpu();
      const t = now();
      let bad = 0;
      await pool(items, CONCURRENCY, async (i) => {
        const s = await send(url, token, body(i, round));
        if (s !== 201) bad++;
      });
      const seconds = (now() - t) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pgSeconds = (await pgCpu()) - pg0;
      if (bad) failures.push(`${name}: ${bad} of ${OPS} requests not 201`);
      return {
        rate: OPS / seconds,
        cpuUs: (cpu.user + cpu.system) / OPS,
        pgUs: (pgSeconds * 1e6) / OPS,
      };
    };
    const base = await run('crud', `${crudUrl}/contributions`, null, 1);
    const saksi = await run('saksi', `${saksiUrl}/v1/finance/contributions`, party, 2);
    record({
      step: 'baseline',
      what: 'plain CRUD: validate + INSERT (donor in clear), /s',
      value: base.rate,
      unit: '/s',
    });
    record({
      step: 'baseline',
      what: 'CPU per request, this process (server + client)',
      value: base.cpuUs,
      unit: 'µs',
    });
    record({ step: 'baseline', what: 'CPU per request, PostgreSQL', value: base.pgUs, unit: 'µs' });
    record({
      step: 'saksi',
      what: 'ledgered contributions /s (donor sealed, cap checked)',
      value: saksi.rate,
      unit: '/s',
    });
    record({
      step: 'saksi',
      what: 'share of the baseline rate in the same run',
      value: (100 * saksi.rate) / base.rate,
      unit: '%',
    });
    record({
      step: 'saksi',
      what: 'CPU per contribution, this process (server + client)',
      value: saksi.cpuUs,
      unit: 'µs',
      note: `${(saksi.cpuUs / base.cpuUs).toFixed(1)}× the baseline`,
    });
    record({
      step: 'saksi',
      what: 'CPU per contribution, PostgreSQL',
      value: saksi.pgUs,
      unit: 'µs',
      note: `${(saksi.pgUs / base.pgUs).toFixed(1)}× the baseline`,
    });
    await pool0.end();
  } catch (e) {
    failures.push(String((e as Error).stack ?? e));
    console.error(e);
  } finally {
    for (const s of servers) await new Promise((r) => s.close(r));
    await admin.end().catch(() => undefined);
    await p.close();
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: os.loadavg(),
  };
  const md = `# bench:finance — ledgered contributions vs a plain CRUD insert

${new Date().toISOString()}, ${OPS.toLocaleString('en-US')} requests per case, ${CONCURRENCY} in flight, HTTP on loopback, PostgreSQL, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadavg.map((x) => x.toFixed(1)).join(' ')} at the end (the machine is shared).

${table(figures)}

Per contribution Saksi does, beyond the baseline's validate-and-insert: a bearer
token check, a Cedar decision, the donor's HMAC index and running total (one
query), the rules and account lookups, a fresh salt's HMAC commitment, a new
AES-256-GCM data key sealing the donor record, and the ledgered write — the
contribution row, a pending log entry and its subject version in a shared
commit. The baseline stores the donor's name and NIK in clear, which is what
Saksi exists not to do. docs/finance.md discusses the figures.
${failures.length ? `\n## Failures\n\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n` : ''}`;
  console.log(`\n${table(figures)}`);
  writeBenchResults(
    ROOT,
    'finance',
    md,
    { machine, targets: {}, figures, failures },
    { ops: OPS, concurrency: CONCURRENCY },
  );
}

async function send(url: string, token: string | null, body: string): Promise<number> {
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  await r.arrayBuffer();
  return r.status;
}

void main();
