/**
 * The Hono application: request IDs, secure headers, CORS for public reads, body
 * limits, error mapping, and the routes of every area that exists so far.
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CanonicalError, LedgerError, type LedgerStore } from '../ledger/index.ts';
import { PUBLIC } from './auth/authenticate.ts';
import type { AppVariables } from './auth/principal.ts';
import { CONTEST_IDS } from './domains/registry/contests.ts';
import { ApiError, errorBody, respondError } from './errors.ts';
import { type Health, healthRoutes } from './health.ts';
import { ledgerErrorToApi, logRoutes } from './log/routes.ts';
import { type PlatformDeps, platformRoutes } from './platform/routes.ts';
import { portalRoutes } from './portal/index.ts';
import { CommitFailedError, OverloadedError } from './write/group-commit.ts';

export interface AppDeps {
  store: LedgerStore;
  verifierKey: string | (() => string);
  /** The note /log/checkpoint serves, when witnesses cosign it (./log/witnesses.ts). */
  checkpoint?: () => Promise<string | null>;
  health: Health;
  /** Where unexpected errors are reported (the request ID ties them to the 500). */
  logError?: (e: unknown, requestId: string) => void;
  /** Operational messages that public answers leave out (a failing readiness check's detail). */
  log?: (message: string) => void;
  /** Authentication, writes and domains; absent in a log-only (read) app. */
  platform?: PlatformDeps;
  /** Witness cosignature keys the portal's browser verifier requires (api/portal). */
  witnessKeys?: () => readonly string[];
}

export const MAX_BODY_BYTES = 1 << 20;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PUBLIC_READ = new RegExp(
  `^/(log/|v1/proofs/|v1/ledger/entries/|v1/areas/|v1/contests(/|$)|v1/results/(${CONTEST_IDS.join('|')})/|v1/photos/|v1/tps-reports$|v1/voters/counts/|v1/audit/|v1/finance/(rules$|participants|export\\.csv$|documents/)|healthz$|readyz$)`,
);
/** Public data, fetched from anywhere (observers' browsers): reads only, never writes. */
const isPublicRead = (method: string, path: string) =>
  (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') && PUBLIC_READ.test(path);

/** Writes that need no token: they are how a client gets one. */
const PUBLIC_WRITES: ReadonlySet<string> = new Set([
  '/v1/auth/login',
  '/v1/demo/token',
  // A person's check of their own voter record (NIK and name in the body, never the URL).
  '/v1/voters/self-check',
]);

/** What hono/secure-headers sets by default, for a JSON and binary API. */
const SECURE_HEADERS: readonly [string, string][] = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

export function createApp(deps: AppDeps): Hono<{ Variables: AppVariables }> {
  const app = new Hono<{ Variables: AppVariables }>();

  // Headers are set before next(): setting one on a finished response makes the
  // Node adapter materialise a full Response object, which costs more than the
  // proof it carries (measured: 23k → 7k requests/s on /healthz).
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.set('principal', PUBLIC);
    c.header('X-Request-Id', id);
    for (const [k, v] of SECURE_HEADERS) c.header(k, v);
    // The log and proofs are public data meant to be fetched from anywhere
    // (browsers running the verifier included); write routes get no CORS.
    if (isPublicRead(c.req.method, c.req.path)) c.header('Access-Control-Allow-Origin', '*');
    await next();
  });
  app.options('*', (c) => {
    if (!isPublicRead('OPTIONS', c.req.path))
      return c.json(errorBody('NOT_FOUND', 'no CORS for this route'), 404);
    c.header('Access-Control-Allow-Methods', 'GET, HEAD');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  });
  // An anonymous write is refused from its headers before a byte of its body is
  // read (issue #10): it cannot make the server read (or a slow client hold a
  // connection for) up to MAX_BODY_BYTES that would be thrown away. A header
  // that holds a bad token is refused just as early, by authenticate(). The body
  // is left unread on the connection, so the connection is closed, not drained.
  app.use('/v1/*', async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    if (!PUBLIC_WRITES.has(c.req.path) && c.req.header('authorization') === undefined)
      throw new ApiError(401, 'UNAUTHENTICATED', 'this route needs a bearer token', {
        'WWW-Authenticate': 'Bearer realm="saksi"',
        Connection: 'close',
      });
    return next();
  });
  // The rest of an oversize body is never read, so the connection cannot carry
  // another request: close it (else the client's next request on it is garbage).
  const tooLarge = (c: Context) =>
    c.json(errorBody('BODY_TOO_LARGE', `request body exceeds ${MAX_BODY_BYTES} bytes`), 413, {
      Connection: 'close',
    });
  const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  app.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Photo uploads count their own, larger body as they hash it (api/domains/photos).
    if (c.req.method === 'PUT' && c.req.path.startsWith('/v1/photos/')) return next();
    // A declared length is checked from the header alone. Hono's bodyLimit would
    // touch `c.req.raw.body`, which makes @hono/node-server build a full web
    // Request and stream for every write (13% of a write's CPU in the issue #3
    // profile) instead of reading the body straight off the socket; only a body of
    // unknown length (chunked) goes through it and is counted as it streams.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (!/^[0-9]{1,15}$/.test(length))
        throw new ApiError(400, 'BAD_LENGTH', 'bad Content-Length');
      if (Number(length) > MAX_BODY_BYTES) return tooLarge(c);
      return next();
    }
    return limit(c, next);
  });

  if (deps.platform) platformRoutes(app, deps.platform);
  app.route('/', healthRoutes(deps.health, deps.log));
  app.route('/', logRoutes(deps));
  // The public portal reads the routes above through the app itself (api/portal/data.ts).
  portalRoutes(app, {
    fetch: (path, init) => app.request(path, init),
    verifierKey: () =>
      typeof deps.verifierKey === 'string' ? deps.verifierKey : deps.verifierKey(),
    ...(deps.witnessKeys ? { witnessKeys: deps.witnessKeys } : {}),
  });

  app.notFound((c) =>
    c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((e, c) => {
    if (e instanceof ApiError) return respondError(c, e);
    if (e instanceof LedgerError) return respondError(c, ledgerErrorToApi(e));
    // Input that cannot be canonical JSON (e.g. a lone surrogate) is the client's.
    if (e instanceof CanonicalError)
      return respondError(c, new ApiError(400, 'INVALID_REQUEST', e.message));
    // Overload and a failed shared commit store nothing: the client retries.
    if (e instanceof OverloadedError || e instanceof CommitFailedError)
      return respondError(c, new ApiError(503, e.code, e.message, { 'Retry-After': '1' }));
    const id = c.get('requestId') ?? '';
    deps.logError?.(e, id);
    return c.json(errorBody('INTERNAL', 'internal error', id), 500);
  });
  return app;
}
