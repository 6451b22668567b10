/**
 * The baseline's bearer tokens: compact JWS (RFC 7515) with `alg: "EdDSA"`
 * over Ed25519 (RFC 8037), checked with node:crypto and nothing else.
 *
 * Why EdDSA and not HS256: Saksi's own officer tokens are EdDSA
 * (api/auth/jwt.ts), so the baseline pays the same token check and the
 * side-by-side isolates what Saksi adds on top of a token check — the device
 * signature, the policy decision and the log. An HS256 check (one HMAC) would
 * make the plain write cheaper for a reason that has nothing to do with
 * integrity, and a shared HMAC secret is what an API verifying tokens from an
 * identity provider would not hold anyway.
 *
 * This folder is the plain endpoint a team would otherwise build: it imports
 * nothing from Saksi.
 */
import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface TokenKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function tokenKeys(): TokenKeys {
  return generateKeyPairSync('ed25519');
}

/** A token for `sub`, valid for `ttlS` seconds. */
export function signToken(privateKey: KeyObject, sub: string, ttlS = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = Buffer.from(JSON.stringify({ sub, iat: now, exp: now + ttlS })).toString(
    'base64url',
  );
  const input = `${HEADER}.${claims}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * The subject of a valid token, or null. Everything in `token` is attacker
 * controlled: the algorithm is fixed here (RFC 8725 §3.1), the signature must
 * be 64 bytes, and `exp` must be in the future.
 */
export function verifyToken(publicKey: KeyObject, token: string): string | null {
  if (token.length > 2048) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return null;
  const [h, c, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
    if (header.alg !== 'EdDSA') return null;
    const sig = Buffer.from(s, 'base64url');
    if (sig.length !== 64 || !verify(null, Buffer.from(`${h}.${c}`), publicKey, sig)) return null;
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as {
      sub?: unknown;
      exp?: unknown;
    };
    if (typeof claims.sub !== 'string' || claims.sub === '') return null;
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return null;
    return claims.sub;
  } catch {
    return null;
  }
}
