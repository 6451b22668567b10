// Cedar decides every authorisation (ARCHITECTURE.md), proved from outside: the
// whole app in-process with the real policy engine wrapped to record each call
// (the decisions stay the engine's own). Every route of the app must be in the
// one route map (api/route-actions.ts) — decided by an action, or listed as
// undecided with its reason — and every action of the policy set must be asked
// by some route and have its decision table (policies/decisions). Then each route
// is called: a decided one with a principal the policy denies (403 FORBIDDEN, the
// engine asked with the route's action and saying deny) and one it permits (not
// FORBIDDEN, the engine saying allow); an undecided one without the engine
// being asked at all.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type AuthorizationRequest,
  type Decision,
  loadPolicyEngine,
  type PolicyEngine,
} from '../../policies/index.ts';
import { newDevice, type PlatformApp, platformApp } from '../../test/platform-app.ts';
import { deviceSubject } from '../domains/devices/index.ts';
import { demoOfficerId } from '../domains/identity/index.ts';
import { CLEAN_PPWP } from '../domains/results/forms/fixtures.ts';
import { submitReport } from '../domains/tps-reports/index.ts';
import {
  actionOf,
  ROUTE_ACTIONS,
  routeKey,
  UNDECIDED_ROUTES,
  undecidedReason,
} from '../route-actions.ts';
import type { WriteServices } from '../write/ledgered-write.ts';
import { mountWrite, RouteActionError } from '../write/routes.ts';

const TPS = '3171011001001';
const OTHER_TPS = '3171011001002';
const DECISIONS = join(import.meta.dirname, '../../policies/decisions');

/** A role and area for a demo token, or the public (no token). */
type Who = { role: string; area: string } | 'public';
interface Sent {
  method: string;
  path: string;
  body?: unknown;
  raw?: Uint8Array;
  headers?: Record<string, string>;
}
/** How to call a route; `officer` is the id of the officer calling (or null). */
type Build = (officer: string | null) => Sent;
interface DecidedCase {
  request: Build;
  /** Null when the policy permits everyone (checked against the decision table). */
  deny: Who | null;
  allow: Who;
}
interface UndecidedCase {
  request: Build;
  /** Defaults to the public. */
  as?: Who;
  /** The status expected, when it is not simply "neither 401 nor 403". */
  status?: number;
}

const device = newDevice();
const sig = Buffer.alloc(64, 1).toString('base64');
let n = 0;
/** A TPS report body; the device signature is well formed (the policy is asked before it is checked). */
const report = (seq: number) => {
  const ref = `c2-${++n}`;
  return {
    subject: `tps-report:${TPS}:${ref}`,
    seq,
    payload: {
      tps: TPS,
      ref,
      type: 'incident',
      occurredAt: '2024-02-14T03:00:00Z',
      description: 'the tent collapsed',
    },
    ...(seq > 1 ? { reason: 'typo' } : {}),
    device: { key: device.keyB64, sig },
  };
};
const form = (seq: number) => ({
  subject: `chasil:PPWP:${TPS}`,
  seq,
  payload: CLEAN_PPWP,
  ...(seq > 1 ? { reason: 'a misread digit' } : {}),
  device: { key: device.keyB64, sig },
});
const post = (path: string, body: unknown): Sent => ({ method: 'POST', path, body });
const get = (path: string): Sent => ({ method: 'GET', path });

/** A voter record (api/domains/voters); the NIK's region is kecamatan 317101. */
const VOTER = {
  nik: '3171015203900001',
  kk: '3171010101100001',
  name: 'Siti Walkthrough',
  birthPlace: 'Jakarta',
  birthDate: '1990-03-12',
  sex: 'P',
  marital: 'S',
  address: 'Jl. Contoh 1',
  disability: 'none',
  ektp: true,
};
const FINANCE_DOC = Buffer.from('%PDF-1.4 walkthrough LADK').toString('base64');
const FINANCE_DOC_SHA = createHash('sha256')
  .update(Buffer.from(FINANCE_DOC, 'base64'))
  .digest('hex');
const FINANCE_RULES = {
  caps: {
    DPR: { individual: '2500000000', group: '25000000000', company: '25000000000' },
    DPD: { individual: '750000000', group: '1500000000', company: '1500000000' },
    PPWP: { individual: '2500000000', group: '25000000000', company: '25000000000' },
  },
  deadlines: {
    LADK: '2030-01-01T00:00:00Z',
    LPSDK: '2030-02-01T00:00:00Z',
    LPPDK: '2030-03-01T00:00:00Z',
  },
};
const kpps = { role: 'KPPS', area: TPS };
const kppsElsewhere = { role: 'KPPS', area: OTHER_TPS };
const ppk = { role: 'PPK', area: '317101' };

/** One case per route of the map; the test refuses a route without one. */
const DECIDED: Record<keyof typeof ROUTE_ACTIONS, DecidedCase> = {
  'POST /v1/officers': {
    request: () =>
      post('/v1/officers', {
        username: `walked-${++n}`,
        password: 'a long enough password',
        role: 'KPPS',
        area: TPS,
      }),
    deny: kpps,
    allow: { role: 'KPU_PROVINSI', area: '31' },
  },
  'POST /v1/officers/{id}/suspend': {
    request: () =>
      post(`/v1/officers/${demoOfficerId('KPPS', OTHER_TPS)}/suspend`, { reason: 'r' }),
    deny: { role: 'KPU_KABKOTA', area: '3172' },
    allow: { role: 'KPU_KABKOTA', area: '3171' },
  },
  'POST /v1/officers/{id}/reinstate': {
    request: () =>
      post(`/v1/officers/${demoOfficerId('KPPS', OTHER_TPS)}/reinstate`, { reason: 'r' }),
    deny: { role: 'KPU_KABKOTA', area: '3172' },
    allow: { role: 'KPU_KABKOTA', area: '3171' },
  },
  'POST /v1/devices': {
    request: (officer) => {
      const d = newDevice();
      return post('/v1/devices', {
        subject: deviceSubject(d.keyB64),
        seq: 1,
        payload: { officer, key: d.keyB64, label: 'walk', proof: sig },
      });
    },
    deny: { role: 'PARTY', area: 'ID' },
    allow: kpps,
  },
  'POST /v1/devices/revoke': {
    request: (officer) =>
      post('/v1/devices/revoke', {
        subject: deviceSubject(device.keyB64),
        seq: 2,
        reason: 'lost',
        payload: { officer, key: device.keyB64 },
      }),
    deny: { role: 'OBSERVER', area: 'ID' },
    allow: kpps,
  },
  'POST /v1/tps-reports': {
    request: () => post('/v1/tps-reports', report(1)),
    deny: kppsElsewhere,
    allow: kpps,
  },
  'POST /v1/tps-reports/corrections': {
    request: () => post('/v1/tps-reports/corrections', report(2)),
    deny: kpps,
    allow: ppk,
  },
  'POST /v1/results/forms/read': {
    request: () => post('/v1/results/forms/read', form(1)),
    deny: kppsElsewhere,
    allow: kpps,
  },
  'POST /v1/results/forms': {
    request: () => post('/v1/results/forms', form(1)),
    deny: kppsElsewhere,
    allow: kpps,
  },
  'POST /v1/results/forms/corrections': {
    request: () => post('/v1/results/forms/corrections', form(2)),
    deny: kpps,
    allow: ppk,
  },
  'PUT /v1/photos/{sha256}': {
    request: () => ({
      method: 'PUT',
      path: `/v1/photos/${'c'.repeat(64)}?tps=${TPS}`,
      raw: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      headers: { 'content-type': 'image/png' },
    }),
    deny: kppsElsewhere,
    allow: kpps,
  },
  'GET /v1/results/{contest}/areas/{area}': {
    request: () => get('/v1/results/PPWP/areas/31'),
    deny: null,
    allow: 'public',
  },
  'GET /v1/results/{contest}/history/{area}': {
    request: () => get('/v1/results/PPWP/history/31'),
    deny: null,
    allow: 'public',
  },
  'GET /v1/results/{contest}/tps/{tps}': {
    request: () => get(`/v1/results/PPWP/tps/${TPS}`),
    deny: null,
    allow: 'public',
  },
  'GET /v1/results/{contest}/proof/{tps}': {
    request: () => get(`/v1/results/PPWP/proof/${TPS}`),
    deny: null,
    allow: 'public',
  },
  'GET /v1/results/{contest}/export.csv': {
    request: () => get('/v1/results/PPWP/export.csv?level=provinsi'),
    deny: null,
    allow: 'public',
  },
  'POST /v1/voters': {
    request: () => post('/v1/voters', { voter: VOTER, tps: TPS, list: 'DPS' }),
    deny: kppsElsewhere,
    allow: ppk,
  },
  'POST /v1/voters/promote': {
    request: () => post('/v1/voters/promote', { nik: VOTER.nik, tps: TPS, seq: 2, to: 'DPSHP' }),
    deny: kpps,
    allow: ppk,
  },
  'POST /v1/voters/transfer': {
    request: () =>
      post('/v1/voters/transfer', {
        nik: VOTER.nik,
        tps: TPS,
        seq: 2,
        to: OTHER_TPS,
        formA: 'A-1',
      }),
    deny: kpps,
    allow: ppk,
  },
  'POST /v1/voters/assign': {
    request: () => post('/v1/voters/assign', { nik: VOTER.nik, tps: TPS, seq: 2, to: OTHER_TPS }),
    deny: { role: 'PPK', area: '317102' },
    allow: ppk,
  },
  'POST /v1/voters/remove': {
    request: () =>
      post('/v1/voters/remove', { nik: VOTER.nik, tps: TPS, seq: 2, reason: 'deceased' }),
    deny: kpps,
    allow: ppk,
  },
  'POST /v1/voters/erase': {
    request: () =>
      post('/v1/voters/erase', { nik: VOTER.nik, tps: TPS, seq: 2, reason: 'court-order' }),
    deny: ppk,
    allow: { role: 'KPU_KABKOTA', area: '3171' },
  },
  'POST /v1/voters/export': {
    request: () => post('/v1/voters/export', { area: '3171', reason: 'audit of the register' }),
    deny: { role: 'KPU_KABKOTA', area: '3171' },
    allow: { role: 'KPU_PROVINSI', area: '31' },
  },
  // Campaign finance: walked in this order, so the account exists (and names the
  // demo PARTY officer at ID as its filer, the demo AUDITOR as its auditor)
  // before anything is filed against it.
  'POST /v1/finance/rules': {
    request: () => post('/v1/finance/rules', FINANCE_RULES),
    deny: { role: 'KPU_PROVINSI', area: '31' },
    allow: { role: 'KPU_RI', area: 'ID' },
  },
  'POST /v1/finance/accounts': {
    request: () =>
      post('/v1/finance/accounts', {
        id: 'walk-party',
        name: 'Partai Walkthrough',
        kind: 'party',
        area: 'ID',
        filer: demoOfficerId('PARTY', 'ID'),
        account: { bank: 'Bank Contoh', number: '1234567890', holder: 'Partai Walkthrough' },
      }),
    deny: { role: 'PARTY', area: 'ID' },
    allow: { role: 'KPU_RI', area: 'ID' },
  },
  'POST /v1/finance/auditors': {
    request: () =>
      post('/v1/finance/auditors', {
        participant: 'walk-party',
        auditor: demoOfficerId('AUDITOR', 'ID'),
      }),
    deny: { role: 'KPU_PROVINSI', area: '31' },
    allow: { role: 'KPU_RI', area: 'ID' },
  },
  'POST /v1/finance/contributions': {
    request: () =>
      post('/v1/finance/contributions', {
        participant: 'walk-party',
        donor: {
          category: 'individual',
          country: 'ID',
          idNumber: '3171015203900002',
          name: 'Donor Walk',
        },
        amount: '1000000',
        date: '2024-01-02',
      }),
    deny: { role: 'PARTY', area: '31' },
    allow: { role: 'PARTY', area: 'ID' },
  },
  'POST /v1/finance/surrenders': {
    request: () =>
      post('/v1/finance/surrenders', {
        participant: 'walk-party',
        contribution: `finance-contribution:${'0'.repeat(32)}`,
        amount: '1',
        date: '2024-01-03',
        reference: 'NTPN-1',
      }),
    deny: { role: 'KPU_RI', area: 'ID' },
    allow: { role: 'PARTY', area: 'ID' },
  },
  'POST /v1/finance/expenditures': {
    request: () =>
      post('/v1/finance/expenditures', {
        participant: 'walk-party',
        category: 'materials',
        amount: 500000,
        date: '2024-01-04',
        description: 'leaflets',
      }),
    deny: { role: 'PARTY', area: '31' },
    allow: { role: 'PARTY', area: 'ID' },
  },
  'POST /v1/finance/reports': {
    request: () =>
      post('/v1/finance/reports', {
        participant: 'walk-party',
        kind: 'LADK',
        seq: 1,
        document: { sha256: FINANCE_DOC_SHA, mediaType: 'application/pdf', base64: FINANCE_DOC },
        declared: { contributions: '0', expenditures: '0' },
      }),
    deny: { role: 'KPU_RI', area: 'ID' },
    allow: { role: 'PARTY', area: 'ID' },
  },
  'POST /v1/finance/openings': {
    request: () =>
      post('/v1/finance/openings', {
        participant: 'walk-party',
        contribution: `finance-contribution:${'0'.repeat(32)}`,
        reason: 'audit of the LADK',
      }),
    deny: { role: 'KPU_RI', area: 'ID' },
    allow: { role: 'AUDITOR', area: 'ID' },
  },
  // Permitted, then refused by the key service: version 1 is the current one (409).
  'POST /v1/keys/retire': {
    request: () => post('/v1/keys/retire', { label: 'token', version: 1 }),
    deny: { role: 'KPU_RI', area: 'ID' },
    allow: { role: 'ADMIN', area: 'ID' },
  },
  // Issue #13: filing a passing report (the policy separates who may file which kind).
  'POST /v1/audit/reports': {
    request: () =>
      post('/v1/audit/reports', {
        kind: 'audit',
        reportSha256: (++n).toString(16).padStart(64, '0'),
        generatedAt: '2024-01-01T00:00:00Z',
        controls: [{ id: 'policies', status: 'pass', severity: 'high', summary: 'valid' }],
      }),
    deny: { role: 'ADMIN', area: 'ID' },
    allow: { role: 'AUDITOR', area: 'ID' },
  },
  // Permitted, then refused: no such finding (404).
  'POST /v1/audit/findings/{id}/followups': {
    request: () =>
      post('/v1/audit/findings/policies@0000000000000000/followups', { action: 'fixed' }),
    deny: { role: 'OBSERVER', area: '3171' },
    allow: { role: 'ADMIN', area: 'ID' },
  },
  // Permitted, then refused by the gate (409 STAGE_GATE_CLOSED, itself logged).
  'POST /v1/audit/stages/{id}/open': {
    request: () => post('/v1/audit/stages/voting/open', {}),
    deny: { role: 'ADMIN', area: 'ID' },
    allow: { role: 'KPU_RI', area: 'ID' },
  },
  // Walked last: it really rotates the token key.
  'POST /v1/keys/rotate': {
    request: () => post('/v1/keys/rotate', { label: 'token' }),
    deny: { role: 'KPU_RI', area: 'ID' },
    allow: { role: 'ADMIN', area: 'ID' },
  },
};

const UNDECIDED: Record<keyof typeof UNDECIDED_ROUTES, UndecidedCase> = {
  'POST /v1/auth/login': {
    request: () => post('/v1/auth/login', { username: 'nobody-here', password: 'wrong' }),
    status: 401,
  },
  'GET /v1/officers/me': { request: () => get('/v1/officers/me'), as: kpps, status: 200 },
  'POST /v1/demo/token': {
    request: () => post('/v1/demo/token', { role: 'OBSERVER' }),
    status: 200,
  },
  'GET /v1/proofs/inclusion': { request: () => get('/v1/proofs/inclusion?index=0&size=1') },
  'GET /v1/proofs/consistency': { request: () => get('/v1/proofs/consistency?from=1&to=1') },
  'GET /v1/ledger/entries/{index}': { request: () => get('/v1/ledger/entries/0') },
  'GET /log/checkpoint': { request: () => get('/log/checkpoint') },
  'GET /log/key': { request: () => get('/log/key'), status: 200 },
  'GET /log/tile/*': { request: () => get('/log/tile/0/000.p/1') },
  'GET /v1/areas/{code}': { request: () => get('/v1/areas/31') },
  'GET /v1/contests': { request: () => get('/v1/contests'), status: 200 },
  'GET /v1/contests/{contest}/dapil': { request: () => get('/v1/contests/DPR/dapil'), status: 200 },
  'GET /v1/contests/{contest}/ballot': {
    request: () => get(`/v1/contests/PPWP/ballot?tps=${TPS}`),
  },
  'GET /v1/photos/{sha256}': { request: () => get(`/v1/photos/${'d'.repeat(64)}`), status: 404 },
  'GET /v1/tps-reports': { request: () => get(`/v1/tps-reports?tps=${TPS}`), status: 200 },
  'POST /v1/voters/self-check': {
    request: () => post('/v1/voters/self-check', { nik: VOTER.nik, name: VOTER.name }),
    status: 200,
  },
  'GET /v1/voters/counts/{area}': { request: () => get('/v1/voters/counts/317101'), status: 404 },
  'GET /v1/finance/rules': { request: () => get('/v1/finance/rules'), status: 200 },
  'GET /v1/finance/participants': { request: () => get('/v1/finance/participants'), status: 200 },
  'GET /v1/finance/participants/{id}': {
    request: () => get('/v1/finance/participants/nobody-here'),
    status: 404,
  },
  'GET /v1/finance/export.csv': { request: () => get('/v1/finance/export.csv'), status: 200 },
  'GET /v1/finance/documents/{sha256}': {
    request: () => get(`/v1/finance/documents/${'e'.repeat(64)}`),
    status: 404,
  },
  'GET /v1/audit/reports': { request: () => get('/v1/audit/reports'), status: 200 },
  'GET /v1/audit/reports/{id}': {
    request: () => get(`/v1/audit/reports/${'e'.repeat(64)}`),
    status: 404,
  },
  'GET /v1/audit/findings': { request: () => get('/v1/audit/findings?status=open'), status: 200 },
  'GET /v1/audit/findings/{id}': {
    request: () => get('/v1/audit/findings/policies@0000000000000000'),
    status: 404,
  },
  'GET /v1/audit/stages': { request: () => get('/v1/audit/stages'), status: 200 },
  'GET /v1/audit/stages/{id}': { request: () => get('/v1/audit/stages/voting'), status: 200 },
  'GET /v1/voters/counts/{area}/proof': {
    request: () => get('/v1/voters/counts/317101/proof'),
    status: 404,
  },
  'GET /healthz': { request: () => get('/healthz'), status: 200 },
  'GET /readyz': { request: () => get('/readyz'), status: 200 },
  'GET /metrics': { request: () => get('/metrics'), status: 200 },
  'GET /openapi.json': { request: () => get('/openapi.json'), status: 200 },
  'OPTIONS /*': { request: () => ({ method: 'OPTIONS', path: '/log/checkpoint' }), status: 204 },
  // Pages that read only undecided routes (the home page reads the registry; the
  // log explorer the log): a results page asks results.read through its read.
  'GET /': { request: () => get('/'), status: 200 },
  'GET /portal/*': { request: () => get('/portal/log'), status: 200 },
};

/** The real engine, every call recorded with its answer. */
function watched(engine: PolicyEngine) {
  const calls: { request: AuthorizationRequest; decision: Decision }[] = [];
  const wrapped: PolicyEngine = {
    policySetHash: engine.policySetHash,
    describe: () => engine.describe(),
    cacheStats: () => engine.cacheStats(),
    authorize(request) {
      const decision = engine.authorize(request);
      calls.push({ request, decision });
      return decision;
    },
  };
  return { engine: wrapped, calls };
}

interface Row {
  role: string;
  action: string;
  expect: 'allow' | 'deny';
  na?: string;
}
const tables = new Map(
  readdirSync(DECISIONS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [
      f.replace(/\.json$/, ''),
      JSON.parse(readFileSync(join(DECISIONS, f), 'utf8')).rows as Row[] | undefined,
    ]),
);
const allRows = [...tables.values()].flatMap((rows) => rows ?? []);

let app: PlatformApp;
let watch: ReturnType<typeof watched>;
const tokens = new Map<string, string>();
beforeAll(async () => {
  watch = watched(await loadPolicyEngine({ logger: pino({ level: 'silent' }) }));
  app = await platformApp({ engine: watch.engine });
  // The target of the suspension routes.
  await app.token('KPPS', OTHER_TPS);
  // The filer and the auditor the finance cases name (officers with those roles).
  await app.token('PARTY', 'ID');
  await app.token('AUDITOR', 'ID');
}, 120_000);
afterAll(async () => {
  await app?.close();
});

async function tokenOf(who: Who): Promise<{ token?: string; officer: string | null }> {
  if (who === 'public') return { officer: null };
  const key = `${who.role}@${who.area}`;
  if (!tokens.has(key)) tokens.set(key, await app.token(who.role, who.area));
  return { token: tokens.get(key), officer: demoOfficerId(who.role as never, who.area) };
}

/** Sends the request as `who`; returns the answer and the engine calls it made. */
async function send(build: Build, who: Who) {
  const { token, officer } = await tokenOf(who);
  const r = build(officer);
  const headers: Record<string, string> = { ...r.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: Uint8Array | string | undefined;
  if (r.raw) body = r.raw;
  else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
  }
  watch.calls.length = 0;
  const res = await app.app.request(r.path, { method: r.method, headers, body });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {}
  return { status: res.status, code, text, calls: [...watch.calls] };
}

const honoRoutes = () =>
  [
    ...new Set(
      app.app.routes.filter((r) => r.method !== 'ALL').map((r) => routeKey(r.method, r.path)),
    ),
  ].sort();

describe('the route map covers the app and the policy set', () => {
  it('lists every route of the app once, decided or undecided, and nothing else', async () => {
    const decided = Object.keys(ROUTE_ACTIONS);
    const undecided = Object.keys(UNDECIDED_ROUTES);
    expect(decided.filter((k) => undecided.includes(k))).toEqual([]);
    expect(honoRoutes()).toEqual([...decided, ...undecided].sort());
    for (const [key, why] of Object.entries(UNDECIDED_ROUTES))
      expect(why.length, key).toBeGreaterThan(20);
  });

  it('says in /openapi.json how each operation is authorised, from the same map', async () => {
    const doc = (await (await app.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const keys: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const key = routeKey(method, path);
        keys.push(key);
        expect(op['x-saksi-action'], key).toBe(actionOf(key));
        expect(op['x-saksi-public'], key).toBe(undecidedReason(key));
        expect(
          (op['x-saksi-action'] === undefined) !== (op['x-saksi-public'] === undefined),
          `${key} is either decided or undecided`,
        ).toBe(true);
      }
    // Every documented operation is a route of the app.
    expect(keys.filter((k) => !honoRoutes().includes(k))).toEqual([]);
  });

  it('asks every action of the policy set on some route, and each has its decision table', () => {
    const asked = new Set<string>(Object.values(ROUTE_ACTIONS));
    expect(ACTIONS.filter((a) => !asked.has(a))).toEqual([]);
    for (const action of asked) {
      const rows = tables.get(action);
      expect(rows?.length, `policies/decisions/${action}.json`).toBeGreaterThan(0);
      expect(
        rows!.every((r) => r.action === action),
        `${action}.json holds ${action} only`,
      ).toBe(true);
    }
    // No decision table for an action the policy set does not have.
    const extra = [...tables.keys()].filter(
      (t) => !['officers', 'anonymous', 'suspension', 'assignment'].includes(t),
    );
    expect(extra.filter((t) => !(ACTIONS as readonly string[]).includes(t))).toEqual([]);
    for (const row of allRows)
      expect(ACTIONS as readonly string[], JSON.stringify(row)).toContain(row.action);
  });

  it('refuses to mount a ledgered write whose action is not the one the map states', () => {
    const doc = { operationId: 'x', summary: 'x', tag: 'x' };
    const mount = (path: string, action: string) => () =>
      mountWrite(new Hono(), {} as WriteServices, path, { ...submitReport, action }, doc);
    expect(mount('/v1/tps-reports', 'results.correct')).toThrow(RouteActionError);
    expect(mount('/v1/tps-reports/unmapped', 'results.submit')).toThrow(RouteActionError);
  });

  it('has a case below for every route of the map', () => {
    expect(Object.keys(DECIDED).sort()).toEqual(Object.keys(ROUTE_ACTIONS).sort());
    expect(Object.keys(UNDECIDED).sort()).toEqual(Object.keys(UNDECIDED_ROUTES).sort());
  });
});

describe('each decided route follows the engine', () => {
  for (const [key, c] of Object.entries(DECIDED) as [keyof typeof ROUTE_ACTIONS, DecidedCase][]) {
    const action = ROUTE_ACTIONS[key];
    it(`${key} → ${action}`, async () => {
      if (c.deny === null) {
        // Permitted to everyone: the decision tables say so, not this test.
        const rows = allRows.filter((r) => r.action === action && r.na === undefined);
        expect(rows.filter((r) => r.expect === 'deny')).toEqual([]);
        expect(rows.some((r) => r.role === 'ANONYMOUS' && r.expect === 'allow')).toBe(true);
      } else {
        const denied = await send(c.request, c.deny);
        expect(
          denied.calls.map((x) => x.request.action),
          denied.text,
        ).toEqual([action]);
        expect(denied.calls[0]!.decision.allowed).toBe(false);
        expect([denied.status, denied.code], denied.text).toEqual([403, 'FORBIDDEN']);
      }
      const allowed = await send(c.request, c.allow);
      expect(
        allowed.calls.map((x) => x.request.action),
        allowed.text,
      ).toEqual([action]);
      expect(allowed.calls[0]!.decision.allowed).toBe(true);
      expect(allowed.code, allowed.text).not.toBe('FORBIDDEN');
      if (c.allow === 'public')
        expect(allowed.calls[0]!.request.principal).toEqual({ type: 'Public' });
    });
  }
});

describe('each undecided route asks no policy', () => {
  for (const [key, c] of Object.entries(UNDECIDED)) {
    it(key, async () => {
      const r = await send(c.request, c.as ?? 'public');
      expect(r.calls, r.text).toEqual([]);
      if (c.status !== undefined) expect(r.status, r.text).toBe(c.status);
      else expect([401, 403], r.text).not.toContain(r.status);
    });
  }
});
