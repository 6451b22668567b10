/**
 * Child processes of a benchmark (the server, the load driver) and the CPU they
 * and the whole machine used, read from /proc (Linux).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './common.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used, or 0 if it is gone. */
export function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see what others used. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/**
 * Node's arguments for `saksi serve --demo` on an ephemeral port with `workers`
 * API processes and its data in `dataDir`; under node --cpu-prof when given a
 * profile directory (and a sampling interval in µs, Node's default 1,000 else).
 */
export function serveArgs(
  workers: number,
  dataDir: string,
  profile?: { dir: string; intervalUs?: number },
): string[] {
  return [
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile.dir] : []),
    ...(profile?.intervalUs ? ['--cpu-prof-interval', String(profile.intervalUs)] : []),
    join(ROOT, 'bin/saksi.js'),
    'serve',
    '--demo',
    '--port',
    '0',
    '--workers',
    String(workers),
    '--data',
    dataDir,
  ];
}

export interface Spawned {
  proc: ChildProcess;
  lines: string[];
  next(pred: (line: string) => boolean, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

/** A child whose stdout goes to a file (so reading it costs this process nothing). */
export function spawnLogged(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): Spawned {
  const fd = openSync(logFile, 'w');
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    lines: [],
    async next(pred, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const text = readFileSync(logFile, 'utf8');
        const hit = text.split('\n').find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null)
          throw new Error(`${cmd} exited ${proc.exitCode}: ${stderr.slice(-2000)}`);
        await sleep(50);
      }
      throw new Error(`${cmd}: timed out; stderr: ${stderr.slice(-2000)}`);
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The driver process: JSON lines on stdout. */
export function spawnDriver(
  script: string,
  jobFile: string,
): {
  proc: ChildProcess;
  /** Every event so far, in order (progress reports, say). */
  events: Record<string, unknown>[];
  next(event: string, timeoutMs: number): Promise<Record<string, unknown>>;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, '--child-driver', jobFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as Record<string, unknown>);
  });
  return {
    proc,
    events,
    async next(event, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const e = events.find((x) => x.event === event);
        if (e) return e;
        if (proc.exitCode !== null) throw new Error(`driver exited ${proc.exitCode}`);
        await sleep(2);
      }
      throw new Error(`driver: no ${event} within ${timeoutMs} ms`);
    },
  };
}

/**
 * SIGTERM to the cluster's primary, which passes it to the workers. A worker
 * that has closed everything still holds its IPC channel to the primary and does
 * not exit (cli/commands/serve.ts runNode returns without disconnecting), so after
 * a grace period the primary is killed; the workers then see the channel close
 * and exit, writing their CPU profiles. Waits for every one of them.
 */
export async function stopServer(server: Spawned): Promise<void> {
  const primary = server.proc.pid!;
  const all = [primary, ...childrenOf(primary)];
  if (server.proc.exitCode === null) server.proc.kill('SIGTERM');
  for (let i = 0; i < 50 && server.proc.exitCode === null; i++) await sleep(100);
  if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
  await server.stop();
  for (let i = 0; i < 300 && all.some(running); i++) await sleep(100);
}

/** Alive and not a zombie (an orphan's zombie may never be reaped here). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function envOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
