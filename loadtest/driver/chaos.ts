/**
 * `saksi loadtest --chaos` (issue #14: "kills and restarts an API worker and the
 * sequencer process at random times (bounded), and the run still loses
 * nothing"). The server is `saksi serve --workers N` on this machine: its
 * primary restarts a worker that dies (cli/commands/serve.ts), and the
 * sequencer is whichever API worker holds the PostgreSQL advisory lock
 * (ledger/sequencer.ts), so killing it makes another worker take over.
 *
 * The kills are SIGKILL (no clean shutdown: in-flight requests get no answer,
 * the sequencer's session ends with its socket), at seeded times spread over
 * the middle of the run, alternating "an API worker that does not lead" and
 * "the sequencer" (found through pg_locks when the database URL is known).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';

/** The sequencer's lock (ledger/sequencer.ts DEFAULT_LOCK, "SEQ1"): pg_locks shows it as objid. */
const SEQUENCER_LOCK = 0x5345_5131;

export type ChaosTarget = 'api' | 'sequencer';

export interface ChaosKill {
  /** Seconds into the load. */
  atS: number;
  target: ChaosTarget;
  /** The process killed; 0 if none was found (a kill skipped). */
  pid: number;
  /** Whether a new process took its place (the primary forked a worker) within 30 s. */
  replaced: boolean;
  note?: string;
}

export interface ChaosPlan {
  times: { atS: number; target: ChaosTarget }[];
}

/**
 * Kill times: one every 30 s of load (at least 2, at most 20), each at a seeded
 * point of its own slot within 10 %–85 % of the run, so kills never bunch
 * together and none falls in the ramp's first seconds or the final drain.
 */
export function chaosPlan(durationS: number, rnd: () => number): ChaosPlan {
  const n = Math.max(2, Math.min(20, Math.floor(durationS / 30)));
  const start = durationS * 0.1;
  const slot = (durationS * 0.75) / n;
  return {
    times: Array.from({ length: n }, (_, i) => ({
      atS: Math.round((start + slot * (i + 0.2 + 0.6 * rnd())) * 10) / 10,
      target: i % 2 === 0 ? 'api' : 'sequencer',
    })),
  };
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The API workers of `primary` (children with SAKSI_NODE_ROLE=api). */
export function apiWorkers(primary: number): number[] {
  return workersWithRole(primary, 'api');
}

/** The children of `primary` whose environment says SAKSI_NODE_ROLE=`role`. */
export function workersWithRole(primary: number, role: 'api' | 'recap'): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || parentOf(Number(d)) !== primary) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      // Cluster workers run bin/saksi.js; a helper child (tsx's esbuild) inherits the env too.
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1');
      if (env.split('\0').includes(`SAKSI_NODE_ROLE=${role}`) && /saksi/.test(cmd))
        out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out.sort((a, b) => a - b);
}

/** Socket inodes bound to local TCP port `port` (/proc/net/tcp and tcp6, proc(5)). */
function socketInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[9]) out.add(cols[9]);
    }
  }
  return out;
}

/** Which of `pids` holds a socket with one of `inodes`. */
function ownerOf(pids: number[], inodes: Set<string>): number | undefined {
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/**
 * The API worker that leads the sequencer: the backend holding the lock in
 * pg_locks, its client's TCP port, the worker owning that socket.
 */
export async function sequencerPid(
  databaseUrl: string,
  workers: number[],
): Promise<number | undefined> {
  const c = new pg.Client({ connectionString: databaseUrl });
  try {
    await c.connect();
    const { rows } = await c.query<{ port: number | null }>(
      `SELECT a.client_port AS port
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = 0
          AND l.objid = $1 AND a.datname = current_database()`,
      [SEQUENCER_LOCK],
    );
    const port = rows[0]?.port;
    if (!port || port < 0) return undefined;
    return ownerOf(workers, socketInodes(port));
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Carries out `plan` against the server whose primary is `primary`, from `t0`
 * (performance.now() at the load's start) until `signal` aborts; returns what
 * was killed. Never kills the primary, the recap process or PostgreSQL.
 */
export async function runChaos(o: {
  plan: ChaosPlan;
  primary: number;
  databaseUrl: string | undefined;
  t0: number;
  rnd: () => number;
  signal: AbortSignal;
  onKill?: (k: ChaosKill) => void;
}): Promise<ChaosKill[]> {
  const kills: ChaosKill[] = [];
  for (const step of o.plan.times) {
    const wait = o.t0 + step.atS * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    if (o.signal.aborted) break;
    const workers = apiWorkers(o.primary);
    const leader = o.databaseUrl ? await sequencerPid(o.databaseUrl, workers) : undefined;
    let pid: number | undefined;
    let note: string | undefined;
    if (step.target === 'sequencer') {
      pid = leader;
      if (pid === undefined) note = 'no sequencer found (needs --database); none killed';
    } else {
      // An API worker other than the leader, so that the two kinds differ.
      const others = workers.filter((p) => p !== leader);
      pid = others[Math.floor(o.rnd() * others.length)];
      if (pid === undefined) note = 'no API worker found; none killed';
    }
    const kill: ChaosKill = {
      atS: Math.round(((performance.now() - o.t0) / 1000) * 10) / 10,
      target: step.target,
      pid: pid ?? 0,
      replaced: false,
      ...(note ? { note } : {}),
    };
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        kill.note = `kill failed: ${(e as Error).message}`;
      }
      // The primary forks a new worker: wait until there are as many as before.
      for (let i = 0; i < 120 && !kill.replaced; i++) {
        await sleep(250);
        const now = apiWorkers(o.primary);
        kill.replaced = now.length >= workers.length && !now.includes(pid);
      }
    }
    kills.push(kill);
    o.onKill?.(kill);
  }
  return kills;
}
