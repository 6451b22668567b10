/**
 * The servers' CPU profiles (node --cpu-prof): self time by component within a
 * window of the run, and its table for the results file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

export interface Profile {
  categories?: { category: string; percent: number }[];
  top?: { fn: string; percent: number }[];
}

export function profileTable(when: string, p: Profile | undefined, workers: number): string {
  if (!p?.categories) return '';
  return [
    '',
    `## Server CPU profile (node --cpu-prof, all ${workers} workers), self time during ${when}`,
    '',
    '| component | % of busy CPU |',
    '| --- | --- |',
    ...p.categories.map((c) => `| ${c.category} | ${c.percent} |`),
    '',
    '| function | % |',
    '| --- | --- |',
    ...(p.top ?? [])
      .slice(0, 20)
      .map((c) => `| \`${c.fn.replaceAll('|', '\\|')}\` | ${c.percent} |`),
    '',
  ].join('\n');
}
