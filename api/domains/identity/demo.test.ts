// Demo mode: seeding one officer per role (ledgered, idempotent), POST /v1/demo/token
// (only in demo mode; officers for other areas made on demand when the area fits
// the role), and `saksi demo token` against a real server on loopback.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/args.ts';
import { demoTokenCommand } from '../../../cli/commands/demo-token.ts';
import { parseEntryBytes } from '../../../ledger/index.ts';
import { ROLES } from '../../auth/principal.ts';
import { DEMO_AREAS, seedDemoOfficers } from './demo.ts';
import { createIdentity } from './identity.ts';
import { call, TEST_AUDIENCE, TEST_ISSUER, type Testbed, testbed } from './testbed.ts';

let tb: Testbed;
beforeAll(async () => {
  tb = await testbed({ demo: true });
});
afterAll(async () => {
  await tb.close();
});

const demoToken = (body: unknown) => call(tb.app, 'POST', '/v1/demo/token', { body });
const pendingCount = async () =>
  (await tb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_pending'))[0]!.n;

async function me(token: string) {
  const res = await call(tb.app, 'GET', '/v1/officers/me', { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { officer: { id: string; role: string; area: string } }).officer;
}

describe('seedDemoOfficers', () => {
  it('creates one officer per role in the demo areas, once, each with a log entry', async () => {
    const before = await pendingCount();
    const seeded = await seedDemoOfficers(tb.db);
    expect(seeded.map((o) => o.role)).toEqual([...ROLES]);
    for (const o of seeded) {
      expect(o.area).toBe(DEMO_AREAS[o.role]);
      expect(o.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    }
    expect(DEMO_AREAS).toMatchObject({
      KPU_PROVINSI: '31',
      KPU_KABKOTA: '3171',
      PPK: '317101',
      PPS: '3171011001',
      KPPS: '3171011001001',
    });
    expect(await pendingCount()).toBe(before + ROLES.length);
    const rows = await tb.db.query<{ entry: Uint8Array }>(
      'SELECT entry FROM ledger_pending ORDER BY id DESC LIMIT $1',
      [ROLES.length],
    );
    for (const { entry } of rows) {
      const parsed = parseEntryBytes(new Uint8Array(entry));
      expect(parsed.ok && parsed.entry).toMatchObject({
        kind: 'identity.officer.created',
        actor: { id: 'demo-seed', role: 'SYSTEM' },
      });
    }
    // Seeding again changes nothing and reveals no password.
    const again = await seedDemoOfficers(tb.db);
    expect(again.every((o) => o.password === undefined)).toBe(true);
    expect(await pendingCount()).toBe(before + ROLES.length);
    // The passwords handed out work.
    const kpps = seeded.find((o) => o.role === 'KPPS')!;
    expect((await me(await tb.login(kpps.id, kpps.password!))).id).toBe(kpps.id);
  });
});

describe('POST /v1/demo/token', () => {
  it('issues a token for the demo officer of a role', async () => {
    for (const role of ROLES) {
      const res = await demoToken({ role });
      expect(res.status, role).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { token: string; officer: { role: string; area: string } };
      expect(body.officer).toMatchObject({ role, area: DEMO_AREAS[role] });
      expect(await me(body.token)).toMatchObject({ role, area: DEMO_AREAS[role] });
    }
  });

  it('creates an officer for another area on demand, once, even when asked twice at once', async () => {
    const before = await pendingCount();
    const [a, b] = await Promise.all([
      demoToken({ role: 'KPPS', area: '3171011001007' }),
      demoToken({ role: 'KPPS', area: '3171011001007' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const officer = await me(((await a.json()) as { token: string }).token);
    expect(officer).toEqual({
      id: 'demo-kpps-3171011001007',
      username: 'demo-kpps-3171011001007',
      role: 'KPPS',
      area: '3171011001007',
      suspended: false,
      createdAt: expect.any(String),
    });
    expect(await pendingCount()).toBe(before + 1);
  });

  it('refuses an area that does not fit the role (422) and bad input (400), creating nothing', async () => {
    const before = await pendingCount();
    const cases: [unknown, number][] = [
      [{ role: 'KPPS', area: '31' }, 422],
      [{ role: 'KPU_PROVINSI', area: 'ID' }, 422],
      [{ role: 'kpps' }, 400],
      [{ role: 'KPPS', area: '317' }, 400],
      [{ role: 'KPPS', officer: 'demo-admin-id' }, 400],
      [{}, 400],
      ['KPPS', 400],
    ];
    for (const [body, status] of cases)
      expect((await demoToken(body)).status, JSON.stringify(body)).toBe(status);
    expect(await pendingCount()).toBe(before);
  });

  it('does not exist outside demo mode (404)', async () => {
    const res = await notDemo().routes.request('/v1/demo/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'ADMIN' }),
    });
    expect(res.status).toBe(404);
  });
});

describe('saksi demo token', () => {
  let url: string;
  let server: ReturnType<typeof serve>;
  beforeAll(async () => {
    server = serve({ fetch: tb.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await demoTokenCommand(args, {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('prints a token for the role (and area) on one line', async () => {
    const r = await run(['--url', url, '--role', 'ppk']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await me(r.out)).toMatchObject({ role: 'PPK', area: '317101' });
    const withArea = await run(['--url', `${url}/`, '--role', 'PARTY', '--area', '3171']);
    expect(withArea.code).toBe(0);
    expect(await me(withArea.out)).toMatchObject({ role: 'PARTY', area: '3171' });
  });

  it('explains refusals and unreachable servers (exit 1)', async () => {
    const mismatch = await run(['--url', url, '--role', 'KPPS', '--area', '31']);
    expect(mismatch).toMatchObject({ code: 1, out: '' });
    expect(mismatch.err).toContain('422');
    const down = await run(['--url', 'http://127.0.0.1:1', '--role', 'KPPS']);
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach');
  });

  it('says when the server is not in demo mode', async () => {
    const plain = serve({ fetch: notDemo().routes.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => plain.once('listening', () => r()));
    try {
      const port = (plain.address() as AddressInfo).port;
      const r = await run(['--url', `http://127.0.0.1:${port}`, '--role', 'KPPS']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('saksi serve --demo');
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });

  it('refuses bad arguments before calling anything', async () => {
    for (const args of [
      [],
      ['--role', 'KPPS'],
      ['--url', url],
      ['--url', url, '--role', 'KING'],
      ['--url', url, '--role', 'KPPS', '--area', '317'],
      ['--url', 'ftp://x', '--role', 'KPPS'],
      ['--url', 'not a url', '--role', 'KPPS'],
      ['--url', url, '--role', 'KPPS', 'extra'],
      ['--url', url, '--role', 'KPPS', '--token', 'x'],
    ])
      await expect(run(args), args.join(' ')).rejects.toBeInstanceOf(UsageError);
  });
});

/** The same identity component on the same database, not in demo mode. */
function notDemo() {
  return createIdentity({
    db: tb.db,
    keys: tb.keys,
    config: {
      token: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ttlSeconds: 900 },
      officerCacheMs: 5000,
      oidc: undefined,
    },
    decisions: tb.decisions,
    demo: false,
  });
}
