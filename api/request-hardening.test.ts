// What a hostile client sends in a body, refused before anything is stored
// (issue #10), in-process over the whole API:
// - a body that is not application/json: 415;
// - JSON with a repeated name, at any depth or spelt with escapes: 400;
// - U+0000 in any string: 400 (it was a 500 on PostgreSQL, which refuses it);
// - a NIK-shaped number in public free text: 422 (it was published for ever).
// Each refused request is otherwise valid (signed, authorised), so only the rule
// under test can refuse it, and the log and tables stay as they were.
import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDevice, type PlatformApp, platformApp, type TestDevice } from '../test/platform-app.ts';
import { deviceSubject, enrolmentMessage } from './domains/devices/index.ts';
import { reportSubject } from './domains/tps-reports/index.ts';
import { submissionMessage } from './write/device-signature.ts';

const TPS = '3171011001001';
let p: PlatformApp;
let kpps: { token: string; id: string; device: TestDevice };
let ppk: { token: string; id: string; device: TestDevice };
let admin: string;

async function officer(role: string, area?: string) {
  const token = await p.token(role, area);
  const me = await p.app.request('/v1/officers/me', { headers: auth(token) });
  const { id } = ((await me.json()) as { officer: { id: string } }).officer;
  return { token, id, device: await p.enrolDevice(token, id) };
}

beforeAll(async () => {
  p = await platformApp();
  kpps = await officer('KPPS');
  ppk = await officer('PPK', '317101');
  admin = await p.token('ADMIN');
});
afterAll(async () => {
  await p.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const JSON_TYPE = { 'Content-Type': 'application/json' };

async function post(path: string, body: string, headers: Record<string, string>) {
  const r = await p.app.request(path, { method: 'POST', headers, body });
  return {
    status: r.status,
    body: (await r.json()) as { error?: { code: string; message: string } },
  };
}

/** Rows of every table that a write touches, and the pending log entries. */
async function snapshot() {
  const [row] = await p.rt.db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM ledger_pending)::int AS pending,
            (SELECT count(*) FROM tps_reports)::int AS reports,
            (SELECT count(*) FROM officers)::int AS officers,
            (SELECT count(*) FROM devices)::int AS devices,
            (SELECT count(*) FROM officers WHERE suspended)::int AS suspended`,
  );
  return row;
}

let refNo = 0;
function report(description: string, seq = 1, reason?: string, ref = `r${++refNo}`) {
  const payload = {
    tps: TPS,
    ref,
    type: 'incident',
    occurredAt: '2024-02-14T09:00:00Z',
    description,
  };
  return { payload, subject: reportSubject(payload), seq, reason };
}

/** A signed submission of `r`, as the body text (kind by version). */
function signed(r: ReturnType<typeof report>, who: { device: TestDevice }) {
  const kind = r.seq === 1 ? 'tps.report.submitted' : 'tps.report.corrected';
  const sig = sign(
    null,
    submissionMessage({
      kind,
      subject: r.subject,
      seq: r.seq,
      payload: r.payload,
      reason: r.reason,
    }),
    who.device.privateKey,
  ).toString('base64');
  return JSON.stringify({
    subject: r.subject,
    seq: r.seq,
    payload: r.payload,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    device: { key: who.device.keyB64, sig },
  });
}

async function expectRefused(
  path: string,
  body: string,
  headers: Record<string, string>,
  status: number,
  code: string,
) {
  const before = await snapshot();
  const r = await post(path, body, headers);
  expect(r.status, `${path} ${body.slice(0, 200)}`).toBe(status);
  expect(r.body.error?.code).toBe(code);
  expect(await snapshot()).toEqual(before);
  return r.body.error!.message;
}

describe('media type', () => {
  it('refuses a write whose body is not declared application/json (415)', async () => {
    const body = signed(report('pintu TPS rusak'), kpps);
    for (const type of [
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      'application/json; charset=iso-8859-1',
      'multipart/form-data; boundary=x',
    ]) {
      const headers: Record<string, string> = { ...auth(kpps.token) };
      if (type !== undefined) headers['Content-Type'] = type;
      await expectRefused('/v1/tps-reports', body, headers, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const login = JSON.stringify({ username: 'someone', password: 'secret secret' });
    await expectRefused(
      '/v1/auth/login',
      login,
      { 'Content-Type': 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('takes application/json with a UTF-8 charset, in any case', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"']) {
      const r = await post('/v1/tps-reports', signed(report('lampu padam'), kpps), {
        'Content-Type': type,
        ...auth(kpps.token),
      });
      expect(r.status, type).toBe(201);
    }
  });
});

describe('duplicate names in a JSON body', () => {
  it('are refused at the top, nested, and spelt with escapes (400), changing nothing', async () => {
    const good = signed(report('hujan deras'), kpps);
    const cases = [
      // the top level: the last "seq" would win in JSON.parse
      good.replace('"seq":1', '"seq":1,"seq":1'),
      // nested in the payload
      good.replace('"type":"incident"', '"type":"incident","type":"incident"'),
      // "\u0074ype" is "type"
      good.replace('"type":"incident"', '"type":"incident","\\u0074ype":"objection"'),
      // in the device block
      good.replace('"device":{', '"device":{"key":"x",'),
    ];
    for (const body of cases) {
      expect(body).not.toBe(good);
      const message = await expectRefused(
        '/v1/tps-reports',
        body,
        { ...JSON_TYPE, ...auth(kpps.token) },
        400,
        'DUPLICATE_KEY',
      );
      expect(message).toMatch(/duplicate name "(seq|type|key)"/);
    }
    expect(
      (await post('/v1/tps-reports', good, { ...JSON_TYPE, ...auth(kpps.token) })).status,
    ).toBe(201);
  });

  it('are refused on identity routes too', async () => {
    await expectRefused(
      '/v1/auth/login',
      '{"username":"a-user","password":"wrong one","username":"other-user"}',
      JSON_TYPE,
      400,
      'DUPLICATE_KEY',
    );
    const target = await p.token('PPS', '3171011001');
    const me = await p.app.request('/v1/officers/me', { headers: auth(target) });
    const { id } = ((await me.json()) as { officer: { id: string } }).officer;
    await expectRefused(
      `/v1/officers/${id}/suspend`,
      '{"reason":"a","reason":"b"}',
      { ...JSON_TYPE, ...auth(admin) },
      400,
      'DUPLICATE_KEY',
    );
  });
});

describe('U+0000 in a string', () => {
  it('is refused with a 400 in every free-text field (PostgreSQL cannot store it)', async () => {
    const headers = { ...JSON_TYPE, ...auth(kpps.token) };
    const msg = await expectRefused(
      '/v1/tps-reports',
      signed(report('kotak suara\u0000 rusak'), kpps),
      headers,
      400,
      'INVALID_REQUEST',
    );
    expect(msg).toMatch(/\/payload\/description contains U\+0000/);
    // In a correction's reason.
    const first = report('surat suara kurang', 1, undefined, 'nul-reason');
    expect((await post('/v1/tps-reports', signed(first, kpps), headers)).status).toBe(201);
    const fix = report('surat suara kurang 3', 2, 'salah\u0000 hitung', 'nul-reason');
    await expectRefused(
      '/v1/tps-reports/corrections',
      signed(fix, ppk),
      { ...JSON_TYPE, ...auth(ppk.token) },
      400,
      'INVALID_REQUEST',
    );
    // In a device label (enrolment).
    const d = newDevice();
    const proof = sign(null, enrolmentMessage(kpps.id, d.keyB64), d.privateKey).toString('base64');
    const enrol = JSON.stringify({
      subject: deviceSubject(d.keyB64),
      seq: 1,
      payload: { officer: kpps.id, key: d.keyB64, label: 'tablet\u0000', proof },
    });
    await expectRefused('/v1/devices', enrol, headers, 400, 'INVALID_REQUEST');
    // In a suspension reason, and in a name.
    const target = await p.token('PPS', '3171011002');
    const me = await p.app.request('/v1/officers/me', { headers: auth(target) });
    const { id } = ((await me.json()) as { officer: { id: string } }).officer;
    const adminHeaders = { ...JSON_TYPE, ...auth(admin) };
    await expectRefused(
      `/v1/officers/${id}/suspend`,
      '{"reason":"\\u0000"}',
      adminHeaders,
      400,
      'INVALID_REQUEST',
    );
    await expectRefused(
      `/v1/officers/${id}/suspend`,
      '{"reason":"x","\\u0000":1}',
      adminHeaders,
      400,
      'INVALID_REQUEST',
    );
    await expectRefused(
      '/v1/auth/login',
      '{"username":"a-user","password":"pass\\u0000word"}',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
    );
  });
});

describe('NIK-shaped numbers in public free text', () => {
  const NIKS = [
    '3171011001000001',
    '3171 0110 0100 0001',
    '3171.0110.0100.0001',
    '3171-0110-0100-0001',
    '317101 100100 0001',
    '3171\u20130110\u20130100\u20130001',
  ];
  it('are refused with a 422 in a report description, changing nothing', async () => {
    const headers = { ...JSON_TYPE, ...auth(kpps.token) };
    for (const nik of NIKS) {
      const msg = await expectRefused(
        '/v1/tps-reports',
        signed(report(`saksi dengan NIK ${nik} menolak tanda tangan`), kpps),
        headers,
        422,
        'NIK_IN_PUBLIC_TEXT',
      );
      expect(msg).toMatch(/\/payload\/description .*NIK.*log/);
    }
  });

  it('are refused in reasons, device labels and officer ids', async () => {
    const first = report('pemilih ganda', 1, undefined, 'nik-reason');
    expect(
      (await post('/v1/tps-reports', signed(first, kpps), { ...JSON_TYPE, ...auth(kpps.token) }))
        .status,
    ).toBe(201);
    const fix = report(
      'pemilih ganda (diperbaiki)',
      2,
      'pemilih NIK 3171011001000001 tercatat dua kali',
      'nik-reason',
    );
    await expectRefused(
      '/v1/tps-reports/corrections',
      signed(fix, ppk),
      { ...JSON_TYPE, ...auth(ppk.token) },
      422,
      'NIK_IN_PUBLIC_TEXT',
    );

    const d = newDevice();
    const proof = sign(null, enrolmentMessage(kpps.id, d.keyB64), d.privateKey).toString('base64');
    const enrol = JSON.stringify({
      subject: deviceSubject(d.keyB64),
      seq: 1,
      payload: { officer: kpps.id, key: d.keyB64, label: 'HP milik 3171011001000001', proof },
    });
    await expectRefused(
      '/v1/devices',
      enrol,
      { ...JSON_TYPE, ...auth(kpps.token) },
      422,
      'NIK_IN_PUBLIC_TEXT',
    );

    const adminHeaders = { ...JSON_TYPE, ...auth(admin) };
    const create = JSON.stringify({
      id: '3171011001000001',
      username: 'nik-as-id',
      password: 'a long enough password',
      role: 'PPS',
      area: '3171011001',
    });
    await expectRefused('/v1/officers', create, adminHeaders, 422, 'NIK_IN_PUBLIC_TEXT');
    const target = await p.token('PPS', '3171011003');
    const me = await p.app.request('/v1/officers/me', { headers: auth(target) });
    const { id } = ((await me.json()) as { officer: { id: string } }).officer;
    await expectRefused(
      `/v1/officers/${id}/suspend`,
      JSON.stringify({ reason: 'NIK 3171-0110-0100-0001 palsu' }),
      adminHeaders,
      422,
      'NIK_IN_PUBLIC_TEXT',
    );
  });

  it('lets other numbers through: TPS codes, dates, counts, 15 or 17 digits', async () => {
    const headers = { ...JSON_TYPE, ...auth(kpps.token) };
    for (const text of [
      `TPS ${TPS} dibuka 14-02-2024 07.00, 231 pemilih`,
      'nomor 317101100100000 (15 digit)',
      'nomor 31710110010000011 (17 digit)',
      `TPS ${TPS} dan ${TPS}`,
      'telepon 0812-3456-7890',
    ]) {
      const r = await post('/v1/tps-reports', signed(report(text), kpps), headers);
      expect(r.status, text).toBe(201);
    }
  });
});
