// Every write route refuses what it must and changes nothing when it does (issue
// #3: "Malformed JSON, wrong types, unknown fields, oversize bodies, bad
// signatures, expired or forged tokens, replayed requests: each gets the right
// 4xx and changes nothing — the log size and every table are unchanged").
//
// The routes under test are read from /openapi.json: every POST under /v1 that
// needs a bearer token. A new domain route is fuzzed as soon as it is mounted;
// VALID must hold a builder of a valid request for it, or the first test fails
// and names the route.
//
// Each route's valid request is sent once, and accepted, before any fuzzing. So
// every variant of it must be refused — a variant that means the same request
// (keys reordered, 1.0 for 1) is then a replay and must be exactly 409 — and the
// database must not move: the row count of every table, the newest checkpoint's
// size, and the suspended officers and revoked devices. fast-check runs without
// shrinking (endOnFailure): a request that did change the database would make
// every shrunk one fail too, and the first one found is the one to read.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotatingKeyService } from '../../keys/index.ts';
import { verifyLog } from '../../ledger/verifier/index.ts';
import { type PlatformApp, platformApp, type TestDevice } from '../../test/platform-app.ts';
import type { Role } from '../auth/principal.ts';
import { TokenService } from '../auth/tokens.ts';
import { CALENDAR_2024 } from '../domains/audit/index.ts';
import { deviceSubject, enrolmentMessage } from '../domains/devices/index.ts';
import {
  ACCOUNT_SCHEMA,
  AUDITOR_SCHEMA,
  accountBody,
  CONTRIBUTION_SCHEMA,
  contributionBody,
  EXPENDITURE_SCHEMA,
  expenditureBody,
  OPEN_RULES,
  OPENING_SCHEMA,
  REPORT_SCHEMA,
  RULES_SCHEMA,
  reportBody,
  SURRENDER_SCHEMA,
} from '../domains/finance/testing.ts';
import { demoOfficerId } from '../domains/identity/index.ts';
import { testPhoto } from '../domains/photos/testing.ts';
import {
  type ContestId,
  generateElection,
  loadElection,
  refreshRegistry,
  registryFor,
} from '../domains/registry/index.ts';
import type { CountForm } from '../domains/results/forms/index.ts';
import { consistentForm, signedForm } from '../domains/results/testing.ts';
import { reportSubject, type TpsReportPayload } from '../domains/tps-reports/index.ts';
import { validate } from '../schemas.ts';
import { submissionMessage } from '../write/device-signature.ts';

// More runs: SAKSI_FUZZ_RUNS=10 multiplies every numRuns by 10.
const SCALE = Math.max(1, Number(process.env.SAKSI_FUZZ_RUNS ?? 1));
const RUNS = { body: 40 * SCALE, raw: 12 * SCALE, headers: 30 * SCALE, sig: 8 * SCALE };
const FC = { endOnFailure: true, seed: Number(process.env.SAKSI_FUZZ_SEED ?? Date.now()) };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
type Path = (string | number)[];

// ─────────────────────────────── the platform ───────────────────────────────

interface Officer {
  id: string;
  role: Role;
  area: string;
  token: string;
  device?: TestDevice;
}

type ActorName = 'kpps' | 'ppk' | 'admin' | 'kpu' | 'party' | 'auditor';

interface ValidRequest {
  /** Who sends it (whose token and device). */
  actor: ActorName;
  /** The concrete path (templates filled in). */
  path: string;
  body: JsonObject;
  /** What the first, accepted submission answers. */
  ok: 200 | 201;
  /**
   * A second identical request is a new, legitimate action, accepted again
   * rather than refused as a replay (a key rotation: each one rotates).
   */
  repeatable?: boolean;
  /**
   * Whether `body` is another request this route would accept in the state of
   * the moment (the fuzzer then does not send it: accepting it would change the
   * state the other properties rely on). A retirement of a version that a
   * repeated rotation made retirable is one.
   */
  acceptsOther?: (body: string | Uint8Array) => Promise<boolean>;
}

interface Ctx {
  officers: Record<ActorName, Officer>;
  post(path: string, body: Json, token: string): Promise<Response>;
}

let p: PlatformApp;
let ctx: Ctx;
/** Each TPS's own photo: a form may cite only a photo uploaded for its TPS (issue #10). */
const photoOfTps = new Map<string, string>();
/** Another KPPS, at the next TPS: a real token for the wrong officer. */
let other: Officer;
const expired = new Map<ActorName, string>();
const forged = new Map<ActorName, string>();
const tampered = new Map<ActorName, string>();
/** A write route as /openapi.json documents it. */
interface WriteRoute {
  path: string;
  /** The documented Idempotency-Key pattern, if the route takes one. */
  idempotencyKey: RegExp | null;
  /** Whether it documents 415 (checks that the body is application/json). */
  checksMediaType: boolean;
}
let routes: WriteRoute[] = [];
/** Each route's valid request, already accepted once. */
const accepted = new Map<string, ValidRequest>();
let tables: string[] = [];

const signReport = (
  d: TestDevice,
  kind: string,
  payload: TpsReportPayload,
  seq: number,
  reason?: string,
): JsonObject => {
  const subject = reportSubject(payload);
  const msg = submissionMessage({ kind, subject, seq, payload, reason });
  return {
    subject,
    seq,
    payload,
    ...(reason === undefined ? {} : { reason }),
    device: { key: d.keyB64, sig: sign(null, msg, d.privateKey).toString('base64') },
  };
};

const report = (ref: string): TpsReportPayload => ({
  tps: '3171011001001',
  ref,
  type: 'incident',
  occurredAt: '2024-02-14T10:15:00Z',
  description: 'Saksi partai mengajukan keberatan atas surat suara rusak',
});

/**
 * A valid request for each write route, by OpenAPI path. `build` may first put
 * the database in the state the request needs (a report to correct, an officer
 * to suspend); the request itself is sent by the setup. `n` tells instances
 * apart: each n is a new, not yet accepted request (0 is the accepted one).
 *
 * Values are chosen so that no single mutation turns the accepted request into
 * another valid one: an officer's id and username differ in a character the
 * other field refuses, so swapping them is a 400, not a new officer.
 */
const VALID: Record<string, (c: Ctx, n: number) => Promise<ValidRequest>> = {
  '/v1/tps-reports': async ({ officers: { kpps } }, n) => ({
    actor: 'kpps',
    path: '/v1/tps-reports',
    body: signReport(kpps.device!, 'tps.report.submitted', report(`fuzz-r${n}`), 1),
    ok: 201,
  }),
  '/v1/tps-reports/corrections': async ({ officers: { kpps, ppk }, post }, n) => {
    const first = signReport(kpps.device!, 'tps.report.submitted', report(`fuzz-c${n}`), 1);
    await expectStatus(post('/v1/tps-reports', first, kpps.token), 201);
    const corrected = {
      ...report(`fuzz-c${n}`),
      description: 'Koreksi: surat suara rusak 3 lembar',
    };
    return {
      actor: 'ppk',
      path: '/v1/tps-reports/corrections',
      body: signReport(ppk.device!, 'tps.report.corrected', corrected, 2, 'salah hitung'),
      ok: 201,
    };
  },
  '/v1/devices': async ({ officers: { kpps } }) => {
    const d = newKey();
    const proof = sign(null, enrolmentMessage(kpps.id, d.keyB64), d.privateKey).toString('base64');
    return {
      actor: 'kpps',
      path: '/v1/devices',
      body: {
        subject: deviceSubject(d.keyB64),
        seq: 1,
        payload: { officer: kpps.id, key: d.keyB64, label: 'fuzz tablet', proof },
      },
      ok: 201,
    };
  },
  '/v1/devices/revoke': async ({ officers: { kpps } }) => {
    const d = await p.enrolDevice(kpps.token, kpps.id);
    return {
      actor: 'kpps',
      path: '/v1/devices/revoke',
      body: {
        subject: deviceSubject(d.keyB64),
        seq: 2,
        payload: { officer: kpps.id, key: d.keyB64 },
        reason: 'perangkat hilang',
      },
      ok: 201,
    };
  },
  '/v1/officers': async (_c, n) => ({
    actor: 'admin',
    path: '/v1/officers',
    body: {
      id: `fuzz-created-${n}`,
      username: `fuzz.user${n}_`,
      password: 'correct horse battery staple',
      role: 'PPS',
      area: '3171011002',
    },
    ok: 201,
  }),
  '/v1/officers/{id}/suspend': async ({ officers: { admin }, post }, n) => {
    await expectStatus(post('/v1/officers', newOfficer(`fuzz-s${n}`), admin.token), 201);
    return {
      actor: 'admin',
      path: `/v1/officers/fuzz-s${n}/suspend`,
      body: { reason: 'perangkat hilang' },
      ok: 200,
    };
  },
  '/v1/officers/{id}/reinstate': async ({ officers: { admin }, post }, n) => {
    await expectStatus(post('/v1/officers', newOfficer(`fuzz-r${n}`), admin.token), 201);
    const why = { reason: 'perangkat hilang' };
    await expectStatus(post(`/v1/officers/fuzz-r${n}/suspend`, why, admin.token), 200);
    return {
      actor: 'admin',
      path: `/v1/officers/fuzz-r${n}/reinstate`,
      body: { reason: 'perangkat ditemukan' },
      ok: 200,
    };
  },
  // Count forms: the KPPS's own TPS has one subject per contest; n = 0 is the
  // accepted one, later n are never accepted (each is refused), so they share one.
  '/v1/results/forms': async ({ officers: { kpps } }, n) =>
    countForm(kpps, 'verified', n === 0 ? 'PPWP' : 'DPD'),
  '/v1/results/forms/read': async ({ officers: { kpps } }, n) =>
    countForm(kpps, 'read', n === 0 ? 'DPR' : 'DPD'),
  '/v1/results/forms/corrections': async ({ officers: { ppk }, post }, n) => {
    // A TPS of the PPK's kecamatan with a verified form to correct: one for the
    // accepted correction (n = 0), one shared by the never-accepted later n.
    const registry = await registryFor(p.fresh.db);
    const all = registry.children('317101').flatMap((d) => registry.children(d));
    const tps = all.filter((t) => t !== '3171011001001' && t !== '3171011001002')[n === 0 ? 0 : 1]!;
    let first = verifiedAt.get(tps);
    if (!first) {
      const kpps = await officer('KPPS', tps);
      kpps.device = await p.enrolDevice(kpps.token, kpps.id);
      const v = await countForm(kpps, 'verified', 'PPWP');
      await expectStatus(post(v.path, v.body, kpps.token), 201);
      first = (v.body as { payload: CountForm }).payload;
      verifiedAt.set(tps, first);
    }
    const corrected = { ...first, invalid: first.invalid + 1, valid: first.valid - 1 };
    const [k] = Object.keys(first.votes);
    corrected.votes = { ...first.votes, [k!]: first.votes[k!]! - 1 };
    return {
      actor: 'ppk',
      path: '/v1/results/forms/corrections',
      body: signedForm(
        ppk.device!,
        'corrected',
        corrected,
        2,
        'satu suara tidak sah',
      ) as JsonObject,
      ok: 201,
    };
  },
  '/v1/keys/retire': async (c) => {
    const keys = p.rt.keys as RotatingKeyService;
    await keys.rotate('token');
    // Retiring a version kills every token it signed, the actors' too: they get
    // tokens of the new version first (and the retirement request carries one).
    const stranger = generateKeyPairSync('ed25519').privateKey;
    for (const [name, o] of Object.entries(c.officers) as [ActorName, Officer][]) {
      o.token = (await officer(o.role, o.area)).token;
      expired.set(name, await expiredToken(o));
      forged.set(name, forgedToken(o, stranger));
      tampered.set(name, tamperedToken(o));
    }
    other = await officer('KPPS', other.area);
    const { current } = await keys.versions('token');
    // Any other version is refused: older ones are retired, `current` is in use,
    // newer ones do not exist.
    return {
      actor: 'admin',
      path: '/v1/keys/retire',
      body: { label: 'token', version: current - 1 },
      ok: 200,
      // A repeated rotation (the route below is repeatable) makes the versions
      // between this one and the new current retirable by a body that differs
      // from this one only in `version`; retiring them would end the actors'
      // tokens, so such a body is not sent.
      acceptsOther: async (body) => {
        if (typeof body !== 'string') return false;
        let b: unknown;
        try {
          b = JSON.parse(body);
        } catch {
          return false;
        }
        const { version, label } = (b ?? {}) as { version?: unknown; label?: unknown };
        const now = await keys.versions('token');
        return (
          label === 'token' &&
          Number.isSafeInteger(version) &&
          (version as number) > now.retiredThrough &&
          (version as number) < now.current
        );
      },
    };
  },
  // The voter register: each change's voter is registered first, by the PPK.
  '/v1/voters': async (_c, n) => {
    const voter = fuzzVoter(7000 + n);
    return {
      actor: 'ppk',
      path: '/v1/voters',
      body: { voter, tps: '3171011001001', list: 'DPS' },
      ok: 201,
      // Another NIK (one digit changed) is another person's registration.
      acceptsOther: async (body) => {
        try {
          const nik = (JSON.parse(String(body)) as { voter?: { nik?: unknown } }).voter?.nik;
          return typeof nik === 'string' && /^[0-9]{16}$/.test(nik) && nik !== voter.nik;
        } catch {
          return false;
        }
      },
    };
  },
  '/v1/voters/promote': async (c, n) => ({
    actor: 'ppk',
    path: '/v1/voters/promote',
    body: {
      nik: (await fuzzRegistered(c, 7100 + n)).nik,
      tps: '3171011001001',
      seq: 2,
      to: 'DPSHP',
    },
    ok: 201,
  }),
  '/v1/voters/transfer': async (c, n) => {
    const { nik } = await fuzzRegistered(c, 7200 + n);
    for (const [seq, to] of [
      [2, 'DPSHP'],
      [3, 'DPT'],
    ] as const)
      await expectStatus(
        c.post('/v1/voters/promote', { nik, tps: '3171011001001', seq, to }, c.officers.ppk.token),
        201,
      );
    return {
      actor: 'ppk',
      path: '/v1/voters/transfer',
      body: { nik, tps: '3171011001001', seq: 4, to: '3171011001002', formA: 'A-7' },
      ok: 201,
    };
  },
  '/v1/voters/assign': async (c, n) => ({
    actor: 'ppk',
    path: '/v1/voters/assign',
    body: {
      nik: (await fuzzRegistered(c, 7300 + n)).nik,
      tps: '3171011001001',
      seq: 2,
      to: '3171011001002',
    },
    ok: 201,
  }),
  '/v1/voters/remove': async (c, n) => ({
    actor: 'ppk',
    path: '/v1/voters/remove',
    body: {
      nik: (await fuzzRegistered(c, 7400 + n)).nik,
      tps: '3171011001001',
      seq: 2,
      reason: 'moved',
    },
    ok: 201,
  }),
  '/v1/voters/erase': async (c, n) => ({
    actor: 'kpu',
    path: '/v1/voters/erase',
    body: {
      nik: (await fuzzRegistered(c, 7500 + n)).nik,
      tps: '3171011001001',
      seq: 2,
      reason: 'data-subject-request',
    },
    ok: 201,
  }),
  '/v1/voters/export': async () => ({
    actor: 'kpu',
    path: '/v1/voters/export',
    body: { area: '3171011001', reason: 'pemeriksaan daftar pemilih' },
    ok: 200,
    // Each export is a new, logged action.
    repeatable: true,
    // Another area or another reason is another export a KPU RI may make.
    acceptsOther: async (body) => {
      try {
        const b = JSON.parse(String(body)) as Record<string, unknown>;
        return (
          Object.keys(b).sort().join() === 'area,reason' &&
          typeof b.area === 'string' &&
          /^(ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$/.test(b.area) &&
          typeof b.reason === 'string'
        );
      } catch {
        return false;
      }
    },
  }),
  // Campaign finance (api/domains/finance): every account's filer is the demo
  // PARTY officer at ID. Any other body the schema accepts may be another real
  // filing (another donor, amount or account), so it is not sent.
  '/v1/finance/rules': async () => ({
    actor: 'kpu',
    path: '/v1/finance/rules',
    body: OPEN_RULES as unknown as JsonObject,
    ok: 201,
    // Each is a new version of the rules.
    repeatable: true,
    acceptsOther: schemaAccepts(RULES_SCHEMA),
  }),
  '/v1/finance/accounts': async (_c, n) => ({
    actor: 'kpu',
    path: '/v1/finance/accounts',
    body: accountBody(`fuzz-account-${n}`, FUZZ_FILER()),
    ok: 201,
    acceptsOther: schemaAccepts(ACCOUNT_SCHEMA),
  }),
  '/v1/finance/auditors': async (c, n) => ({
    actor: 'kpu',
    path: '/v1/finance/auditors',
    body: {
      participant: await fuzzAccount(c, `fuzz-audited-${n}`),
      auditor: c.officers.auditor.id,
    },
    ok: 201,
    acceptsOther: schemaAccepts(AUDITOR_SCHEMA),
  }),
  '/v1/finance/contributions': async (c, n) => ({
    actor: 'party',
    path: '/v1/finance/contributions',
    body: contributionBody(await fuzzAccount(c, 'fuzz-party'), fuzzDonor(n), '1000000'),
    ok: 201,
    // A donor may give again: a second contribution, not a replay.
    repeatable: true,
    acceptsOther: schemaAccepts(CONTRIBUTION_SCHEMA),
  }),
  '/v1/finance/surrenders': async (c, n) => {
    const participant = await fuzzAccount(c, 'fuzz-party');
    const r = await expectStatus(
      c.post(
        '/v1/finance/contributions',
        contributionBody(participant, fuzzDonor(5000 + n), '2600000000'),
        c.officers.party.token,
      ),
      201,
    );
    const k = (await r.json()) as { subject: string; excess: string };
    return {
      actor: 'party',
      path: '/v1/finance/surrenders',
      body: {
        participant,
        contribution: k.subject,
        amount: k.excess,
        date: '2024-01-10',
        reference: 'NTPN-1',
      },
      ok: 201,
      acceptsOther: schemaAccepts(SURRENDER_SCHEMA),
    };
  },
  '/v1/finance/expenditures': async (c) => ({
    actor: 'party',
    path: '/v1/finance/expenditures',
    body: expenditureBody(await fuzzAccount(c, 'fuzz-party'), '250000'),
    ok: 201,
    repeatable: true,
    acceptsOther: schemaAccepts(EXPENDITURE_SCHEMA),
  }),
  '/v1/finance/reports': async (c, n) => ({
    actor: 'party',
    path: '/v1/finance/reports',
    body: reportBody(await fuzzAccount(c, `fuzz-filing-${n}`), 'LADK', {
      contributions: '0',
      expenditures: '0',
    }),
    ok: 201,
    acceptsOther: schemaAccepts(REPORT_SCHEMA),
  }),
  '/v1/finance/openings': async (c, n) => {
    const participant = await fuzzAccount(c, 'fuzz-party');
    await fuzzAuditor(c, participant);
    const r = await expectStatus(
      c.post(
        '/v1/finance/contributions',
        contributionBody(participant, fuzzDonor(9000 + n), '1000'),
        c.officers.party.token,
      ),
      201,
    );
    const k = (await r.json()) as { subject: string };
    return {
      actor: 'auditor',
      path: '/v1/finance/openings',
      body: { participant, contribution: k.subject, reason: 'LADK audit sample' },
      ok: 201,
      // Each opening is its own logged action.
      repeatable: true,
      acceptsOther: schemaAccepts(OPENING_SCHEMA),
    };
  },
  // Issue #13. A follow-up against a finding opened for it (KPU IT's failed
  // feasibility control); the same follow-up again is a replay (409).
  '/v1/audit/findings/{id}/followups': async ({ officers: { admin }, post }, n) => {
    const failing = auditReport('feasibility', [
      { id: `fuzz-followup-${n}`, status: 'fail', severity: 'high', summary: 'p95 over 2 s' },
    ]);
    const filed = await expectStatus(post('/v1/audit/reports', failing, admin.token), 201);
    const [finding] = ((await filed.json()) as { findingsOpened: string[] }).findingsOpened;
    return {
      actor: 'admin',
      path: `/v1/audit/findings/${finding}/followups`,
      body: { action: 'menambah dua node API', evidenceSha256: 'a'.repeat(64) },
      ok: 201,
    };
  },
  // KPU IT's feasibility evidence; another SHA-256 is another report.
  '/v1/audit/reports': async (_c, n) => {
    const body = auditReport('feasibility', [
      { id: `fuzz-report-${n}`, status: 'pass', severity: 'low', summary: 'p95 under 1 s' },
    ]);
    return {
      actor: 'admin',
      path: '/v1/audit/reports',
      body,
      ok: 201,
      acceptsOther: async (raw) => {
        try {
          const sha = (JSON.parse(String(raw)) as { reportSha256?: unknown }).reportSha256;
          return typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) && sha !== body.reportSha256;
        } catch {
          return false;
        }
      },
    };
  },
  // Opening a stage whose gate is open: the internal audit first closes every
  // open finding and files fresh evidence. Asking again is 409 and logs nothing.
  '/v1/audit/stages/{id}/open': async ({ post }, n) => {
    const auditor = await officer('AUDITOR', 'ID');
    const open = (await (await p.app.request('/v1/audit/findings?status=open')).json()) as {
      findings: { control: string }[];
    };
    const passing = [
      { id: 'fuzz-stage', status: 'pass', severity: 'low', summary: 'ok' },
      ...open.findings.map((f) => ({
        id: f.control,
        status: 'pass',
        severity: 'low',
        summary: 'ok',
      })),
    ];
    for (const kind of ['audit', 'feasibility'] as const)
      await expectStatus(post('/v1/audit/reports', auditReport(kind, passing), auditor.token), 201);
    const stage = CALENDAR_2024[n % CALENDAR_2024.length]!.id;
    return {
      actor: 'kpu',
      path: `/v1/audit/stages/${stage}/open`,
      body: { reason: 'uji kelaikan dan audit internal selesai' },
      ok: 201,
    };
  },
  '/v1/keys/rotate': async () => ({
    actor: 'admin',
    path: '/v1/keys/rotate',
    // The token key: old tokens stay valid, so rotating it again harms nothing.
    body: { label: 'token' },
    ok: 200,
    repeatable: true,
  }),
};

const FUZZ_FILER = () => demoOfficerId('PARTY', 'ID');
/** Whether `body` is a request the route's schema accepts (then possibly another real filing). */
const schemaAccepts =
  (schema: Parameters<typeof validate>[0]) => async (body: string | Uint8Array) => {
    try {
      validate(schema, JSON.parse(String(body)));
      return true;
    } catch {
      return false;
    }
  };
const fuzzDonor = (n: number) => ({
  idNumber: `3171010101${String(900000 + n).padStart(6, '0')}`,
  name: `Donatur Fuzz ${n}`,
});
const fuzzAccounts = new Map<string, Promise<string>>();
/** The campaign account `id` (filed for by the PARTY actor), registered once. */
function fuzzAccount(c: Ctx, id: string): Promise<string> {
  let p = fuzzAccounts.get(id);
  if (!p) {
    p = expectStatus(
      c.post('/v1/finance/accounts', accountBody(id, FUZZ_FILER()), c.officers.kpu.token),
      201,
    ).then(() => id);
    fuzzAccounts.set(id, p);
  }
  return p;
}
let fuzzAudit: Promise<unknown> | undefined;
/** The demo AUDITOR assigned to `participant`, once. */
function fuzzAuditor(c: Ctx, participant: string) {
  fuzzAudit ??= expectStatus(
    c.post(
      '/v1/finance/auditors',
      { participant, auditor: c.officers.auditor.id },
      c.officers.kpu.token,
    ),
    201,
  );
  return fuzzAudit;
}
let audits = 0;
/** An audit or feasibility report (api/domains/audit), its SHA-256 unique. */
const auditReport = (kind: 'audit' | 'feasibility', controls: JsonObject[]) => ({
  kind,
  reportSha256: createHash('sha256').update(`fuzz report ${++audits}`).digest('hex'),
  generatedAt: new Date().toISOString(),
  controls,
});

/** A voter record: a man born 5 March 1985 in kecamatan 317101, serial `serial`. */
const fuzzVoter = (serial: number) => ({
  nik: `317101050385${String(serial).padStart(4, '0')}`,
  kk: '3171010101100009',
  name: 'Budi Santoso',
  birthPlace: 'Jakarta',
  birthDate: '1985-03-05',
  sex: 'L',
  marital: 'S',
  address: 'Jl. Melati 3',
  disability: 'none',
  ektp: true,
});

/** Registers a fuzz voter at TPS 3171011001001 (DPS), for a change to act on. */
async function fuzzRegistered(c: Ctx, serial: number) {
  const voter = fuzzVoter(serial);
  await expectStatus(
    c.post('/v1/voters', { voter, tps: '3171011001001', list: 'DPS' }, c.officers.ppk.token),
    201,
  );
  return voter;
}

/** The verified form of each TPS whose correction the fuzzer builds. */
const verifiedAt = new Map<string, CountForm>();

/** The photo of the officer's TPS, uploaded by the officer the first time. */
async function tpsPhoto(o: Officer): Promise<string> {
  const known = photoOfTps.get(o.area);
  if (known) return known;
  const ph = testPhoto('image/jpeg', 2048);
  await expectStatus(
    Promise.resolve(
      p.app.request(`/v1/photos/${ph.sha256}?tps=${o.area}`, {
        method: 'PUT',
        headers: { 'Content-Type': ph.mediaType, ...authOf(o.token) },
        body: ph.bytes,
      }),
    ),
    201,
  );
  photoOfTps.set(o.area, ph.sha256);
  return ph.sha256;
}

/** A valid, signed count form of the officer's TPS, citing its TPS's photo. */
async function countForm(o: Officer, stage: 'verified' | 'read', contest: ContestId) {
  const registry = await registryFor(p.fresh.db);
  const tps = o.area;
  const form = consistentForm(
    contest,
    tps,
    registry.ballotFor(contest, tps)!,
    registry.dptOf(tps)!,
    await tpsPhoto(o),
    1,
  );
  return {
    actor: 'kpps' as const,
    path: stage === 'read' ? '/v1/results/forms/read' : '/v1/results/forms',
    body: signedForm(o.device!, stage, form, 1) as JsonObject,
    ok: 201 as const,
  };
}

const newOfficer = (id: string) => ({
  id,
  username: `${id}.user_`,
  password: 'correct horse battery staple',
  role: 'PPS',
  area: '3171011003',
});

function newKey(): TestDevice {
  const pair = generateKeyPairSync('ed25519');
  const x = pair.publicKey.export({ format: 'jwk' }).x!;
  return { privateKey: pair.privateKey, keyB64: Buffer.from(x, 'base64url').toString('base64') };
}

async function expectStatus(r: Promise<Response>, status: number): Promise<Response> {
  const res = await r;
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${await res.clone().text()}`);
  return res;
}

async function officer(role: Role, area?: string): Promise<Officer> {
  const token = await p.token(role, area);
  const [, claims] = token.split('.');
  const c = JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { area: string };
  return { id: demoOfficerId(role, c.area), role, area: c.area, token };
}

/** A token for `o` signed by the real token key, whose exp has passed. */
async function expiredToken(o: Officer): Promise<string> {
  const live = p.platform.identity.tokens;
  const ttl = live.config.ttlSeconds;
  const past = new TokenService(p.rt.keys, live.config, {
    now: () => Date.now() - (ttl + 3600) * 1000,
  });
  const { token } = await past.issue(o);
  // The same token is valid on the clock it was issued by: only its age is wrong.
  expect((await past.verify(token)).ok).toBe(true);
  return token;
}

/** The officer's token with its signature replaced by another key's (same kid). */
function forgedToken(o: Officer, key: KeyObject): string {
  const [h, c] = o.token.split('.') as [string, string, string];
  return `${h}.${c}.${sign(null, Buffer.from(`${h}.${c}`), key).toString('base64url')}`;
}

/** The officer's token claiming ADMIN for a day longer, under the original signature. */
function tamperedToken(o: Officer): string {
  const [h, c, s] = o.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as { exp: number };
  const more = { ...claims, role: 'ADMIN', area: 'ID', exp: claims.exp + 86_400 };
  return `${h}.${Buffer.from(JSON.stringify(more)).toString('base64url')}.${s}`;
}

// ─────────────────────────────── the database ───────────────────────────────

/**
 * Everything a refused request could have changed: the row count of every
 * table, the newest checkpoint's size, and the two flags a write may flip in
 * place (an officer's suspension, a device's revocation).
 */
async function snapshot(): Promise<Record<string, number>> {
  const cols = [
    ...tables.map((t) => `(SELECT count(*) FROM ${t})::int AS "${t}"`),
    '(SELECT coalesce(max(size), 0) FROM ledger_checkpoints)::int AS "checkpoint size"',
    '(SELECT count(*) FROM officers WHERE suspended)::int AS "suspended officers"',
    '(SELECT count(*) FROM devices WHERE revoked_at IS NOT NULL)::int AS "revoked devices"',
  ];
  const [row] = await p.fresh.db.query<Record<string, number>>(`SELECT ${cols.join(', ')}`);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/** Waits until every pending entry is in the log and a checkpoint covers it. */
async function quiesce(): Promise<Record<string, number>> {
  for (let i = 0; i < 500; i++) {
    const s = await snapshot();
    if (s.ledger_pending === s.ledger_entries && s.ledger_entries === s['checkpoint size'])
      return s;
    p.rt.sequencer.poke();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the sequencer did not catch up');
}

// ──────────────────────────────── requests ─────────────────────────────────

interface Attempt {
  path: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
}

interface Answer {
  status: number;
  body: unknown;
}

async function send(a: Attempt): Promise<Answer> {
  const r = await p.app.request(a.path, { method: 'POST', headers: a.headers, body: a.body });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Left as text: the assertion on the error body reports it.
  }
  return { status: r.status, body };
}

const show = (a: Attempt) => {
  const body =
    typeof a.body === 'string'
      ? a.body
      : `<${a.body.length} bytes ${Buffer.from(a.body).toString('hex', 0, 64)}…>`;
  return `POST ${a.path} ${JSON.stringify(a.headers)} ${body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body}`;
};

/**
 * The property every attempt must hold: a 4xx (exactly `status` when the
 * oracle knows it), a JSON error with a code and a message, and no change.
 */
async function expectRefused(
  a: Attempt,
  before: Record<string, number>,
  status?: number,
  code?: string,
): Promise<Answer> {
  const r = await send(a);
  const what = `${show(a)}\n→ ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
  if (status !== undefined) expect(r.status, what).toBe(status);
  expect(r.status, what).toBeGreaterThanOrEqual(400);
  expect(r.status, what).toBeLessThan(500);
  expect(r.body, what).toMatchObject({
    error: { code: expect.any(String), message: expect.any(String) },
  });
  if (code !== undefined)
    expect((r.body as { error: { code: string } }).error.code, what).toBe(code);
  expect(await snapshot(), what).toEqual(before);
  return r;
}

/** The database as the property compares it; moved on only by an accepted request. */
interface State {
  before: Record<string, number>;
}

const state = async (): Promise<State> => ({ before: await quiesce() });

/**
 * Sends `a`, expecting `expected` (or any 4xx when undefined). A 2xx is expected
 * only for the valid request of a repeatable route: it must be accepted, and the
 * database it moved becomes the new reference.
 */
async function expectAnswer(
  a: Attempt,
  s: State,
  v: ValidRequest,
  expected: number | undefined,
): Promise<Answer> {
  // A different request that is valid now: not the refusal this property is about.
  fc.pre(!(expected === undefined && (await v.acceptsOther?.(a.body))));
  if (expected === undefined || expected >= 400) return expectRefused(a, s.before, expected);
  const r = await send(a);
  expect(r.status, `${show(a)}\n→ ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`).toBe(v.ok);
  s.before = await quiesce();
  return r;
}

/** The answer to a body that means the valid request, under valid headers. */
const replayStatus = (v: ValidRequest) => (v.repeatable ? v.ok : 409);

const JSON_TYPE = { 'Content-Type': 'application/json' };
const authOf = (token: string) => ({ Authorization: `Bearer ${token}` });
const attempt = (v: ValidRequest, body?: string | Uint8Array): Attempt => ({
  path: v.path,
  body: body ?? JSON.stringify(v.body),
  headers: { ...JSON_TYPE, ...authOf(ctx.officers[v.actor].token) },
});

/** Runs `check` for every discovered write route, naming the route when it fails. */
async function eachRoute(check: (route: string, v: ValidRequest) => Promise<void>): Promise<void> {
  expect(routes.length).toBeGreaterThan(0);
  for (const { path } of routes) {
    const v = accepted.get(path);
    if (!v) throw new Error(`no valid request for ${path} (see VALID)`);
    try {
      await check(path, v);
    } catch (e) {
      if (e instanceof Error) e.message = `${path}: ${e.message}`;
      throw e;
    }
  }
}

// ─────────────────────────────── mutations ─────────────────────────────────

function pathsOf(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...pathsOf(x, [...at, i]));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

function getAt(v: Json, path: Path): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[k];
  }
  return cur;
}

/** An own property even for `__proto__`, which plain assignment would not create. */
const put = (o: object, k: string | number, value: Json) =>
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

/** A copy of `v` with the value at `path` replaced (or removed when `value` is undefined). */
function setAt(v: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = structuredClone(v);
  const parent = getAt(copy, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return copy;
  const k = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent) && typeof k === 'number') parent.splice(k, 1);
    else delete (parent as Record<string, Json>)[k];
  } else put(parent, k, value);
  return copy;
}

function reorder(v: Json, seed: number): Json {
  if (Array.isArray(v)) return v.map((x) => reorder(x, seed));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  // A deterministic shuffle from the seed, so that a failure replays.
  keys.sort((a, b) => ((hashStr(a) ^ seed) % 7) - ((hashStr(b) ^ seed) % 7) || (seed & 1 ? 1 : -1));
  const out = {};
  for (const k of keys) put(out, k, reorder(v[k]!, seed));
  return out as Json;
}

const hashStr = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);

/** The same value in the wrong type: numbers as strings, strings as numbers, and so on. */
function retype(v: Json | undefined): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return /^-?[0-9.]+$/.test(v) ? Number(v) : [v];
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return JSON.stringify(v);
}

function nest(depth: number): Json {
  let v: Json = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const isBase64Bytes = (v: Json | undefined): v is string =>
  typeof v === 'string' &&
  v.length >= 44 &&
  /^[A-Za-z0-9+/]+={0,2}$/.test(v) &&
  Buffer.from(v, 'base64').toString('base64') === v;

function flip(b64: string, byte: number, bit: number): string {
  const b = Buffer.from(b64, 'base64');
  b[byte % b.length]! ^= 1 << bit;
  return b.toString('base64');
}

/**
 * Strings with no UTF-8 form: JSON carries them escaped, RFC 8785 refuses them.
 * (The fuzzer found these reaching canonicalBytes() as a 500; now a 400.)
 */
const LONE_SURROGATES = ['\ud800', 'a\udc00b', '\udfff\ud800', 'ok\ud83d'];
/** In a fresh request: the field replaced by one, or its valid value with one appended. */
const FRESH_SURROGATES = [() => '\ud800', (valid: string) => `${valid}\ud83d`];

/**
 * Failures the fresh-request case below once found (a lone surrogate in an
 * officer's suspension reason was a 500, in a password a 201); every route now
 * refuses ill-formed strings at validation. Keep this empty.
 */
const KNOWN_FRESH_SURROGATE_FAILURES: string[] = [];

/** Values of every type and shape a field should not hold (and some it may). */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1, 2, 1.5, -0, 1e308, 2 ** 53 + 2, '', ' ', '1'),
  fc.integer(),
  fc.double().map((d) => (Number.isFinite(d) ? d : null)),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(...LONE_SURROGATES),
  fc
    .tuple(
      fc.integer({ min: 1_000, max: 1_100_000 }),
      fc.constantFrom('x', 'é', '𝕏', '\u0000', '"', '\\'),
    )
    .map(([n, c]) => c.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.integer({ min: 2, max: 3000 }).map(nest),
);

const keyName = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'subject ', 'SEQ'),
);

type Mutation =
  | { op: 'drop'; path: Path }
  | { op: 'add'; path: Path; key: string; value: Json }
  | { op: 'set'; path: Path; value: Json }
  | { op: 'retype'; path: Path }
  | { op: 'flip'; path: Path; byte: number; bit: number }
  | { op: 'swap'; a: Path; b: Path }
  | { op: 'rename'; path: Path; key: string }
  | { op: 'reorder'; seed: number }
  | { op: 'whole'; value: Json };

function mutations(valid: JsonObject): fc.Arbitrary<Mutation> {
  const all = pathsOf(valid);
  const inner = all.filter((x) => x.length > 0);
  const objects = all.filter((x) => {
    const v = getAt(valid, x);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  const signed = inner.filter((x) => isBase64Bytes(getAt(valid, x)));
  const path = fc.constantFrom(...inner);
  return fc.oneof(
    fc.record({ op: fc.constant('drop' as const), path }),
    fc.record({
      op: fc.constant('add' as const),
      path: fc.constantFrom(...objects),
      key: keyName,
      value: junk,
    }),
    { arbitrary: fc.record({ op: fc.constant('set' as const), path, value: junk }), weight: 3 },
    fc.record({ op: fc.constant('retype' as const), path }),
    ...(signed.length > 0
      ? [
          fc.record({
            op: fc.constant('flip' as const),
            path: fc.constantFrom(...signed),
            byte: fc.nat(),
            bit: fc.integer({ min: 0, max: 7 }),
          }),
        ]
      : []),
    fc.record({ op: fc.constant('swap' as const), a: path, b: path }),
    fc.record({ op: fc.constant('rename' as const), path, key: keyName }),
    fc.record({ op: fc.constant('reorder' as const), seed: fc.integer() }),
    fc.record({ op: fc.constant('whole' as const), value: junk }),
  );
}

function mutate(v: JsonObject, m: Mutation): Json {
  switch (m.op) {
    case 'drop':
      return setAt(v, m.path, undefined);
    case 'add':
      return setAt(v, [...m.path, m.key], m.value);
    case 'set':
      return setAt(v, m.path, m.value);
    case 'retype':
      return setAt(v, m.path, retype(getAt(v, m.path)));
    case 'flip':
      return setAt(v, m.path, flip(getAt(v, m.path) as string, m.byte, m.bit));
    case 'swap': {
      const [x, y] = [getAt(v, m.a), getAt(v, m.b)];
      return setAt(setAt(v, m.a, y), m.b, x);
    }
    case 'rename': {
      const value = getAt(v, m.path);
      const parent = m.path.slice(0, -1);
      if (typeof m.path[m.path.length - 1] === 'number' || value === undefined) return v;
      return setAt(setAt(v, m.path, undefined), [...parent, m.key], value);
    }
    case 'reorder':
      return reorder(v, m.seed);
    case 'whole':
      return m.value;
    default:
      return m satisfies never;
  }
}

/** Whether a body means the same request as the valid one (then it is a replay). */
function sameRequest(body: string, valid: JsonObject): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(body), JSON.parse(JSON.stringify(valid)));
  } catch {
    return false;
  }
}

// ──────────────────────────────── headers ──────────────────────────────────

type Auth =
  | 'valid'
  | 'absent'
  | 'garbage'
  | 'not-bearer'
  | 'expired'
  | 'forged'
  | 'tampered'
  | 'other';

interface HeaderCase {
  auth: Auth;
  garbage: string;
  /** A Content-Type value and whether it names JSON. */
  type: { value: string | null; json: boolean };
  idempotencyKey: string | null;
}

const printable = (max: number) => fc.string({ unit: 'grapheme-ascii', maxLength: max });

const headerCases: fc.Arbitrary<HeaderCase> = fc.record({
  auth: fc.constantFrom<Auth>(
    'valid',
    'absent',
    'garbage',
    'not-bearer',
    'expired',
    'forged',
    'tampered',
    'other',
  ),
  garbage: printable(600),
  type: fc.oneof(
    fc.constantFrom(
      { value: 'application/json', json: true },
      { value: 'application/json; charset=utf-8', json: true },
      { value: null, json: false },
      { value: 'text/plain', json: false },
      { value: 'application/x-www-form-urlencoded', json: false },
      { value: 'multipart/form-data; boundary=x', json: false },
      { value: 'application/jsonx', json: false },
    ),
    printable(40).map((value) => ({
      value,
      json: /^application\/json\s*(;|$)/i.test(value.trim()),
    })),
  ),
  idempotencyKey: fc.option(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
      printable(200),
      fc.constantFrom('', ' ', 'a'.repeat(129), 'cl\u00e9', '../../etc'),
    ),
  ),
});

function headersFor(v: ValidRequest, h: HeaderCase): Record<string, string> {
  const out: Record<string, string> = {};
  if (h.type.value !== null) out['Content-Type'] = h.type.value;
  if (h.idempotencyKey !== null) out['Idempotency-Key'] = h.idempotencyKey;
  const token: Record<Exclude<Auth, 'absent'>, string> = {
    valid: `Bearer ${ctx.officers[v.actor].token}`,
    garbage: `Bearer ${h.garbage}`,
    'not-bearer': h.garbage === '' ? 'Basic Zm9vOmJhcg==' : h.garbage,
    expired: `Bearer ${expired.get(v.actor)!}`,
    forged: `Bearer ${forged.get(v.actor)!}`,
    tampered: `Bearer ${tampered.get(v.actor)!}`,
    other: `Bearer ${other.token}`,
  };
  if (h.auth !== 'absent') out.Authorization = token[h.auth];
  return out;
}

/**
 * The exact answer to the valid body under these headers, where the order of
 * the checks makes it certain: authentication (401), then the media type where
 * the route documents 415, then authorisation (403), then the Idempotency-Key
 * format where it takes one (400), then the replay (409, or accepted again).
 */
function expectedStatus(route: string, v: ValidRequest, h: HeaderCase): number {
  if (h.auth !== 'valid' && h.auth !== 'other') return 401;
  const r = routes.find((x) => x.path === route)!;
  if (r.checksMediaType && !h.type.json) return 415;
  if (h.auth === 'other') return 403;
  const key = r.idempotencyKey;
  if (key && h.idempotencyKey !== null && !key.test(h.idempotencyKey.trim())) return 400;
  return replayStatus(v);
}

// ───────────────────────────────── setup ───────────────────────────────────

beforeAll(async () => {
  // One officer sends hundreds of requests a second here; the per-officer rate
  // limit would answer most of them 429, which is a 4xx that tests nothing else.
  const saved = {
    rate: process.env.SAKSI_RATE_PRINCIPAL,
    burst: process.env.SAKSI_BURST_PRINCIPAL,
  };
  process.env.SAKSI_RATE_PRINCIPAL = '1000000';
  process.env.SAKSI_BURST_PRINCIPAL = '1000000';
  try {
    p = await platformApp();
  } finally {
    for (const [k, v] of [
      ['SAKSI_RATE_PRINCIPAL', saved.rate],
      ['SAKSI_BURST_PRINCIPAL', saved.burst],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  const officers = {
    kpps: await officer('KPPS'),
    ppk: await officer('PPK'),
    admin: await officer('ADMIN'),
    // KPU RI: erases and exports voter records (policies/voters.cedar).
    kpu: await officer('KPU_RI', 'ID'),
    // Campaign finance: the filer of the fuzz accounts and the assigned auditor.
    party: await officer('PARTY', 'ID'),
    auditor: await officer('AUDITOR', 'ID'),
  };
  officers.kpps.device = await p.enrolDevice(officers.kpps.token, officers.kpps.id);
  officers.ppk.device = await p.enrolDevice(officers.ppk.token, officers.ppk.id);
  // The demo province's registry and one uploaded photo, for the count forms.
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 1 }));
  await refreshRegistry(p.fresh.db);
  const ph = testPhoto('image/jpeg', 2048);
  await expectStatus(
    Promise.resolve(
      p.app.request(`/v1/photos/${ph.sha256}?tps=${officers.kpps.area}`, {
        method: 'PUT',
        headers: { 'Content-Type': ph.mediaType, ...authOf(officers.kpps.token) },
        body: ph.bytes,
      }),
    ),
    201,
  );
  photoOfTps.set(officers.kpps.area, ph.sha256);
  other = await officer('KPPS', '3171011001002');
  ctx = {
    officers,
    post: async (path, body, token) =>
      await p.app.request(path, {
        method: 'POST',
        headers: { ...JSON_TYPE, ...authOf(token) },
        body: JSON.stringify(body),
      }),
  };
  const stranger = generateKeyPairSync('ed25519').privateKey;
  for (const [name, o] of Object.entries(officers) as [ActorName, Officer][]) {
    expired.set(name, await expiredToken(o));
    forged.set(name, forgedToken(o, stranger));
    tampered.set(name, tamperedToken(o));
  }

  const doc = (await (await p.app.request('/openapi.json')).json()) as {
    paths: Record<
      string,
      {
        post?: {
          security?: { bearer?: unknown }[];
          parameters?: { name: string; schema: { pattern?: string } }[];
          responses?: Record<string, unknown>;
        };
      }
    >;
  };
  routes = Object.entries(doc.paths)
    .filter(([path, ops]) => path.startsWith('/v1/') && ops.post?.security?.some((s) => s.bearer))
    .map(([path, ops]): WriteRoute => {
      const pattern = ops.post?.parameters?.find((x) => x.name === 'Idempotency-Key')?.schema
        .pattern;
      return {
        path,
        idempotencyKey: pattern ? new RegExp(pattern) : null,
        checksMediaType: ops.post?.responses?.['415'] !== undefined,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));

  for (const { path } of routes) {
    const build = VALID[path];
    if (!build) continue; // the first test names it
    const v = await build(ctx, 0);
    const r = await ctx.post(v.path, v.body, officers[v.actor].token);
    if (r.status !== v.ok)
      throw new Error(`the valid request for ${path} was answered ${r.status}: ${await r.text()}`);
    accepted.set(path, v);
  }
  tables = (
    await p.fresh.db.query<{ t: string }>(
      'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
    )
  ).map((r) => r.t);
  await quiesce();
});

afterAll(async () => {
  await p?.close();
});

// ───────────────────────────────── tests ───────────────────────────────────

describe('write routes refuse bad requests and change nothing', () => {
  it('every bearer POST under /v1 in /openapi.json has a valid-request builder, and each builder a route', () => {
    const found = routes.map((r) => r.path);
    expect(found).toContain('/v1/tps-reports');
    expect(
      found.filter((r) => !(r in VALID)),
      'write routes without a VALID builder',
    ).toEqual([]);
    expect(
      Object.keys(VALID).filter((r) => !found.includes(r)),
      'VALID builders for routes that are no longer registered',
    ).toEqual([]);
    expect([...accepted.keys()].sort()).toEqual(found);
  });

  it('answers a replay of every accepted write 409, appending nothing (a repeatable one is accepted again)', async () => {
    const s = await state();
    await eachRoute(async (_route, v) => {
      await expectAnswer(attempt(v), s, v, replayStatus(v));
    });
  });

  it('fuzz: mutated bodies (dropped, added, retyped, huge, unicode, nested, swapped, flipped) are 4xx', async () => {
    const s = await state();
    await eachRoute(async (_route, v) => {
      await fc.assert(
        fc.asyncProperty(mutations(v.body), async (m) => {
          const body = JSON.stringify(mutate(v.body, m)) ?? 'null';
          // The same request in other words is a replay of the accepted one.
          const same = sameRequest(body, v.body);
          await expectAnswer(attempt(v, body), s, v, same ? replayStatus(v) : undefined);
        }),
        { ...FC, numRuns: RUNS.body },
      );
    });
  });

  it('fuzz: raw bodies (random bytes, random text, truncated JSON) are 4xx', async () => {
    const s = await state();
    await eachRoute(async (_route, v) => {
      const valid = JSON.stringify(v.body);
      const raw = fc.oneof(
        fc.uint8Array({ maxLength: 4096 }),
        fc.string({ unit: 'binary', maxLength: 2000 }),
        fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)),
        fc
          .tuple(fc.nat({ max: valid.length - 1 }), fc.string({ maxLength: 3 }))
          .map(([n, s]) => valid.slice(0, n) + s + valid.slice(n + 1)),
      );
      await fc.assert(
        fc.asyncProperty(raw, async (body) => {
          const same = typeof body === 'string' && sameRequest(body, v.body);
          await expectAnswer(attempt(v, body), s, v, same ? replayStatus(v) : undefined);
        }),
        { ...FC, numRuns: RUNS.raw },
      );
    });
  });

  it('fuzz: headers (absent, garbage, expired, forged, tampered and other-officer tokens; content types; Idempotency-Key) are the right 4xx', async () => {
    const s = await state();
    await eachRoute(async (route, v) => {
      const body = fc.oneof(
        { arbitrary: fc.constant<Mutation | null>(null), weight: 3 },
        mutations(v.body),
      );
      await fc.assert(
        fc.asyncProperty(headerCases, body, async (h, m) => {
          const text =
            m === null ? JSON.stringify(v.body) : (JSON.stringify(mutate(v.body, m)) ?? 'null');
          const a = { path: v.path, body: text, headers: headersFor(v, h) };
          const exact = sameRequest(text, v.body) ? expectedStatus(route, v, h) : undefined;
          await expectAnswer(a, s, v, exact);
        }),
        { ...FC, numRuns: RUNS.headers },
      );
    });
  });

  it('fuzz: path parameters of templated routes are 4xx', async () => {
    const before = await quiesce();
    await eachRoute(async (route, v) => {
      if (!route.includes('{')) return;
      const id = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.constantFrom('..', '.', '%', 'a/b', 'DEMO-ADMIN-ID', 'x'.repeat(200), 'fuzz-s0 '),
      );
      await fc.assert(
        fc.asyncProperty(id, async (s) => {
          const path = route.replace(/\{[^}]+\}/g, encodeURIComponent(s));
          await expectRefused({ ...attempt(v), path }, before);
        }),
        { ...FC, numRuns: RUNS.raw },
      );
    });
  });

  it('a device signature or proof of possession flipped in any bit is refused', async () => {
    const before = await quiesce();
    await eachRoute(async (_route, v) => {
      const signed = pathsOf(v.body).filter(
        (x) => x.length > 0 && ['sig', 'proof'].includes(String(x[x.length - 1])),
      );
      for (const path of signed)
        await fc.assert(
          fc.asyncProperty(
            fc.nat({ max: 63 }),
            fc.integer({ min: 0, max: 7 }),
            async (byte, bit) => {
              const body = setAt(v.body, path, flip(getAt(v.body, path) as string, byte, bit));
              const r = await expectRefused(attempt(v, JSON.stringify(body)), before);
              // A device signature fails as such (403); a bad proof breaks a domain rule (422).
              expect(r.status).toBe(path.at(-1) === 'sig' ? 403 : 422);
            },
          ),
          { ...FC, numRuns: RUNS.sig },
        );
    });
  });

  it('a string with no UTF-8 form in any string field is 400 and changes nothing', async () => {
    const before = await quiesce();
    await eachRoute(async (_route, v) => {
      for (const path of pathsOf(v.body).filter((x) => typeof getAt(v.body, x) === 'string'))
        for (const bad of LONE_SURROGATES) {
          const body = JSON.stringify(setAt(v.body, path, bad));
          await expectRefused(attempt(v, body), before);
        }
    });
  });

  // The accepted request's variants stop at the replay check (409) of routes
  // that check state before they encode the entry (suspend, reinstate): fresh
  // requests, one per case, go all the way to canonicalBytes().
  it('a string with no UTF-8 form in any string field of a fresh request is refused and changes nothing', async () => {
    const failures: string[] = [];
    let n = 1;
    await eachRoute(async (route) => {
      const shape = await VALID[route]!(ctx, n++);
      const paths = pathsOf(shape.body).filter((x) => typeof getAt(shape.body, x) === 'string');
      for (const [k, path] of paths.entries())
        for (const bad of FRESH_SURROGATES) {
          const v = k === 0 && bad === FRESH_SURROGATES[0] ? shape : await VALID[route]!(ctx, n++);
          const before = await quiesce();
          const a = attempt(
            v,
            JSON.stringify(setAt(v.body, path, bad(getAt(v.body, path) as string))),
          );
          const r = await send(a);
          const after = await quiesce();
          const refused =
            r.status >= 400 &&
            r.status < 500 &&
            isDeepStrictEqual(after, before) &&
            typeof (r.body as { error?: { code?: unknown } }).error?.code === 'string';
          if (!refused) failures.push(`${route} /${path.join('/')} → ${r.status}`);
        }
    });
    expect([...new Set(failures)].sort()).toEqual(KNOWN_FRESH_SURROGATE_FAILURES);
  });

  it('expired tokens (from the real token key, on a past clock) and forged ones are 401', async () => {
    const before = await quiesce();
    await eachRoute(async (_route, v) => {
      for (const [tokens, description] of [
        [expired, 'the token has expired'],
        [forged, 'the token signature is invalid'],
        [tampered, 'the token signature is invalid'],
      ] as const) {
        const a = { ...attempt(v), headers: { ...JSON_TYPE, ...authOf(tokens.get(v.actor)!) } };
        await expectRefused(a, before, 401, 'INVALID_TOKEN');
        const r = await p.app.request(a.path, { method: 'POST', headers: a.headers, body: a.body });
        expect(r.headers.get('www-authenticate')).toContain(description);
      }
    });
  });

  it('oversize bodies are 413 before anything is read', async () => {
    const before = await quiesce();
    await eachRoute(async (_route, v) => {
      const big = JSON.stringify({ ...v.body, padding: 'x'.repeat(1 << 20) });
      await expectRefused(attempt(v, big), before, 413, 'BODY_TOO_LARGE');
      // Without a token the body is not even counted: 401 from the headers
      // alone (issue #10), not 413 after reading a megabyte.
      const anonymous = { ...attempt(v, big), headers: { ...JSON_TYPE } };
      await expectRefused(anonymous, before, 401, 'UNAUTHENTICATED');
    });
  });

  it('an Idempotency-Key retry returns the first receipt and appends nothing; the key with another body is 422', async () => {
    const { kpps } = ctx.officers;
    const body = signReport(kpps.device!, 'tps.report.submitted', report('fuzz-idem'), 1);
    const a: Attempt = {
      path: '/v1/tps-reports',
      body: JSON.stringify(body),
      headers: { ...JSON_TYPE, ...authOf(kpps.token), 'Idempotency-Key': 'fuzz-retry-1' },
    };
    const first = await send(a);
    expect(first.status).toBe(201);
    const before = await quiesce();
    expect(before.idempotency_keys).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const again = await send(a);
      expect(again).toEqual(first);
      expect(await snapshot()).toEqual(before);
    }
    // Without the key the same request is a replay.
    await expectRefused({ ...a, headers: { ...JSON_TYPE, ...authOf(kpps.token) } }, before, 409);
    const otherBody = signReport(kpps.device!, 'tps.report.submitted', report('fuzz-idem-2'), 1);
    await expectRefused(
      { ...a, body: JSON.stringify(otherBody) },
      before,
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('after all of it the log verifies and holds exactly the accepted writes', async () => {
    const s = await quiesce();
    const res = await verifyLog({
      verifierKey: p.rt.verifierKey,
      fetch: async (path) => {
        const r = await p.app.request(`/log/${path}`);
        return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
      },
    });
    expect(res.size).toBe(s.ledger_entries);
    expect(s.subject_versions).toBe(s.ledger_entries);
  });
});
