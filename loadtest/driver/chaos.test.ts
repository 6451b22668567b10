// `saksi loadtest --chaos` (issue #14): API workers and the sequencer killed
// with SIGKILL during a run of `saksi serve --workers 2` on PostgreSQL; the
// primary restarts them, requests with no answer are sent again with their
// Idempotency-Key, and the run still loses no write and the log verifies.
// Correctness only: no timing is asserted (the machine is shared).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import { SAKSI_BIN, stopProcess } from '../../test/saksi-process.ts';
import { seeded } from '../scenarios/index.ts';
import { apiWorkers, chaosPlan, workersWithRole } from './chaos.ts';
import type { Results } from './run.ts';

describe('the chaos plan', () => {
  it('is seeded, bounded, alternates API worker and sequencer, and stays inside the run', () => {
    for (const d of [10, 20, 60, 300, 3600]) {
      const a = chaosPlan(d, seeded(3));
      expect(a).toEqual(chaosPlan(d, seeded(3)));
      expect(a.times.length).toBe(Math.max(2, Math.min(20, Math.floor(d / 30))));
      a.times.forEach((t, i) => {
        expect(t.target).toBe(i % 2 === 0 ? 'api' : 'sequencer');
        expect(t.atS).toBeGreaterThanOrEqual(d * 0.1);
        expect(t.atS).toBeLessThanOrEqual(d * 0.85);
        if (i > 0) expect(t.atS).toBeGreaterThan(a.times[i - 1]!.atS);
      });
    }
    expect(chaosPlan(300, seeded(1))).not.toEqual(chaosPlan(300, seeded(2)));
  });
});

let dir: string;
let fresh: FreshDb | undefined;
let proc: ChildProcess | undefined;
let url = '';
let err = '';

beforeAll(async () => {
  if (TEST_DB_KIND !== 'postgres') return;
  dir = mkdtempSync(join(tmpdir(), 'saksi-chaos-'));
  fresh = await freshDb();
  await fresh.db.close();
  // A fixed port: a worker restarted under `--port 0` would get a port of its own.
  const port = await new Promise<number>((r) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => r(p));
    });
  });
  // SAKSI_NODE_ROLE=api: API workers only, no recap process (as infra/k8s runs them).
  proc = spawn(
    process.execPath,
    [
      SAKSI_BIN,
      'serve',
      '--port',
      String(port),
      '--data',
      join(dir, 'data'),
      '--demo',
      '--workers',
      '2',
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: fresh.url,
        SAKSI_DEMO_SEED: '0',
        SAKSI_NODE_ROLE: 'api',
        SAKSI_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  for (let i = 0; i < 480 && !url; i++) {
    await new Promise((r) => setTimeout(r, 250));
    url = /listening on (\S+)/.exec(out)?.[1] ?? '';
    if (proc.exitCode !== null) throw new Error(`serve exited: ${err}`);
  }
  if (!url) throw new Error(`serve did not start: ${out} ${err}`);
}, 150_000);

afterAll(async () => {
  if (proc) expect(await stopProcess(proc), err).toBe(0);
  if (fresh) await fresh.drop().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('saksi loadtest --chaos', () => {
  it('kills a worker and the sequencer; both are replaced; nothing is lost; the log verifies', async () => {
    // Both workers up (the second may still be starting when the first prints).
    for (let i = 0; i < 240 && apiWorkers(proc!.pid!).length < 2; i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(apiWorkers(proc!.pid!)).toHaveLength(2);
    const out = join(dir, 'chaos');
    const lines: string[] = [];
    const io = { stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(s) };
    const code = await main(
      [
        'loadtest',
        '--url',
        url,
        '--scenario',
        'smoke',
        '--duration',
        '20',
        '--tps',
        '2',
        '--server-pid',
        String(proc!.pid),
        '--database',
        fresh!.url!,
        '--calibrate',
        '1',
        '--chaos',
        '--out',
        out,
      ],
      io,
    );
    expect(code === 0 || code === 1, lines.join('\n')).toBe(true);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(r.chaos, lines.join('\n')).toBeDefined();
    const kills = r.chaos!.kills;
    expect(kills.map((k) => k.target)).toEqual(['api', 'sequencer']);
    for (const k of kills) {
      expect(k.pid, JSON.stringify(k)).toBeGreaterThan(0);
      expect(k.replaced, JSON.stringify(k)).toBe(true);
    }
    // The primary said so, and ran no recap process.
    expect(err).toMatch(/an API process exited \(SIGKILL\); restarting it/);
    expect(workersWithRole(proc!.pid!, 'recap')).toEqual([]);
    // What the run promises: every 201 receipt integrated, the log consistent throughout.
    expect(
      r.summary.lostWrites,
      JSON.stringify({ log: r.log, errors: r.sampleErrors, chaos: r.chaos }),
    ).toBe(0);
    expect(r.log.failures).toEqual([]);
    expect(r.log.lastSize).toBeGreaterThan(r.log.firstSize);
    expect(r.types.correction!.count + r.types.form!.count).toBeGreaterThan(0);
    // A request whose worker died was resent, not failed.
    expect(r.sampleErrors).toEqual([]);
    // Latency during kills on a shared machine is not this test's business:
    // only timing thresholds may fail (the chaos and log ones must hold).
    const failed = r.thresholds.filter((t) => !t.passed).map((t) => t.name);
    expect(failed.filter((n) => !/^http_reqs rate|^http_req_duration/.test(n))).toEqual([]);
    expect(code).toBe(failed.length === 0 ? 0 : 1);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Chaos</h2>');
  }, 240_000);
});
