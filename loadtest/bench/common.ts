/**
 * Shared by the benchmarks: flag reading (`--name value`; `--quick` for a smaller
 * smoke run; positive numbers, underscores allowed: 1_000_000), verdicts and the
 * results table, a raw keep-alive HTTP connection, child processes and their CPU
 * from /proc, scratch PostgreSQL databases, the lost-receipt check, and the CPU
 * profile summariser.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PG_ADMIN =
  process.env.SAKSI_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();
export function benchArgs(argv: readonly string[]) {
  const quick = argv.includes('--quick');
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  /** `full` normally, `small` with --quick, or the flag's value. */
  const num = (name: string, full: number, small: number): number => {
    const v = get(name);
    // Defaults may be 0 (e.g. --rate: as fast as answered); a given value must be positive.
    if (v === undefined) return quick ? small : full;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
    return n;
  };
  return { quick, get, num };
}

/** A target a benchmark figure is held to. */
export interface Target {
  cmp: '>=' | '<=';
  value: number;
}

/** PASS or FALL SHORT against the figure's target; empty for context figures. */
export function verdict(f: { value: number; target?: Target | undefined }): string {
  if (!f.target) return '';
  const ok = f.target.cmp === '>=' ? f.value >= f.target.value : f.value <= f.target.value;
  return ok ? 'PASS' : 'FALL SHORT';
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** p50/p95/p99/max/mean of latencies already sorted ascending (ms). */
export function latencySummary(sorted: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sum / Math.max(1, sorted.length),
  };
}

/**
 * One keep-alive connection: writes a request, reads exactly one response
 * (Content-Length or chunked), and so on. No HTTP library in the way.
 */
export class Conn {
  private sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: Buffer }) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;
  closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.sock = this.open();
  }

  private open(): net.Socket {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.setKeepAlive(true);
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.parse();
    });
    s.on('error', (e) => this.fail(e));
    s.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed'));
    });
    return s;
  }

  private fail(e: Error): void {
    const f = this.failed;
    this.waiting = null;
    this.failed = null;
    f?.(e);
  }

  request(bytes: Buffer): Promise<{ status: number; body: Buffer }> {
    if (this.closed) {
      this.closed = false;
      this.buf = Buffer.alloc(0);
      this.sock = this.open();
    }
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.sock.write(bytes);
    });
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer;
    let used: number;
    if (cl) {
      const n = Number(cl[1]);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.subarray(end + 4, end + 4 + n);
      used = end + 4 + n;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return;
        const size = Number.parseInt(this.buf.toString('latin1', at, eol), 16);
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) {
          used = eol + 4;
          break;
        }
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = Buffer.alloc(0);
      used = end + 4;
    }
    this.buf = this.buf.subarray(used);
    const done = this.waiting;
    this.waiting = null;
    this.failed = null;
    if (/\r\nconnection:\s*close/i.test(head)) this.sock.end();
    done({ status, body });
  }

  close(): void {
    this.sock.destroy();
  }
}

// ─────────────────────────── processes and /proc ────────────────────────────

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

// ─────────────────────────────── PostgreSQL ─────────────────────────────────

export async function createDb(
  bench: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
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

// ──────────────────────────────── reporting ─────────────────────────────────

export interface Figure {
  step: string;
  what: string;
  value: number;
  unit: string;
  target?: Target;
  note?: string;
}

export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  const digits = v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`.trim();
}
/**
 * Writes bench-results/<name>.json (machine, targets, figures with verdicts, the
 * rest of `data`, failures) and <name>.md; a failure makes the exit code 1.
 */
export function writeBenchResults(
  root: string,
  name: string,
  md: string,
  report: { machine: unknown; targets: unknown; figures: Figure[]; failures: string[] },
  data: Record<string, unknown>,
): void {
  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const { machine, targets, figures, failures } = report;
  const json = {
    machine,
    targets,
    figures: figures.map((f) => ({ ...f, verdict: verdict(f) || undefined })),
    ...data,
    failures,
  };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.md`), md);
  console.log(`wrote ${join(outDir, `${name}.json`)} and ${name}.md`);
  if (failures.length) process.exitCode = 1;
}

/** The figures of a run, each printed as it is recorded. */
export function figureLog(): { figures: Figure[]; record: (f: Figure) => void } {
  const figures: Figure[] = [];
  return {
    figures,
    record(f) {
      figures.push(f);
      console.log(`  ${row(f).join('  ')}`);
    },
  };
}

export function row(f: Figure): string[] {
  return [
    f.step,
    f.what,
    fmt(f.value, f.unit),
    f.target ? `${f.target.cmp === '>=' ? '≥' : '≤'} ${fmt(f.target.value, f.unit)}` : '',
    verdict(f),
    f.note ?? '',
  ];
}
export function table(rows: Figure[]): string {
  const head = ['step', 'figure', 'measured', 'target', 'verdict', 'notes'];
  return [head, head.map(() => '---'), ...rows.map(row)]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');
}

export async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

/** Receipts whose pendingId is not (yet) in ledger_entries with the receipt's hash. */
export async function waitIntegrated(
  c: pg.Client,
  receipts: [number, string][],
  timeoutMs: number,
): Promise<[number, string][]> {
  let left = receipts;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const still: [number, string][] = [];
    for (let i = 0; i < left.length; i += 20_000) {
      const chunk = left.slice(i, i + 20_000);
      const { rows } = await c.query<{ pending_id: string; leaf_hash: Buffer }>(
        'SELECT pending_id, leaf_hash FROM ledger_entries WHERE pending_id = ANY($1::int8[])',
        [chunk.map((r) => r[0])],
      );
      const found = new Map(
        rows.map((r) => [Number(r.pending_id), r.leaf_hash.toString('base64')]),
      );
      for (const r of chunk) if (found.get(r[0]) !== r[1]) still.push(r);
    }
    left = still;
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(250);
  }
}

// ──────────────────────────────── profiles ──────────────────────────────────

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/**
 * Who a sample's time belongs to: the nearest frame, walking up the stack,
 * that belongs to a library or to Saksi's code — so a socket write done for
 * pino counts as logging and one done for pg as the database client. Ed25519
 * and hashing are counted as crypto wherever they are called from.
 */
const OWNERS: [string, RegExp][] = [
  ['Cedar (Wasm)', /cedar|^wasm:\/\//],
  ['pg client (protocol, sockets)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-)/],
  [
    'pino logging (+ its writes)',
    /node_modules\/(pino|sonic-boom|fast-redact|thread-stream|@pinojs)/,
  ],
  ['ajv (validation)', /node_modules\/ajv/],
  ['prom-client (metrics)', /node_modules\/prom-client/],
  ['Hono + node-server (HTTP, JSON bodies)', /node_modules\/(hono|@hono)/],
  ['ledger/ (JCS, entries, store)', /\/ledger\//],
  ['policies/ (engine wrapper, decision cache)', /\/policies\//],
  ['api/auth (JWT, authenticate)', /\/api\/auth\//],
  ['api/ (write path, routes, platform)', /\/api\//],
];

function categorise(stack: ProfileNode[]): string {
  const self = stack[0]!.callFrame;
  if (self.functionName === '(idle)') return 'idle';
  if (self.functionName === '(garbage collector)') return 'GC';
  if (self.functionName === '(program)') return 'V8 / native (unattributed)';
  if (
    /internal\/crypto|@noble/.test(self.url) ||
    /^(verifyOneShot|signOneShot)$/.test(self.functionName)
  )
    return 'crypto (Ed25519, SHA-256)';
  for (const n of stack) for (const [name, re] of OWNERS) if (re.test(n.callFrame.url)) return name;
  if (/^node:/.test(self.url) || self.url === '') return 'node core (http server, streams, timers)';
  return 'other';
}

/**
 * Self time by component from the .cpuprofile files in `dir`, only samples
 * taken inside `window` (µs on the monotonic clock V8 and hrtime share on Linux).
 */
export function summariseProfiles(dir: string, window: [number, number]): Record<string, unknown> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return { error: 'no profile written' };
  }
  const byCat = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const prof = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      nodes: ProfileNode[];
      startTime: number;
      samples: number[];
      timeDeltas: number[];
    };
    const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, ProfileNode>();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const memo = new Map<number, string>();
    let t = prof.startTime;
    prof.samples.forEach((id, i) => {
      const dt = prof.timeDeltas[i] ?? 0;
      t += dt;
      if (t < window[0] || t > window[1]) return;
      const n = nodes.get(id);
      if (!n) return;
      let cat = memo.get(id);
      if (cat === undefined) {
        const stack: ProfileNode[] = [];
        for (let x: ProfileNode | undefined = n; x; x = parent.get(x.id)) stack.push(x);
        cat = categorise(stack);
        memo.set(id, cat);
      }
      byCat.set(cat, (byCat.get(cat) ?? 0) + dt);
      if (cat === 'idle') return;
      const { functionName: fn, url } = n.callFrame;
      const short = url.replace(/^.*\/(node_modules|main)\//, '').replace(/^file:\/\//, '');
      const k = `${fn || '(anonymous)'}${short ? ` ${short}` : ''} [${cat}]`;
      byFn.set(k, (byFn.get(k) ?? 0) + dt);
      total += dt;
    });
  }
  const pct = (us: number) => Number(((100 * us) / Math.max(1, total)).toFixed(1));
  return {
    files: files.length,
    windowSeconds: (window[1] - window[0]) / 1e6,
    busySeconds: total / 1e6,
    idleSeconds: (byCat.get('idle') ?? 0) / 1e6,
    categories: [...byCat]
      .filter(([k]) => k !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ category: k, percent: pct(us) })),
    top: [...byFn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([k, us]) => ({ fn: k, percent: pct(us) })),
  };
}
