// Officer management over HTTP on a fresh database: officers whose role fits
// their area are created by whom the policy allows (officer.manage: ADMIN here;
// the KPU hierarchy in appointment.test.ts); each creation, suspension and
// reinstatement is an officer row change and a pending log entry in one
// transaction (the entry chained by seq and prev, without username or password
// hash); everyone else is refused; bad input is a 4xx and changes nothing; the
// database refuses what the API would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntryEnvelope, leafHash, parseEntryBytes } from '../../../ledger/index.ts';
import type { Role } from '../../auth/principal.ts';
import { call, type Testbed, testbed } from './testbed.ts';

let tb: Testbed;
let admin: string;
let adminId: string;
beforeAll(async () => {
  tb = await testbed();
  const a = await tb.officer('ADMIN', 'ID');
  adminId = a.id;
  admin = await tb.login(a.username, a.password);
});
afterAll(async () => {
  await tb.close();
});

/** Everything an officer write can change, to show that a refused one changed nothing. */
async function snapshot() {
  const [officers, pending, versions] = await Promise.all([
    tb.db.query('SELECT id, suspended FROM officers ORDER BY id'),
    tb.db.query('SELECT count(*)::int AS n FROM ledger_pending'),
    tb.db.query('SELECT count(*)::int AS n FROM subject_versions'),
  ]);
  return { officers, pending, versions };
}

async function pendingEntry(id: number): Promise<{ entry: EntryEnvelope; bytes: Uint8Array }> {
  const [row] = await tb.db.query<{ entry: Uint8Array }>(
    'SELECT entry FROM ledger_pending WHERE id = $1',
    [id],
  );
  const parsed = parseEntryBytes(new Uint8Array(row!.entry));
  if (!parsed.ok) throw new Error('invalid entry in ledger_pending');
  return { entry: parsed.entry, bytes: parsed.bytes };
}

let n = 0;
/** As the ADMIN unless another token is given; `null` for no token at all. */
const create = (body: Record<string, unknown>, token: string | null = admin) =>
  call(tb.app, 'POST', '/v1/officers', { token: token ?? undefined, body });
const newOfficer = (role: Role, area: string, extra: Record<string, unknown> = {}) => ({
  username: `officer-${++n}`,
  password: 'a long enough password',
  role,
  area,
  ...extra,
});

describe('POST /v1/officers', () => {
  it('creates an officer with its identity.officer.created entry in the same transaction', async () => {
    const before = await snapshot();
    const body = newOfficer('KPPS', '3171011001001', { id: 'kpps-3171011001001-1' });
    const res = await create(body);
    expect(res.status).toBe(201);
    const { officer, receipt } = (await res.json()) as {
      officer: Record<string, unknown>;
      receipt: { kind: string; subject: string; seq: number; entryHash: string; pendingId: number };
    };
    expect(officer).toEqual({
      id: 'kpps-3171011001001-1',
      username: body.username,
      role: 'KPPS',
      area: '3171011001001',
      suspended: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(receipt).toMatchObject({
      kind: 'identity.officer.created',
      subject: 'officer:kpps-3171011001001-1',
      seq: 1,
    });
    const { entry, bytes } = await pendingEntry(receipt.pendingId);
    expect(Buffer.from(leafHash(bytes)).toString('base64')).toBe(receipt.entryHash);
    expect(entry).toEqual({
      v: 1,
      kind: 'identity.officer.created',
      subject: 'officer:kpps-3171011001001-1',
      seq: 1,
      prev: null,
      at: officer.createdAt,
      actor: { id: adminId, role: 'ADMIN' },
      payload: { id: 'kpps-3171011001001-1', role: 'KPPS', area: '3171011001001' },
    });
    const text = Buffer.from(bytes).toString();
    expect(text).not.toContain(body.username);
    expect(text).not.toContain('scrypt');
    expect(JSON.stringify(officer)).not.toContain('scrypt');
    const after = await snapshot();
    expect(after.pending[0]).toEqual({ n: (before.pending[0] as { n: number }).n + 1 });
    const [version] = await tb.db.query<{ seq: number; leaf_hash: Uint8Array; pending_id: number }>(
      'SELECT seq, leaf_hash, pending_id FROM subject_versions WHERE subject = $1',
      [receipt.subject],
    );
    expect(version?.seq).toBe(1);
    expect(version?.pending_id).toBe(receipt.pendingId);
    expect(Buffer.from(version!.leaf_hash).toString('base64')).toBe(receipt.entryHash);
    expect(after.officers).toHaveLength(before.officers.length + 1);
    // The new officer can sign in.
    await tb.login(body.username, body.password);
  });

  it('generates a public, non-personal id when none is given', async () => {
    const res = await create(newOfficer('KPU_PROVINSI', '31'));
    expect(res.status).toBe(201);
    const { officer } = (await res.json()) as { officer: { id: string } };
    expect(officer.id).toMatch(/^kpu-provinsi-31-[0-9a-f]{8}$/);
  });

  it('refuses an area that does not fit the role, and a short password (422)', async () => {
    const before = await snapshot();
    const cases: [Record<string, unknown>, string][] = [
      [newOfficer('KPPS', '3171011001'), 'ROLE_AREA_MISMATCH'],
      [newOfficer('KPU_PROVINSI', 'ID'), 'ROLE_AREA_MISMATCH'],
      [newOfficer('ADMIN', '31'), 'ROLE_AREA_MISMATCH'],
      [newOfficer('PPK', '3171'), 'ROLE_AREA_MISMATCH'],
      [newOfficer('OBSERVER', 'ID', { password: 'elevenchars' }), 'WEAK_PASSWORD'],
      // Twelve characters as a person counts them, though more UTF-16 units.
      [newOfficer('OBSERVER', 'ID', { password: '🗳️🗳️🗳️🗳️' }), 'WEAK_PASSWORD'],
    ];
    for (const [body, code] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(await snapshot()).toEqual(before);
    expect((await create(newOfficer('OBSERVER', 'ID', { password: '🗳🗳🗳🗳🗳🗳🗳🗳🗳🗳🗳🗳' }))).status).toBe(
      201,
    );
  });

  it('refuses a taken id or username (409) and leaves no entry behind', async () => {
    const first = newOfficer('PPS', '3171011001', { id: 'pps-taken' });
    expect((await create(first)).status).toBe(201);
    const before = await snapshot();
    const sameId = await create(newOfficer('PPS', '3171011001', { id: 'pps-taken' }));
    expect(sameId.status).toBe(409);
    expect(((await sameId.json()) as { error: { code: string } }).error.code).toBe('ID_TAKEN');
    const sameName = await create({ ...newOfficer('PPS', '3171011001'), username: first.username });
    expect(sameName.status).toBe(409);
    expect(((await sameName.json()) as { error: { code: string } }).error.code).toBe(
      'USERNAME_TAKEN',
    );
    expect(await snapshot()).toEqual(before);
  });

  // KPU_PROVINSI is in another province: since officer.manage is decided by the
  // policy, a KPU provinsi may appoint a KPPS inside its own (appointment.test.ts).
  it('refuses the public (401) and officers the policy does not allow (403)', async () => {
    const before = await snapshot();
    const body = newOfficer('KPPS', '3171011001001');
    const anon = await create(body, null);
    expect(anon.status).toBe(401);
    for (const [role, area] of [
      ['KPU_RI', 'ID'],
      ['KPU_PROVINSI', '32'],
      ['AUDITOR', 'ID'],
    ] as const) {
      const o = await tb.officer(role, area);
      const res = await create(body, await tb.login(o.username, o.password));
      expect(res.status, role).toBe(403);
    }
    const after = await snapshot();
    expect(after.officers.length).toBe(before.officers.length + 3); // the three made above
    expect(after.officers.some((o) => (o as { id: string }).id.startsWith('officer-'))).toBe(false);
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const before = await snapshot();
    const json = { 'content-type': 'application/json' };
    const good = newOfficer('KPPS', '3171011001001');
    const cases: [number, Parameters<typeof call>[3]][] = [
      [415, { raw: JSON.stringify(good) }],
      [400, { raw: '{"username":', headers: json }],
      [400, { raw: 'null', headers: json }],
      [400, { body: { ...good, suspended: false } }],
      [400, { body: { ...good, passwordHash: 'scrypt$1$1$1$AA$AA' } }],
      [400, { body: { ...good, role: 'SUPERADMIN' } }],
      [400, { body: { ...good, role: 'kpps' } }],
      [400, { body: { ...good, area: 3171011001001 } }],
      [400, { body: { ...good, area: '3171-01' } }],
      [400, { body: { ...good, username: 'Budi' } }],
      [400, { body: { ...good, username: 'a b c' } }],
      [400, { body: { ...good, id: 'Budi Santoso' } }],
      [400, { body: { ...good, id: 'x'.repeat(65) } }],
      [400, { body: { ...good, password: 'p'.repeat(257) } }],
      [400, { body: { username: good.username, role: 'KPPS', area: '3171011001001' } }],
      [413, { body: { ...good, password: 'p'.repeat(17_000) } }],
    ];
    for (const [status, options] of cases) {
      const res = await call(tb.app, 'POST', '/v1/officers', { token: admin, ...options });
      expect(res.status, JSON.stringify(options).slice(0, 120)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toEqual(
        expect.any(String),
      );
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('suspension', () => {
  it('suspends and reinstates with chained, reasoned log entries', async () => {
    const o = await tb.officer('PPK', '317101');
    const token = await tb.login(o.username, o.password);
    const [created] = await tb.db.query<{ leaf_hash: Uint8Array }>(
      'SELECT leaf_hash FROM subject_versions WHERE subject = $1 AND seq = 1',
      [`officer:${o.id}`],
    );
    const suspend = await call(tb.app, 'POST', `/v1/officers/${o.id}/suspend`, {
      token: admin,
      body: { reason: 'under investigation by Bawaslu' },
    });
    expect(suspend.status).toBe(200);
    const s = (await suspend.json()) as {
      officer: { suspended: boolean };
      receipt: { pendingId: number; seq: number; entryHash: string };
    };
    expect(s.officer.suspended).toBe(true);
    const first = await pendingEntry(s.receipt.pendingId);
    expect(first.entry).toMatchObject({
      kind: 'identity.officer.suspended',
      subject: `officer:${o.id}`,
      seq: 2,
      prev: Buffer.from(created!.leaf_hash).toString('base64'),
      actor: { id: adminId, role: 'ADMIN' },
      reason: 'under investigation by Bawaslu',
      payload: { id: o.id, role: 'PPK', area: '317101', suspended: true },
    });
    expect((await call(tb.app, 'GET', '/v1/officers/me', { token })).status).toBe(401);

    const again = await call(tb.app, 'POST', `/v1/officers/${o.id}/suspend`, {
      token: admin,
      body: { reason: 'twice' },
    });
    expect(again.status).toBe(409);

    const reinstate = await call(tb.app, 'POST', `/v1/officers/${o.id}/reinstate`, {
      token: admin,
      body: { reason: 'cleared' },
    });
    expect(reinstate.status).toBe(200);
    const r = (await reinstate.json()) as { receipt: { pendingId: number } };
    const second = await pendingEntry(r.receipt.pendingId);
    expect(second.entry).toMatchObject({
      kind: 'identity.officer.reinstated',
      seq: 3,
      prev: s.receipt.entryHash,
      reason: 'cleared',
    });
    expect((await call(tb.app, 'GET', '/v1/officers/me', { token })).status).toBe(200);
  });

  it('refuses officers the policy does not allow, unknown officers, self-suspension and bad input, changing nothing', async () => {
    const o = await tb.officer('PPK', '317101');
    const other = await tb.officer('KPU_RI', 'ID');
    const otherToken = await tb.login(other.username, other.password);
    const before = await snapshot();
    const post = (path: string, token: string | undefined, body: unknown) =>
      call(tb.app, 'POST', path, { token, body });
    const reason = { reason: 'because' };
    const cases: [number, Promise<Response>][] = [
      [401, post(`/v1/officers/${o.id}/suspend`, undefined, reason)],
      [403, post(`/v1/officers/${o.id}/suspend`, otherToken, reason)],
      [404, post('/v1/officers/nobody-here/suspend', admin, reason)],
      [400, post('/v1/officers/Not%20An%20Id/suspend', admin, reason)],
      [422, post(`/v1/officers/${adminId}/suspend`, admin, reason)],
      [409, post(`/v1/officers/${o.id}/reinstate`, admin, reason)],
      [400, post(`/v1/officers/${o.id}/suspend`, admin, {})],
      [400, post(`/v1/officers/${o.id}/suspend`, admin, { reason: '' })],
      [400, post(`/v1/officers/${o.id}/suspend`, admin, { reason: 'x'.repeat(1001) })],
      [400, post(`/v1/officers/${o.id}/suspend`, admin, { reason: 'ok', suspended: false })],
    ];
    for (const [status, res] of cases) expect((await res).status).toBe(status);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the officers table', () => {
  it('refuses rows the API would refuse, whoever writes them', async () => {
    const hash =
      'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const insert = (id: string, username: string, role: string, area: string, h = hash) =>
      tb.db.query(
        'INSERT INTO officers (id, username, password_hash, role, area) VALUES ($1, $2, $3, $4, $5)',
        [id, username, h, role, area],
      );
    await expect(insert('t-1', 'table-1', 'KPPS', '3171011001')).rejects.toThrow(/role_fits_area/);
    await expect(insert('t-2', 'table-2', 'KPU_PROVINSI', 'ID')).rejects.toThrow(/role_fits_area/);
    await expect(insert('t-3', 'table-3', 'ROOT', 'ID')).rejects.toThrow(/check/i);
    await expect(insert('T 4', 'table-4', 'ADMIN', 'ID')).rejects.toThrow(/check/i);
    await expect(insert('t-5', 'Table 5', 'ADMIN', 'ID')).rejects.toThrow(/check/i);
    await expect(insert('t-6', 'table-6', 'ADMIN', 'ID', 'hunter2')).rejects.toThrow(/check/i);
    await expect(insert('t-7', 'table-7', 'PARTY', '317')).rejects.toThrow(/check/i);
    await insert('t-8', 'table-8', 'PARTY', '317101');
    expect(await tb.db.query("SELECT id FROM officers WHERE id = 't-8'")).toHaveLength(1);
  });
});
