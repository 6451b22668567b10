/**
 * The public read surface control 6 scans (README "Endpoints"): every public
 * GET the API and the portal answer without a token, through the audit's HTTP
 * (the server's URL, or the app in-process in tests). Seeds are the fixed
 * routes and, per contest and per area where the database holds data (the
 * TPS of registered voters and of count forms, with their ancestors), the area,
 * results (with their history), voter-count and TPS-report reads; then every link a response names
 * (`/v1/…`, `/portal/…` in JSON, HTML and CSV) and every item of the public
 * lists (finance participants, audit reports, findings, stages) is followed,
 * up to a request budget and a few requests per route, so the scan stays
 * bounded on a national log. The log itself: the checkpoint, the key, the
 * first and last entry bundles and hash tiles, and the first and last entries
 * by index (the whole log is scanned entry by entry from the database).
 *
 * /openapi.json lists the public /v1 routes (`security: []`); those the scan
 * did not reach are reported, so a new public route is never silently left out.
 */
import type { Sql } from '../../ledger/index.ts';
import { formatTilePath } from '../../ledger/verifier/tilepath.ts';

const CONTESTS = ['PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA'];
const MAX_BODY_BYTES = 32 << 20;
const AREA_PREFIXES = [2, 4, 6, 10];
const TILE = 256;

export interface CrawlLimits {
  /** Requests in all. */
  maxRequests: number;
  /** Requests per route template (paths with the same shape). */
  perRoute: number;
}
export const DEFAULT_LIMITS: CrawlLimits = { maxRequests: 600, perRoute: 15 };

export interface CrawlResult {
  /** Responses scanned per route template, with their statuses and bytes. */
  routes: Record<string, { requests: number; statuses: Record<string, number>; bytes: number }>;
  requests: number;
  bytes: number;
  /** Public GET routes of /openapi.json the scan did not reach. */
  publicRoutesNotReached: string[];
  /** Whether the budget stopped the crawl before the queue was empty. */
  budgetExhausted: boolean;
}

/** The shape of a path: segments from the third on that hold a digit become `:x`; a tile's `.p/W` goes. */
export function routeOf(path: string): string {
  const [p, q] = path.split('?') as [string, string | undefined];
  const shape = p
    .replace(/\.p\/\d+$/, '')
    .split('/')
    .map((s, i) => (i >= 3 && /\d/.test(s) ? ':x' : s))
    .join('/');
  return q ? `${shape}?${q.replace(/=[^&]*/g, '=')}` : shape;
}

/**
 * Crawls the public surface; `scan(path, text)` is called once per response
 * with its body as text (UTF-8 for text types, Latin-1 for binary ones, so
 * ASCII inside a tile, a photo or a PDF is still seen).
 */
export async function crawlPublic(opts: {
  http(path: string): Promise<Response>;
  db?: Sql;
  logSize?: number;
  limits?: CrawlLimits;
  scan(path: string, text: string): void;
}): Promise<CrawlResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const seen = new Set<string>();
  const queue: string[] = [];
  const perRoute = new Map<string, number>();
  const result: CrawlResult = {
    routes: {},
    requests: 0,
    bytes: 0,
    publicRoutesNotReached: [],
    budgetExhausted: false,
  };
  const enqueue = (path: string) => {
    if (seen.has(path)) return;
    const route = routeOf(path);
    const n = perRoute.get(route) ?? 0;
    if (n >= limits.perRoute) return;
    perRoute.set(route, n + 1);
    seen.add(path);
    queue.push(path);
  };

  for (const p of [
    '/',
    '/portal/log',
    '/portal/dana-kampanye',
    '/portal/cek-dpt',
    '/portal/unduh',
    '/log/checkpoint',
    '/log/key',
    '/v1/contests',
    '/v1/finance/rules',
    '/v1/finance/participants',
    '/v1/finance/export.csv',
    '/v1/audit/reports',
    '/v1/audit/findings',
    '/v1/audit/stages',
  ])
    enqueue(p);
  for (const c of CONTESTS)
    for (const p of [
      `/v1/results/${c}/export.csv`,
      `/portal/anomali/${c}`,
      `/portal/kursi/${c}`,
      `/v1/contests/${c}/dapil`,
      `/v1/contests/${c}/ballot`,
    ])
      enqueue(p);
  for (const area of await areasWithData(opts.db)) {
    enqueue(`/v1/areas/${area}`);
    enqueue(`/v1/voters/counts/${area}`);
    enqueue(`/v1/voters/counts/${area}/proof`);
    const tps = area.length === 13;
    if (tps) enqueue(`/v1/tps-reports?tps=${area}`);
    for (const c of CONTESTS) {
      enqueue(tps ? `/v1/results/${c}/tps/${area}` : `/v1/results/${c}/areas/${area}`);
      if (tps) enqueue(`/v1/results/${c}/proof/${area}`);
      // Every published version of an area's total (the portal's jump check reads it).
      else enqueue(`/v1/results/${c}/history/${area}`);
      enqueue(`/portal/hasil/${c}/${area}`);
    }
  }
  const size = opts.logSize ?? 0;
  if (size > 0) {
    const last = Math.floor((size - 1) / TILE);
    const width = (i: number) => Math.min(TILE, size - i * TILE);
    for (const i of new Set([0, last])) {
      enqueue(`/log/${formatTilePath({ kind: 'entries', index: i, width: width(i) })}`);
      enqueue(`/log/${formatTilePath({ kind: 'hash', level: 0, index: i, width: width(i) })}`);
    }
    enqueue(`/v1/proofs/inclusion?index=0&size=${size}`);
    if (size > 1) enqueue(`/v1/proofs/consistency?from=1&to=${size}`);
    enqueue('/v1/ledger/entries/0');
    enqueue(`/v1/ledger/entries/${size - 1}`);
  }

  const decoder = new TextDecoder();
  while (queue.length > 0) {
    if (result.requests >= limits.maxRequests) {
      result.budgetExhausted = true;
      break;
    }
    const path = queue.shift()!;
    const res = await opts.http(path);
    result.requests++;
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > MAX_BODY_BYTES)
      throw new Error(`GET ${path}: more than ${MAX_BODY_BYTES} bytes`);
    const type = res.headers.get('content-type') ?? '';
    const textual = /^(text\/|application\/(json|javascript|xml|problem\+json))/.test(type);
    const text = textual ? decoder.decode(body) : Buffer.from(body).toString('latin1');
    const route = routeOf(path);
    const r = result.routes[route] ?? { requests: 0, statuses: {}, bytes: 0 };
    result.routes[route] = r;
    r.requests++;
    r.statuses[res.status] = (r.statuses[res.status] ?? 0) + 1;
    r.bytes += body.length;
    result.bytes += body.length;
    opts.scan(path, text);
    if (!textual || res.status !== 200) continue;
    for (const link of linksIn(text)) enqueue(link);
    if (type.startsWith('application/json')) for (const p of itemsOf(path, text)) enqueue(p);
  }

  result.publicRoutesNotReached = await notReached(opts.http, Object.keys(result.routes));
  return result;
}

/** Local GET links a response names: `/v1/…` and `/portal/…` after a quote, `(` or `=`. */
function linksIn(text: string): string[] {
  const out: string[] = [];
  // HTML writes `&` in attributes as `&amp;`.
  for (const m of text
    .replaceAll('&amp;', '&')
    .matchAll(/["'(=](\/(?:v1|portal)\/[A-Za-z0-9._~%/?=&:-]*)/g)) {
    const link = m[1]!;
    if (link.includes('{') || link.startsWith('/v1/demo/')) continue;
    out.push(link);
  }
  return out;
}

/** The public lists' items: each has a read of its own. */
const LISTS: Record<string, string> = {
  '/v1/finance/participants': 'participants',
  '/v1/audit/reports': 'reports',
  '/v1/audit/findings': 'findings',
  '/v1/audit/stages': 'stages',
};
function itemsOf(path: string, text: string): string[] {
  const key = LISTS[path];
  if (!key) return [];
  try {
    const items = (JSON.parse(text) as Record<string, unknown>)[key];
    if (!Array.isArray(items)) return [];
    return items
      .map((i) => (i as { id?: unknown }).id)
      .filter((id): id is string => typeof id === 'string' && /^[A-Za-z0-9@._:-]+$/.test(id))
      .map((id) => `${path}/${encodeURIComponent(id)}`);
  } catch {
    return [];
  }
}

/** TPS where voters are registered or forms counted, and the areas above them. */
async function areasWithData(db: Sql | undefined): Promise<string[]> {
  const out = new Set<string>(['ID']);
  if (!db) return [...out];
  const rows = await db.query<{ tps: string }>(
    `(SELECT DISTINCT tps FROM voter_changes LIMIT 3)
     UNION (SELECT DISTINCT tps FROM count_forms LIMIT 3)`,
  );
  for (const { tps } of rows) {
    for (const n of AREA_PREFIXES) out.add(tps.slice(0, n));
    out.add(tps);
  }
  return [...out];
}

/** Public GET routes in /openapi.json that no scanned path has the shape of. */
async function notReached(http: (p: string) => Promise<Response>, routes: string[]) {
  const res = await http('/openapi.json');
  if (res.status !== 200) {
    await res.body?.cancel();
    return [`/openapi.json answered ${res.status}: public routes not listed`];
  }
  const doc = (await res.json()) as {
    paths?: Record<string, Record<string, { security?: unknown[] }>>;
  };
  const out: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    const get = ops.get;
    if (!get || (get.security && get.security.length > 0)) continue;
    const re = new RegExp(
      `^${path
        .split(/\{[^}]+\}/)
        .map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}$`,
    );
    const reached = routes.some((r) => re.test(r.split('?')[0]!.replace(/:x/g, 'x')));
    if (!reached) out.push(`GET ${path}`);
  }
  return out.sort();
}
