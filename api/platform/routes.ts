/**
 * The platform around every domain: authentication on /v1, per-principal and
 * per-IP rate limits on writes, request metrics, /metrics, /openapi.json, the
 * identity routes, and each domain's routes.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Db } from '../../ledger/index.ts';
import type { AuthEnv } from '../auth/authenticate.ts';
import type { AppVariables } from '../auth/principal.ts';
import type { DbDeviceRegistry } from '../domains/devices/index.ts';
import { deviceRoutes } from '../domains/devices/index.ts';
import { photoRoutes } from '../domains/photos/index.ts';
import { type Registry, registryRoutes } from '../domains/registry/index.ts';
import { resultsRoutes } from '../domains/results/index.ts';
import { tpsReportRoutes } from '../domains/tps-reports/index.ts';
import { ApiError } from '../errors.ts';
import { openApiDocument } from '../openapi.ts';
import type { WriteServices } from '../write/ledgered-write.ts';
import type { Metrics } from './metrics.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface PlatformDeps {
  db: Db;
  authenticate: MiddlewareHandler<AuthEnv>;
  /** Login, officers, demo tokens (api/identity). */
  identity: Hono<AuthEnv>;
  writes: WriteServices;
  /** The election registry (areas, contests, ballots), kept current (registry/shared.ts). */
  registry: Registry;
  devices: DbDeviceRegistry;
  officerArea: (officerId: string) => Promise<string | null>;
  metrics: Metrics;
  /** Writes per officer and per client IP; logins per client IP (each costs a scrypt). */
  limits: { perPrincipal: RateLimiter; perIp: RateLimiter; loginPerIp: RateLimiter };
  version: string;
  /** One JSON line per request, with its request ID; secrets redacted (logger.ts). */
  logger: Logger;
  /** Further routes that need the runtime (key rotation). */
  extraRoutes?: ((app: Hono<{ Variables: AppVariables }>) => void)[];
}

type App = Hono<{ Variables: AppVariables }>;

export function platformRoutes(app: App, deps: PlatformDeps): void {
  const { metrics } = deps;
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Route patterns, not paths, keep label cardinality bounded.
    const route = c.req.routePath || 'unmatched';
    metrics.requests.inc({ route, method: c.req.method, status: String(c.res.status) });
    const ms = performance.now() - started;
    metrics.latency.observe({ route, method: c.req.method }, ms / 1000);
    const principal = c.get('principal');
    deps.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(ms * 10) / 10,
        principal: principal.kind === 'officer' ? principal.id : 'public',
      },
      'request',
    );
  });
  app.use('/v1/*', deps.authenticate);
  app.use('/v1/*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const principal = c.get('principal');
    const ip = clientIp(c.env) ?? 'unknown';
    const login = c.req.path === '/v1/auth/login' ? deps.limits.loginPerIp.take(`login:${ip}`) : 0;
    const wait = Math.max(
      login,
      deps.limits.perIp.take(`ip:${ip}`),
      principal.kind === 'officer' ? deps.limits.perPrincipal.take(`officer:${principal.id}`) : 0,
    );
    if (wait > 0)
      throw new ApiError(429, 'RATE_LIMITED', 'too many requests; slow down', {
        'Retry-After': String(wait),
      });
    return next();
  });
  app.get('/metrics', async (c) => {
    const log = deps.writes.store;
    const [size, appended, [mark]] = await Promise.all([
      log.checkpoint().then((cp) => cp?.size ?? 0),
      log.appendedCount(),
      deps.db.query<{ recap: number }>(
        'SELECT coalesce((SELECT next_index FROM recap_watermark), 0) AS recap',
      ),
    ]);
    metrics.logSize.set(size);
    metrics.sequencerLag.set(Math.max(0, appended - size));
    metrics.recapLag.set(Math.max(0, size - Number(mark?.recap ?? 0)));
    return c.body(await metrics.registry.metrics(), 200, {
      'Content-Type': metrics.registry.contentType,
    });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(deps.version)));
  app.route('/', deps.identity as unknown as App);
  deviceRoutes(app, deps.writes, deps.devices, deps.officerArea);
  tpsReportRoutes(app, deps.writes, deps.db);
  registryRoutes(app, deps.db);
  resultsRoutes(app, {
    writes: deps.writes,
    db: deps.db,
    store: deps.writes.store,
    registry: deps.registry,
  });
  photoRoutes(app, { db: deps.db, writes: deps.writes, limits: deps.limits });
  for (const mount of deps.extraRoutes ?? []) mount(app);
}

function clientIp(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}
