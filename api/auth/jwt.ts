/**
 * Compact JWS for the bearer tokens Saksi issues: RFC 7515 compact serialization,
 * RFC 7519 claims, RFC 8037 `alg: "EdDSA"` with Ed25519. Only what Saksi's own
 * tokens use is accepted: one algorithm, one header shape, strict base64url, so
 * nothing in a token can choose how it is checked (no `alg: none`, no key in the
 * header, no `crit` extensions).
 *
 * Signing goes through the key service's signer (the private key never leaves
 * it); verification uses node:crypto against raw Ed25519 public keys.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/** What signs a token: the key service's `token` signer. */
export interface TokenSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Longer inputs are refused before any decoding (ours are ~450 characters). */
export const MAX_TOKEN_CHARS = 4096;
const ED25519_SIG_BYTES = 64;
const B64URL = /^[A-Za-z0-9_-]+$/;
const HEADER_FIELDS = new Set(['alg', 'typ', 'kid']);

/** RFC 7638 JWK thumbprint of an Ed25519 public key (RFC 8037 §2 members, sorted). */
export function keyId(publicKey: Uint8Array): string {
  const x = Buffer.from(publicKey).toString('base64url');
  const jwk = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
  return createHash('sha256').update(jwk).digest('base64url');
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
  const x = Buffer.from(raw).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

const enc = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export async function signJwt(signer: TokenSigner, claims: object): Promise<string> {
  const header = { alg: 'EdDSA', typ: 'JWT', kid: keyId(signer.publicKey) };
  const input = `${enc(header)}.${enc(claims)}`;
  const sig = await signer.sign(Buffer.from(input, 'ascii'));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

/** Why a token was refused, coarse enough to tell a client without helping a forger. */
export type JwtFailure = 'malformed' | 'algorithm' | 'unknown_key' | 'signature';

export type JwtResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; failure: JwtFailure };

/** Strict base64url: the alphabet only, no padding, and canonical (re-encodes to itself). */
function b64url(s: string): Buffer | null {
  if (!B64URL.test(s)) return null;
  const b = Buffer.from(s, 'base64url');
  return b.toString('base64url') === s ? b : null;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Checks a token's form and signature; returns its payload, not yet checked
 * (claims are the caller's: ./tokens.ts). Everything in `token` is attacker
 * controlled. `keyFor` finds the public key for a `kid`.
 */
export async function verifyJwt(
  token: string,
  keyFor: (kid: string) => Promise<KeyObject | undefined>,
): Promise<JwtResult> {
  const fail = (failure: JwtFailure): JwtResult => ({ ok: false, failure });
  if (token.length > MAX_TOKEN_CHARS) return fail('malformed');
  const parts = token.split('.');
  if (parts.length !== 3) return fail('malformed');
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = b64url(h);
  const header = headerBytes && jsonObject(headerBytes);
  if (!header) return fail('malformed');
  if (Object.keys(header).some((k) => !HEADER_FIELDS.has(k))) return fail('malformed');
  // RFC 8725 §3.1: the algorithm is fixed by the verifier, never taken from the token.
  if (header.alg !== 'EdDSA') return fail('algorithm');
  if (header.typ !== 'JWT' || typeof header.kid !== 'string' || !B64URL.test(header.kid))
    return fail('malformed');
  const sig = b64url(s);
  const payloadBytes = b64url(p);
  if (!sig || sig.length !== ED25519_SIG_BYTES || !payloadBytes) return fail('malformed');
  const key = await keyFor(header.kid);
  if (!key) return fail('unknown_key');
  if (!verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, sig)) return fail('signature');
  const payload = jsonObject(payloadBytes);
  return payload ? { ok: true, payload } : fail('malformed');
}
