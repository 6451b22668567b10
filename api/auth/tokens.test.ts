// Saksi's bearer tokens against RFC 7519 (JWT), RFC 7515 (JWS compact), RFC 8037
// (EdDSA/Ed25519) and RFC 7638 (kid = JWK thumbprint), with a real local keystore:
// jose (an independent implementation) accepts what we issue; we refuse forged,
// tampered, expired, premature, misaddressed and malformed tokens, algorithm
// confusion (none, HS256 keyed with our public key), and keys from headers; key
// rotation does not invalidate tokens already issued.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalKeystore, openLocalKeystore, openVaultKeyService } from '../../keys/index.ts';
import { startVaultTransitDouble } from '../../keys/testing/vault-transit-double.ts';
import { keyId, signJwt, type TokenSigner } from './jwt.ts';
import { type TokenConfig, TokenService } from './tokens.ts';

const CONFIG: TokenConfig = { issuer: 'saksi.test/log', audience: 'saksi-api', ttlSeconds: 900 };
const KPPS = { id: 'kpps-1', role: 'KPPS' as const, area: '3171011001001' };

let dir: string;
let keys: LocalKeystore;
let clock: { t: number };
let tokens: TokenService;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'saksi-tokens-'));
  keys = await openLocalKeystore({ dir });
  clock = { t: 1_767_225_600_000 }; // 2026-01-01T00:00:00Z
  tokens = new TokenService(keys, CONFIG, { now: () => clock.t });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (t: string) => t.split('.') as [string, string, string];
const decode = (s: string) =>
  JSON.parse(Buffer.from(s, 'base64url').toString()) as Record<string, unknown>;
const tokenSigner = () => keys.signer('token', 'saksi-token');

/** A token signed by the real token key over any header and payload we like. */
async function signedWith(header: object, payload: object, signer?: TokenSigner): Promise<string> {
  const s = signer ?? (await tokenSigner());
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${Buffer.from(await s.sign(Buffer.from(input))).toString('base64url')}`;
}

async function validClaims() {
  return decode(parts((await tokens.issue(KPPS)).token)[1]);
}

async function kid() {
  return keyId((await tokenSigner()).publicKey);
}

describe('issuing', () => {
  it('issues an EdDSA JWT with kid = RFC 7638 thumbprint and the documented claims', async () => {
    const { token, expiresAt, claims } = await tokens.issue(KPPS);
    const [h, p] = parts(token);
    const signer = await tokenSigner();
    const x = Buffer.from(signer.publicKey).toString('base64url');
    const thumb = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
    expect(decode(h)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: thumb });
    const now = clock.t / 1000;
    expect(decode(p)).toEqual({
      iss: CONFIG.issuer,
      sub: 'kpps-1',
      aud: CONFIG.audience,
      iat: now,
      nbf: now,
      exp: now + 900,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      role: 'KPPS',
      area: '3171011001001',
    });
    expect(claims.exp).toBe(now + 900);
    expect(expiresAt).toBe('2026-01-01T00:15:00Z');
  });

  it('is accepted by jose with the public key alone (RFC 8037 interoperability)', async () => {
    const { token } = await tokens.issue(KPPS);
    const x = Buffer.from((await tokenSigner()).publicKey).toString('base64url');
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA');
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      issuer: CONFIG.issuer,
      audience: CONFIG.audience,
      algorithms: ['EdDSA'],
      currentDate: new Date(clock.t),
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.sub).toBe('kpps-1');
  });

  it('gives every token its own jti', async () => {
    const a = await tokens.issue(KPPS);
    const b = await tokens.issue(KPPS);
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });
});

describe('verifying', () => {
  it('accepts its own token', async () => {
    const { token, claims } = await tokens.issue(KPPS);
    expect(await tokens.verify(token)).toEqual({ ok: true, claims });
  });

  it('allows 30 s of clock skew on exp, and not a second more', async () => {
    const { token } = await tokens.issue(KPPS);
    clock.t += (900 + 29) * 1000;
    expect((await tokens.verify(token)).ok).toBe(true);
    clock.t += 1000;
    expect(await tokens.verify(token)).toEqual({ ok: false, failure: 'expired' });
  });

  it('allows 30 s of clock skew on nbf and iat, and not more', async () => {
    const early = clock.t;
    clock.t += 30_000;
    const within = await tokens.issue(KPPS);
    clock.t += 1000;
    const beyond = await tokens.issue(KPPS);
    clock.t = early;
    expect((await tokens.verify(within.token)).ok).toBe(true);
    expect(await tokens.verify(beyond.token)).toEqual({ ok: false, failure: 'not_yet_valid' });
  });

  it('refuses tokens for another issuer or audience', async () => {
    const { token } = await tokens.issue(KPPS);
    const otherIss = new TokenService(
      keys,
      { ...CONFIG, issuer: 'elsewhere' },
      { now: () => clock.t },
    );
    const otherAud = new TokenService(
      keys,
      { ...CONFIG, audience: 'other-api' },
      { now: () => clock.t },
    );
    expect(await otherIss.verify(token)).toEqual({ ok: false, failure: 'issuer' });
    expect(await otherAud.verify(token)).toEqual({ ok: false, failure: 'audience' });
    const arrayAud = await signedWith(
      { alg: 'EdDSA', typ: 'JWT', kid: await kid() },
      { ...(await validClaims()), aud: [CONFIG.audience] },
    );
    expect(await tokens.verify(arrayAud)).toEqual({ ok: false, failure: 'audience' });
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [h, p, s] = parts((await tokens.issue(KPPS)).token);
    const forged = b64({ ...decode(p), role: 'ADMIN', area: 'ID' });
    expect(await tokens.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, failure: 'signature' });
    const sig = Buffer.from(s, 'base64url');
    sig[10]! ^= 1;
    expect(await tokens.verify(`${h}.${p}.${sig.toString('base64url')}`)).toEqual({
      ok: false,
      failure: 'signature',
    });
  });

  it('refuses a token signed by another Ed25519 key, whatever kid it names', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const rogue: TokenSigner = {
      publicKey: raw,
      sign: async (m) => sign(null, m, privateKey),
    };
    const claims = await validClaims();
    expect(await tokens.verify(await signJwt(rogue, claims))).toEqual({
      ok: false,
      failure: 'unknown_key',
    });
    const posing = await signedWith({ alg: 'EdDSA', typ: 'JWT', kid: await kid() }, claims, rogue);
    expect(await tokens.verify(posing)).toEqual({ ok: false, failure: 'signature' });
  });

  it('refuses alg none, HS256 keyed with the public key, and any alg but EdDSA', async () => {
    const claims = await validClaims();
    const k = await kid();
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect((await tokens.verify(none)).ok).toBe(false);
    const pub = (await tokenSigner()).publicKey;
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: k })}.${b64(claims)}`;
    const mac = createHmac('sha256', pub).update(input).digest('base64url');
    expect(await tokens.verify(`${input}.${mac}`)).toEqual({ ok: false, failure: 'algorithm' });
    for (const alg of ['ES256', 'RS256', 'Ed25519', 'eddsa'])
      expect(await tokens.verify(await signedWith({ alg, typ: 'JWT', kid: k }, claims))).toEqual({
        ok: false,
        failure: 'algorithm',
      });
  });

  it('refuses headers that carry keys, extensions, or lack typ or kid', async () => {
    const claims = await validClaims();
    const k = await kid();
    const x = Buffer.from((await tokenSigner()).publicKey).toString('base64url');
    const headers = [
      { alg: 'EdDSA', typ: 'JWT', kid: k, jwk: { kty: 'OKP', crv: 'Ed25519', x } },
      { alg: 'EdDSA', typ: 'JWT', kid: k, jku: 'https://evil.example/jwks' },
      { alg: 'EdDSA', typ: 'JWT', kid: k, crit: ['exp'] },
      { alg: 'EdDSA', kid: k },
      { alg: 'EdDSA', typ: 'at+jwt', kid: k },
      { alg: 'EdDSA', typ: 'JWT' },
      { alg: 'EdDSA', typ: 'JWT', kid: 7 },
    ];
    for (const header of headers)
      expect(await tokens.verify(await signedWith(header, claims)), JSON.stringify(header)).toEqual(
        {
          ok: false,
          failure: 'malformed',
        },
      );
  });

  it('refuses malformed compact serializations', async () => {
    const [h, p, s] = parts((await tokens.issue(KPPS)).token);
    const bad = [
      '',
      'abc',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}=.${p}.${s}`, // padding
      `${h}.${p}.${s}=`,
      `${h}.${p}+.${s}`, // not base64url
      `${h}.${p}.${s.slice(0, -1)}${s.at(-1) === 'A' ? 'B' : 'A'}`, // non-canonical final bits
      `${h}.${p}.${s.slice(0, -4)}`, // short signature
      `${b64('JWT')}.${p}.${s}`,
      `${Buffer.from('{"alg":').toString('base64url')}.${p}.${s}`,
      `${h}.${p}.${s}`.padEnd(5000, 'A'),
    ];
    for (const t of bad) expect((await tokens.verify(t)).ok, t.slice(0, 80)).toBe(false);
  });

  it('refuses signed payloads with missing, extra or ill-typed claims, or too long a life', async () => {
    const c = await validClaims();
    const header = { alg: 'EdDSA', typ: 'JWT', kid: await kid() };
    const { jti: _jti, ...noJti } = c;
    const iat = c.iat as number;
    const payloads: object[] = [
      noJti,
      { ...c, admin: true },
      { ...c, role: 'SUPERUSER' },
      { ...c, area: '317' },
      { ...c, sub: 'Budi Santoso' },
      { ...c, sub: 42 },
      { ...c, exp: String(c.exp) },
      { ...c, iat: iat + 0.5 },
      { ...c, exp: iat + 901 },
      { ...c, exp: iat },
      { ...c, jti: 'short' },
      [c],
    ];
    for (const payload of payloads)
      expect(
        await tokens.verify(await signedWith(header, payload)),
        JSON.stringify(payload),
      ).toMatchObject({ ok: false });
  });
});

describe('key rotation', () => {
  it('keeps accepting tokens signed by earlier versions of the token key', async () => {
    const before = await tokens.issue(KPPS);
    await keys.rotate('token');
    const after = await tokens.issue(KPPS);
    expect(parts(after.token)[0]).not.toBe(parts(before.token)[0]);
    // Another node that starts after the rotation knows both versions.
    const fresh = new TokenService(keys, CONFIG, { now: () => clock.t });
    expect((await fresh.verify(before.token)).ok).toBe(true);
    expect((await fresh.verify(after.token)).ok).toBe(true);
    expect((await tokens.verify(before.token)).ok).toBe(true);
  });

  it('learns a version rotated elsewhere, re-reading the key list at most every 10 s', async () => {
    const verifier = new TokenService(keys, CONFIG, { now: () => clock.t });
    expect((await verifier.verify((await tokens.issue(KPPS)).token)).ok).toBe(true);
    await keys.rotate('token');
    const issuer = new TokenService(keys, CONFIG, { now: () => clock.t });
    const { token } = await issuer.issue(KPPS);
    clock.t += 5_000;
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'unknown_key' });
    clock.t += 5_000;
    expect((await verifier.verify(token)).ok).toBe(true);
  });

  it('refuses tokens of a retired version: at once after refreshKeys(), within 10 s on another node', async () => {
    const old = await tokens.issue(KPPS);
    // Another process: its own keystore instance over the same file, its own cache.
    const elsewhere = new TokenService(await openLocalKeystore({ dir }), CONFIG, {
      now: () => clock.t,
    });
    expect((await tokens.verify(old.token)).ok).toBe(true); // now cached here
    expect((await elsewhere.verify(old.token)).ok).toBe(true);
    await keys.rotate('token');
    const current = await tokens.issue(KPPS);
    expect(await keys.retire('token', 1)).toMatchObject({ retiredThrough: 1 });
    await tokens.refreshKeys();
    expect(await tokens.verify(old.token)).toEqual({ ok: false, failure: 'unknown_key' });
    expect((await tokens.verify(current.token)).ok).toBe(true);
    // The other node still accepts it until its key list is 10 s old, then never again.
    clock.t += 5_000;
    expect((await elsewhere.verify(old.token)).ok).toBe(true);
    clock.t += 5_000;
    expect(await elsewhere.verify(old.token)).toEqual({ ok: false, failure: 'unknown_key' });
    expect((await elsewhere.verify(current.token)).ok).toBe(true);
    // A node started after the retirement never accepts it.
    const fresh = new TokenService(await openLocalKeystore({ dir }), CONFIG, {
      now: () => clock.t,
    });
    expect(await fresh.verify(old.token)).toEqual({ ok: false, failure: 'unknown_key' });
  });
});

describe('key-service outages', () => {
  it('keeps accepting known keys when a periodic re-read fails; an unknown key is then an error, not a 401', async () => {
    let down = false;
    const flaky = {
      signer: (label: 'token', name: string) =>
        down ? Promise.reject(new Error('key service down')) : keys.signer(label, name),
      publicKeys: (label: 'token') =>
        down ? Promise.reject(new Error('key service down')) : keys.publicKeys(label),
      dataKey: (label: string) => keys.dataKey(label),
      health: () => keys.health(),
      describe: () => 'flaky',
    };
    const verifier = new TokenService(flaky as never, CONFIG, { now: () => clock.t });
    const { token } = await tokens.issue(KPPS);
    expect((await verifier.verify(token)).ok).toBe(true);
    down = true;
    clock.t += 10_000;
    expect((await verifier.verify(token)).ok).toBe(true);
    await keys.rotate('token');
    const unknown = await new TokenService(keys, CONFIG, { now: () => clock.t }).issue(KPPS);
    await expect(verifier.verify(unknown.token)).rejects.toThrow(/key service down/);
    down = false;
    clock.t += 10_000;
    expect((await verifier.verify(unknown.token)).ok).toBe(true);
  });
});

describe('key retirement with the Vault backend (against the Vault HTTP API contract double)', () => {
  it('refuses tokens of a version retired in Vault Transit, on every node within 10 s', async () => {
    const double = await startVaultTransitDouble();
    const open = () =>
      openVaultKeyService({ addr: double.url, token: double.rootToken, keyPrefix: 'kr-' });
    const [a, b] = [await open(), await open()];
    try {
      const issuer = new TokenService(a, CONFIG, { now: () => clock.t });
      const elsewhere = new TokenService(b, CONFIG, { now: () => clock.t });
      const old = await issuer.issue(KPPS);
      expect((await elsewhere.verify(old.token)).ok).toBe(true);
      await a.rotate('token');
      const current = await issuer.issue(KPPS);
      await a.retire('token', 1);
      await issuer.refreshKeys();
      expect(await issuer.verify(old.token)).toEqual({ ok: false, failure: 'unknown_key' });
      expect((await issuer.verify(current.token)).ok).toBe(true);
      clock.t += 10_000;
      expect(await elsewhere.verify(old.token)).toEqual({ ok: false, failure: 'unknown_key' });
      expect((await elsewhere.verify(current.token)).ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await double.close();
    }
  });
});
