/**
 * CPU seconds of the server's processes, read from /proc/<pid>/stat (utime +
 * stime, fields 14 and 15 of proc(5)) as bench:results does: the `saksi serve`
 * process and its cluster workers, each labelled by the part it plays
 * (SAKSI_NODE_ROLE: `api` or `recap`; the primary of one process plays every
 * part), and PostgreSQL's backends for the run's database (pg_stat_activity)
 * with its writers. Linux only; elsewhere every figure is 0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every Linux Node runs on. */
const CLK_TCK = 100;

export type ProcessGroup = 'api' | 'recap' | 'postgres';

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0;
}

function children(pid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const d of entries)
    if (/^\d+$/.test(d) && Number(statFields(Number(d))?.[1]) === pid) out.push(Number(d));
  return out;
}

function roleOf(pid: number): ProcessGroup {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    return /(?:^|\0)SAKSI_NODE_ROLE=recap(?:\0|$)/.test(env) ? 'recap' : 'api';
  } catch {
    return 'api';
  }
}

/** CPU seconds of each process seen, with the group it counts for, at `at` (performance.now()). */
export interface CpuSnapshot {
  at: number;
  procs: Map<number, { group: ProcessGroup; cpu: number }>;
}

/** Seconds of no load in which a server's idle CPU rate is measured (`idleRate`). */
export const IDLE_S = 3;

/** CPU seconds per second of wall time that the processes spend with no request: timers, polls. */
export type IdleRate = Record<ProcessGroup, number>;

export class CpuSampler {
  #pg: pg.Client | undefined;

  private constructor(
    private readonly serverPid: number | undefined,
    private readonly pgUrl: string | undefined,
  ) {}

  static create(o: { serverPid?: number; databaseUrl?: string }): CpuSampler {
    return new CpuSampler(o.serverPid, o.databaseUrl);
  }

  get measuring(): boolean {
    return this.serverPid !== undefined;
  }

  /** CPU seconds so far of each of the server's processes (none if no server was given). */
  async sample(): Promise<CpuSnapshot> {
    const out: CpuSnapshot['procs'] = new Map();
    const snap = { at: performance.now(), procs: out };
    if (this.serverPid === undefined) return snap;
    for (const pid of [this.serverPid, ...children(this.serverPid)])
      out.set(pid, {
        group: pid === this.serverPid && children(pid).length > 0 ? 'api' : roleOf(pid),
        cpu: cpuSeconds(pid),
      });
    if (this.pgUrl)
      for (const pid of await this.#pgPids())
        out.set(pid, { group: 'postgres', cpu: cpuSeconds(pid) });
    return snap;
  }

  /**
   * CPU seconds spent between two snapshots, per group, process by process: a
   * process that appeared since `before` counts whole (a restarted worker, a
   * new backend), one that is gone by `after` counts 0 — the CPU it spent
   * after `before` is lost with it, rather than its total being subtracted
   * (which made figures negative when a pool closed an idle backend). With
   * `idle`, what the processes spend doing nothing over the same wall time
   * is taken off: on a loaded machine a phase answers few requests, and the
   * idle processes' timers and polls would otherwise be charged to them.
   */
  static spent(
    before: CpuSnapshot,
    after: CpuSnapshot,
    idle?: IdleRate,
  ): Record<ProcessGroup, number> {
    const out: Record<ProcessGroup, number> = { api: 0, recap: 0, postgres: 0 };
    for (const [pid, a] of after.procs)
      out[a.group] += Math.max(0, a.cpu - (before.procs.get(pid)?.cpu ?? 0));
    if (idle) {
      const s = (after.at - before.at) / 1000;
      for (const g of Object.keys(out) as ProcessGroup[])
        out[g] = Math.max(0, out[g] - idle[g] * s);
    }
    return out;
  }

  /** The idle rate: `seconds` with no request sent (call it once the log is quiet). */
  async idleRate(seconds: number): Promise<IdleRate> {
    const before = await this.sample();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await this.sample();
    const spent = CpuSampler.spent(before, after);
    const s = (after.at - before.at) / 1000;
    return { api: spent.api / s, recap: spent.recap / s, postgres: spent.postgres / s };
  }

  /** Closes the connection that lists PostgreSQL's backends. */
  async close(): Promise<void> {
    const c = this.#pg;
    this.#pg = undefined;
    await c?.end().catch(() => undefined);
  }

  async #pgPids(): Promise<number[]> {
    // One connection kept for the sampler's life: a connection per sample
    // would add a backend's start-up to the CPU being measured.
    try {
      if (!this.#pg) {
        const c = new pg.Client({
          connectionString: this.pgUrl,
          application_name: 'saksi-loadtest-cpu',
        });
        c.on('error', () => undefined);
        await c.connect();
        this.#pg = c;
      }
      const { rows } = await this.#pg.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE (datname = current_database() AND pid <> pg_backend_pid())
             OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      );
      return rows.map((r) => r.pid);
    } catch {
      await this.close();
      return [];
    }
  }
}
