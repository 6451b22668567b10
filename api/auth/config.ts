/**
 * Authentication settings, read from the environment and validated at start-up
 * (CONVENTIONS.md §8). Part of the one Config object (api/config.ts `auth`).
 *
 *   SAKSI_TOKEN_ISSUER        `iss` of issued tokens (default: the log origin)
 *   SAKSI_TOKEN_AUDIENCE      `aud` of issued tokens (default `saksi-api`)
 *   SAKSI_TOKEN_TTL_SECONDS   token lifetime, 60..86400 (default 900 = 15 min)
 *   SAKSI_OFFICER_CACHE_MS    officer look-up cache, 0..5000 (default 5000)
 *   SAKSI_OIDC_ISSUER, SAKSI_OIDC_AUDIENCE, SAKSI_OIDC_JWKS_URL
 *                             an external OpenID Connect provider (all three, or none)
 *   SAKSI_OIDC_ROLE_CLAIM, SAKSI_OIDC_AREA_CLAIM
 *                             its claims for role and area (default saksi_role, saksi_area)
 */
import { ConfigError } from '../config-error.ts';
import { MAX_OFFICER_CACHE_MS } from '../domains/identity/directory.ts';
import type { OidcConfig } from './oidc.ts';
import type { TokenConfig } from './tokens.ts';

export interface AuthConfig {
  /** Saksi's own bearer tokens. */
  token: TokenConfig;
  /** How long an officer look-up is reused by authentication, in ms (≤ 5000). */
  officerCacheMs: number;
  /** The external OpenID Connect provider, if any. */
  oidc: OidcConfig | undefined;
}

const PRINTABLE = /^[\x21-\x7e]{1,256}$/;
const CLAIM = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;

export function loadAuthConfig(env: NodeJS.ProcessEnv, defaults: { origin: string }): AuthConfig {
  const text = (name: string, value: string, pattern = PRINTABLE) => {
    if (!pattern.test(value)) throw new ConfigError(`${name} must match ${pattern.source}`);
    return value;
  };
  const int = (name: string, def: number, min: number, max: number) => {
    const v = env[name];
    const n = v === undefined || v === '' ? def : Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
  const issuer = text('SAKSI_TOKEN_ISSUER', env.SAKSI_TOKEN_ISSUER || defaults.origin);
  return {
    token: {
      issuer,
      audience: text('SAKSI_TOKEN_AUDIENCE', env.SAKSI_TOKEN_AUDIENCE || 'saksi-api'),
      ttlSeconds: int('SAKSI_TOKEN_TTL_SECONDS', 900, 60, 86_400),
    },
    officerCacheMs: int('SAKSI_OFFICER_CACHE_MS', MAX_OFFICER_CACHE_MS, 0, MAX_OFFICER_CACHE_MS),
    oidc: loadOidc(env, issuer, text),
  };
}

function loadOidc(
  env: NodeJS.ProcessEnv,
  ownIssuer: string,
  text: (name: string, value: string, pattern?: RegExp) => string,
): OidcConfig | undefined {
  const names = ['SAKSI_OIDC_ISSUER', 'SAKSI_OIDC_AUDIENCE', 'SAKSI_OIDC_JWKS_URL'] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return undefined;
  if (set.length < names.length)
    throw new ConfigError(`OpenID Connect needs all of ${names.join(', ')}`);
  const issuer = text('SAKSI_OIDC_ISSUER', env.SAKSI_OIDC_ISSUER!);
  if (issuer === ownIssuer)
    throw new ConfigError('SAKSI_OIDC_ISSUER must differ from the issuer of Saksi tokens');
  return {
    issuer,
    audience: text('SAKSI_OIDC_AUDIENCE', env.SAKSI_OIDC_AUDIENCE!),
    jwksUrl: jwksUrl(env.SAKSI_OIDC_JWKS_URL!),
    roleClaim: text('SAKSI_OIDC_ROLE_CLAIM', env.SAKSI_OIDC_ROLE_CLAIM || 'saksi_role', CLAIM),
    areaClaim: text('SAKSI_OIDC_AREA_CLAIM', env.SAKSI_OIDC_AREA_CLAIM || 'saksi_area', CLAIM),
  };
}

/** Keys fetched in clear could be swapped on the way: https, or http only on loopback. */
function jwksUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SAKSI_OIDC_JWKS_URL is not a URL');
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new ConfigError('SAKSI_OIDC_JWKS_URL must be https (or http on loopback)');
  return url.href;
}
