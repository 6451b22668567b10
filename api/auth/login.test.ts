// POST /v1/auth/login over HTTP on a fresh database: the token answer, one answer
// for unknown users and wrong passwords, the throttle (issue #10: per username
// and source address with growing delays, and a ceiling per source across
// usernames; an attacker elsewhere cannot keep an officer out; parallel guesses
// cannot overshoot), suspended officers, and bad input that is refused with a
// 4xx and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Testbed, testbed } from '../domains/identity/testbed.ts';
import { delayAfter, THROTTLE, type ThrottlePolicy } from './lockout.ts';
import { sourceOfAddress } from './source.ts';

// The defaults with a short cap and a low ceiling, so a test reaches both quickly.
const POLICY: ThrottlePolicy = { ...THROTTLE, maxDelayMs: 8000, maxSourceFailures: 12 };

let tb: Testbed;
beforeAll(async () => {
  tb = await testbed({ throttle: POLICY });
});
afterAll(async () => {
  await tb.close();
});

const ATTACKER = '203.0.113.66';
const OFFICE = '198.51.100.7';
let sources = 0;
/** A fresh client address, so tests do not share a source's ceiling. */
const nextSource = () => `10.0.${Math.floor(sources / 250)}.${(sources++ % 250) + 1}`;

/** A login from `source`, as the Node server gives it (the TCP peer in c.env). */
const login = (username: string, password: string, source = nextSource()) =>
  tb.app.request(
    '/v1/auth/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    },
    { incoming: { socket: { remoteAddress: source } } },
  );
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

  it('lets an officer in while an attacker elsewhere fails on her username (issue #10)', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const attacker = [];
    for (let i = 0; i < 12; i++) attacker.push((await login(o.username, 'guess', ATTACKER)).status);
    // The attacker is slowed down (4 checked, then waits), the officer is not.
    expect(attacker.filter((s) => s === 401)).toHaveLength(4);
    expect(attacker.filter((s) => s === 429)).toHaveLength(8);
    expect((await login(o.username, o.password, OFFICE)).status).toBe(200);
    // Nor after her own typos.
    for (let i = 0; i < 3; i++) expect((await login(o.username, 'typo', OFFICE)).status).toBe(401);
    expect((await login(o.username, o.password, OFFICE)).status).toBe(200);
  });

  it('makes repeated failures from one source wait longer each time, up to the cap', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const from = nextSource();
    for (let i = 0; i < 3; i++) expect((await login(o.username, 'wrong', from)).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect((await login(o.username, 'wrong', from)).status).toBe(401);
      const refused = await login(o.username, o.password, from); // even the right password waits
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'LOGIN_THROTTLED',
      );
      const wait = Number(refused.headers.get('retry-after'));
      waits.push(wait);
      tb.clock.t += wait * 1000 - 1;
      expect((await login(o.username, o.password, from)).status).toBe(429);
      tb.clock.t += 1;
    }
    expect(waits).toEqual([1, 2, 4, 8, 8, 8]);
    expect(waits.map((_, i) => delayAfter(i + 4, POLICY) / 1000)).toEqual(waits);
    // The wait over, the right password gets in and the pair is forgotten.
    expect((await login(o.username, o.password, from)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(o.username, 'wrong', from)).status).toBe(401);
  });

  it('forgets a pair after an hour without failures', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const from = nextSource();
    for (let i = 0; i < 5; i++) await login(o.username, 'wrong', from);
    tb.clock.t += 60 * MIN;
    for (let i = 0; i < 4; i++) expect((await login(o.username, 'wrong', from)).status).toBe(401);
    expect((await login(o.username, 'wrong', from)).status).toBe(429);
  });

  it('throttles unknown usernames the same way, so throttling reveals nothing', async () => {
    const from = nextSource();
    const statuses = [];
    const waits = [];
    for (let i = 0; i < 6; i++) {
      const r = await login('ghost-officer', 'guess one two', from);
      statuses.push(r.status);
      waits.push(r.headers.get('retry-after'));
      tb.clock.t += 1000;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(waits.at(-1)).toBe('1');
  });

  it('caps failures from one source across usernames (spraying), and only there', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const from = nextSource();
    for (let i = 0; i < POLICY.maxSourceFailures; i++)
      expect((await login(`sprayed-${i}`, 'Jakarta2024!', from)).status).toBe(401);
    const capped = await login(o.username, o.password, from);
    expect(capped.status).toBe(429);
    expect(((await capped.json()) as { error: { message: string } }).error.message).toMatch(
      /from this address;/,
    );
    expect(Number(capped.headers.get('retry-after'))).toBe(15 * 60);
    // A name that cannot exist counts too, and is refused as well.
    expect((await login('x', 'Jakarta2024!', from)).status).toBe(429);
    expect((await login(o.username, o.password, nextSource())).status).toBe(200);
    tb.clock.t += 15 * MIN;
    expect((await login(o.username, o.password, from)).status).toBe(200);
  });

  it('forgives a source its successful logins (many officers behind one NAT)', async () => {
    const from = nextSource();
    const officers = [];
    for (let i = 0; i < POLICY.maxSourceFailures + 2; i++)
      officers.push(await tb.officer('PPS', '3171011001'));
    for (const o of officers) expect((await login(o.username, o.password, from)).status).toBe(200);
  });

  it('lets at most freeFailures + 1 of many parallel guesses be checked', async () => {
    const o = await tb.officer('PPS', '3171011001');
    const from = nextSource();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => login(o.username, 'parallel wrong guess', from)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(POLICY.freeFailures + 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11 - POLICY.freeFailures);
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
    const rows = await tb.db.query('SELECT 1 FROM login_pair_failures WHERE username = $1', [
      o.username,
    ]);
    expect(rows).toHaveLength(0);
    expect(
      await tb.db.query("SELECT 1 FROM login_source_failures WHERE source = 'unknown'"),
    ).toEqual([]);
    expect((await login(o.username, o.password)).status).toBe(200);
  });
});

describe('delays and sources', () => {
  it('doubles the delay after the free failures, up to the cap (defaults)', () => {
    const d = (n: number) => delayAfter(n) / 1000;
    expect([1, 2, 3].map(d)).toEqual([0, 0, 0]);
    expect([4, 5, 6, 7, 13, 14, 15, 16, 1000].map(d)).toEqual([
      1, 2, 4, 8, 512, 900, 900, 900, 900,
    ]);
  });

  it('throttles an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(sourceOfAddress('203.0.113.5')).toBe('203.0.113.5');
    expect(sourceOfAddress('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(sourceOfAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(sourceOfAddress('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOfAddress('2001:db8::1%eth0')).toBe('2001:db8:0:0::/64');
    expect(sourceOfAddress('::1')).toBe('0:0:0:0::/64');
    expect(sourceOfAddress('not an address')).toBe('unknown');
  });
});
