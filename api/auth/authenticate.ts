/**
 * The authentication middleware: turns `Authorization: Bearer <token>` into the
 * request's principal (./principal.ts). No header means the public principal; a
 * header that does not hold a valid token is a 401 (RFC 6750 §3.1
 * `invalid_token`), never a silent fall-back to public.
 *
 * A valid signature is not enough: the officer's current record decides. A
 * token for an officer who is unknown, suspended, or whose role or area changed
 * since it was issued is refused (within the directory's cache time, ≤ 5 s).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { KeyError } from '../../keys/index.ts';
import type { OfficerDirectory } from '../domains/identity/directory.ts';
import { ApiError, unavailable } from '../errors.ts';
import type { OidcVerifier } from './oidc.ts';
import type {
  AppVariables,
  OfficerPrincipal,
  Principal,
  PublicPrincipal,
  Role,
} from './principal.ts';
import type { TokenFailure, TokenService } from './tokens.ts';

export interface AuthenticateDeps {
  tokens: TokenService;
  officers: OfficerDirectory;
  /** Present when an external OpenID Connect provider is configured. */
  oidc?: OidcVerifier | undefined;
}

export type AuthEnv = { Variables: AppVariables };

export const PUBLIC: PublicPrincipal = Object.freeze({ kind: 'public' });

const REALM = 'realm="saksi"';
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

const DESCRIBE: Readonly<Record<TokenFailure, string>> = {
  malformed: 'the token is malformed',
  algorithm: 'the token algorithm is not accepted',
  unknown_key: 'the token was signed by an unknown key',
  signature: 'the token signature is invalid',
  expired: 'the token has expired',
  not_yet_valid: 'the token is not valid yet',
  issuer: 'the token issuer is not accepted',
  audience: 'the token is not meant for this API',
  claims: 'the token claims are invalid',
};

/** 401 with the RFC 6750 challenge; `description` never holds `"` or `\`. */
function invalidToken(description: string): ApiError {
  return new ApiError(401, 'INVALID_TOKEN', description, {
    'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="${description}"`,
  });
}

/** The `iss` a token claims, unverified: it only picks which verifier checks it. */
function claimedIssuer(token: string): unknown {
  try {
    const payload = token.split('.')[1] ?? '';
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown })
      ?.iss;
  } catch {
    return undefined;
  }
}

const agrees = (o: { role: Role; area: string; suspended: boolean }, role: Role, area: string) =>
  !o.suspended && o.role === role && o.area === area;

export function authenticate(deps: AuthenticateDeps): MiddlewareHandler<AuthEnv> {
  const { tokens, officers, oidc } = deps;

  async function ownToken(token: string): Promise<OfficerPrincipal> {
    let result: Awaited<ReturnType<TokenService['verify']>>;
    try {
      result = await tokens.verify(token);
    } catch (e) {
      // The key service could not list the token keys: not the client's fault.
      if (e instanceof KeyError) throw unavailable('the key service is unavailable');
      throw e;
    }
    if (!result.ok) throw invalidToken(DESCRIBE[result.failure]);
    const { sub, role, area } = result.claims;
    const officer = await officers.get(sub);
    if (!officer || !agrees(officer, role, area))
      throw invalidToken(
        'the officer is unknown, suspended, or no longer holds this role and area',
      );
    return { kind: 'officer', id: sub, role, area, suspended: false, via: 'token' };
  }

  async function oidcToken(v: OidcVerifier, token: string): Promise<OfficerPrincipal> {
    const result = await v.verify(token);
    if (!result.ok) {
      if (result.failure === 'unavailable')
        throw unavailable('the identity provider keys are unavailable', 5);
      if (result.failure === 'invalid') throw invalidToken('the token is not valid');
      throw new ApiError(403, 'OIDC_CLAIMS', 'the token does not name an officer role and area');
    }
    const { sub, role, area } = result;
    const officer = await officers.get(sub);
    if (!officer || !agrees(officer, role, area))
      throw new ApiError(
        403,
        'OFFICER_MISMATCH',
        'no active officer here matches the role and area the identity provider asserts',
      );
    return { kind: 'officer', id: sub, role, area, suspended: false, via: 'oidc' };
  }

  return async (c, next) => {
    const header = c.req.header('authorization');
    let principal: Principal = PUBLIC;
    if (header !== undefined) {
      const m = BEARER.exec(header);
      if (!m) throw invalidToken('the Authorization header is not a bearer token');
      const token = m[1]!;
      principal =
        oidc && claimedIssuer(token) === oidc.issuer
          ? await oidcToken(oidc, token)
          : await ownToken(token);
    }
    c.set('principal', principal);
    await next();
  };
}

/**
 * The officer making this request, or a 401 asking for a token. Throws a plain
 * Error (a 500) if the middleware did not run: a route must never treat a
 * missing principal as public.
 */
export function requireOfficer(c: Context<AuthEnv>): OfficerPrincipal {
  const p = c.get('principal');
  if (!p) throw new Error('authenticate() middleware is not installed before this route');
  if (p.kind !== 'officer')
    throw new ApiError(401, 'UNAUTHENTICATED', 'this route needs a bearer token', {
      'WWW-Authenticate': `Bearer ${REALM}`,
    });
  return p;
}
