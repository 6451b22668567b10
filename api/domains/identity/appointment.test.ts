// Officer management is decided by the policy engine (officer.manage in
// policies/officers.cedar), over HTTP: a KPU provinsi appoints and suspends the
// levels below it inside its province and nowhere else, a KPU kab/kota inside its
// kab/kota, ADMIN anywhere, a KPPS nobody; nobody but ADMIN grants a nationwide
// role. Before officer management went through the engine, only ADMIN could do
// any of it, so every "allow" below for a KPU officer failed with 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEntryBytes } from '../../../ledger/index.ts';
import type { Role } from '../../auth/principal.ts';
import { call, type Testbed, testbed } from './testbed.ts';

let tb: Testbed;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  tb = await testbed();
  for (const [name, role, area] of [
    ['admin', 'ADMIN', 'ID'],
    ['dki', 'KPU_PROVINSI', '31'],
    ['jabar', 'KPU_PROVINSI', '32'],
    ['jakpus', 'KPU_KABKOTA', '3171'],
    ['kpps', 'KPPS', '3171011001001'],
  ] as const) {
    const o = await tb.officer(role, area, `test-${name}`);
    tokens[name] = await tb.login(o.username, o.password);
  }
});
afterAll(async () => {
  await tb.close();
});

let n = 0;
const create = (as: string, role: Role, area: string) =>
  call(tb.app, 'POST', '/v1/officers', {
    token: tokens[as],
    body: { username: `appointed-${++n}`, password: 'a long enough password', role, area },
  });
const setSuspended = (as: string, id: string, action: 'suspend' | 'reinstate') =>
  call(tb.app, 'POST', `/v1/officers/${id}/${action}`, {
    token: tokens[as],
    body: { reason: 'test' },
  });
const counts = async () =>
  (
    await tb.db.query<{ officers: number; pending: number }>(
      `SELECT (SELECT count(*) FROM officers)::int AS officers,
              (SELECT count(*) FROM ledger_pending)::int AS pending`,
    )
  )[0]!;
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('POST /v1/officers follows officer.manage', () => {
  it('lets a KPU provinsi appoint below it inside its province, logged under its name', async () => {
    for (const [role, area] of [
      ['KPU_KABKOTA', '3171'],
      ['PPK', '317101'],
      ['PPS', '3171011001'],
      ['KPPS', '3171011001002'],
    ] as const) {
      const res = await create('dki', role, area);
      expect(res.status, `${role} ${area}`).toBe(201);
      const { receipt } = (await res.json()) as { receipt: { pendingId: number } };
      const [row] = await tb.db.query<{ entry: Uint8Array }>(
        'SELECT entry FROM ledger_pending WHERE id = $1',
        [receipt.pendingId],
      );
      const parsed = parseEntryBytes(new Uint8Array(row!.entry));
      expect(parsed.ok && parsed.entry.actor).toEqual({ id: 'test-dki', role: 'KPU_PROVINSI' });
    }
  });

  it('refuses a KPU provinsi in another province, its own level and national roles (403), storing nothing', async () => {
    const before = await counts();
    for (const [as, role, area] of [
      ['dki', 'KPU_KABKOTA', '3271'],
      ['dki', 'KPPS', '3271011001001'],
      ['jabar', 'KPU_KABKOTA', '3171'],
      ['dki', 'KPU_PROVINSI', '31'],
      ['dki', 'KPU_RI', 'ID'],
      ['dki', 'ADMIN', 'ID'],
      ['dki', 'AUDITOR', 'ID'],
    ] as const) {
      const res = await create(as, role, area);
      expect(res.status, `${as}: ${role} ${area}`).toBe(403);
      expect(await errorCode(res)).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });

  it('lets a KPU kab/kota appoint inside its kab/kota only', async () => {
    expect((await create('jakpus', 'PPK', '317102')).status).toBe(201);
    expect((await create('jakpus', 'KPPS', '3171021001001')).status).toBe(201);
    const before = await counts();
    expect((await create('jakpus', 'PPK', '317201')).status).toBe(403);
    expect((await create('jakpus', 'KPU_KABKOTA', '3171')).status).toBe(403);
    expect((await create('jakpus', 'KPU_KABKOTA', '3172')).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('still lets ADMIN appoint anyone, national roles included', async () => {
    for (const [role, area] of [
      ['KPU_RI', 'ID'],
      ['AUDITOR', 'ID'],
      ['KPU_PROVINSI', '32'],
      ['KPPS', '3271011001001'],
    ] as const)
      expect((await create('admin', role, area)).status, `${role} ${area}`).toBe(201);
  });

  it('refuses a KPPS, even at its own TPS (403)', async () => {
    const before = await counts();
    for (const [role, area] of [
      ['KPPS', '3171011001001'],
      ['KPPS', '3171011001003'],
    ] as const) {
      const res = await create('kpps', role, area);
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });
});

describe('suspension follows officer.manage on the target officer', () => {
  it('lets a KPU provinsi suspend and reinstate below it in its province, not elsewhere', async () => {
    const inside = await tb.officer('KPPS', '3171011001005');
    const outside = await tb.officer('KPPS', '3271011001005');
    expect((await setSuspended('dki', inside.id, 'suspend')).status).toBe(200);
    expect((await setSuspended('dki', inside.id, 'reinstate')).status).toBe(200);
    const before = await counts();
    const res = await setSuspended('dki', outside.id, 'suspend');
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('FORBIDDEN');
    // Not a peer, nor the one above: a KPU provinsi officer is not theirs to suspend.
    expect((await setSuspended('jakpus', 'test-dki', 'suspend')).status).toBe(403);
    expect((await setSuspended('kpps', inside.id, 'suspend')).status).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await setSuspended('admin', outside.id, 'suspend')).status).toBe(200);
  });
});
