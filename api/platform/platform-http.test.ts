// The platform over HTTP in-process: login-free demo tokens, device enrolment,
// a device-signed TPS report with ?wait=integrated, OpenAPI, metrics, errors.
import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, openCheckpoint, verifyInclusion } from '../../ledger/verifier/index.ts';
import { type PlatformApp, platformApp } from '../../test/platform-app.ts';
import { reportSubject } from '../domains/tps-reports/index.ts';
import { submissionMessage } from '../write/device-signature.ts';

let p: PlatformApp;
beforeAll(async () => {
  p = await platformApp();
});
afterAll(async () => {
  await p.close();
});

const TPS = '3171011001001';

describe('platform over HTTP', () => {
  it('a KPPS enrols a device and submits a signed report that is provably in the log', async () => {
    const token = await p.token('KPPS');
    const me = (await (
      await p.app.request('/v1/officers/me', { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as {
      officer: { id: string };
    };
    const device = await p.enrolDevice(token, me.officer.id);
    const payload = {
      tps: TPS,
      ref: 'opened',
      type: 'opened',
      occurredAt: '2024-02-14T07:00:00Z',
      description: 'TPS dibuka pukul 07.00',
    };
    const subject = reportSubject(payload);
    const sig = sign(
      null,
      submissionMessage({ kind: 'tps.report.submitted', subject, seq: 1, payload }),
      device.privateKey,
    ).toString('base64');
    const r = await p.app.request('/v1/tps-reports?wait=integrated', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': 'open-1',
      },
      body: JSON.stringify({ subject, seq: 1, payload, device: { key: device.keyB64, sig } }),
    });
    expect(r.status).toBe(201);
    const receipt = (await r.json()) as {
      entryHash: string;
      index: number;
      checkpoint: string;
      inclusionProof: string[];
    };
    const cp = openCheckpoint(receipt.checkpoint, p.rt.verifierKey);
    verifyInclusion(
      fromBase64(receipt.entryHash),
      receipt.index,
      cp.size,
      receipt.inclusionProof.map(fromBase64),
      cp.rootHash,
    );
    const list = (await (await p.app.request(`/v1/tps-reports?tps=${TPS}`)).json()) as {
      reports: { entryHash: string }[];
    };
    expect(list.reports.map((x) => x.entryHash)).toContain(receipt.entryHash);
  });

  it('answers writes without a token 401, with a forged token 401, malformed JSON 400', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      p.app.request('/v1/tps-reports', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
      });
    expect((await post({}, '{}')).status).toBe(401);
    const forged = await post(
      { Authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.AAAA' },
      '{}',
    );
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const token = await p.token('KPPS');
    expect((await post({ Authorization: `Bearer ${token}` }, '{not json')).status).toBe(400);
    const big = await post(
      { Authorization: `Bearer ${token}` },
      JSON.stringify({ x: 'x'.repeat(2 << 20) }),
    );
    expect(big.status).toBe(413);
  });

  it('publishes OpenAPI 3.1 for every /v1 route and Prometheus metrics', async () => {
    const doc = (await (await p.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/tps-reports', '/v1/devices', '/v1/proofs/inclusion', '/v1/auth/login'])
      expect(doc.paths[path], path).toBeDefined();
    const metrics = await (await p.app.request('/metrics')).text();
    expect(metrics).toMatch(
      /saksi_http_requests_total\{route="\/v1\/tps-reports",method="POST",status="201"\}/,
    );
    expect(metrics).toMatch(
      /saksi_policy_decisions_total\{action="results.submit",outcome="allow"\}/,
    );
    expect(metrics).toMatch(/saksi_log_size \d+/);
    expect(metrics).toMatch(/saksi_recap_lag_entries \d+/);
  });

  it('records the active policy set and keys in the log at start-up', async () => {
    const rows = await p.fresh.db.query<{ subject: string }>(
      "SELECT subject FROM subject_versions WHERE subject IN ('policy-set', 'key:log', 'key:token') ORDER BY subject",
    );
    expect(rows.map((r) => r.subject)).toEqual(['key:log', 'key:token', 'policy-set']);
    // A second start-up with nothing changed records nothing new.
    const { recordActivations } = await import('./activation.ts');
    expect(
      await recordActivations(p.fresh.db, [
        {
          subject: 'policy-set',
          kind: 'system.policy_set.activated',
          payload: { ...p.platform.engine.describe() } as never,
        },
      ]),
    ).toEqual([]);
    expect(
      (
        await recordActivations(p.fresh.db, [
          {
            subject: 'policy-set',
            kind: 'system.policy_set.activated',
            payload: { hash: 'changed' },
          },
        ])
      ).length,
    ).toBe(1);
  });

  it('rotates the log key as a log entry signed under the old key; old checkpoints stay verifiable', async () => {
    const oldKey = p.rt.verifierKey;
    const before = await (await p.app.request('/log/checkpoint')).text();
    const post = (token: string, body: unknown) =>
      p.app.request('/v1/keys/rotate', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await post(await p.token('KPPS'), { label: 'log' })).status).toBe(403);
    const admin = await p.token('ADMIN');
    expect((await post(admin, { label: 'nope' })).status).toBe(400);
    const r = await post(admin, { label: 'log' });
    expect(r.status).toBe(200);
    const { verifierKey, index } = (await r.json()) as { verifierKey: string; index: number };
    expect(verifierKey).not.toBe(oldKey);
    expect((await (await p.app.request('/log/key')).text()).trim()).toBe(verifierKey);
    // The announcement is covered by a checkpoint signed with the OLD key.
    const announced = await p.rt.store.checkpointAt(index + 1);
    const signedOld = announced ? openCheckpoint(announced.note, oldKey) : null;
    const cps = await p.fresh.db.query<{ note: string; size: number }>(
      'SELECT note, size FROM ledger_checkpoints WHERE size > $1 ORDER BY size',
      [index],
    );
    expect(signedOld ?? openCheckpoint(cps[0]!.note, oldKey)).toBeTruthy();
    expect(openCheckpoint(before, oldKey).size).toBeGreaterThan(0);
    // Later checkpoints are signed with the new key.
    const signedAt = cps.at(-1)!.size;
    await p.token('KPPS', '3171011001009'); // a new demo officer: a ledgered write
    for (let i = 0; i < 100; i++) {
      const cp = await p.rt.store.checkpoint();
      if (cp && cp.size > signedAt) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const latest = await (await p.app.request('/log/checkpoint')).text();
    expect(openCheckpoint(latest, verifierKey).size).toBeGreaterThan(index);
    const entry = (await (await p.app.request(`/v1/ledger/entries/${index}`)).json()) as {
      entry: { payload: { verifierKey: string } };
    };
    expect(entry.entry.payload.verifierKey).toBe(verifierKey);
  });
});
