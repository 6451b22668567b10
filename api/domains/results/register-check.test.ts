// The election-day check against the voter register wired into the results
// write path (issue #11): once a TPS has a published register count, each form
// version is judged "voters who voted ≤ DPT + DPTb + DPK of the TPS" and the
// verdict kept with it — a form over the register is stored and flagged for
// review, never refused; a TPS without a count gets no verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp, type TestDevice } from '../../../test/platform-app.ts';
import { demoVoter } from '../../demo/index.ts';
import { testPhoto } from '../photos/testing.ts';
import {
  generateElection,
  loadElection,
  type Registry,
  refreshRegistry,
} from '../registry/index.ts';
import { publishVoterCounts } from '../voters/index.ts';
import { consistentForm, signedForm } from './testing.ts';

const TPS = '3171011001001';
const TPS2 = '3171011001002';
const TPS3 = '3171011001003';
let p: PlatformApp;
let registry: Registry;
const kpps = new Map<string, { token: string; device: TestDevice; photo: string }>();
const json = { 'Content-Type': 'application/json' };

type Version = {
  status: string;
  failedChecks: unknown[];
  registerCheck: null | {
    check: string;
    within: boolean;
    registered: number;
    voted: number;
    message: string;
    count: { subject: string; seq: number; entry: string };
  };
};

async function officer(tps: string) {
  const token = await p.token('KPPS', tps);
  const me = (await (
    await p.app.request('/v1/officers/me', { headers: { Authorization: `Bearer ${token}` } })
  ).json()) as { officer: { id: string } };
  const device = await p.enrolDevice(token, me.officer.id);
  const ph = testPhoto('image/jpeg', 3000);
  const r = await p.app.request(`/v1/photos/${ph.sha256}?tps=${tps}`, {
    method: 'PUT',
    headers: { 'Content-Type': ph.mediaType, Authorization: `Bearer ${token}` },
    body: ph.bytes,
  });
  expect(r.status).toBe(201);
  kpps.set(tps, { token, device, photo: ph.sha256 });
}

/** Registers `n` DPK voters at a TPS through the API (a PPS of its desa). */
async function registerVoters(tps: string, from: number, n: number) {
  const pps = await p.token('PPS', tps.slice(0, 10));
  for (let i = from; i < from + n; i++) {
    const r = await p.app.request('/v1/voters', {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${pps}` },
      body: JSON.stringify({ voter: demoVoter(i), tps, list: 'DPK' }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
  }
}

/** Submits a verified form of `dpt` registered voters at the TPS; its latest history version. */
async function submit(tps: string, dpt: number, seed: number): Promise<Version> {
  const k = kpps.get(tps)!;
  const f = consistentForm('PPWP', tps, registry.ballotFor('PPWP', tps)!, dpt, k.photo, seed);
  const r = await p.app.request('/v1/results/forms', {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${k.token}` },
    body: JSON.stringify(signedForm(k.device, 'verified', f, 1)),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  const h = (await (await p.app.request(`/v1/results/PPWP/tps/${tps}`)).json()) as {
    versions: Version[];
  };
  return h.versions.at(-1)!;
}

beforeAll(async () => {
  p = await platformApp();
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 7 }));
  registry = await refreshRegistry(p.fresh.db);
  for (const t of [TPS, TPS2, TPS3]) await officer(t);
  // TPS: 3 voters on the register; TPS3: 8. TPS2: none (no count published).
  await registerVoters(TPS, 0, 3);
  await registerVoters(TPS3, 100, 8);
  expect(await publishVoterCounts(p.fresh.db)).toBeGreaterThan(0);
}, 60_000);
afterAll(async () => {
  await p?.close();
});

describe('voters who voted ≤ DPT + DPTb + DPK of the TPS', () => {
  it('flags a form whose turnout exceeds the register, and still stores and counts it', async () => {
    const v = await submit(TPS, registry.dptOf(TPS)!, 1);
    // The form's own arithmetic holds: its recap status is untouched.
    expect(v.status).toBe('accepted');
    expect(v.failedChecks).toEqual([]);
    expect(v.registerCheck).toMatchObject({
      check: 'voted-within-register',
      within: false,
      registered: 3,
      count: { subject: `voter-count:${TPS}`, seq: 1 },
    });
    expect(v.registerCheck!.voted).toBeGreaterThan(3);
    expect(v.registerCheck!.message).toMatch(/but the register has only 3 for this TPS/);
    const [row] = await p.fresh.db.query<{ entry_hash: Uint8Array }>(
      'SELECT entry_hash FROM voter_counts WHERE area = $1 ORDER BY seq DESC LIMIT 1',
      [TPS],
    );
    expect(v.registerCheck!.count.entry).toBe(Buffer.from(row!.entry_hash).toString('base64'));
  });

  it('passes a form within the register', async () => {
    // dpt 2: at most 1 + 3 + 2 = 6 voted, the register has 8.
    const v = await submit(TPS3, 2, 3);
    expect(v.registerCheck).toMatchObject({ within: true, registered: 8 });
    expect(v.registerCheck!.voted).toBeLessThanOrEqual(8);
  });

  it('gives no verdict at a TPS without a published register count', async () => {
    const v = await submit(TPS2, registry.dptOf(TPS2)!, 2);
    expect(v.registerCheck).toBeNull();
  });
});
