/**
 * For tests of identity and authentication: a fresh database (PGlite or
 * PostgreSQL, test/fresh-db.ts), a real local keystore in a temporary directory,
 * the real policy engine, and a small Hono app made of the identity routes and middleware with the API's
 * error mapping, driven in-process with app.request(). The clock is the test's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { type LocalKeystore, openLocalKeystore } from '../../../keys/index.ts';
import { type Db, systemActor } from '../../../ledger/index.ts';
import { loadPolicyEngine } from '../../../policies/index.ts';
import { freshDb } from '../../../test/fresh-db.ts';
import type { AuthEnv } from '../../auth/authenticate.ts';
import type { AuthConfig } from '../../auth/config.ts';
import type { ThrottlePolicy } from '../../auth/lockout.ts';
import type { OidcConfig } from '../../auth/oidc.ts';
import type { Role } from '../../auth/principal.ts';
import type { Decisions } from '../../authorize.ts';
import { ApiError, errorBody, respondError } from '../../errors.ts';
import { cedarAuthorizer } from '../../write/cedar-authorizer.ts';
import { createIdentity, type Identity } from './identity.ts';
import { createOfficer } from './manage.ts';
import type { Officer } from './rules.ts';

export const TEST_ISSUER = 'saksi.test/log';
export const TEST_AUDIENCE = 'saksi-api';
export const SYSTEM_ACTOR = systemActor('test-setup');

export interface Testbed {
  db: Db;
  keys: LocalKeystore;
  identity: Identity;
  /** The real policy engine (policies/), as the API uses it. */
  decisions: Decisions;
  app: Hono<AuthEnv>;
  /** The test's clock in ms; move it forward to expire things. */
  clock: { t: number };
  /** Creates an officer directly (as the system) and returns it with its password. */
  officer(role: Role, area: string, id?: string): Promise<Officer & { password: string }>;
  /** A bearer token issued through POST /v1/auth/login. */
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function testbed(
  options: { demo?: boolean; oidc?: OidcConfig; throttle?: ThrottlePolicy; cacheMs?: number } = {},
): Promise<Testbed> {
  const fresh = await freshDb();
  const dir = await mkdtemp(join(tmpdir(), 'saksi-identity-'));
  const keys = await openLocalKeystore({ dir });
  const clock = { t: Date.now() };
  const now = () => clock.t;
  const config: AuthConfig = {
    token: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ttlSeconds: 900 },
    officerCacheMs: options.cacheMs ?? 5000,
    oidc: options.oidc,
  };
  const engine = await loadPolicyEngine({ logger: pino({ level: 'silent' }) });
  const decisions: Decisions = { authorizer: cedarAuthorizer(engine) };
  const identity = createIdentity({
    db: fresh.db,
    keys,
    config,
    decisions,
    demo: options.demo ?? false,
    now,
    throttle: options.throttle,
  });
  const app = new Hono<AuthEnv>();
  app.use('*', identity.authenticate);
  app.route('/', identity.routes);
  app.get('/whoami', (c) => c.json(c.get('principal')));
  app.onError((e, c) => {
    if (e instanceof ApiError) return respondError(c, e);
    return c.json(errorBody('INTERNAL', `internal error: ${(e as Error).message}`), 500);
  });
  let n = 0;
  return {
    db: fresh.db,
    keys,
    identity,
    decisions,
    app,
    clock,
    async officer(role, area, id) {
      n++;
      const password = `correct horse battery ${n}`;
      const username = `${role.toLowerCase().replaceAll('_', '-')}-${n}`;
      const r = await createOfficer(
        fresh.db,
        { id, username, password, role, area },
        SYSTEM_ACTOR,
        new Date(clock.t),
      );
      if (!r.ok) throw new Error(`test officer: ${r.code}`);
      return { ...r.officer, password };
    },
    async login(username, password) {
      const res = await app.request('/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async close() {
      await fresh.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `app.request` with an optional bearer token and JSON body. */
export function call(
  app: Hono<AuthEnv>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return Promise.resolve(app.request(path, { method, headers, body }));
}
