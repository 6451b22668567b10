// The voter register end to end (issue #11): registrations and changes through
// the HTTP API as officers make them, every refusal storing nothing, the log
// carrying no personal data, and a person's self-check proved by the
// browser-safe verifier (ledger/verifier/voters).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { votersVerifyCommand } from '../../../cli/commands/voters-verify.ts';
import { ed25519Signer, verifierKeyOf } from '../../../ledger/index.ts';
import { verifySelfCheck } from '../../../ledger/verifier/voters/index.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { DemoClient, demoVoter, seedVoters } from '../../demo/index.ts';
import { generateElection, loadElection, refreshRegistry } from '../registry/index.ts';
import { publishVoterCounts, VoterCountPublisher } from './counts.ts';
import type { VoterPersonal } from './schemas.ts';

const TPS = '3171011001001';
const TPS2 = '3171011001002';
let OTHER_DESA_TPS = '';
let p: PlatformApp;
let pps: string;
let ppk: string;
let ppkElsewhere: string;
const json = { 'Content-Type': 'application/json' };

const post = (path: string, body: unknown, token?: string) =>
  p.app.request(path, {
    method: 'POST',
    headers: { ...json, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

let serial = 0;
/** A valid record: a woman born 12 March 1990 in kecamatan 317101 (NIK day 12 + 40). */
const voter = (over: Partial<VoterPersonal> = {}): VoterPersonal => ({
  nik: `317101520390${String(++serial).padStart(4, '0')}`,
  kk: '3171010101100001',
  name: 'Siti Aminah',
  birthPlace: 'Jakarta',
  birthDate: '1990-03-12',
  sex: 'P',
  marital: 'S',
  address: 'Jl. Kenanga No. 7 RT 003 RW 004',
  disability: 'none',
  ektp: true,
  ...over,
});

const TABLES = ['voters', 'voter_changes', 'voter_salts', 'ledger_pending', 'subject_versions'];
const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      TABLES.map(async (t) => [
        t,
        Number(
          (await p.fresh.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
        ),
      ]),
    ),
  );

/** Sends a request that must be refused, and checks it stored nothing. */
async function refused(
  send: () => Response | Promise<Response>,
  status: number,
  code: string,
  text?: RegExp,
): Promise<void> {
  const before = await counts();
  const r = await send();
  const body = (await r.json()) as { error: { code: string; message: string } };
  expect([r.status, body.error.code], JSON.stringify(body)).toEqual([status, code]);
  if (text) expect(body.error.message).toMatch(text);
  expect(await counts()).toEqual(before);
}

async function register(v: VoterPersonal, tps = TPS, list = 'DPS') {
  const r = await post('/v1/voters', { voter: v, tps, list }, pps);
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as { subject: string; seq: number; pendingId: number; kind: string };
}

/** The self-check answer once the record's entry is in a checkpoint. */
async function selfCheck(nik: string, name: string): Promise<unknown> {
  for (let i = 0; i < 200; i++) {
    const r = await post('/v1/voters/self-check', { nik, name });
    if (r.status === 200) return r.json();
    expect(r.status, await r.clone().text()).toBe(503);
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('never integrated');
}

beforeAll(async () => {
  p = await platformApp();
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 7 }));
  const registry = await refreshRegistry(p.fresh.db);
  const desa2 = registry.children('317101').find((d) => d !== '3171011001')!;
  OTHER_DESA_TPS = registry.children(desa2)[0]!;
  expect(registry.hasTps(TPS) && registry.hasTps(TPS2) && registry.hasTps(OTHER_DESA_TPS)).toBe(
    true,
  );
  pps = await p.token('PPS', '3171011001');
  ppk = await p.token('PPK', '317101');
  ppkElsewhere = await p.token('PPK', '317102');
}, 60_000);
afterAll(async () => {
  await p?.close();
});

describe('registering a voter', () => {
  it('logs only the TPS, list, change and commitment, under an opaque subject', async () => {
    const v = voter();
    const receipt = await register(v);
    expect(receipt.kind).toBe('voters.voter.registered');
    expect(receipt.subject).toMatch(/^voter:[0-9a-f]{32}$/);
    expect(receipt.seq).toBe(1);
    const entry = (await p.rt.store.pendingEntries([receipt.pendingId])).get(receipt.pendingId);
    const logged = JSON.parse(new TextDecoder().decode(entry!.entry)) as {
      payload: Record<string, unknown>;
    };
    expect(Object.keys(logged.payload).sort()).toEqual([
      'change',
      'commitment',
      'list',
      'reason',
      'tps',
    ]);
    expect(logged.payload).toMatchObject({
      tps: TPS,
      list: 'DPS',
      change: 'registered',
      reason: null,
    });
    const text = new TextDecoder().decode(entry!.entry);
    for (const s of [v.nik, v.kk, v.name, v.birthDate, '12-03-1990', '120390', v.address])
      expect(text).not.toContain(s);
  });

  it('refuses a second registration of one NIK (409), storing nothing', async () => {
    const v = voter();
    await register(v);
    await refused(
      () =>
        post('/v1/voters', { voter: { ...v, name: 'Someone Else' }, tps: TPS2, list: 'DPS' }, pps),
      409,
      'DUPLICATE_NIK',
    );
  });

  it('refuses a NIK that is not one (400, 422), storing nothing', async () => {
    const send = (v: VoterPersonal) => () =>
      post('/v1/voters', { voter: v, tps: TPS, list: 'DPS' }, pps);
    await refused(send(voter({ nik: '317101520390001' })), 400, 'INVALID_REQUEST');
    await refused(send(voter({ nik: '31710152039000ab' })), 400, 'INVALID_REQUEST');
    // Region 317199 is no kecamatan of the registry.
    await refused(send(voter({ nik: '3171995203900001' })), 422, 'RULE_VIOLATION', /nik-region/);
    // Day 32 is no day, for a man or a woman (+40).
    await refused(
      send(voter({ nik: '3171013203900001' })),
      422,
      'RULE_VIOLATION',
      /nik-birth-date/,
    );
    // The NIK says 12 March 1990 (a woman): a man, or another date, does not match.
    await refused(send(voter({ sex: 'L' })), 422, 'RULE_VIOLATION', /nik-sex/);
    await refused(
      send(voter({ birthDate: '1990-03-13' })),
      422,
      'RULE_VIOLATION',
      /nik-birth-date/,
    );
    await refused(send(voter({ nik: '3171015203900000' })), 422, 'RULE_VIOLATION', /nik-serial/);
    await refused(send(voter({ birthDate: '1990-02-30' })), 422, 'RULE_VIOLATION', /birth-date/);
  });

  it('refuses an underage unmarried voter, an unknown TPS, unknown fields', async () => {
    const young = voter({ nik: '3171015203100001', birthDate: '2010-03-12', marital: 'B' });
    await refused(
      () => post('/v1/voters', { voter: young, tps: TPS, list: 'DPS' }, pps),
      422,
      'RULE_VIOLATION',
      /eligible/,
    );
    await refused(
      () => post('/v1/voters', { voter: voter(), tps: '3171011001999', list: 'DPS' }, pps),
      422,
      'RULE_VIOLATION',
      /known-tps/,
    );
    await refused(
      () =>
        post('/v1/voters', { voter: { ...voter(), religion: 'x' }, tps: TPS, list: 'DPS' }, pps),
      400,
      'INVALID_REQUEST',
    );
    await refused(
      () => post('/v1/voters', { voter: voter(), tps: TPS, list: 'DPT' }, pps),
      400,
      'INVALID_REQUEST',
    );
  });

  it('refuses an officer outside the area (403) before saying whether the NIK is known', async () => {
    const v = voter();
    await register(v);
    // A duplicate, asked by an officer of another kecamatan: 403, not 409.
    await refused(
      () => post('/v1/voters', { voter: v, tps: TPS, list: 'DPS' }, ppkElsewhere),
      403,
      'FORBIDDEN',
    );
    await refused(
      () =>
        post(
          '/v1/voters/remove',
          { nik: v.nik, tps: TPS, seq: 2, reason: 'deceased' },
          ppkElsewhere,
        ),
      403,
      'FORBIDDEN',
    );
    const kpps = await p.token('KPPS', TPS);
    await refused(
      () => post('/v1/voters', { voter: voter(), tps: TPS, list: 'DPS' }, kpps),
      403,
      'FORBIDDEN',
    );
    await refused(
      () => post('/v1/voters', { voter: voter(), tps: TPS, list: 'DPS' }),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('changing a record', () => {
  it('moves DPS → DPSHP → DPT one step at a time, then transfers with form A (DPTb)', async () => {
    const v = voter();
    await register(v);
    let seq = 1;
    const change = async (path: string, body: Record<string, unknown>, token = pps) => {
      const r = await post(`/v1/voters/${path}`, { nik: v.nik, seq: seq + 1, ...body }, token);
      if (r.status === 201) seq++;
      return r;
    };
    await refused(
      () => change('promote', { tps: TPS, to: 'DPT' }),
      422,
      'RULE_VIOLATION',
      /list-order/,
    );
    await refused(
      () => change('transfer', { tps: TPS, to: OTHER_DESA_TPS, formA: 'A-1' }),
      422,
      'RULE_VIOLATION',
      /transfer-from-dpt/,
    );
    expect((await change('promote', { tps: TPS, to: 'DPSHP' })).status).toBe(201);
    expect((await change('promote', { tps: TPS, to: 'DPT' })).status).toBe(201);
    await refused(
      () => change('transfer', { tps: TPS, to: '3171011001999', formA: 'A-1' }),
      422,
      'RULE_VIOLATION',
      /known-tps/,
    );
    await refused(
      () => change('transfer', { tps: TPS, to: OTHER_DESA_TPS }),
      400,
      'INVALID_REQUEST',
    );
    // The destination is in another desa: the PPK of the kecamatan transfers.
    const t = await change('transfer', { tps: TPS, to: OTHER_DESA_TPS, formA: 'A-317101-17' }, ppk);
    expect(t.status, await t.clone().text()).toBe(201);
    expect(((await t.json()) as { seq: number }).seq).toBe(4);
    // It is no longer at TPS: asked there, it is not registered there.
    await refused(() => change('promote', { tps: TPS, to: 'DPT' }, ppk), 404, 'NOT_REGISTERED');
    // A replay of the transfer, or a change from a stale view: 409.
    await refused(
      () =>
        post(
          '/v1/voters/transfer',
          { nik: v.nik, seq: 4, tps: TPS, to: OTHER_DESA_TPS, formA: 'A-317101-17' },
          ppk,
        ),
      409,
      'VERSION_CONFLICT',
    );
    const [row] = await p.fresh.db.query<{ tps: string; list: string; seq: number }>(
      "SELECT tps, list, seq FROM voters WHERE subject = (SELECT subject FROM voter_changes WHERE seq = 4 AND change = 'transferred' LIMIT 1)",
    );
    expect(row).toEqual({ tps: OTHER_DESA_TPS, list: 'DPTb', seq: 4 });
  });

  it('assigns within the desa only, and removes with a reason code, after which nothing changes', async () => {
    const v = voter();
    await register(v);
    const change = (path: string, body: Record<string, unknown>) =>
      post(`/v1/voters/${path}`, { nik: v.nik, tps: TPS, seq: 2, ...body }, pps);
    await refused(
      () => change('assign', { to: OTHER_DESA_TPS }),
      422,
      'RULE_VIOLATION',
      /assign-within-desa/,
    );
    expect((await change('assign', { to: TPS2 })).status).toBe(201);
    const at2 = (path: string, body: Record<string, unknown>) =>
      post(`/v1/voters/${path}`, { nik: v.nik, tps: TPS2, seq: 3, ...body }, pps);
    await refused(() => at2('remove', {}), 400, 'INVALID_REQUEST');
    await refused(() => at2('remove', { reason: 'bored' }), 400, 'INVALID_REQUEST');
    const r = await at2('remove', { reason: 'deceased' });
    expect(r.status).toBe(201);
    const { pendingId } = (await r.json()) as { pendingId: number };
    const entry = (await p.rt.store.pendingEntries([pendingId])).get(pendingId);
    const logged = JSON.parse(new TextDecoder().decode(entry!.entry));
    expect(logged).toMatchObject({
      kind: 'voters.voter.removed',
      reason: 'removed: deceased',
      payload: { change: 'removed', reason: 'deceased', tps: TPS2 },
    });
    await refused(
      () => post('/v1/voters/promote', { nik: v.nik, tps: TPS2, seq: 4, to: 'DPSHP' }, pps),
      422,
      'RULE_VIOLATION',
      /removed/,
    );
  });

  it('answers an unknown NIK with 404 to an officer of the area', async () => {
    await refused(
      () => post('/v1/voters/remove', { nik: voter().nik, tps: TPS, seq: 2, reason: 'moved' }, pps),
      404,
      'NOT_REGISTERED',
    );
  });
});

describe('the self-check', () => {
  it('gives the TPS, the opening and a proof the browser verifier accepts', async () => {
    const v = voter({ name: 'Dewi  Lestari' });
    await register(v, TPS2);
    const answer = (await selfCheck(v.nik, 'dewi lestari')) as Record<string, unknown>;
    expect(answer).toMatchObject({ found: true, removed: false, tps: TPS2, list: 'DPS', seq: 1 });
    expect(JSON.stringify(answer)).not.toContain(v.address);
    const verdict = verifySelfCheck(answer, { nik: v.nik, name: 'Dewi Lestari' }, p.rt.verifierKey);
    expect(verdict.errors).toEqual([]);
    expect(verdict.ok).toBe(true);
    // Another person's NIK, or a tampered TPS, does not verify.
    const other = verifySelfCheck(
      answer,
      { nik: voter().nik, name: 'Dewi Lestari' },
      p.rt.verifierKey,
    );
    expect(other.errors.map((e) => e.code)).toEqual(['COMMITMENT_MISMATCH']);
    const moved = verifySelfCheck(
      { ...answer, tps: TPS },
      { nik: v.nik, name: v.name },
      p.rt.verifierKey,
    );
    expect(moved.ok).toBe(false);
    expect(
      verifySelfCheck({ found: false }, { nik: v.nik, name: v.name }, p.rt.verifierKey).errors[0]!
        .code,
    ).toBe('NOT_REGISTERED');
    expect(verifySelfCheck('nonsense', { nik: v.nik, name: v.name }, p.rt.verifierKey).ok).toBe(
      false,
    );
  });

  it('answers a wrong name exactly as an unknown NIK', async () => {
    const v = voter();
    await register(v);
    await selfCheck(v.nik, v.name);
    expect(await selfCheck(v.nik, 'Budi Santoso')).toEqual({ found: false });
    expect(await selfCheck(voter().nik, v.name)).toEqual({ found: false });
    const bad = await post('/v1/voters/self-check', { nik: '123', name: v.name });
    expect(bad.status).toBe(400);
  });
});

describe('saksi voters verify (a person’s command, over HTTP)', () => {
  it('exits 0 for a registered person, 4 for a wrong name, 1 under another log key', async () => {
    const v = voter({ name: 'Agus Salim' });
    await register(v, TPS2);
    await selfCheck(v.nik, v.name);
    const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    try {
      const args = ['--url', url, '--nik', '-', '--key', p.rt.verifierKey];
      expect(await votersVerifyCommand([...args, '--name', v.name], io, () => `${v.nik}\n`)).toBe(
        0,
      );
      expect(out.join('\n')).toMatch(/^OK: you are registered at TPS 3171011001002 on list DPS/);
      out.length = 0;
      expect(await votersVerifyCommand([...args, '--name', 'Agus Salem'], io, () => v.nik)).toBe(4);
      const other = verifierKeyOf(ed25519Signer(p.rt.config.origin, new Uint8Array(32).fill(3)));
      const wrongKey = ['--url', url, '--nik', v.nik, '--name', v.name, '--key', other];
      expect(await votersVerifyCommand(wrongKey, io)).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('saksi demo seed --voters (through the public API)', () => {
  it('registers N demo voters, and a rerun passes over the ones registered', async () => {
    const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await seedVoters(new DemoClient(url), 12, 3)).toEqual({
        registered: 12,
        alreadyThere: 0,
      });
      expect(await seedVoters(new DemoClient(url), 14, 3)).toEqual({
        registered: 2,
        alreadyThere: 12,
      });
      const v = demoVoter(13);
      expect(await selfCheck(v.nik, v.name)).toMatchObject({ found: true, list: 'DPS' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('crypto-erasure and the bulk export', () => {
  it('erases a record: its opening is gone, the erasure is a log entry, the NIK may register anew', async () => {
    const v = voter({ name: 'Hapus Saya' });
    await register(v, TPS2);
    await selfCheck(v.nik, v.name);
    const kab = await p.token('KPU_KABKOTA', '3171');
    const erase = (body: Record<string, unknown>, token = kab) =>
      post(
        '/v1/voters/erase',
        { nik: v.nik, tps: TPS2, seq: 2, reason: 'data-subject-request', ...body },
        token,
      );
    await refused(() => erase({}, pps), 403, 'FORBIDDEN');
    await refused(() => erase({ reason: 'because' }), 400, 'INVALID_REQUEST');
    const r = await erase({});
    expect(r.status, await r.clone().text()).toBe(201);
    const { subject, pendingId } = (await r.json()) as { subject: string; pendingId: number };
    const entry = (await p.rt.store.pendingEntries([pendingId])).get(pendingId)!;
    expect(JSON.parse(new TextDecoder().decode(entry.entry))).toMatchObject({
      kind: 'voters.voter.erased',
      subject,
      seq: 2,
      payload: {
        change: 'erased',
        reason: 'data-subject-request',
        commitment: Buffer.alloc(32).toString('base64'),
      },
    });
    const salts = await p.fresh.db.query('SELECT 1 FROM voter_salts WHERE subject = $1', [subject]);
    expect(salts).toEqual([]);
    const [row] = await p.fresh.db.query<{ dek: unknown; personal: unknown }>(
      'SELECT dek, personal FROM voters WHERE subject = $1',
      [subject],
    );
    expect(row).toEqual({ dek: null, personal: null });
    expect(await selfCheck(v.nik, v.name)).toEqual({ found: false });
    // Its NIK index is gone too: the NIK finds nothing, and may register anew.
    await refused(() => erase({}), 409, 'ALREADY_ERASED');
    // Registered anew, and erased again.
    await register(v, TPS2);
    expect((await erase({})).status).toBe(201);
  });

  it('exports an area’s records only to KPU provinsi or RI, logging the export with its reason first', async () => {
    const prov = await p.token('KPU_PROVINSI', '31');
    const kab = await p.token('KPU_KABKOTA', '3171');
    const body = { area: '3171011001', reason: 'pemeriksaan daftar pemilih' };
    await refused(() => post('/v1/voters/export', body, kab), 403, 'FORBIDDEN');
    await refused(
      () => post('/v1/voters/export', { ...body, reason: 'NIK 3171015203900001 saja' }, prov),
      422,
      'NIK_IN_PUBLIC_TEXT',
    );
    const r = await post('/v1/voters/export', body, prov);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await r.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'nik,kk,name,birth_place,birth_date,sex,marital,address,disability,ektp,tps,list',
    );
    const [{ n }] = (await p.fresh.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM voters WHERE tps LIKE '3171011001%' AND dek IS NOT NULL",
    )) as [{ n: number }];
    expect(lines.length - 1).toBe(n);
    const hash = r.headers.get('x-saksi-export-entry')!;
    const [logged] = await p.fresh.db.query<{ pending_id: number }>(
      "SELECT v.subject FROM subject_versions v WHERE v.kind = 'voters.export.performed'",
    );
    expect(logged).toBeDefined();
    expect(hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });
});

describe('public counts', () => {
  it('publishes per TPS and area, each area the sum of its children, each TPS of its voter entries', async () => {
    expect(await publishVoterCounts(p.fresh.db)).toBeGreaterThan(5);
    type Count = {
      seq: number;
      entryHash: string;
      count: {
        total: number;
        lists: Record<string, number>;
        changes: Record<string, number>;
        entries?: string[];
        children?: { area: string; entry: string; total: number; lists: Record<string, number> }[];
      };
    };
    const get = async (area: string) => {
      const r = await p.app.request(`/v1/voters/counts/${area}`);
      expect(r.status, area).toBe(200);
      return (await r.json()) as Count;
    };
    const tps = await get(TPS);
    const [{ n }] = (await p.fresh.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM voters WHERE tps = '${TPS}'`,
    )) as [{ n: number }];
    expect(tps.count.total).toBe(n);
    expect(tps.count.entries).toHaveLength(n);
    const hashes = await p.fresh.db.query<{ h: Uint8Array }>(
      `SELECT c.entry_hash AS h FROM voters v JOIN voter_changes c ON c.subject = v.subject AND c.seq = v.seq WHERE v.tps = '${TPS}'`,
    );
    expect([...tps.count.entries!].sort()).toEqual(
      hashes.map((x) => Buffer.from(x.h).toString('base64')).sort(),
    );
    for (const area of ['3171011001', '317101', '3171', '31', 'ID']) {
      const a = await get(area);
      const children = a.count.children!;
      expect(a.count.total).toBe(children.reduce((s, c) => s + c.total, 0));
      expect(a.count.lists.DPT).toBe(children.reduce((s, c) => s + c.lists.DPT!, 0));
      for (const c of children) expect((await get(c.area)).entryHash).toBe(c.entry);
    }
    expect((await p.app.request('/v1/voters/counts/9999')).status).toBe(404);
    expect((await p.app.request('/v1/voters/counts/x')).status).toBe(400);
    // The publisher republishes only when the register changed.
    const publisher = new VoterCountPublisher(p.fresh.db);
    expect(await publisher.tick()).toBeGreaterThan(0);
    expect(await publisher.tick()).toBe(0);
    expect((await get('ID')).seq).toBe(2);
  });
});

describe('no personal data in clear at rest', () => {
  it('holds no NIK, name, family-card number or birth date in any voter column', async () => {
    const v = voter({ name: 'Rahmat Hidayat', kk: '3171012345678901' });
    await register(v);
    for (const table of ['voters', 'voter_changes', 'voter_salts']) {
      const rows = await p.fresh.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      const dump = rows
        .map((r) =>
          Object.values(r)
            .map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('latin1') : String(x)))
            .join('|'),
        )
        .join('\n');
      for (const s of [v.nik, v.kk, v.name.toUpperCase(), v.name, v.birthDate])
        expect(dump, `${table} holds ${s}`).not.toContain(s);
    }
  });
});

describe('Idempotency-Key on the register’s writes', () => {
  const send = (path: string, body: unknown, token: string, key?: string) =>
    p.app.request(path, {
      method: 'POST',
      headers: {
        ...json,
        Authorization: `Bearer ${token}`,
        ...(key === undefined ? {} : { 'Idempotency-Key': key }),
      },
      body: JSON.stringify(body),
    });
  /** The first answer, then the same request again: the same receipt, nothing stored. */
  async function replayed(path: string, body: unknown, token: string, key: string) {
    const first = await send(path, body, token, key);
    expect(first.status, await first.clone().text()).toBe(201);
    const receipt = await first.json();
    const before = await counts();
    const again = await send(path, body, token, key);
    expect(again.status, await again.clone().text()).toBe(201);
    expect(await again.json()).toEqual(receipt);
    expect(await counts()).toEqual(before);
    return receipt as { subject: string; seq: number; kind: string };
  }

  it('answers a retried registration and change with the first receipt, storing nothing twice', async () => {
    const v = voter();
    const reg = { voter: v, tps: TPS, list: 'DPS' };
    const r = await replayed('/v1/voters', reg, pps, 'reg-1');
    expect(r).toMatchObject({ kind: 'voters.voter.registered', seq: 1 });
    // Without the key, the retry is what it always was: a duplicate NIK.
    await refused(() => send('/v1/voters', reg, pps), 409, 'DUPLICATE_NIK');
    // The same key for another request: 422, nothing stored.
    await refused(
      () => send('/v1/voters', { ...reg, voter: voter() }, pps, 'reg-1'),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    await refused(() => send('/v1/voters', reg, pps, 'bad key!'), 400, 'BAD_IDEMPOTENCY_KEY');
    // Keys are per officer: another officer's same key is not this receipt.
    await refused(() => send('/v1/voters', reg, ppk, 'reg-1'), 409, 'DUPLICATE_NIK');

    const promote = { nik: v.nik, tps: TPS, seq: 2, to: 'DPSHP' };
    expect(await replayed('/v1/voters/promote', promote, pps, 'promote-1')).toMatchObject({
      kind: 'voters.voter.promoted',
      seq: 2,
    });
    // The same change under a new key is a stale version, as before.
    await refused(
      () => send('/v1/voters/promote', promote, pps, 'promote-2'),
      409,
      'VERSION_CONFLICT',
    );
    await replayed('/v1/voters/promote', { ...promote, seq: 3, to: 'DPT' }, pps, 'promote-3');
    await replayed(
      '/v1/voters/transfer',
      { nik: v.nik, tps: TPS, seq: 4, to: OTHER_DESA_TPS, formA: 'A-317101-99' },
      ppk,
      'transfer-1',
    );
    // A key names one route's request: the same key on another route is another request.
    await refused(
      () =>
        send(
          '/v1/voters/remove',
          { nik: v.nik, tps: OTHER_DESA_TPS, seq: 5, reason: 'moved' },
          ppk,
          'transfer-1',
        ),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const removed = await replayed(
      '/v1/voters/remove',
      { nik: v.nik, tps: OTHER_DESA_TPS, seq: 5, reason: 'moved' },
      ppk,
      'remove-1',
    );
    expect(removed).toMatchObject({ kind: 'voters.voter.removed', seq: 5 });
    const [row] = await p.fresh.db.query<{ seq: number; removed: boolean }>(
      'SELECT seq, removed FROM voters WHERE subject = $1',
      [r.subject],
    );
    expect(row).toEqual({ seq: 5, removed: true });
  });

  it('answers a retried erasure with its receipt, and concurrent twins with one receipt', async () => {
    const kab = await p.token('KPU_KABKOTA', '3171');
    const v = voter();
    const reg = { voter: v, tps: TPS2, list: 'DPS' };
    const answers = await Promise.all([1, 2, 3].map(() => send('/v1/voters', reg, pps, 'twin-1')));
    const receipts = await Promise.all(
      answers.map(async (a) => {
        expect(a.status, await a.clone().text()).toBe(201);
        return a.json();
      }),
    );
    expect(receipts[1]).toEqual(receipts[0]);
    expect(receipts[2]).toEqual(receipts[0]);
    const [voters] = await p.fresh.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'twin-1'",
    );
    expect(voters!.n).toBe(1);
    const [n] = await p.fresh.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM voter_changes WHERE subject = $1',
      [(receipts[0] as { subject: string }).subject],
    );
    expect(n!.n).toBe(1);
    const erase = { nik: v.nik, tps: TPS2, seq: 2, reason: 'data-subject-request' };
    expect(await replayed('/v1/voters/erase', erase, kab, 'erase-1')).toMatchObject({
      kind: 'voters.voter.erased',
      seq: 2,
    });
    await refused(() => send('/v1/voters/erase', erase, kab, 'erase-2'), 409, 'ALREADY_ERASED');
    // The request digest is keyed (no plain hash of a NIK and a name at rest).
    const stored = await p.fresh.db.query<{ request_hash: Uint8Array }>(
      "SELECT request_hash FROM idempotency_keys WHERE key IN ('twin-1', 'erase-1')",
    );
    expect(stored).toHaveLength(2);
  });
});
