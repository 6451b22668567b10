// External OpenID Connect tokens against a real issuer for the test: keys generated
// here, their JWKS served by node:http on 127.0.0.1, tokens signed with jose. The
// API verifies them with jose's remote JWKS and maps sub/role/area onto the local
// officer record: a valid token whose officer is missing, suspended or disagrees
// is a 403; an invalid token a 401; an unreachable JWKS a 503.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfficerDirectory } from '../domains/identity/directory.ts';
import { call, type Testbed, testbed } from '../domains/identity/testbed.ts';
import { ApiError, respondError } from '../errors.ts';
import { type AuthEnv, authenticate } from './authenticate.ts';
import { type OidcConfig, OidcVerifier } from './oidc.ts';

const ISSUER = 'https://sso.kpu.test';
const AUDIENCE = 'saksi';
type Alg = 'RS256' | 'ES256' | 'EdDSA';

let server: Server;
let base: string;
/** What the JWKS endpoint answers; tests switch it. */
let jwks: { status: number; keys: JWK[] };
const signing = new Map<Alg, CryptoKey>();
let rogue: CryptoKey;
let tb: Testbed;
let oidc: OidcConfig;

beforeAll(async () => {
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    signing.set(alg, pair.privateKey);
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: `key-${alg}`, alg, use: 'sig' });
  }
  rogue = (await generateKeyPair('RS256')).privateKey;
  jwks = { status: 200, keys };
  server = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(jwks.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: jwks.keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  oidc = {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: `${base}/jwks.json`,
    roleClaim: 'saksi_role',
    areaClaim: 'saksi_area',
  };
  tb = await testbed({ oidc });
});
afterAll(async () => {
  await tb?.close();
  await new Promise((r) => server.close(r));
});

async function idToken(
  claims: JWTPayload,
  options: { alg?: Alg; key?: CryptoKey; kid?: string; ageSeconds?: number } = {},
): Promise<string> {
  const alg = options.alg ?? 'RS256';
  const now = Math.floor(tb.clock.t / 1000) - (options.ageSeconds ?? 0);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...claims })
    .setProtectedHeader({ alg, kid: options.kid ?? `key-${alg}` })
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(options.key ?? signing.get(alg)!);
}

const claimsOf = (o: { id: string; role: string; area: string }) => ({
  sub: o.id,
  saksi_role: o.role,
  saksi_area: o.area,
});

async function errorCode(res: Response) {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('OpenID Connect bearer tokens', () => {
  it('signs in the matching officer, whatever asymmetric algorithm the provider uses', async () => {
    const o = await tb.officer('KPU_KABKOTA', '3171');
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const res = await call(tb.app, 'GET', '/whoami', {
        token: await idToken(claimsOf(o), { alg }),
      });
      expect(await res.json(), alg).toEqual({
        kind: 'officer',
        id: o.id,
        role: 'KPU_KABKOTA',
        area: '3171',
        suspended: false,
        via: 'oidc',
      });
    }
    const me = await call(tb.app, 'GET', '/v1/officers/me', { token: await idToken(claimsOf(o)) });
    expect(((await me.json()) as { via: string }).via).toBe('oidc');
  });

  it('refuses (403) a valid token whose officer is unknown, suspended, or has another role or area', async () => {
    const o = await tb.officer('KPU_KABKOTA', '3171');
    const s = await tb.officer('PPK', '317101');
    await tb.db.query('UPDATE officers SET suspended = true WHERE id = $1', [s.id]);
    const tokens = [
      claimsOf({ ...o, role: 'KPU_PROVINSI', area: '31' }),
      claimsOf({ ...o, area: '3172' }),
      claimsOf({ ...o, role: 'ADMIN', area: 'ID' }),
      claimsOf({ ...o, id: 'nobody-at-all' }),
      claimsOf(s),
    ];
    for (const claims of tokens) {
      const res = await call(tb.app, 'GET', '/whoami', { token: await idToken(claims) });
      expect(res.status, JSON.stringify(claims)).toBe(403);
      expect(await errorCode(res)).toBe('OFFICER_MISMATCH');
    }
  });

  it('refuses (403) a valid token without a usable role, area or sub', async () => {
    const o = await tb.officer('KPU_KABKOTA', '3171');
    const { saksi_role: _r, ...noRole } = claimsOf(o);
    const bad = [
      noRole,
      { ...claimsOf(o), saksi_role: 'kpu_kabkota' },
      { ...claimsOf(o), saksi_area: 3171 },
      { ...claimsOf(o), sub: 'Budi Santoso' },
    ];
    for (const claims of bad) {
      const res = await call(tb.app, 'GET', '/whoami', { token: await idToken(claims) });
      expect(res.status, JSON.stringify(claims)).toBe(403);
      expect(await errorCode(res)).toBe('OIDC_CLAIMS');
    }
  });

  it('refuses (401 invalid_token) forged, expired, misaddressed and unsigned tokens', async () => {
    const o = await tb.officer('KPU_KABKOTA', '3171');
    const c = claimsOf(o);
    const none = new UnsecuredJWT({ ...c, iss: ISSUER, aud: AUDIENCE })
      .setIssuedAt(Math.floor(tb.clock.t / 1000))
      .setExpirationTime(Math.floor(tb.clock.t / 1000) + 300)
      .encode();
    const tokens = {
      'signed by a key not in the JWKS, under a listed kid': await idToken(c, { key: rogue }),
      'signed by a key not in the JWKS, under an unknown kid': await idToken(c, {
        key: rogue,
        kid: 'key-unknown',
      }),
      'expired beyond the 30 s skew': await idToken(c, { ageSeconds: 331 }),
      'another audience': await idToken({ ...c, aud: 'another-app' }),
      'another issuer': await idToken({ ...c, iss: 'https://evil.test' }),
      'alg none': none,
    };
    for (const [what, token] of Object.entries(tokens)) {
      const res = await call(tb.app, 'GET', '/whoami', { token });
      expect(res.status, what).toBe(401);
      expect(res.headers.get('www-authenticate'), what).toContain('error="invalid_token"');
    }
    // Within the skew, the same age is fine.
    expect(
      (await call(tb.app, 'GET', '/whoami', { token: await idToken(c, { ageSeconds: 329 }) }))
        .status,
    ).toBe(200);
  });

  it('maps configurable claim names', async () => {
    const v = new OidcVerifier(
      { ...oidc, roleClaim: 'https://kpu.go.id/role', areaClaim: 'wilayah' },
      { now: () => tb.clock.t },
    );
    const token = await idToken({
      sub: 'pps-1',
      'https://kpu.go.id/role': 'PPS',
      wilayah: '3171011001',
    });
    expect(await v.verify(token)).toEqual({
      ok: true,
      sub: 'pps-1',
      role: 'PPS',
      area: '3171011001',
    });
    expect(
      await v.verify(await idToken({ sub: 'pps-1', saksi_role: 'PPS', saksi_area: '3171011001' })),
    ).toEqual({
      ok: false,
      failure: 'claims',
    });
  });

  it('answers 503 when the provider keys cannot be fetched', async () => {
    const o = await tb.officer('KPU_KABKOTA', '3171');
    const token = await idToken(claimsOf(o));
    const unreachable = new OidcVerifier(
      { ...oidc, jwksUrl: `${base}/missing` },
      { now: () => tb.clock.t },
    );
    expect(await unreachable.verify(token)).toEqual({ ok: false, failure: 'unavailable' });
    jwks.status = 500;
    try {
      const failing = new OidcVerifier(oidc, { now: () => tb.clock.t });
      expect(await failing.verify(token)).toEqual({ ok: false, failure: 'unavailable' });
      const app = new Hono<AuthEnv>();
      app.use(
        '*',
        authenticate({
          tokens: tb.identity.tokens,
          officers: new OfficerDirectory(tb.db),
          oidc: failing,
        }),
      );
      app.get('/whoami', (c) => c.json(c.get('principal')));
      app.onError((e, c) => (e instanceof ApiError ? respondError(c, e) : c.text('bug', 500)));
      const res = await call(app, 'GET', '/whoami', { token });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      jwks.status = 200;
    }
    const closed = new OidcVerifier(
      { ...oidc, jwksUrl: 'http://127.0.0.1:1/jwks.json' },
      { now: () => tb.clock.t },
    );
    expect(await closed.verify(token)).toEqual({ ok: false, failure: 'unavailable' });
  });

  it('still accepts Saksi tokens beside the provider', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const token = await tb.login(o.username, o.password);
    const res = await call(tb.app, 'GET', '/whoami', { token });
    expect(((await res.json()) as { via: string }).via).toBe('token');
  });
});
