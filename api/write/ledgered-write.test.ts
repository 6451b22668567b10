// The ledgered write path (issue #3) end to end below HTTP: real database, real
// Cedar policies, real Ed25519 device keys, real sequencer. Every refusal is
// checked to change nothing: the log, the pending queue and every table.
import { generateKeyPairSync, sign } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Signer, LedgerStore, leafHash, Sequencer } from '../../ledger/index.ts';
import { fromBase64, openCheckpoint, verifyInclusion } from '../../ledger/verifier/index.ts';
import { loadPolicyEngine } from '../../policies/index.ts';
import { type FreshDb, freshDb } from '../../test/fresh-db.ts';
import type { OfficerPrincipal } from '../auth/principal.ts';
import {
  DbDeviceRegistry,
  deviceSubject,
  enrolDevice,
  enrolmentMessage,
  revokeDevice,
} from '../domains/devices/index.ts';
import {
  correctReport,
  reportSubject,
  submitReport,
  type TpsReportPayload,
} from '../domains/tps-reports/index.ts';
import { ApiError } from '../errors.ts';
import { cedarAuthorizer } from './cedar-authorizer.ts';
import { submissionMessage } from './device-signature.ts';
import {
  ledgerCommitter,
  performWrite,
  submissionSchema,
  type WriteServices,
  waitIntegrated,
} from './ledgered-write.ts';

const ORIGIN = 'write.test/log';
const TPS = '3171011001001';
const kpps: OfficerPrincipal = {
  kind: 'officer',
  id: 'kpps-1',
  role: 'KPPS',
  area: TPS,
  suspended: false,
  via: 'token',
};
const otherKpps: OfficerPrincipal = { ...kpps, id: 'kpps-2', area: '3171011001002' };
const ppk: OfficerPrincipal = {
  kind: 'officer',
  id: 'ppk-1',
  role: 'PPK',
  area: '317101',
  suspended: false,
  via: 'token',
};

const device = generateKeyPairSync('ed25519');
const deviceKey = device.publicKey.export({ format: 'jwk' }).x!;
const keyB64 = Buffer.from(deviceKey, 'base64url').toString('base64');
const ppkDevice = generateKeyPairSync('ed25519');
const ppkKeyB64 = Buffer.from(
  ppkDevice.publicKey.export({ format: 'jwk' }).x!,
  'base64url',
).toString('base64');

let t: FreshDb;
let svc: WriteServices;
let seq: Sequencer;
const submitSchema = submissionSchema(submitReport.payloadSchema, true);
const correctSchema = submissionSchema(correctReport.payloadSchema, true);

const payload = (over: Partial<TpsReportPayload> = {}): TpsReportPayload => ({
  tps: TPS,
  ref: 'c2-1',
  type: 'incident',
  occurredAt: '2024-02-14T10:15:00Z',
  description: 'Saksi partai mengajukan keberatan atas surat suara rusak',
  ...over,
});

function signed(
  p: TpsReportPayload,
  s = 1,
  opts: { kind?: string; reason?: string; key?: typeof device; keyB64?: string } = {},
) {
  const subject = reportSubject(p);
  const kind = opts.kind ?? 'tps.report.submitted';
  const msg = submissionMessage({ kind, subject, seq: s, payload: p, reason: opts.reason });
  const sig = sign(null, msg, (opts.key ?? device).privateKey).toString('base64');
  return {
    subject,
    seq: s,
    payload: p,
    ...(opts.reason ? { reason: opts.reason } : {}),
    device: { key: opts.keyB64 ?? keyB64, sig },
  };
}

async function snapshot() {
  const q = async (sql: string) => Number((await t.db.query<{ n: number }>(sql))[0]!.n);
  return {
    pending: await q('SELECT count(*)::int8 AS n FROM ledger_pending'),
    versions: await q('SELECT count(*)::int8 AS n FROM subject_versions'),
    reports: await q('SELECT count(*)::int8 AS n FROM tps_reports'),
    idem: await q('SELECT count(*)::int8 AS n FROM idempotency_keys'),
  };
}

async function expectRefused(write: () => Promise<unknown>, status: number, code: RegExp) {
  const before = await snapshot();
  const e = await write().then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).status).toBe(status);
  expect((e as ApiError).code).toMatch(code);
  expect(await snapshot()).toEqual(before);
}

beforeAll(async () => {
  t = await freshDb();
  const store = new LedgerStore(t.db);
  seq = new Sequencer(t.db, ed25519Signer(ORIGIN, new Uint8Array(32).fill(9)), {
    origin: ORIGIN,
    intervalMs: 10,
  });
  await seq.acquire();
  seq.start();
  const engine = await loadPolicyEngine({ logger: pino({ level: 'silent' }), cacheSize: 1000 });
  svc = {
    committer: ledgerCommitter(t.db),
    store,
    authorizer: cedarAuthorizer(engine),
    devices: new DbDeviceRegistry(t.db, 0),
    poke: () => seq.poke(),
  };
  await t.db.query(
    'INSERT INTO devices (public_key, officer_id, label) VALUES ($1, $2, $3), ($4, $5, $6)',
    [
      Buffer.from(keyB64, 'base64'),
      kpps.id,
      'tablet',
      Buffer.from(ppkKeyB64, 'base64'),
      ppk.id,
      'laptop',
    ],
  );
});
afterAll(async () => {
  await seq.stop();
  await t.drop();
});

describe('ledgered write', () => {
  it('stores the domain row and its signed entry together, and proves inclusion', async () => {
    const r = await performWrite(svc, submitReport, submitSchema, kpps, signed(payload()));
    expect(r).toMatchObject({
      kind: 'tps.report.submitted',
      subject: `tps-report:${TPS}:c2-1`,
      seq: 1,
    });
    const done = await waitIntegrated(svc.store, r);
    const cp = openCheckpoint(
      done.checkpoint,
      (await import('../../ledger/index.ts')).verifierKeyOf(
        ed25519Signer(ORIGIN, new Uint8Array(32).fill(9)),
      ),
    );
    verifyInclusion(
      fromBase64(r.entryHash),
      done.index,
      cp.size,
      done.inclusionProof.map(fromBase64),
      cp.rootHash,
    );
    const entry = await svc.store.entry(done.index);
    expect(Buffer.from(leafHash(entry.entry)).toString('base64')).toBe(r.entryHash);
    const parsed = JSON.parse(Buffer.from(entry.entry).toString('utf8'));
    expect(parsed.actor).toEqual({
      id: 'kpps-1',
      role: 'KPPS',
      key: keyB64,
      sig: expect.any(String),
    });
    const rows = await t.db.query<{ entry_hash: Uint8Array }>(
      'SELECT entry_hash FROM tps_reports WHERE subject = $1',
      [r.subject],
    );
    expect(Buffer.from(rows[0]!.entry_hash).toString('base64')).toBe(r.entryHash);
  });

  it('refuses bad input, each with the right status, and changes nothing', async () => {
    const good = signed(payload({ ref: 'c2-2' }));
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, kpps, { ...good, extra: 1 }),
      400,
      /INVALID_REQUEST/,
    );
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, kpps, { ...good, seq: '1' }),
      400,
      /INVALID_REQUEST/,
    );
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, {
          ...good,
          payload: { ...good.payload, tps: '31' },
        }),
      400,
      /INVALID_REQUEST/,
    );
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, { ...good, subject: 'tps-report:x' }),
      400,
      /SUBJECT_MISMATCH/,
    );
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, kpps, null),
      400,
      /INVALID_REQUEST/,
    );
    // A lone surrogate: valid JSON text, but no UTF-8 form, so never an entry.
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, {
          ...good,
          payload: { ...good.payload, description: 'a\ud800b' },
        }),
      400,
      /INVALID_REQUEST/,
    );
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, { kind: 'public' }, good),
      401,
      /UNAUTHENTICATED/,
    );
    // Another TPS's KPPS: the policy denies.
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, otherKpps, good),
      403,
      /FORBIDDEN/,
    );
    // A signature by a device not enrolled to this officer.
    const stranger = generateKeyPairSync('ed25519');
    const strangerB64 = Buffer.from(
      stranger.publicKey.export({ format: 'jwk' }).x!,
      'base64url',
    ).toString('base64');
    await expectRefused(
      () =>
        performWrite(
          svc,
          submitReport,
          submitSchema,
          kpps,
          signed(payload({ ref: 'c2-2' }), 1, { key: stranger, keyB64: strangerB64 }),
        ),
      403,
      /DEVICE_NOT_ENROLLED/,
    );
    // A valid signature over different content.
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, {
          ...good,
          payload: { ...good.payload, description: 'diubah' },
        }),
      403,
      /BAD_SIGNATURE/,
    );
    // Domain rules: a report from the future.
    await expectRefused(
      () =>
        performWrite(
          svc,
          submitReport,
          submitSchema,
          kpps,
          signed(payload({ ref: 'c2-3', occurredAt: '2099-01-01T00:00:00Z' })),
        ),
      422,
      /RULE_VIOLATION/,
    );
  });

  it('refuses a replayed signed submission', async () => {
    const body = signed(payload({ ref: 'replay' }));
    await performWrite(svc, submitReport, submitSchema, kpps, body);
    await expectRefused(
      () => performWrite(svc, submitReport, submitSchema, kpps, body),
      409,
      /VERSION_EXISTS/,
    );
  });

  it('returns the first receipt for a retried Idempotency-Key and appends nothing', async () => {
    const body = signed(payload({ ref: 'idem' }));
    const first = await performWrite(svc, submitReport, submitSchema, kpps, body, {
      idempotencyKey: 'k-1',
    });
    const before = await snapshot();
    const again = await performWrite(svc, submitReport, submitSchema, kpps, body, {
      idempotencyKey: 'k-1',
    });
    expect(again).toEqual(first);
    expect(await snapshot()).toEqual(before);
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, signed(payload({ ref: 'idem-2' })), {
          idempotencyKey: 'k-1',
        }),
      422,
      /IDEMPOTENCY_KEY_REUSED/,
    );
    await expectRefused(
      () =>
        performWrite(svc, submitReport, submitSchema, kpps, body, { idempotencyKey: 'bad key!' }),
      400,
      /BAD_IDEMPOTENCY_KEY/,
    );
  });

  it('corrects a report as a new version naming its predecessor, by PPK only, with a reason', async () => {
    const original = await performWrite(
      svc,
      submitReport,
      submitSchema,
      kpps,
      signed(payload({ ref: 'fix' })),
    );
    const fixed = payload({ ref: 'fix', description: 'Keberatan: 3 surat suara rusak, bukan 8' });
    const body = signed(fixed, 2, {
      kind: 'tps.report.corrected',
      reason: 'salah baca angka',
      key: ppkDevice,
      keyB64: ppkKeyB64,
    });
    // The KPPS may not correct; the PPK of the kecamatan may.
    await expectRefused(
      () => performWrite(svc, correctReport, correctSchema, kpps, body),
      403,
      /FORBIDDEN|DEVICE/,
    );
    const { reason: _r, ...noReason } = body;
    await expectRefused(
      () => performWrite(svc, correctReport, correctSchema, ppk, noReason),
      422,
      /REASON_REQUIRED/,
    );
    const r = await performWrite(svc, correctReport, correctSchema, ppk, body);
    const done = await waitIntegrated(svc.store, r);
    const entry = JSON.parse(
      Buffer.from((await svc.store.entry(done.index)).entry).toString('utf8'),
    );
    expect(entry).toMatchObject({
      kind: 'tps.report.corrected',
      seq: 2,
      prev: original.entryHash,
      reason: 'salah baca angka',
    });
    // A correction of a version that does not exist.
    const ghost = signed(payload({ ref: 'ghost' }), 2, {
      kind: 'tps.report.corrected',
      reason: 'x',
      key: ppkDevice,
      keyB64: ppkKeyB64,
    });
    await expectRefused(
      () => performWrite(svc, correctReport, correctSchema, ppk, ghost),
      409,
      /NO_PREVIOUS_VERSION/,
    );
  });

  it('keeps concurrent writes atomic each, under one shared commit', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => signed(payload({ ref: `many-${i}` })));
    // Every fifth is a replay of the one before it: refused alone, the rest commit.
    const dupes = bodies.map((b, i) => (i % 5 === 4 ? bodies[i - 1]! : b));
    const results = await Promise.allSettled(
      dupes.map((b) => performWrite(svc, submitReport, submitSchema, kpps, b)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok.length).toBe(32);
    expect(
      refused.every((r) => (r as PromiseRejectedResult).reason.code === 'VERSION_EXISTS'),
    ).toBe(true);
    const n = await t.db.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM tps_reports WHERE subject LIKE 'tps-report:%:many-%'",
    );
    expect(n[0]!.n).toBe(32);
  });

  it('enrols a device only with proof of possession, for oneself, and revokes it', async () => {
    const officers = new Map([[kpps.id, TPS]]);
    const registry = new DbDeviceRegistry(t.db, 0);
    const enrol = enrolDevice(async (id) => officers.get(id) ?? null, registry);
    const schema = submissionSchema(enrol.payloadSchema, false);
    const fresh = generateKeyPairSync('ed25519');
    const freshB64 = Buffer.from(
      fresh.publicKey.export({ format: 'jwk' }).x!,
      'base64url',
    ).toString('base64');
    const proof = sign(null, enrolmentMessage(kpps.id, freshB64), fresh.privateKey).toString(
      'base64',
    );
    const body = {
      subject: deviceSubject(freshB64),
      seq: 1,
      payload: { officer: kpps.id, key: freshB64, label: 'hp', proof },
    };
    const forged = {
      ...body,
      payload: {
        ...body.payload,
        proof: sign(null, enrolmentMessage('someone', freshB64), fresh.privateKey).toString(
          'base64',
        ),
      },
    };
    await expectRefused(
      () => performWrite(svc, enrol, schema, kpps, forged),
      422,
      /RULE_VIOLATION/,
    );
    // Another officer may not enrol a key for the KPPS.
    await expectRefused(() => performWrite(svc, enrol, schema, otherKpps, body), 403, /FORBIDDEN/);
    await performWrite(svc, enrol, schema, kpps, body);
    expect(await registry.ownerOf(Buffer.from(freshB64, 'base64'))).toBe(kpps.id);
    const revoke = revokeDevice(registry);
    await performWrite(svc, revoke, submissionSchema(revoke.payloadSchema, false), kpps, {
      subject: deviceSubject(freshB64),
      seq: 2,
      reason: 'perangkat hilang',
      payload: { officer: kpps.id, key: freshB64 },
    });
    expect(await registry.ownerOf(Buffer.from(freshB64, 'base64'))).toBeNull();
  });
});
