// The authentication middleware over HTTP (Hono app.request), on a fresh database
// and a real keystore: no header is public; a bad header is a 401 with the RFC 6750
// challenge, on any route; and the officer's current record decides — suspended,
// deleted or reassigned officers lose access within the ≤ 5 s look-up cache.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyError, type KeyService } from '../../keys/index.ts';
import { OfficerDirectory } from '../domains/identity/directory.ts';
import {
  call,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type Testbed,
  testbed,
} from '../domains/identity/testbed.ts';
import { ApiError, respondError } from '../errors.ts';
import { type AuthEnv, authenticate } from './authenticate.ts';
import { TokenService } from './tokens.ts';

// One database for the file (a fresh one costs seconds); every test makes its own officers.
let tb: Testbed;
beforeAll(async () => {
  tb = await testbed();
});
afterAll(async () => {
  await tb.close();
});

const CHALLENGE = /^Bearer realm="saksi", error="invalid_token", error_description="[^"\\]+"$/;

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(CHALLENGE);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('INVALID_TOKEN');
  return body.error.message;
}

async function signedIn(role: 'KPPS' | 'ADMIN' = 'KPPS', area = '3171011001001') {
  const o = await tb.officer(role, area);
  return { officer: o, token: await tb.login(o.username, o.password) };
}

describe('authenticate()', () => {
  it('makes a request without Authorization public', async () => {
    const res = await call(tb.app, 'GET', '/whoami');
    expect(await res.json()).toEqual({ kind: 'public' });
  });

  it('asks for a token (without an error code) where an officer is required', async () => {
    const res = await call(tb.app, 'GET', '/v1/officers/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="saksi"');
  });

  it('sets the officer principal from a valid token', async () => {
    const { officer, token } = await signedIn();
    const res = await call(tb.app, 'GET', '/whoami', { token });
    expect(await res.json()).toEqual({
      kind: 'officer',
      id: officer.id,
      role: 'KPPS',
      area: '3171011001001',
      suspended: false,
      via: 'token',
    });
    const me = await call(tb.app, 'GET', '/v1/officers/me', { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      officer: {
        id: officer.id,
        username: officer.username,
        role: 'KPPS',
        area: '3171011001001',
        suspended: false,
        createdAt: officer.createdAt,
      },
      via: 'token',
    });
  });

  it('accepts the scheme name in any case (RFC 7235 §2.1)', async () => {
    const { token } = await signedIn();
    const res = await call(tb.app, 'GET', '/whoami', {
      headers: { authorization: `bearer ${token}` },
    });
    expect(((await res.json()) as { kind: string }).kind).toBe('officer');
  });

  it('answers 401 invalid_token for a header that is present but not a valid bearer token, even on public routes', async () => {
    const { token } = await signedIn();
    const headers = [
      '',
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${token} extra`,
      `Bearer ${token.slice(0, -2)}`,
      'Bearer not.a.token',
      `Token ${token}`,
    ];
    for (const authorization of headers) {
      await expectInvalidToken(
        await call(tb.app, 'GET', '/whoami', { headers: { authorization } }),
      );
      await expectInvalidToken(
        await call(tb.app, 'GET', '/v1/officers/me', { headers: { authorization } }),
      );
    }
  });

  it('refuses an expired token and says so', async () => {
    const { token } = await signedIn();
    tb.clock.t += (900 + 30) * 1000;
    expect(await expectInvalidToken(await call(tb.app, 'GET', '/v1/officers/me', { token }))).toBe(
      'the token has expired',
    );
  });

  it('refuses a token from another deployment (other keys) with the same issuer', async () => {
    const other = await testbed();
    try {
      const o = await other.officer('KPPS', '3171011001001');
      const foreign = await other.login(o.username, o.password);
      await expectInvalidToken(await call(tb.app, 'GET', '/whoami', { token: foreign }));
    } finally {
      await other.close();
    }
  });

  it('refuses a suspended officer at once on the node that suspended them', async () => {
    const { token: adminToken } = await signedIn('ADMIN', 'ID');
    const { officer, token } = await signedIn();
    expect((await call(tb.app, 'GET', '/v1/officers/me', { token })).status).toBe(200);
    const res = await call(tb.app, 'POST', `/v1/officers/${officer.id}/suspend`, {
      token: adminToken,
      body: { reason: 'resigned from the KPPS' },
    });
    expect(res.status).toBe(200);
    await expectInvalidToken(await call(tb.app, 'GET', '/v1/officers/me', { token }));
  });

  it('follows changes made elsewhere within the 5 s cache: suspended, reassigned, deleted', async () => {
    const changes = [
      `UPDATE officers SET suspended = true WHERE id = $1`,
      `UPDATE officers SET area = '3171011001002' WHERE id = $1`,
      `UPDATE officers SET role = 'OBSERVER' WHERE id = $1`,
      `DELETE FROM officers WHERE id = $1`,
    ];
    for (const sql of changes) {
      const { officer, token } = await signedIn();
      expect((await call(tb.app, 'GET', '/whoami', { token })).status).toBe(200);
      // Another node (or an operator) changes the record; this node's cache still
      // holds the old one for under 5 s, then the change decides.
      await tb.db.query(sql, [officer.id]);
      tb.clock.t += 4_999;
      expect((await call(tb.app, 'GET', '/whoami', { token })).status, sql).toBe(200);
      tb.clock.t += 1;
      const why = await expectInvalidToken(await call(tb.app, 'GET', '/whoami', { token }));
      expect(why).toMatch(/officer/);
    }
  });

  it('answers 503 when the key service cannot list the token keys', async () => {
    const { token } = await signedIn();
    const broken: KeyService = {
      signer: () => Promise.reject(new KeyError('KEYSTORE_IO', 'disk gone')),
      dataKey: () => Promise.reject(new KeyError('KEYSTORE_IO', 'disk gone')),
      health: async () => ({ ok: false, detail: 'disk gone' }),
      describe: () => 'broken',
    };
    const tokens = new TokenService(
      broken,
      { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ttlSeconds: 900 },
      { now: () => tb.clock.t },
    );
    const app = new Hono<AuthEnv>();
    app.use('*', authenticate({ tokens, officers: new OfficerDirectory(tb.db) }));
    app.get('/whoami', (c) => c.json(c.get('principal')));
    app.onError((e, c) => (e instanceof ApiError ? respondError(c, e) : c.text('bug', 500)));
    const res = await call(app, 'GET', '/whoami', { token });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
