// `saksi serve` that cannot listen (issue #10): on a port already in use it
// exits non-zero at once with a clear message and lets go of its data directory,
// so that the next start on a free port with the same --data works. The same
// holds when the port is taken between the command's first look and the
// server's listen (startServer in-process), and for `--workers`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListenError, loadConfig, startServer } from '../api/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';
import { SAKSI_BIN, startServe, stopProcess } from '../test/saksi-process.ts';

let dir: string;
let fresh: FreshDb | undefined;
let busy: Server;
let busyPort: number;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saksi-serve-start-'));
  env = { ...process.env, SAKSI_LOG_ORIGIN: 'start.saksi.localhost/log', SAKSI_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close();
    env.DATABASE_URL = fresh.url;
  }
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  if (fresh) await fresh.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `saksi …` to its end (or kills it after `limitMs`, code null). */
function run(args: string[], limitMs: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((done) => {
    const p = spawn(process.execPath, [SAKSI_BIN, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), limitMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

describe('saksi serve on a port already in use', () => {
  it('exits 1 at once with a clear message; the next start on a free port with the same --data works', {
    timeout: 120_000,
  }, async () => {
    const r = await run(['serve', '--port', String(busyPort), '--data', dir], 30_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(
      `saksi: cannot listen on 127.0.0.1:${busyPort}: the port is already in use (another saksi serve?); choose another with --port\n`,
    );
    // Said before the database was opened (no waiting for migrations): the data
    // directory holds no database, and no lock.
    expect(existsSync(join(dir, 'pgdata'))).toBe(false);
    expect(existsSync(join(dir, 'pgdata.lock'))).toBe(false);
    expect(r.ms).toBeLessThan(30_000);

    const { proc, url } = await startServe(['--port', '0', '--data', dir], env);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      expect(await stopProcess(proc)).toBe(0);
    }
  });

  it('startServer taken over at listen time closes everything it opened', {
    timeout: 180_000,
  }, async () => {
    // The data directory of the test above, its database already made.
    const config = (port: number) =>
      loadConfig({
        dataDir: dir,
        port,
        origin: 'start.saksi.localhost/log',
        databaseUrl: env.DATABASE_URL,
      });
    const failed = startServer(config(busyPort));
    await expect(failed).rejects.toBeInstanceOf(ListenError);
    await expect(failed).rejects.toMatchObject({ code: 'ADDRESS_IN_USE' });
    // With PGlite the data directory's lock was released: held by this same
    // process it would be refused ("in use by process <pid>").
    expect(existsSync(join(dir, 'pgdata.lock'))).toBe(false);
    const server = await startServer(config(0));
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('saksi serve --workers that cannot start', () => {
  it('exits 1 on a port in use', { timeout: 60_000 }, async () => {
    const r = await run(
      ['serve', '--port', String(busyPort), '--data', dir, '--workers', '2'],
      30_000,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is already in use/);
  });

  it('exits 1 when its API processes cannot open the database, instead of waiting forever', {
    timeout: 120_000,
  }, async () => {
    const r = await run(['serve', '--port', '0', '--data', dir, '--workers', '2'], 100_000, {
      DATABASE_URL: `${fresh!.url}_does_not_exist`,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/an API process could not start; stopping/);
  });
});
