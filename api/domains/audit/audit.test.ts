// Findings, follow-ups and stage gates end to end (issue #13, server side),
// through the HTTP API as the audit suite, KPU IT and the commission use it:
// every record a log entry, every refusal storing nothing, the gate's refusals
// logged with their reasons.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
type Json = Record<string, any>;

let p: PlatformApp;
let auditor: string;
let admin: string;
let kpu: string;
const json = { 'Content-Type': 'application/json' };

const post = (path: string, body: unknown, token?: string) =>
  p.app.request(path, {
    method: 'POST',
    headers: { ...json, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const get = async (path: string) => {
  const r = await p.app.request(path);
  return { status: r.status, body: (await r.json()) as Json };
};

let serial = 0;
const sha = () => createHash('sha256').update(`report ${++serial}`).digest('hex');
const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
type Control = { id: string; status: string; severity: string; summary: string };
const control = (id: string, status: string, summary = `${id}: ${status}`): Control => ({
  id,
  status,
  severity: status === 'fail' ? 'critical' : 'low',
  summary,
});
const report = (controls: (Control | Json)[], over: Record<string, unknown> = {}) => ({
  kind: 'audit',
  reportSha256: sha(),
  generatedAt: new Date().toISOString(),
  controls,
  ...over,
});
const countReports = async () => (await get('/v1/audit/reports?limit=200')).body.reports.length;
const entryAt = async (index: number) => (await get(`/v1/ledger/entries/${index}`)).body;

beforeAll(async () => {
  p = await platformApp();
  auditor = await p.token('AUDITOR', 'ID');
  admin = await p.token('ADMIN', 'ID');
  kpu = await p.token('KPU_RI', 'ID');
}, 120_000);
afterAll(async () => {
  await p?.close();
});

let finding = '';

describe('before any evidence', () => {
  it('the gate names what is missing, and evidence that is too old', async () => {
    const none = (await get('/v1/audit/stages/dapil')).body.gate;
    expect(none.open).toBe(false);
    expect(none.reasons.map((r: Json) => r.code)).toEqual([
      'NO_AUDIT_EVIDENCE',
      'NO_FEASIBILITY_EVIDENCE',
    ]);
    const old = { stage: 'dapil', generatedAt: ago(30) };
    for (const body of [
      report([control('policies', 'pass')], old),
      report([control('feasibility', 'pass')], { ...old, kind: 'feasibility' }),
    ])
      expect((await post('/v1/audit/reports', body, auditor)).status).toBe(201);
    const stale = (await get('/v1/audit/stages/dapil')).body.gate;
    expect(stale.reasons.map((r: Json) => r.code)).toEqual(['AUDIT_STALE', 'FEASIBILITY_STALE']);
    const r = await post('/v1/audit/stages/dapil/open', {}, kpu);
    expect(r.status).toBe(409);
    // The same reasons (their messages give the evidence's age, which has moved on).
    const reasons = ((await r.json()) as Json).error.reasons as Json[];
    expect(reasons.map((x) => x.code)).toEqual(['AUDIT_STALE', 'FEASIBILITY_STALE']);
  });
});

describe('filing a report', () => {
  it('logs the report’s hash and opens a finding per failed control', async () => {
    const body = report([control('log-integrity', 'fail'), control('policies', 'pass')]);
    const r = await post('/v1/audit/reports', body, auditor);
    expect(r.status).toBe(201);
    const out = (await r.json()) as Json;
    expect(out.reportId).toBe(body.reportSha256);
    expect(out.findingsOpened).toEqual([`log-integrity@${body.reportSha256.slice(0, 16)}`]);
    finding = out.findingsOpened[0];
    const logged = await entryAt(out.entry.index);
    expect(logged.leafHash).toBe(out.entry.leafHash);
    expect(logged.entry).toMatchObject({
      kind: 'audit.report.filed',
      subject: `audit-report:${body.reportSha256}`,
      payload: { reportSha256: body.reportSha256, kind: 'audit' },
    });
    const f = await get(`/v1/audit/findings/${finding}`);
    expect(f.body).toMatchObject({
      control: 'log-integrity',
      status: 'open',
      severity: 'critical',
    });
    expect((await entryAt(f.body.openedEntry.index)).entry).toMatchObject({
      kind: 'audit.finding.opened',
      payload: { control: 'log-integrity', report: body.reportSha256 },
    });
  });

  it('opens no second finding for a control that is failing again', async () => {
    const r = await post('/v1/audit/reports', report([control('log-integrity', 'fail')]), auditor);
    expect(r.status).toBe(201);
    expect(((await r.json()) as Json).findingsOpened).toEqual([]);
    expect((await get('/v1/audit/findings?status=open')).body.findings).toHaveLength(1);
  });

  it('refuses to file the same report twice (409), storing nothing', async () => {
    const body = report([control('policies', 'pass')]);
    expect((await post('/v1/audit/reports', body, auditor)).status).toBe(201);
    const before = await countReports();
    const again = await post('/v1/audit/reports', body, auditor);
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error.code).toBe('REPORT_ALREADY_FILED');
    expect(await countReports()).toBe(before);
  });

  it('refuses bad reports with a clear 4xx, storing nothing', async () => {
    const before = await countReports();
    const size = (await get('/v1/proofs/inclusion?index=0&size=1')).status;
    expect(size).toBe(200);
    const cases: [unknown, number, string][] = [
      [report([control('x', 'pass')], { reportSha256: 'AB'.repeat(32) }), 400, 'INVALID_REQUEST'],
      [report([control('x', 'pass')], { reportSha256: 'ab' }), 400, 'INVALID_REQUEST'],
      [report([control('x', 'maybe')]), 400, 'INVALID_REQUEST'],
      [report([{ ...control('x', 'pass'), severity: 'dire' }]), 400, 'INVALID_REQUEST'],
      [report([{ ...control('x', 'pass'), evidence: 'extra' }]), 400, 'INVALID_REQUEST'],
      [report([control('x', 'pass')], { extra: 1 }), 400, 'INVALID_REQUEST'],
      [report([control('x', 'pass')], { kind: 'opinion' }), 400, 'INVALID_REQUEST'],
      [report([]), 400, 'INVALID_REQUEST'],
      [report([control('x', 'pass')], { generatedAt: 'yesterday' }), 400, 'INVALID_REQUEST'],
      [report([control('x', 'pass'), control('x', 'fail')]), 422, 'RULE_VIOLATION'],
      [
        report([control('x', 'pass')], { generatedAt: '2999-01-01T00:00:00Z' }),
        422,
        'RULE_VIOLATION',
      ],
      [report([control('x', 'pass')], { stage: 'no-such-stage' }), 422, 'RULE_VIOLATION'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post('/v1/audit/reports', body, auditor);
      const text = await r.text();
      expect([r.status, JSON.parse(text).error.code], text).toEqual([status, code]);
    }
    expect(await countReports()).toBe(before);
  });

  it('lets KPU IT file feasibility evidence but not an audit of its own systems', async () => {
    const audit = await post('/v1/audit/reports', report([control('keys', 'pass')]), admin);
    expect(audit.status).toBe(403);
    const feas = report([control('feasibility', 'pass')], { kind: 'feasibility' });
    expect((await post('/v1/audit/reports', feas, admin)).status).toBe(201);
    expect((await post('/v1/audit/reports', report([control('x', 'pass')]), kpu)).status).toBe(403);
    expect((await post('/v1/audit/reports', report([control('x', 'pass')]))).status).toBe(401);
  });

  it('redacts a NIK named in a summary before it reaches the log', async () => {
    const nik = '3171015203900001';
    const body = report([
      control('personal-data', 'fail', `NIK ${nik} found in the public entry 12`),
    ]);
    const r = await post('/v1/audit/reports', body, auditor);
    expect(r.status).toBe(201);
    const out = (await r.json()) as Json;
    const text = JSON.stringify(await entryAt(out.entry.index));
    expect(text).not.toContain(nik);
    expect(text).toContain('[redacted]');
    const f = await get(`/v1/audit/findings/${out.findingsOpened[0]}`);
    expect(f.body.summary).toBe('NIK [redacted] found in the public entry 12');
    expect(f.body.redacted).toBe(true);
    expect(JSON.stringify((await get('/v1/audit/findings')).body)).not.toContain(nik);
  });
});

describe('concurrent filings', () => {
  it('open one finding for a control failing in reports filed at once, and file a report once', async () => {
    const bodies = Array.from({ length: 4 }, () => report([control('concurrency', 'fail')]));
    const answers = await Promise.all(bodies.map((b) => post('/v1/audit/reports', b, auditor)));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const opened = (await Promise.all(answers.map((r) => r.json() as Promise<Json>))).flatMap(
      (o) => o.findingsOpened,
    );
    expect(opened).toHaveLength(1);
    const twin = report([control('concurrency', 'fail')]);
    const twice = await Promise.all([1, 2].map(() => post('/v1/audit/reports', twin, auditor)));
    expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
    // Closed again so that the flows below start from one open finding.
    const pass = await post('/v1/audit/reports', report([control('concurrency', 'pass')]), auditor);
    expect(((await pass.json()) as Json).findingsClosed).toEqual(opened);
  });
});

describe('follow-ups', () => {
  it('are recorded against an open finding with who, what and the evidence hash', async () => {
    const evidence = 'c'.repeat(64);
    const r = await post(
      `/v1/audit/findings/${finding}/followups`,
      { action: 'restored the tiles from the backup of 3 Feb', evidenceSha256: evidence },
      admin,
    );
    expect(r.status).toBe(201);
    const out = (await r.json()) as Json;
    expect((await entryAt(out.entry.index)).entry).toMatchObject({
      kind: 'audit.followup.recorded',
      actor: { role: 'ADMIN' },
      payload: { finding, evidenceSha256: evidence },
    });
    const f = await get(`/v1/audit/findings/${finding}`);
    // A follow-up does not close a finding.
    expect(f.body.status).toBe('open');
    expect(f.body.followups).toHaveLength(1);
    expect(f.body.followups[0]).toMatchObject({
      action: 'restored the tiles from the backup of 3 Feb',
      actor: { role: 'ADMIN' },
      entry: out.entry,
    });
  });

  it('refuses bad follow-ups with a clear 4xx, storing nothing', async () => {
    const cases: [string, unknown, string | undefined, number, string][] = [
      ['nobody@0000000000000000', { action: 'x' }, admin, 404, 'UNKNOWN_FINDING'],
      ['not a finding', { action: 'x' }, admin, 404, 'UNKNOWN_FINDING'],
      [finding, { action: 'x', evidenceSha256: 'nope' }, admin, 400, 'INVALID_REQUEST'],
      [finding, { action: '' }, admin, 400, 'INVALID_REQUEST'],
      [finding, { action: 'x', who: 'me' }, admin, 400, 'INVALID_REQUEST'],
      [finding, { action: 'called 3171015203900001' }, admin, 422, 'PERSONAL_DATA'],
      [finding, { action: 'x' }, await p.token('PPK', '317101'), 403, 'FORBIDDEN'],
    ];
    for (const [id, body, token, status, code] of cases) {
      const r = await post(`/v1/audit/findings/${encodeURIComponent(id)}/followups`, body, token);
      const text = await r.text();
      expect(r.status, text).toBe(status);
      if (code !== 'PERSONAL_DATA') expect(JSON.parse(text).error.code, text).toBe(code);
    }
    expect((await get(`/v1/audit/findings/${finding}`)).body.followups).toHaveLength(1);
  });
});

describe('the stage gate', () => {
  it('refuses to open a stage while a finding is open, logging the refusal with its reasons', async () => {
    const r = await post('/v1/audit/stages/voting/open', {}, kpu);
    expect(r.status).toBe(409);
    const out = (await r.json()) as Json;
    expect(out.error.code).toBe('STAGE_GATE_CLOSED');
    const codes = out.error.reasons.map((x: Json) => x.code);
    expect(codes).toContain('FINDINGS_OPEN');
    // The latest audit passed: the open findings alone keep the gate shut.
    expect(codes).toEqual(['FINDINGS_OPEN']);
    const logged = (await entryAt(out.entry.index)).entry;
    expect(logged).toMatchObject({
      kind: 'audit.stage.refused',
      subject: 'stage:voting',
      seq: 1,
      payload: { outcome: 'refused', stage: 'voting' },
    });
    expect(logged.payload.reasons).toEqual(out.error.reasons);
  });

  it('refuses unknown stages (404) and officers the policy does not name (403), logging nothing', async () => {
    expect((await post('/v1/audit/stages/nope/open', {}, kpu)).status).toBe(404);
    expect((await post('/v1/audit/stages/voting/open', {}, admin)).status).toBe(403);
    expect((await post('/v1/audit/stages/voting/open', { why: 1 }, kpu)).status).toBe(400);
    expect((await get('/v1/audit/stages/voting')).body.decisions).toHaveLength(1);
    expect((await get('/v1/audit/stages/nope')).status).toBe(404);
  });

  it('closes a finding only when its control passes again, and then refuses follow-ups', async () => {
    const body = report([control('log-integrity', 'pass'), control('personal-data', 'pass')]);
    const r = await post('/v1/audit/reports', body, auditor);
    const out = (await r.json()) as Json;
    expect(out.findingsClosed).toHaveLength(2);
    expect(out.findingsClosed).toContain(finding);
    const f = await get(`/v1/audit/findings/${finding}`);
    expect(f.body).toMatchObject({ status: 'closed', closedBy: body.reportSha256 });
    expect((await entryAt(f.body.closedEntry.index)).entry).toMatchObject({
      kind: 'audit.finding.closed',
      seq: 2,
      payload: { finding, report: body.reportSha256 },
    });
    const late = await post(`/v1/audit/findings/${finding}/followups`, { action: 'more' }, admin);
    expect(late.status).toBe(409);
    expect(((await late.json()) as Json).error.code).toBe('FINDING_CLOSED');
  });

  it('opens a stage once its evidence passes and no finding is open; once only', async () => {
    // A fresh report for no stage in particular is evidence for every stage.
    const fresh = report([control('feasibility', 'pass')], { kind: 'feasibility' });
    expect((await post('/v1/audit/reports', fresh, admin)).status).toBe(201);
    const opened = await post('/v1/audit/stages/voting/open', { reason: 'ready' }, kpu);
    const text = await opened.text();
    expect(opened.status, text).toBe(201);
    const out = JSON.parse(text);
    expect((await entryAt(out.entry.index)).entry).toMatchObject({
      kind: 'audit.stage.opened',
      subject: 'stage:voting',
      seq: 2,
      payload: { outcome: 'opened', reasons: [] },
    });
    const again = await post('/v1/audit/stages/voting/open', {}, kpu);
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error.code).toBe('STAGE_ALREADY_OPEN');
    const stages = (await get('/v1/audit/stages')).body.stages as Json[];
    expect(stages.find((s) => s.id === 'voting')).toMatchObject({
      status: 'open',
      latestDecision: { outcome: 'opened', seq: 2 },
    });
    expect(stages.find((s) => s.id === 'campaign')?.status).toBe('not-open');
    expect(stages).toHaveLength(12);
  });
});

describe('public reads', () => {
  it('page reports newest first with a cursor, each with its entry', async () => {
    const all = (await get('/v1/audit/reports?limit=200')).body.reports as Json[];
    const newest = all[0] as Json;
    const first = await get('/v1/audit/reports?limit=2');
    expect(first.body.reports).toEqual(all.slice(0, 2));
    const second = await get(`/v1/audit/reports?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.reports).toEqual(all.slice(2, 4));
    for (const r of all) expect(r.entry.index).toBeGreaterThan(0);
    const one = await get(`/v1/audit/reports/${newest.id}`);
    expect(one.body).toMatchObject({ id: newest.id, entry: newest.entry });
    expect((await get('/v1/audit/reports?kind=feasibility')).body.reports).toEqual(
      all.filter((r) => r.kind === 'feasibility'),
    );
  });

  it('refuses bad parameters and unknown records', async () => {
    for (const q of ['limit=0', 'limit=201', 'cursor=abc', 'kind=x', 'other=1'])
      expect((await get(`/v1/audit/reports?${q}`)).status, q).toBe(400);
    expect((await get('/v1/audit/findings?status=pending')).status).toBe(400);
    expect((await get(`/v1/audit/reports/${'f'.repeat(64)}`)).status).toBe(404);
    expect((await get('/v1/audit/reports/zz')).status).toBe(404);
  });

  it('are public, for browsers anywhere', async () => {
    const r = await p.app.request('/v1/audit/findings');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });
});
