// `saksi demo seed` end to end (CONTRACT.md; issue #4 "Public reading"): a real
// server on loopback in demo mode (PGlite, or PostgreSQL with
// SAKSI_TEST_DB=postgres), the command run against it over HTTP, then what an
// observer sees: the national recap counting every seeded TPS, a misread form
// kept flagged and corrected by the PPK, and the proof from that TPS to the
// nation checked with the observer's verifier.
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClient, tpsInOrder } from '../../api/demo/index.ts';
import type { ResultsProof } from '../../api/domains/results/proof/chain.ts';
import { loadConfig, type RunningServer, startServer } from '../../api/index.ts';
import { verifyResultsProof } from '../../ledger/verifier/results/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import type { Io } from '../args.ts';
import { main } from '../main.ts';

let dir: string;
let fresh: FreshDb | undefined;
let server: RunningServer;
/** The first TPS of the demo province from the demo TPS on, as the seeder takes them. */
let order: string[];

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s) };
}

const get = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${server.url}${path}`);
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
  return (await r.json()) as T;
};

interface History {
  counted: number | null;
  versions: {
    seq: number;
    stage: string;
    status: string;
    reason: string | null;
    caseRef?: string;
    failedChecks: { check: string }[];
    actor: { role: string };
    photo: { url: string };
  }[];
}

const logLevel = process.env.SAKSI_LOG_LEVEL;

beforeAll(async () => {
  // The server's request log would bury the test output.
  process.env.SAKSI_LOG_LEVEL = 'warn';
  dir = mkdtempSync(join(tmpdir(), 'saksi-demo-seed-'));
  let databaseUrl: string | undefined;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close(); // the server opens its own connections
    databaseUrl = fresh.url;
  }
  // --demo loads the demo election; the start-up seeding is left off here so that
  // the command under test is the only writer.
  server = await startServer(
    loadConfig({ dataDir: dir, port: 0, demo: true, origin: 'demo-seed.test/log', databaseUrl }),
  );
  order = [];
  for await (const tps of tpsInOrder(new DemoClient(server.url))) {
    order.push(tps);
    if (order.length === 6) break;
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (logLevel === undefined) delete process.env.SAKSI_LOG_LEVEL;
  else process.env.SAKSI_LOG_LEVEL = logLevel;
  if (fresh) await fresh.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('saksi demo seed', () => {
  it('submits signed forms for N TPS over HTTP, waits until they are counted, and exits 0', {
    timeout: 120_000,
  }, async () => {
    expect(order[0]).toBe('3171011001001');
    const io = capture();
    const code = await main(
      ['demo', 'seed', '--url', server.url, '--tps', '4', '--voters', '5', '--donors', '3'],
      io,
    );
    expect(code, io.err.join('\n')).toBe(0);
    const out = io.out.join('\n');
    expect(out).toMatch(/^seeded 4 TPS: /m);
    expect(out).toMatch(/\(1 flagged\), 1 PPK corrections \(1 citing a case\)/);
    expect(out).toMatch(/^PPWP national: 4 TPS accepted, 0 flagged; valid [0-9,]+/m);
    expect(io.err.join('\n')).toMatch(/--voters 5: skipped, the voter-registration domain/);
    expect(io.err.join('\n')).toMatch(/--donors 3: skipped, the campaign-finance domain/);

    // The national recap counts every seeded TPS, for every contest held there.
    for (const contest of ['PPWP', 'DPR', 'DPD', 'DPRD_PROV']) {
      const nation = await get<{ tps: { accepted: number; flagged: number }; valid: number }>(
        `/v1/results/${contest}/areas/ID`,
      );
      expect(nation.tps, contest).toEqual({ accepted: 4, flagged: 0 });
    }

    // The demo TPS: a machine reading that misread a digit (kept, flagged), then
    // the KPPS's verified numbers as version 2 with a reason.
    const demo = await get<History>(`/v1/results/PPWP/tps/${order[0]}`);
    expect(demo.versions.map((v) => [v.stage, v.status])).toEqual([
      ['read', 'flagged'],
      ['verified', 'accepted'],
    ]);
    expect(demo.versions[1]!.reason).toMatch(/machine reading took \d+ for \d+/);
    expect(demo.counted).toBe(2);

    // The fourth TPS: the KPPS form misreads a digit and fails the arithmetic; the
    // PPK of the kecamatan corrects it with a reason.
    const flagged = order[3]!;
    const h = await get<History>(`/v1/results/PPWP/tps/${flagged}`);
    expect(h.versions.map((v) => [v.stage, v.status, v.actor.role])).toEqual([
      ['read', 'accepted', 'KPPS'],
      ['verified', 'flagged', 'KPPS'],
      ['corrected', 'accepted', 'PPK'],
    ]);
    expect(h.versions[1]!.failedChecks.map((c) => c.check)).toContain('votes-sum-to-valid');
    expect(h.versions[2]!.reason).toMatch(/^recount at PPK 3171\d\d: choice \d+ has \d+ votes/);
    expect(h.versions[2]!.caseRef).toMatch(/^003\/Reg\/LP\/PL\/Kec\/3171\d\d\/02\/2024$/);
    expect(h.counted).toBe(3);
    // The photo it cites is a PNG the server serves.
    const photo = await fetch(`${server.url}${h.versions[2]!.photo.url}`);
    expect(photo.headers.get('content-type')).toBe('image/png');

    // The observer's proof from the corrected TPS up to the nation holds.
    const proof = await get<ResultsProof>(`/v1/results/PPWP/proof/${flagged}`);
    const verdict = verifyResultsProof(proof, server.runtime.verifierKey);
    expect(verdict.errors).toEqual([]);
    expect(verdict.checked.levels).toEqual([flagged.slice(0, 10), '317101', '3171', '31', 'ID']);
  });

  it('passes over TPS that have their forms, so a second run adds the next N', async () => {
    const io = capture();
    expect(await main(['demo', 'seed', '--url', server.url, '--tps', '2'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^seeded 2 TPS \(4 passed over: they had their forms\)/m);
    const nation = await get<{ tps: { accepted: number } }>('/v1/results/PPWP/areas/ID');
    expect(nation.tps.accepted).toBe(6);
    await get<History>(`/v1/results/PPWP/tps/${order[5]}`);
  });

  it('exits 1 with a clear message when the server cannot be reached, 2 on usage errors', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const io = capture();
    const url = `http://127.0.0.1:${port}`;
    expect(await main(['demo', 'seed', '--url', url, '--tps', '1'], io)).toBe(1);
    expect(io.err).toEqual([
      `saksi demo seed: cannot reach ${url} (GET /v1/areas/31): ECONNREFUSED`,
    ]);
    expect(await main(['demo', 'seed', '--tps', '1'], capture())).toBe(2);
    expect(await main(['demo', 'seed', '--url', 'nope', '--tps', '1'], capture())).toBe(2);
    expect(await main(['demo', 'seed', '--url', server.url, '--tps', 'many'], capture())).toBe(2);
    const help = capture();
    expect(await main(['demo', 'seed', '--help'], help)).toBe(0);
    expect(help.out.join('')).toMatch(/--voters N .*not built yet/);
  });
});
