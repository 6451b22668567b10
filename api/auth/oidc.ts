/**
 * Tokens from an external OpenID Connect provider (production single sign-on,
 * DOMAIN.md application 14): verified with `jose` against the provider's JWKS,
 * then mapped onto a local officer by `sub`. The provider vouches for who the
 * caller is; the role and area it asserts must agree with the officer's record
 * here (checked by the caller, ./authenticate.ts), so the provider cannot grant
 * what KPU's own records do not.
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { isAreaCode, isRole } from '../../policies/index.ts';
import { OFFICER_ID } from '../domains/identity/rules.ts';
import type { Role } from './principal.ts';
import { CLOCK_SKEW_SECONDS } from './tokens.ts';

export interface OidcConfig {
  /** The provider's `iss`, exactly. */
  issuer: string;
  /** The `aud` the provider puts in tokens meant for Saksi. */
  audience: string;
  /** Where the provider publishes its signing keys (https, or http on loopback). */
  jwksUrl: string;
  /** Claim that carries the officer's role (default `saksi_role`). */
  roleClaim: string;
  /** Claim that carries the officer's area code (default `saksi_area`). */
  areaClaim: string;
}

/** Asymmetric algorithms only: a JWKS never holds a shared secret we could check HMACs with. */
export const OIDC_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export type OidcResult =
  | { ok: true; sub: string; role: Role; area: string }
  /** invalid: not a valid token from this provider; claims: valid, but no usable sub/role/area; unavailable: the JWKS could not be fetched. */
  | { ok: false; failure: 'invalid' | 'claims' | 'unavailable' };

class JwksUnavailable extends Error {}

/** A failure to get the key set, as opposed to a token that names no key in it. */
function isRetrievalFailure(e: unknown): boolean {
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return true;
  // jose reports a non-200 or unparsable JWKS response as a bare JOSEError, and a
  // network failure as fetch's own TypeError.
  return !(e instanceof errors.JOSEError) || e.code === 'ERR_JOSE_GENERIC';
}

export class OidcVerifier {
  readonly #config: OidcConfig;
  readonly #keys: JWTVerifyGetKey;
  readonly #now: () => number;

  constructor(config: OidcConfig, options: { now?: () => number } = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    const remote = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000 });
    this.#keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (e) {
        if (isRetrievalFailure(e)) throw new JwksUnavailable('JWKS unavailable', { cause: e });
        throw e;
      }
    };
  }

  get issuer(): string {
    return this.#config.issuer;
  }

  /** `token` is attacker-controlled. */
  async verify(token: string): Promise<OidcResult> {
    const c = this.#config;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        issuer: c.issuer,
        audience: c.audience,
        algorithms: OIDC_ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(this.#now()),
      }));
    } catch (e) {
      if (e instanceof JwksUnavailable) return { ok: false, failure: 'unavailable' };
      if (e instanceof errors.JOSEError) return { ok: false, failure: 'invalid' };
      throw e;
    }
    const { sub } = payload;
    const role = payload[c.roleClaim];
    const area = payload[c.areaClaim];
    if (typeof sub !== 'string' || !OFFICER_ID.test(sub) || !isRole(role) || !isAreaCode(area))
      return { ok: false, failure: 'claims' };
    return { ok: true, sub, role, area };
  }
}
