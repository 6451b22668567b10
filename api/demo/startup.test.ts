// `saksi serve --demo` opens on a demo province whose forms are already
// submitted (issue #4 "Public reading"): a real server on loopback loads the
// demo election into its empty registry, seeds it in the background through
// its own HTTP API while answering requests, and a second start on the same
// data loads and seeds nothing. Stopped mid-way, the seeder sees through the
// requests it sent, so closing the server mid-seed fails none of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import { generateElection } from '../domains/registry/index.ts';
import { type Config, loadConfig, startServer } from '../index.ts';
import { seedDemo } from './seed.ts';
import { DEMO_ELECTION_SEED, defaultDemoTps } from './startup.ts';

const dirs: string[] = [];
const dbs: FreshDb[] = [];
const logLevel = process.env.SAKSI_LOG_LEVEL;

/** A demo config on a new data directory (and, for PostgreSQL, a new database). */
async function demoConfig(): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), 'saksi-demo-start-'));
  dirs.push(dir);
  let databaseUrl: string | undefined;
  if (TEST_DB_KIND === 'postgres') {
    const fresh = await freshDb();
    await fresh.db.close(); // the server opens its own connections
    dbs.push(fresh);
    databaseUrl = fresh.url;
  }
  return loadConfig({
    dataDir: dir,
    port: 0,
    demo: true,
    origin: 'demo-start.test/log',
    databaseUrl,
  });
}

const json = async <T>(url: string): Promise<T> => {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
};

beforeAll(() => {
  process.env.SAKSI_LOG_LEVEL = 'warn'; // the request log would bury the output
});
afterAll(async () => {
  if (logLevel === undefined) delete process.env.SAKSI_LOG_LEVEL;
  else process.env.SAKSI_LOG_LEVEL = logLevel;
  for (const d of dbs) await d.drop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('saksi serve --demo start-up', () => {
  // Two server starts on a fresh database take seconds each on 2 shared cores.
  it('loads the demo election and seeds it in the background once; a second start does neither', {
    timeout: 120_000,
  }, async () => {
    const config = await demoConfig();
    const logs: string[] = [];
    let server = await startServer(config, (m) => logs.push(m), { demoSeedTps: 4 });
    try {
      expect(logs[0]).toMatch(/^demo: loaded the demo election \(DKI Jakarta: \d+ TPS/);
      let seeded = false;
      const done = server.demo!.done.finally(() => {
        seeded = true;
      });
      // The API answers while the forms go in.
      const area = await json<{ name: string }>(`${server.url}/v1/areas/31`);
      expect(area.name).toMatch(/JAKARTA/i);
      expect(seeded).toBe(false);

      const report = await done;
      expect(report).toMatchObject({ tps: 4, skipped: 0, flagged: 1, corrected: 1 });
      expect(logs.join('\n')).toMatch(/^demo: seeded 4 TPS: /m);
      expect(logs.join('\n')).toMatch(/^demo: PPWP national: 4 TPS accepted, 0 flagged/m);
      expect(logs.join('\n')).not.toMatch(/failed/);
      const nation = await json<{ tps: { accepted: number } }>(
        `${server.url}/v1/results/PPWP/areas/ID`,
      );
      expect(nation.tps.accepted).toBe(4);
      // By default start-up seeds three whole kota: Jakarta Pusat, Utara, Barat.
      const e = generateElection({ scale: 'province', seed: DEMO_ELECTION_SEED });
      const inKota = e.tps.desa.reduce(
        (n, d, i) => n + (/^317[123]/.test(d) ? e.tps.count[i]! : 0),
        0,
      );
      expect(await defaultDemoTps(server.runtime.db)).toBe(inKota);
      expect(inKota).toBe(106);
    } finally {
      await server.close();
    }

    logs.length = 0;
    server = await startServer(config, (m) => logs.push(m), { demoSeedTps: 4 });
    const forms = async () =>
      Number(
        (
          await server.runtime.db.query<{ n: number }>(
            'SELECT count(DISTINCT tps)::int AS n FROM count_forms',
          )
        )[0]!.n,
      );
    try {
      expect(await server.demo!.done).toBeNull();
      expect(logs).toEqual([
        expect.stringMatching(/^demo: count forms are already submitted; not seeding again/),
      ]);
      expect(await forms()).toBe(4);

      // Stopped mid-way (as close() stops the start-up seeding), the seeder
      // sends nothing more but sees through what it sent: the server logs no
      // request that failed under it.
      const stop = new AbortController();
      const seeding = seedDemo({
        url: server.url,
        tps: 20,
        signal: stop.signal,
        // The first 4 TPS are complete and passed over (progress without forms):
        // stop at the first TPS this run wrote forms for.
        onProgress: (p) => {
          if (p.forms > 0) stop.abort();
        },
      });
      await expect(seeding).rejects.toMatchObject({ code: 'ABORTED' });
      expect(await forms()).toBeGreaterThan(4);
      expect(await forms()).toBeLessThan(24);
    } finally {
      await server.close();
    }
    expect(logs.filter((l) => !l.startsWith('demo: '))).toEqual([]);
  });
});
