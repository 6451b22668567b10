/**
 * PostgreSQL around a benchmark: a scratch database per run, the server's
 * settings, the backends working for a database (for their CPU), which API
 * process leads, and what the backends were running (pg_stat_activity).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';
import { now, sleep } from './common.ts';

export const PG_ADMIN =
  process.env.SAKSI_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A scratch database made for one run, dropped after it. */
export interface ScratchDb {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createDb(bench: string): Promise<ScratchDb> {
  const name = `saksi_bench_${bench}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    name,
    url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function pgSettings(): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  const { rows } = await c.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN
      ('fsync','synchronous_commit','shared_buffers','max_connections','wal_level','commit_delay')`,
  );
  const v = (await c.query<{ version: string }>('SELECT version()')).rows[0]!.version;
  await c.end();
  return {
    version: v.split(' on ')[0]!,
    ...Object.fromEntries(
      rows.map((r) => [r.name, r.unit ? `${r.setting} ×${r.unit}` : r.setting]),
    ),
  };
}

/** PostgreSQL processes working for `db`, plus the shared WAL writer and checkpointer. */
export async function pgPids(client: pg.Client, db: string): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    [db],
  );
  return rows.map((r) => r.pid);
}

/**
 * The API process that leads (sequencer and recap publisher): the one holding
 * the socket of the PostgreSQL session that holds the sequencer's advisory lock.
 */
export async function leaderPid(
  admin: pg.Client,
  db: string,
  pids: number[],
): Promise<number | null> {
  const { rows } = await admin.query<{ port: number }>(
    `SELECT a.client_port AS port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1`,
    [db],
  );
  const port = rows[0]?.port;
  if (!port) return null;
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && Number.parseInt(cols[1]!.split(':')[1]!, 16) === port)
        inodes.add(cols[9]!);
    }
  }
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

/**
 * Samples pg_stat_activity of one database every 100 ms on its own connection:
 * which statements its backends are running (or waiting in), as a share of the
 * samples — PostgreSQL's side of "where the time goes", without an extension.
 */
export function pgActivitySampler(url: string, db: string) {
  const c = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const done = (async () => {
    await c.connect();
    while (!stopped) {
      const t0 = now();
      const { rows } = await c.query<{ q: string; w: string }>(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q,
                coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w
           FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [db],
      );
      samples++;
      for (const r of rows) {
        const k = `${r.q} [${r.w}]`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      await sleep(Math.max(0, 100 - (now() - t0)));
    }
    await c.end();
  })();
  return {
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
      const busy = [...counts.values()].reduce((a, b) => a + b, 0);
      return {
        samples,
        /** Mean number of active backends. */
        meanActive: busy / Math.max(1, samples),
        top: [...counts]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([what, n]) => ({
            what,
            percent: Number(((100 * n) / Math.max(1, busy)).toFixed(1)),
          })),
      };
    },
  };
}
