// `saksi serve --workers N` (PostgreSQL): N API processes and one recap process.
// The demo's seeded forms reach the national totals through the recap process;
// killed, it is restarted; SIGTERM stops them all.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';

const BIN = resolve('bin/saksi.js');
let dir: string;
let fresh: FreshDb | undefined;

/** Child processes of `pid` whose environment says SAKSI_NODE_ROLE=<role>. */
function childrenWithRole(pid: number, role: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      if (
        readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`SAKSI_NODE_ROLE=${role}`)
      )
        out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function nationalTps(url: string): Promise<number> {
  const r = await fetch(`${url}/v1/results/PPWP/areas/ID`);
  if (r.status !== 200) return 0;
  return ((await r.json()) as { tps: { accepted: number } }).tps.accepted;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  for (
    const end = Date.now() + ms;
    Date.now() < end;
    await new Promise((r) => setTimeout(r, 250))
  ) {
    const v = await f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saksi-workers-'));
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close();
  }
});
afterAll(async () => {
  if (fresh) await fresh.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('saksi serve --workers', () => {
  it('runs the recap in its own process, restarts it, and stops on SIGTERM', async () => {
    const proc: ChildProcess = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--data', dir, '--demo', '--workers', '2'],
      {
        env: {
          ...process.env,
          DATABASE_URL: fresh!.url,
          SAKSI_LOG_ORIGIN: 'workers.saksi.localhost/log',
          SAKSI_DEMO_SEED: '2',
          SAKSI_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (err += d));
    try {
      const url = await until('listening', async () => /listening on (\S+)/.exec(out)?.[1]);
      expect(childrenWithRole(proc.pid!, 'api')).toHaveLength(2);
      const [recap] = await until('the recap process', async () => {
        const r = childrenWithRole(proc.pid!, 'recap');
        return r.length === 1 ? r : undefined;
      });
      // The demo seeds two TPS; the recap process publishes them up to the nation.
      await until('the seeded forms in the national totals', async () =>
        (await nationalTps(url)) >= 2 ? true : undefined,
      );

      process.kill(recap!, 'SIGKILL');
      const [again] = await until('a new recap process', async () => {
        const r = childrenWithRole(proc.pid!, 'recap');
        return r.length === 1 && r[0] !== recap ? r : undefined;
      });
      expect(again).not.toBe(recap);
      expect(err).toMatch(/the recap process exited .*; restarting it/);
    } finally {
      const code = await new Promise<number | null>((r) => {
        if (proc.exitCode !== null) r(proc.exitCode);
        proc.once('exit', (c) => r(c));
        proc.kill('SIGTERM');
      });
      expect(code, err).toBe(0);
    }
  }, 150_000);
});
