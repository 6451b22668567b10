/**
 * The Hono application: request IDs, secure headers, CORS for public reads, body
 * limits, error mapping, and the routes of every area that exists so far.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { LedgerError, type LedgerStore } from '../ledger/index.ts';
import { ApiError, errorBody, respondError } from './errors.ts';
import { type Health, healthRoutes } from './health.ts';
import { ledgerErrorToApi, logRoutes } from './log/routes.ts';

export interface AppDeps {
  store: LedgerStore;
  verifierKey: string;
  health: Health;
  /** Where unexpected errors are reported (the request ID ties them to the 500). */
  logError?: (e: unknown, requestId: string) => void;
}

export const MAX_BODY_BYTES = 1 << 20;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.header('X-Request-Id', id);
    c.set('requestId' as never, id as never);
    await next();
  });
  app.use('*', secureHeaders());
  // The log and proofs are public data meant to be fetched from anywhere
  // (browsers running the verifier included); write routes are not opened here.
  app.use('/log/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD'] }));
  app.use('/v1/proofs/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD'] }));
  app.use('/v1/ledger/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD'] }));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody('BODY_TOO_LARGE', `request body exceeds ${MAX_BODY_BYTES} bytes`), 413),
    }),
  );

  app.route('/', healthRoutes(deps.health));
  app.route('/', logRoutes(deps));

  app.notFound((c) =>
    c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((e, c) => {
    if (e instanceof ApiError) return respondError(c, e);
    if (e instanceof LedgerError) return respondError(c, ledgerErrorToApi(e));
    const id = String(c.get('requestId' as never) ?? '');
    deps.logError?.(e, id);
    return c.json(errorBody('INTERNAL', 'internal error', id), 500);
  });
  return app;
}
