// `saksi loadtest` and `saksi loadtest fixtures` end to end (issue #14): the
// smoke scenario against a real `saksi serve --demo` passes with no lost write
// and a verified log; the fixtures are device-signed writes the server accepts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureFile, Results } from '../../loadtest/driver/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import { type Served, startServe, stopProcess } from '../../test/saksi-process.ts';
import type { Io } from '../args.ts';
import { main } from '../main.ts';

let dir: string;
let fresh: FreshDb | undefined;
let served: Served;

function capture(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (s: string) => {
      io.out += `${s}\n`;
    },
    stderr: (s: string) => {
      io.err += `${s}\n`;
    },
  };
  return io;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saksi-loadtest-'));
  // No background seeding: the load is the run's own.
  // The driver is one source of every self-check: the per-source limit raised.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SAKSI_DEMO_SEED: '0',
    SAKSI_RATE_SELF_CHECK: '100000',
    SAKSI_BURST_SELF_CHECK: '100000',
  };
  delete env.DATABASE_URL;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close();
    env.DATABASE_URL = fresh.url;
  }
  served = await startServe(['--port', '0', '--data', join(dir, 'data'), '--demo'], env);
});

afterAll(async () => {
  if (served) await stopProcess(served.proc);
  if (fresh) {
    await fresh.drop().catch(() => undefined);
    // The baseline's database beside it (--baseline).
    const { default: pg } = await import('pg');
    const { PG_ADMIN_URL } = await import('../../test/fresh-db.ts');
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    await c.query(
      `DROP DATABASE IF EXISTS ${new URL(fresh.url!).pathname.slice(1)}_baseline WITH (FORCE)`,
    );
    await c.end();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('saksi loadtest', () => {
  it('runs the smoke scenario: thresholds pass, no write lost, the log verifies', async () => {
    const out = join(dir, 'smoke');
    const io = capture();
    const code = await main(
      [
        'loadtest',
        '--url',
        served.url,
        '--scenario',
        'smoke',
        '--out',
        out,
        '--tps',
        '2',
        // The capacity model from a second of each operation alone.
        '--server-pid',
        String(served.proc.pid),
        '--calibrate',
        '1',
        ...(fresh?.url ? ['--database', fresh.url] : []),
      ],
      io,
    );
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(r.sampleErrors).toEqual([]);
    expect(r.log.failures).toEqual([]);
    expect(code).toBe(0);
    expect(io.out).toMatch(/^smoke: \d+ requests, 0 errors, 0 lost writes, .* thresholds passed/);
    expect(r.summary).toEqual({
      requests: expect.any(Number),
      errors: 0,
      lostWrites: 0,
      p99ms: expect.any(Number),
      thresholdsPassed: true,
    });
    // Writes were sent, answered 201, and every receipt proven in the log.
    expect((r.types.correction?.count ?? 0) + (r.types.form?.count ?? 0)).toBeGreaterThan(0);
    expect(r.log.inclusionChecks).toBeGreaterThan(0);
    expect(r.log.lastSize).toBeGreaterThan(r.log.firstSize);
    for (const f of Object.values(r.types)) {
      expect(f.p50).toBeLessThanOrEqual(f.p95);
      expect(f.p95).toBeLessThanOrEqual(f.p99);
      expect(f.throughput.reduce((a, b) => a + b, 0)).toBe(f.count);
    }
    expect(r.calibration.map((c) => c.operation)).toEqual([
      'write',
      'proof',
      'tile',
      'results-proof',
    ]);
    for (const c of r.calibration) {
      expect(c.requests).toBeGreaterThan(0);
      // The API process did the work; its CPU is measured.
      expect(c.cpuPerRequest.api).toBeGreaterThan(0);
    }
    if (fresh)
      expect(
        r.calibration.find((c) => c.operation === 'write')!.cpuPerRequest.postgres,
      ).toBeGreaterThan(0);
    expect(r.capacity.map((c) => c.stage)).toHaveLength(3);
    expect(r.capacity[0]!.apiNodes).toBeGreaterThanOrEqual(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Capacity model');
    expect(html).toContain('API nodes');
    expect(html).toContain('PASSED');
    expect(html).toContain('<svg');
    // Self-contained: nothing fetched from elsewhere.
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  it('runs voter-check: demo voters registered, each found by their self-check, unknown NIKs not', async () => {
    const out = join(dir, 'voter-check');
    const io = capture();
    const code = await main(
      [
        'loadtest',
        '--url',
        served.url,
        '--scenario',
        'voter-check',
        '--out',
        out,
        '--tps',
        '1',
        '--voters',
        '12',
        '--duration',
        '3',
        '--rate',
        '30',
        '--vus',
        '8',
      ],
      io,
    );
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(r.sampleErrors).toEqual([]);
    expect(r.types['self-check']!.count).toBeGreaterThan(0);
    expect(r.types['self-check']!.errors).toBe(0);
    expect(r.summary.errors).toBe(0);
    expect(r.log.failures).toEqual([]);
    // A 3-second run at 30/s offers too little for the stage's throughput floor,
    // and latency on a shared machine is not this test's business: only those may fail.
    expect(code).toBe(r.summary.thresholdsPassed ? 0 : 1);
    const failed = r.thresholds.filter((t) => !t.passed).map((t) => t.name);
    expect(failed.filter((n) => !/^http_reqs rate|^http_req_duration/.test(n))).toEqual([]);
    expect(r.summary.lostWrites).toBe(0);
  });

  it.skipIf(TEST_DB_KIND !== 'postgres')(
    '--baseline: puts the plain Hono + pg write beside the ledgered one, driven the same way',
    async () => {
      const out = join(dir, 'baseline');
      const io = capture();
      const code = await main(
        [
          'loadtest',
          '--url',
          served.url,
          '--scenario',
          'smoke',
          '--out',
          out,
          '--tps',
          '2',
          '--duration',
          '3',
          '--server-pid',
          String(served.proc.pid),
          '--calibrate',
          '1',
          '--database',
          fresh!.url!,
          '--baseline',
        ],
        io,
      );
      const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      // Latency and throughput floors are not this test's business on a shared machine.
      expect(code).toBe(r.summary.thresholdsPassed ? 0 : 1);
      expect(r.summary.lostWrites).toBe(0);
      expect(r.log.failures).toEqual([]);
      const sb = r.sideBySide!;
      expect(sb.shape).toEqual({
        model: 'closed',
        durationS: 3,
        rate: expect.any(Number),
        rampS: 0,
        vus: 4,
      });
      for (const side of [sb.ledgered, sb.plain]) {
        expect(side.sampleErrors).toEqual([]);
        expect(side.errors).toBe(0);
        expect(side.requests).toBeGreaterThan(0);
        expect(side.rate).toBeGreaterThan(0);
        expect(side.p50).toBeLessThanOrEqual(side.p95);
        expect(side.p95).toBeLessThanOrEqual(side.p99);
        // The serving process and PostgreSQL's backends both did work, measured apart.
        expect(side.cpuMsPerWrite!.api).toBeGreaterThan(0);
        expect(side.cpuMsPerWrite!.postgres).toBeGreaterThan(0);
        expect(side.cpuMsPerWrite!.total).toBeCloseTo(
          side.cpuMsPerWrite!.api + side.cpuMsPerWrite!.recap + side.cpuMsPerWrite!.postgres,
          2,
        );
      }
      expect(sb.plain.cpuMsPerWrite!.recap).toBe(0);
      expect(sb.ratio.rate).toBeCloseTo(sb.ledgered.rate / sb.plain.rate, 1);
      expect(sb.ratio.writesPerCore).toBeGreaterThan(0);
      // The plain side stored one row per 201, in its own database; the
      // ledgered side's receipts were all found in the verified log (above).
      const { default: pg } = await import('pg');
      const base = new URL(fresh!.url!);
      base.pathname = `${base.pathname}_baseline`;
      const c = new pg.Client({ connectionString: base.href });
      await c.connect();
      const { rows } = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM baseline_submissions',
      );
      await c.end();
      expect(rows[0]!.n).toBe(sb.plain.requests - sb.plain.errors);
      expect(io.out).toMatch(/side by side: ledgered [\d.]+ writes\/s .* plain [\d.]+ writes\/s/);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('Side by side: ledgered write vs a plain write');
      expect(html).toContain('plain (Hono + pg)');
    },
  );

  it('refuses --baseline without --database (usage error)', async () => {
    const io = capture();
    expect(
      await main(['loadtest', '--url', served.url, '--scenario', 'smoke', '--baseline'], io),
    ).toBe(2);
    expect(io.err).toMatch(/--baseline needs --database/);
  });

  it('refuses an unknown scenario and a bad model with a usage error', async () => {
    for (const args of [
      ['--scenario', 'nope'],
      ['--scenario', 'smoke', '--model', 'half-open'],
    ]) {
      const io = capture();
      expect(await main(['loadtest', '--url', served.url, ...args], io)).toBe(2);
      expect(io.err).toMatch(/no scenario|--model/);
    }
  });
});

describe('saksi loadtest fixtures', () => {
  it('signs chains of versions the server accepts, as a k6 VU sends them', async () => {
    const file = join(dir, 'fixtures.json');
    const io = capture();
    const code = await main(
      [
        'loadtest',
        'fixtures',
        '--url',
        served.url,
        '--out',
        file,
        '--tps',
        '1',
        '--versions',
        '3',
        '--from',
        '3174',
      ],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const f = JSON.parse(readFileSync(file, 'utf8')) as FixtureFile;
    expect(f.format).toBe('saksi-loadtest-fixtures/1');
    const chain = f.chains[0]!;
    expect(chain.steps.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(chain.steps.map((s) => s.stage)).toEqual(['read', 'verified', 'corrected']);
    // What loadtest/k6/common.ts does: log in, upload the photo, send the versions in order.
    for (const [i, step] of chain.steps.entries()) {
      const login = await fetch(`${served.url}/v1/demo/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: step.role, area: step.area }),
      });
      const { token } = (await login.json()) as { token: string };
      if (i === 0) {
        const photo = await fetch(
          `${served.url}/v1/photos/${chain.photo!.sha256}?tps=${chain.tps}`,
          {
            method: 'PUT',
            headers: { 'content-type': chain.photo!.mediaType, authorization: `Bearer ${token}` },
            body: Buffer.from(chain.photo!.base64, 'base64'),
          },
        );
        expect(photo.status).toBe(201);
      }
      const res = await fetch(`${served.url}${step.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': step.idempotencyKey,
        },
        body: JSON.stringify(step.body),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });
});
