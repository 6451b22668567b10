/**
 * Starting and stopping the baseline server (./server.ts) as a child process
 * for `saksi loadtest --baseline`: against its own database on the same
 * PostgreSQL as Saksi, so that the CPU of its backends is told apart
 * (loadtest/driver/cpu.ts counts the backends of one database).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type TokenKeys, tokenKeys } from './jwt.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface Baseline {
  proc: ChildProcess;
  pid: number;
  url: string;
  databaseUrl: string;
  keys: TokenKeys;
  stop(): Promise<void>;
}

/**
 * The baseline's database beside Saksi's: `databaseUrl` with `_baseline`
 * added to its database name, created if missing (the PostgreSQL role must be
 * allowed to create databases).
 */
export async function baselineDatabase(databaseUrl: string): Promise<string> {
  const u = new URL(databaseUrl);
  const name = `${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}_baseline`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`cannot name a database ${name}`);
  u.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return u.href;
}

export function startBaseline(databaseUrl: string, port = 0): Promise<Baseline> {
  const keys = tokenKeys();
  const proc = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', String(port)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SAKSI_BASELINE_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const stop = () =>
    new Promise<void>((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return r();
      proc.once('exit', () => r());
      proc.kill('SIGTERM');
    });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(new Error(`the baseline server did not start: ${out} ${err}`));
    }, 60_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        done({ proc, pid: proc.pid!, url, databaseUrl, keys, stop });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the baseline server exited ${code}: ${out} ${err}`));
    });
  });
}
