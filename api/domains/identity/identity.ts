/**
 * The identity component as the API uses it: one call builds the token service,
 * the officer directory, login, the authentication middleware and the routes,
 * from the database, the key service and the auth configuration.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { KeyService } from '../../../keys/index.ts';
import type { Db } from '../../../ledger/index.ts';
import { type AuthEnv, authenticate } from '../../auth/authenticate.ts';
import type { AuthConfig } from '../../auth/config.ts';
import type { ThrottlePolicy } from '../../auth/lockout.ts';
import { LoginService } from '../../auth/login.ts';
import { OidcVerifier } from '../../auth/oidc.ts';
import { TokenService } from '../../auth/tokens.ts';
import type { Decisions } from '../../authorize.ts';
import { OfficerDirectory } from './directory.ts';
import { identityRoutes } from './routes.ts';

export interface IdentityDeps {
  db: Db;
  keys: KeyService;
  config: AuthConfig;
  /** The policy engine, which decides officer management (`officer.manage`). */
  decisions: Decisions;
  /** Demo mode: enables POST /v1/demo/token. */
  demo: boolean;
  /** Clock (ms since the epoch), for tests. */
  now?: () => number;
  /** Login throttling (api/auth/lockout.ts); default THROTTLE. */
  throttle?: ThrottlePolicy;
}

export interface Identity {
  /** Sets the request's principal (app.use it before every /v1 route). */
  authenticate: MiddlewareHandler<AuthEnv>;
  /** /v1/auth/login, /v1/officers…, and /v1/demo/token in demo mode. */
  routes: Hono<AuthEnv>;
  tokens: TokenService;
  officers: OfficerDirectory;
  login: LoginService;
}

export function createIdentity(deps: IdentityDeps): Identity {
  const { db, keys, config, now } = deps;
  const tokens = new TokenService(keys, config.token, { now });
  const officers = new OfficerDirectory(db, { ttlMs: config.officerCacheMs, now });
  const oidc = config.oidc ? new OidcVerifier(config.oidc, { now }) : undefined;
  const login = new LoginService({ db, tokens, now, throttle: deps.throttle });
  return {
    authenticate: authenticate({ tokens, officers, oidc }),
    routes: identityRoutes({
      db,
      tokens,
      login,
      officers,
      decisions: deps.decisions,
      demo: deps.demo,
      now,
    }),
    tokens,
    officers,
    login,
  };
}
