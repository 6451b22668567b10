/**
 * Saksi's own bearer tokens: short-lived EdDSA JWTs (./jwt.ts) signed by the key
 * service's `token` key. Every version of that key the key service lists is
 * accepted, so rotating it does not log everyone out; a retired version is not
 * listed, so what it signed stops authenticating (docs/keys.md).
 *
 * The list is re-read when a token names a key this node has not seen (at most
 * once per interval, so made-up key ids cannot turn into a flood of key-service
 * calls) and at least once per interval anyway, so a retirement made on another
 * node takes effect here within KEY_REFRESH_MS; on this node, refreshKeys()
 * applies it at once.
 */

import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { KeyService, RotatingKeyService } from '../../keys/index.ts';
import { isAreaCode, isRole } from '../../policies/index.ts';
import { OFFICER_ID } from '../domains/identity/rules.ts';
import { rfc3339 } from '../domains/identity/store.ts';
import { ed25519PublicKey, type JwtFailure, keyId, signJwt, verifyJwt } from './jwt.ts';
import type { Role } from './principal.ts';

export interface TokenConfig {
  /** `iss` of the tokens this deployment issues (and the only one it accepts for them). */
  issuer: string;
  /** `aud`: the API these tokens are for. */
  audience: string;
  /** Lifetime of an issued token; also the longest lifetime a token may claim. */
  ttlSeconds: number;
}

/** Clock skew tolerated on exp, nbf and iat between the nodes that issue and check. */
export const CLOCK_SKEW_SECONDS = 30;
/** Verified tokens remembered (cleared when full; each is at most a few hundred bytes). */
const VERIFIED_CACHE_MAX = 50_000;
/** The signed-note name the token signer is asked for (unused in a JWT, but required). */
export const TOKEN_KEY_NAME = 'saksi-token';
/** How old the list of accepted keys may grow; also the least time between two re-reads. */
export const KEY_REFRESH_MS = 10_000;

export interface TokenClaims {
  iss: string;
  /** The officer's id. */
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  role: Role;
  area: string;
}

const CLAIMS = new Set(['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'role', 'area']);
const JTI = /^[A-Za-z0-9_-]{16,64}$/;

export interface IssuedToken {
  token: string;
  /** RFC 3339 UTC time at which the token expires. */
  expiresAt: string;
  claims: TokenClaims;
}

export type TokenFailure =
  | JwtFailure
  | 'expired'
  | 'not_yet_valid'
  | 'issuer'
  | 'audience'
  | 'claims';
export type TokenResult = { ok: true; claims: TokenClaims } | { ok: false; failure: TokenFailure };

function isRotating(keys: KeyService): keys is RotatingKeyService {
  return typeof (keys as Partial<RotatingKeyService>).publicKeys === 'function';
}

const isNumericDate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export class TokenService {
  /** Tokens whose signature and claims checked out, with the key id that signed them. */
  readonly #verified = new Map<string, { claims: TokenClaims; kid: string }>();
  readonly #keys: KeyService;
  readonly #config: TokenConfig;
  readonly #now: () => number;
  /** The keys a token may be signed with: kid → public key. Replaced whole on refresh. */
  #known = new Map<string, KeyObject>();
  #lastRefresh = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;
  /** Counts re-reads, so one that started before refreshKeys() cannot land after it. */
  #generation = 0;
  /** Whether the key list was ever read, and why the last re-read failed (if it did). */
  #loaded = false;
  #lastError: unknown;

  constructor(keys: KeyService, config: TokenConfig, options: { now?: () => number } = {}) {
    this.#keys = keys;
    this.#config = config;
    this.#now = options.now ?? Date.now;
  }

  get config(): Readonly<TokenConfig> {
    return this.#config;
  }

  /** Issues a token for an officer, signed with the current `token` key. */
  async issue(officer: { id: string; role: Role; area: string }): Promise<IssuedToken> {
    // Asked each time, so a rotation is used from the next token on.
    const signer = await this.#keys.signer('token', TOKEN_KEY_NAME);
    this.#remember(signer.publicKey);
    const iat = Math.floor(this.#now() / 1000);
    const claims: TokenClaims = {
      iss: this.#config.issuer,
      sub: officer.id,
      aud: this.#config.audience,
      iat,
      nbf: iat,
      exp: iat + this.#config.ttlSeconds,
      jti: randomBytes(16).toString('base64url'),
      role: officer.role,
      area: officer.area,
    };
    return {
      token: await signJwt(signer, claims),
      expiresAt: rfc3339(new Date(claims.exp * 1000)),
      claims,
    };
  }

  /** Checks signature and claims. Whether the officer may still act is the caller's check. */
  async verify(token: string): Promise<TokenResult> {
    if (this.#now() - this.#lastRefresh >= KEY_REFRESH_MS) await this.#refreshQuietly();
    // A token whose signature and claims checked out once is the same token next
    // time: skip the Ed25519 verify (about a tenth of a write's CPU), but re-check
    // its times and that its key is still accepted (not retired) on every use. The
    // officer record is still checked per request.
    const seen = this.#verified.get(token);
    if (seen) {
      if (!this.#known.has(seen.kid)) {
        this.#verified.delete(token);
        return { ok: false, failure: 'unknown_key' };
      }
      const now = this.#now() / 1000;
      if (now >= seen.claims.exp + CLOCK_SKEW_SECONDS) return { ok: false, failure: 'expired' };
      return { ok: true, claims: seen.claims };
    }
    let kid = '';
    const result = await this.#verifyUncached(token, (k) => {
      kid = k;
    });
    if (result.ok) {
      if (this.#verified.size >= VERIFIED_CACHE_MAX) this.#verified.clear();
      this.#verified.set(token, { claims: result.claims, kid });
    }
    return result;
  }

  /**
   * Re-reads the accepted keys now: after a retirement on this node, so tokens of
   * the retired versions stop working at once rather than within KEY_REFRESH_MS.
   */
  async refreshKeys(): Promise<void> {
    this.#refreshing = undefined;
    this.#lastRefresh = Number.NEGATIVE_INFINITY;
    await this.#refreshShared();
  }

  async #verifyUncached(token: string, usedKid: (kid: string) => void): Promise<TokenResult> {
    const jwt = await verifyJwt(token, (kid) => {
      usedKid(kid);
      return this.#keyFor(kid);
    });
    if (!jwt.ok) return jwt;
    const c = jwt.payload;
    const fail = (failure: TokenFailure): TokenResult => ({ ok: false, failure });
    if (Object.keys(c).some((k) => !CLAIMS.has(k))) return fail('claims');
    if (c.iss !== this.#config.issuer) return fail('issuer');
    if (c.aud !== this.#config.audience) return fail('audience');
    const { iat, nbf, exp } = c;
    if (
      typeof c.sub !== 'string' ||
      !OFFICER_ID.test(c.sub) ||
      !isRole(c.role) ||
      !isAreaCode(c.area) ||
      typeof c.jti !== 'string' ||
      !JTI.test(c.jti) ||
      !isNumericDate(iat) ||
      !isNumericDate(nbf) ||
      !isNumericDate(exp) ||
      exp <= iat ||
      exp - iat > this.#config.ttlSeconds
    )
      return fail('claims');
    // RFC 7519 §4.1.4, §4.1.5, with the skew allowed for clocks that disagree.
    const now = this.#now() / 1000;
    if (now >= exp + CLOCK_SKEW_SECONDS) return fail('expired');
    if (nbf > now + CLOCK_SKEW_SECONDS || iat > now + CLOCK_SKEW_SECONDS)
      return fail('not_yet_valid');
    return { ok: true, claims: c as unknown as TokenClaims };
  }

  #remember(publicKey: Uint8Array): void {
    const kid = keyId(publicKey);
    if (!this.#known.has(kid)) this.#known.set(kid, ed25519PublicKey(publicKey));
  }

  async #keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.#known.get(kid);
    if (known) return known;
    if (this.#now() - this.#lastRefresh >= KEY_REFRESH_MS) await this.#refreshShared();
    else await this.#refreshing;
    // A key we cannot look up is not a key we know is bad: the caller answers 503.
    if (!this.#known.has(kid) && this.#lastError !== undefined) throw this.#lastError;
    return this.#known.get(kid);
  }

  /** One re-read at a time; callers arriving meanwhile wait for the same one. */
  #refreshShared(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * The periodic re-read: if the key service cannot answer, the keys accepted so
   * far stay accepted and the next interval tries again (a key-service outage
   * must not log everyone out; it already stops new tokens from being issued).
   */
  async #refreshQuietly(): Promise<void> {
    try {
      await this.#refreshShared();
    } catch (e) {
      // Never read at all: nothing to keep accepting (the caller answers 503).
      // Otherwise #lastRefresh was set before the attempt: no retry storm.
      if (!this.#loaded) throw e;
    }
  }

  async #refresh(): Promise<void> {
    try {
      await this.#read();
      this.#loaded = true;
      this.#lastError = undefined;
    } catch (e) {
      this.#lastError = e;
      throw e;
    }
  }

  async #read(): Promise<void> {
    const generation = ++this.#generation;
    this.#lastRefresh = this.#now();
    const keys = this.#keys;
    const next = new Map<string, KeyObject>();
    const add = (publicKey: Uint8Array) => {
      const kid = keyId(publicKey);
      next.set(kid, this.#known.get(kid) ?? ed25519PublicKey(publicKey));
    };
    // Retired versions are not listed (RotatingKeyService.publicKeys): dropping
    // them from `next` is what retires their tokens here.
    if (isRotating(keys)) for (const k of await keys.publicKeys('token')) add(k.publicKey);
    add((await keys.signer('token', TOKEN_KEY_NAME)).publicKey);
    if (generation === this.#generation) this.#known = next;
  }
}
