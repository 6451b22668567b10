// `saksi demo seed` end to end (CONTRACT.md; issue #4 "Public reading"): a real
// server on loopback in demo mode (PGlite, or PostgreSQL with
// SAKSI_TEST_DB=postgres), the command run against it over HTTP, then what an
// observer sees: the national recap counting every seeded TPS, a misread form
// kept flagged and corrected by the PPK, and the proof from that TPS to the
// nation checked with the observer's verifier. Seeding resumes (a run killed
// mid-way, forms left half-submitted, a rerun completes them) and runs safely
// beside another seeder (issue #10). The results texts an observer reads and
// `saksi demo token --area` are checked against the same demo server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoClient,
  formPhoto,
  formSteps,
  scriptFor,
  seedDemo,
  tpsInOrder,
} from '../../api/demo/index.ts';
import { DemoOfficers } from '../../api/demo/officers.ts';
import type { Choice } from '../../api/domains/registry/index.ts';
import type { Contest } from '../../api/domains/results/forms/index.ts';
import type { ResultsProof } from '../../api/domains/results/proof/chain.ts';
import { signedForm } from '../../api/domains/results/testing.ts';
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
    form: Record<string, unknown>;
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
    if (order.length === 16) break;
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
    expect(out).toMatch(/^voters: 5 registered, 0 already registered \(kecamatan 317101\)$/m);
    expect(out).toMatch(
      /^donors: 3 contributions \(1 over the cap, 1 excess surrendered\), 6 expenditures, 15 reports filed, 1 donor opened by the auditor$/m,
    );

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

  // --tps N completes the first N TPS (it used to add N more): a rerun of the
  // same command, or a second seeder with the same N, then ends in the same state.
  it('passes over complete TPS: --tps 6 after 4 seeds the next 2', async () => {
    const io = capture();
    expect(await main(['demo', 'seed', '--url', server.url, '--tps', '6'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^seeded 2 TPS \(4 passed over: already complete\)/m);
    const nation = await get<{ tps: { accepted: number } }>('/v1/results/PPWP/areas/ID');
    expect(nation.tps.accepted).toBe(6);
    await get<History>(`/v1/results/PPWP/tps/${order[5]}`);
    await expectCompleteAsPlanned(6);
  });

  it('resumes: TPS left half-submitted (by hand, or by a seeder killed mid-way) are completed by a rerun', {
    timeout: 240_000,
  }, async () => {
    // Deterministic half-states, as a SIGINT left them before: only the machine
    // reading of the 7th TPS's PPWP form; the 14th TPS's DPR form verified with a
    // misread digit (flagged) and never corrected.
    await writeFirstSteps(6, 'PPWP', 1);
    await writeFirstSteps(13, 'DPR', 1);
    let h = await get<History>(`/v1/results/PPWP/tps/${order[6]}`);
    expect(h.versions.map((v) => [v.stage, v.status])).toEqual([['read', 'flagged']]);
    h = await get<History>(`/v1/results/DPR/tps/${order[13]}`);
    expect(h.versions.map((v) => [v.stage, v.status])).toEqual([['verified', 'flagged']]);

    // A real seeder process, killed (SIGKILL: no clean-up) after a few forms.
    const forms = async () =>
      Number(
        (
          await server.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM count_forms')
        )[0]!.n,
      );
    const before = await forms();
    const child = spawn(
      process.execPath,
      [resolve('bin/saksi.js'), 'demo', 'seed', '--url', server.url, '--tps', '14'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let childErr = '';
    child.stderr!.on('data', (d) => (childErr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      if ((await forms()) >= before + 6 || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect(await exited, childErr).toBeNull(); // killed, not finished

    // The same command again (in a process of its own, as a user runs it).
    const rerun = await seedProcess(['--tps', '14']);
    expect(rerun.code, rerun.stderr).toBe(0);
    await expectCompleteAsPlanned(14);
    const nation = await get<{ tps: { accepted: number; flagged: number } }>(
      '/v1/results/DPR/areas/ID',
    );
    expect(nation.tps).toEqual({ accepted: 14, flagged: 0 });
  });

  it('Ctrl-C stops after the requests in flight, exits 130 and says a rerun finishes', {
    timeout: 120_000,
  }, async () => {
    const before = await formCount();
    const child = spawn(
      process.execPath,
      [resolve('bin/saksi.js'), 'demo', 'seed', '--url', server.url, '--tps', '16'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    for (const until = Date.now() + 90_000; Date.now() < until; ) {
      if ((await formCount()) > before || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited, err).toBe(130);
    expect(err).toMatch(/stopping after the requests in flight/);
    expect(err).toMatch(/stopped; the same command again finishes the TPS that were started\n$/);
  });

  it("two seeders at once both finish, and the result is one seeder's", {
    timeout: 300_000,
  }, async () => {
    // The command, and the server's start-up seeding (which does not read
    // first and meets the other's versions only by their 409).
    const [cli, report] = await Promise.all([
      seedProcess(['--tps', '16', '--concurrency', '2']),
      seedDemo({ url: server.url, tps: 16, checkExisting: false, concurrency: 2 }),
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(report.leftAlone).toEqual([]);
    await expectCompleteAsPlanned(16);
    for (const contest of ['PPWP', 'DPR', 'DPD', 'DPRD_PROV']) {
      const nation = await get<{ tps: { accepted: number; flagged: number } }>(
        `/v1/results/${contest}/areas/ID`,
      );
      expect(nation.tps, contest).toEqual({ accepted: 16, flagged: 0 });
    }
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
    expect(help.out.join('')).toMatch(/--voters N .*register N demo voters/);
  });
});

async function formCount(): Promise<number> {
  const [row] = await server.runtime.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM count_forms',
  );
  return Number(row!.n);
}

/**
 * `saksi demo seed --url <server> …` in a process of its own: the seeder's work
 * then does not share the in-process server's one thread.
 */
function seedProcess(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(
      process.execPath,
      [resolve('bin/saksi.js'), 'demo', 'seed', '--url', server.url, ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    p.stderr!.on('data', (d) => (stderr += d));
    p.on('exit', (code) => done({ code, stderr }));
  });
}

/** The planned versions of `contest` at the TPS `order[ordinal]` (./steps.ts). */
async function plannedSteps(ordinal: number, contest: Contest) {
  const tps = order[ordinal]!;
  const area = await get<{ dpt: number; contests: Contest[] }>(`/v1/areas/${tps}`);
  const b = await get<{ dapil: { id: string } | null; choices: Choice[] }>(
    `/v1/contests/${contest}/ballot?tps=${tps}`,
  );
  const ballot = {
    contest,
    dapil: b.dapil?.id ?? null,
    choices: b.choices,
    choiceIds: new Set(b.choices.map((c) => c.id)),
  };
  return {
    contests: area.contests,
    steps: formSteps({
      tps,
      ordinal,
      contest,
      ballot,
      dpt: area.dpt,
      script: scriptFor(ordinal, area.contests),
      photo: formPhoto(tps, contest).sha256,
    }),
  };
}

/** Writes the first `n` planned versions of one form, as a seeder stopped there would have. */
async function writeFirstSteps(ordinal: number, contest: Contest, n: number) {
  const client = new DemoClient(server.url);
  const officers = new DemoOfficers(client);
  const { steps } = await plannedSteps(ordinal, contest);
  const tps = order[ordinal]!;
  const photo = formPhoto(tps, contest);
  const kpps = await officers.get('KPPS', tps);
  await client.request('PUT', `/v1/photos/${photo.sha256}?tps=${tps}`, {
    token: kpps.token,
    bytes: { data: photo.bytes, type: photo.mediaType },
    expect: [200, 201],
  });
  for (const [i, step] of steps.slice(0, n).entries()) {
    const o = await officers.get(step.role, step.area);
    await client.request(
      'POST',
      step.stage === 'read' ? '/v1/results/forms/read' : '/v1/results/forms',
      {
        token: o.token,
        json: signedForm(o.device, step.stage, step.form, i + 1, step.reason),
        expect: [201],
      },
    );
  }
}

/**
 * Every contest at each of the first `n` TPS holds exactly the versions the
 * plan gives — stages, statuses, figures — and the last one is counted: the
 * state one uninterrupted seeder leaves.
 */
async function expectCompleteAsPlanned(n: number) {
  for (let ordinal = 0; ordinal < n; ordinal++) {
    const tps = order[ordinal]!;
    const { contests } = await plannedSteps(ordinal, 'PPWP');
    for (const contest of contests) {
      const { steps } = await plannedSteps(ordinal, contest);
      const h = await get<History>(`/v1/results/${contest}/tps/${tps}`);
      const what = `${contest} at ${tps} (#${ordinal})`;
      expect(
        h.versions.map((v) => [v.stage, v.status]),
        what,
      ).toEqual(steps.map((s) => [s.stage, s.flagged ? 'flagged' : 'accepted']));
      h.versions.forEach((v, i) => {
        const {
          photo: _p,
          caseRef: _c,
          ...figures
        } = steps[i]!.form as (typeof steps)[number]['form'] & { caseRef?: string };
        expect(v.form, `${what} v${i + 1}`).toEqual(figures);
      });
      expect(h.counted, what).toBe(steps.length);
    }
  }
}

describe('what a curious user reads of the seeded demo (issue #10)', () => {
  it('an area lists the children still waiting beside the counted ones', async () => {
    const kota = (await get<{ children: { code: string }[] }>('/v1/areas/31')).children.map(
      (c) => c.code,
    );
    expect(kota).toHaveLength(6);
    const r = await get<{ children: { code: string; status?: string; valid?: number }[] }>(
      '/v1/results/PPWP/areas/31',
    );
    expect(r.children.map((c) => c.code)).toEqual(kota);
    const counted = new Set(order.map((t) => t.slice(0, 4)));
    for (const c of r.children)
      if (counted.has(c.code)) expect(c, c.code).toMatchObject({ valid: expect.any(Number) });
      else expect(c, c.code).toMatchObject({ status: 'waiting' });
    expect(r.children.filter((c) => c.status === 'waiting')).toHaveLength(6 - counted.size);
    // A desa lists its TPS without a counted form as waiting too.
    const desa = order[0]!.slice(0, 10);
    const tps = (await get<{ children: { code: string }[] }>(`/v1/areas/${desa}`)).children;
    const d = await get<{ children: { code: string; status: string }[] }>(
      `/v1/results/PPWP/areas/${desa}`,
    );
    expect(d.children.map((c) => c.code)).toEqual(tps.map((t) => t.code));
    for (const c of d.children)
      expect(c.status, c.code).toBe(order.includes(c.code) ? 'accepted' : 'waiting');
  });

  it('says "no such area" for a code that is no area, and "no recap yet" for one not counted', async () => {
    const none = await fetch(`${server.url}/v1/results/PPWP/areas/99`);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such area 99' } });
    const kota = (await get<{ children: { code: string }[] }>('/v1/areas/31')).children.map(
      (c) => c.code,
    );
    const waiting = kota.find((k) => !order.some((t) => t.startsWith(k)))!;
    const notYet = await fetch(`${server.url}/v1/results/PPWP/areas/${waiting}`);
    expect(notYet.status).toBe(404);
    expect(((await notYet.json()) as { error: { message: string } }).error.message).toBe(
      `no PPWP recap for ${waiting} yet`,
    );
  });

  it('the CSV publishes the valid and invalid votes the JSON shows, the DPD national ones too', async () => {
    for (const contest of ['DPD', 'PPWP']) {
      const json = await get<{ valid: number; invalid: number; votes: Record<string, number> }>(
        `/v1/results/${contest}/areas/ID`,
      );
      const r = await fetch(`${server.url}/v1/results/${contest}/export.csv?level=nasional`);
      expect(r.status).toBe(200);
      const rows = (await r.text())
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      const value = (choice: string) => rows.find((c) => c[2] === choice)?.[3];
      expect(value('valid'), contest).toBe(String(json.valid));
      expect(value('invalid'), contest).toBe(String(json.invalid));
      const choices = rows.filter((c) => c[2] !== 'valid' && c[2] !== 'invalid');
      expect(Object.fromEntries(choices.map((c) => [c[2], Number(c[3])])), contest).toEqual(
        json.votes,
      );
    }
    expect(json0(await get<{ votes: object }>('/v1/results/DPD/areas/ID'))).toBe(true);
  });

  it('demo token refuses an --area that is not in the registry (exit 1), and takes one that is', async () => {
    const bad = capture();
    expect(
      await main(
        ['demo', 'token', '--url', server.url, '--role', 'KPU_KABKOTA', '--area', '3199'],
        bad,
      ),
    ).toBe(1);
    expect(bad.out).toEqual([]);
    expect(bad.err.join('\n')).toMatch(/^saksi demo token: no area 3199 in the registry of /);
    const noTps = capture();
    expect(
      await main(
        [
          'demo',
          'token',
          '--url',
          server.url,
          '--role',
          'KPPS',
          '--area',
          `${order[0]!.slice(0, 10)}999`,
        ],
        noTps,
      ),
    ).toBe(1);
    const good = capture();
    expect(
      await main(
        ['demo', 'token', '--url', server.url, '--role', 'KPU_KABKOTA', '--area', '3171'],
        good,
      ),
    ).toBe(0);
    expect(good.out.join('')).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });
});

/** The DPD's national recap has no choice rows: its candidates stand per province. */
const json0 = (r: { votes: object }) => Object.keys(r.votes).length === 0;
