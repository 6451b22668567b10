// POST /v1/auth/login over HTTP on a fresh database: the token answer, one answer
// for unknown users and wrong passwords, the lockout (5 failures in 15 min lock
// the username for 15 min: 429 + Retry-After; success resets; unknown usernames
// too; parallel guesses cannot overshoot), suspended officers, and bad input that
// is refused with a 4xx and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Testbed, testbed } from '../domains/identity/testbed.ts';

let tb: Testbed;
beforeAll(async () => {
  tb = await testbed();
});
afterAll(async () => {
  await tb.close();
});

const login = (username: string, password: string) =>
  call(tb.app, 'POST', '/v1/auth/login', { body: { username, password } });
const MIN = 60_000;

describe('POST /v1/auth/login', () => {
  it('answers a token, its expiry and the officer, and nothing else', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const res = await login(o.username, o.password);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'officer', 'token']);
    expect(body.officer).toEqual({ id: o.id, role: 'PPS', area: '3171011001' });
    expect(body.expiresAt).toBe(
      new Date(Math.floor(tb.clock.t / 1000) * 1000 + 15 * MIN).toISOString().replace('.000', ''),
    );
    const text = JSON.stringify(body);
    expect(text).not.toContain(o.password);
    expect(text).not.toContain('scrypt');
    const me = await call(tb.app, 'GET', '/v1/officers/me', { token: body.token as string });
    expect(me.status).toBe(200);
  });

  it('takes the username in any case', async () => {
    const o = await tb.officer('PPS', '3171011001');
    expect((await login(o.username.toUpperCase(), o.password)).status).toBe(200);
  });

  it('gives an unknown username and a wrong password the same answer', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const wrong = await login(o.username, `${o.password}!`);
    const unknown = await login('no-such-officer', o.password);
    const invalid = await login('x', o.password); // cannot even be a username
    for (const res of [wrong, unknown, invalid]) expect(res.status).toBe(401);
    const bodies = await Promise.all([wrong, unknown, invalid].map((r) => r.json()));
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]).toEqual({
      error: { code: 'INVALID_CREDENTIALS', message: 'wrong username or password' },
    });
  });

  it('spends about as long on an unknown username as on a wrong password (dummy hash)', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const time = async (username: string) => {
      const t = performance.now();
      await login(username, 'a wrong password');
      return performance.now() - t;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(o.username));
      unknown.push(await time(`ghost-${i}`));
    }
    // scrypt dominates both (~100 ms); without the dummy hash the unknown one
    // would answer in about a millisecond.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('locks a username for 15 min after 5 failures (429 + Retry-After), even for the right password', async () => {
    const o = await tb.officer('PPS', '3171011001');
    for (let i = 0; i < 5; i++)
      expect((await login(o.username, 'wrong password')).status).toBe(401);
    const locked = await login(o.username, o.password);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('LOGIN_LOCKED');
    tb.clock.t += 15 * MIN - 1000;
    const still = await login(o.username, o.password);
    expect(still.status).toBe(429);
    expect(still.headers.get('retry-after')).toBe('1');
    tb.clock.t += 1000;
    expect((await login(o.username, o.password)).status).toBe(200);
    // The success cleared the record: five more tries before the next lock.
    for (let i = 0; i < 5; i++)
      expect((await login(o.username, 'wrong password')).status).toBe(401);
    expect((await login(o.username, 'wrong password')).status).toBe(429);
  });

  it('resets the count on a successful login', async () => {
    const o = await tb.officer('PPS', '3171011001');
    for (let i = 0; i < 4; i++) await login(o.username, 'wrong password');
    expect((await login(o.username, o.password)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await login(o.username, 'wrong password')).status).toBe(401);
    expect((await login(o.username, o.password)).status).toBe(200);
  });

  it('counts only failures within the last 15 min', async () => {
    const o = await tb.officer('PPS', '3171011001');
    for (let i = 0; i < 4; i++) await login(o.username, 'wrong password');
    tb.clock.t += 15 * MIN;
    for (let i = 0; i < 4; i++)
      expect((await login(o.username, 'wrong password')).status).toBe(401);
    expect((await login(o.username, o.password)).status).toBe(200);
  });

  it('locks unknown usernames the same way, so locking reveals nothing', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('ghost-officer', 'guess one two')).status).toBe(401);
    const res = await login('ghost-officer', 'guess one two');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('900');
  });

  it('lets at most 5 of many parallel guesses be checked', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => login(o.username, 'parallel wrong guess')),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('tells only someone with the right password that the officer is suspended', async () => {
    const o = await tb.officer('PPS', '3171011001');
    await tb.db.query('UPDATE officers SET suspended = true WHERE id = $1', [o.id]);
    expect((await login(o.username, 'wrong password')).status).toBe(401);
    const res = await login(o.username, o.password);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'OFFICER_SUSPENDED',
    );
  });

  it('refuses bad input with a clear 4xx and records nothing', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const json = { 'content-type': 'application/json' };
    const cases: [number, string, Parameters<typeof call>[3]][] = [
      [
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        { raw: JSON.stringify({ username: o.username, password: 'x' }) },
      ],
      [415, 'UNSUPPORTED_MEDIA_TYPE', { raw: '{}', headers: { 'content-type': 'text/plain' } }],
      [400, 'MALFORMED_JSON', { raw: '{"username": "a",', headers: json }],
      [400, 'MALFORMED_JSON', { raw: '', headers: json }],
      [400, 'INVALID_REQUEST', { body: [o.username, 'password'] }],
      [400, 'INVALID_REQUEST', { body: { username: o.username } }],
      [400, 'INVALID_REQUEST', { body: { username: o.username, password: 'wrong', otp: '1' } }],
      [400, 'INVALID_REQUEST', { body: { username: o.username, password: 12345678901234 } }],
      [400, 'INVALID_REQUEST', { body: { username: [o.username], password: 'wrong' } }],
      [400, 'INVALID_REQUEST', { body: { username: o.username, password: '' } }],
      [400, 'INVALID_REQUEST', { body: { username: o.username, password: 'p'.repeat(257) } }],
      [400, 'INVALID_REQUEST', { body: { username: 'u'.repeat(65), password: 'wrong' } }],
      [413, 'BODY_TOO_LARGE', { body: { username: o.username, password: 'p'.repeat(20_000) } }],
    ];
    for (const [status, code, options] of cases) {
      const res = await call(tb.app, 'POST', '/v1/auth/login', options);
      expect(res.status, JSON.stringify(options).slice(0, 100)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const rows = await tb.db.query('SELECT 1 FROM login_failures WHERE username = $1', [
      o.username,
    ]);
    expect(rows).toHaveLength(0);
    expect((await login(o.username, o.password)).status).toBe(200);
  });
});
