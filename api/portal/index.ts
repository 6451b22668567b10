/**
 * The public portal (issue #15, DOMAIN.md applications 13 and part of 12):
 * server-rendered pages at `/` and under `/portal/`, Indonesian first and
 * English with `?lang=en`, that show results, the log, a voter's self-check,
 * campaign finance and anomalies, and let anyone verify every number in their
 * own browser with the verifier of ledger/verifier (portal/ holds its script).
 *
 * The pages read only public API routes of this app (./data.ts). They are
 * mounted as two routes of the app, `GET /` and `GET /portal/*` (one policy
 * reason in api/route-actions.ts covers them); the pages are routed here.
 */
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppVariables } from '../auth/principal.ts';
import { anomaliesPage } from './anomalies.ts';
import { AREA, areaPage, TPS } from './area.ts';
import { portalBundle } from './bundle.ts';
import { type Fetch, PortalData } from './data.ts';
import { downloadsPage, offlineVerifier } from './downloads.ts';
import { financePage } from './finance.ts';
import { homePage } from './home.ts';
import { langOf, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';
import { logExplorerPage } from './log-explorer.ts';
import { cacheable } from './respond.ts';
import { seatsPage } from './seats.ts';
import { selfCheckPage } from './self-check.ts';
import { PORTAL_CSS } from './style.ts';
import { tpsPage } from './tps.ts';

export { portalBundle } from './bundle.ts';
export { PAGE_CSP } from './respond.ts';

export interface PortalDeps {
  /** This app's own fetch (app.request): the portal reads the public routes through it. */
  fetch: Fetch;
  verifierKey: () => string;
  /** Witness cosignature keys the browser verifier requires (all of them). */
  witnessKeys?: () => readonly string[];
}

const CONTEST = /^(PPWP|DPR|DPD|DPRD_PROV|DPRD_KABKOTA)$/;
const HTML = 'text/html; charset=utf-8';
/** Assets change only with the code: a day, revalidated by ETag after. */
const ASSET_CACHE = 'public, max-age=86400';

type PageResult = { status: 200 | 400 | 404; body: Html };

export function portalRoutes(app: Hono<{ Variables: AppVariables }>, deps: PortalDeps): void {
  const data = new PortalData(deps.fetch);
  const inner = new Hono();
  const ctxOf = (c: Context): PageContext => {
    const url = new URL(c.req.url);
    url.searchParams.delete('lang');
    return {
      lang: langOf(c.req.query('lang')),
      verifierKey: deps.verifierKey(),
      witnesses: deps.witnessKeys?.() ?? [],
      path: url.pathname + url.search,
    };
  };
  const render = async (c: Context, r: PageResult) =>
    cacheable(c, String(await (r.body as Promise<HtmlEscapedString>)), HTML, r.status);
  const notFound = (ctx: PageContext, status: 400 | 404 = 404): PageResult => ({
    status,
    body: page(ctx, t(ctx.lang, status === 400 ? 'badRequest' : 'notFound'), html``),
  });

  inner.get('/', async (c) => render(c, { status: 200, body: await homePage(ctxOf(c), data) }));
  inner.get('/portal/hasil/:contest/:area', async (c) => {
    const ctx = ctxOf(c);
    const { contest, area } = c.req.param();
    if (!CONTEST.test(contest)) return render(c, notFound(ctx, 400));
    if (TPS.test(area)) return render(c, await tpsPage(ctx, data, contest, area));
    if (!AREA.test(area)) return render(c, notFound(ctx, 400));
    return render(c, await areaPage(ctx, data, contest, area));
  });
  inner.get('/portal/log', async (c) =>
    render(c, await logExplorerPage(ctxOf(c), data, c.req.query())),
  );
  inner.get('/portal/anomali/:contest', async (c) => {
    const contest = c.req.param('contest');
    if (!CONTEST.test(contest)) return render(c, notFound(ctxOf(c), 400));
    return render(c, await anomaliesPage(ctxOf(c), data, contest));
  });
  // The same page scoped to one area (./scope.ts): the nation's links here for the areas it did not reach.
  inner.get('/portal/anomali/:contest/:area', async (c) => {
    const { contest, area } = c.req.param();
    if (!CONTEST.test(contest) || !AREA.test(area)) return render(c, notFound(ctxOf(c), 400));
    return render(c, await anomaliesPage(ctxOf(c), data, contest, area));
  });
  inner.get('/portal/kursi/:contest', async (c) => {
    const contest = c.req.param('contest');
    if (!CONTEST.test(contest)) return render(c, notFound(ctxOf(c), 400));
    return render(c, await seatsPage(ctxOf(c), data, contest));
  });
  inner.get('/portal/dana-kampanye', async (c) => render(c, await financePage(ctxOf(c), data)));
  inner.get('/portal/cek-dpt', (c) => render(c, selfCheckPage(ctxOf(c))));
  const offlineOf = async (c: Context) =>
    offlineVerifier(await portalBundle(), deps.verifierKey(), new URL(c.req.url).origin);
  inner.get('/portal/unduh', async (c) =>
    render(c, downloadsPage(ctxOf(c), await portalBundle(), await offlineOf(c))),
  );
  inner.get('/portal/unduh/verifier.html', async (c) => {
    c.header('Content-Disposition', 'attachment; filename="saksi-verifier.html"');
    return cacheable(c, await offlineOf(c), HTML, 200, ASSET_CACHE);
  });
  inner.get('/portal/assets/portal.css', (c) =>
    cacheable(c, PORTAL_CSS, 'text/css; charset=utf-8', 200, ASSET_CACHE),
  );
  inner.get('/portal/assets/verify.js', async (c) =>
    cacheable(c, (await portalBundle()).js, 'text/javascript; charset=utf-8', 200, ASSET_CACHE),
  );
  inner.notFound((c) => render(c, notFound(ctxOf(c))));

  // The inner app's answer, with its headers set on the outer context: a
  // Response returned as is would get the API's default headers (its
  // `default-src 'none'` CSP) laid over its own.
  const bridge = async (c: Context) => {
    const r = await inner.fetch(c.req.raw);
    r.headers.forEach((v, k) => {
      c.header(k, v);
    });
    if (r.status === 304) return c.body(null, 304);
    return c.body(await r.arrayBuffer(), r.status as 200);
  };
  app.get('/', bridge);
  app.get('/portal/*', bridge);
}
