// Counting end to end (issue #4): signed forms in through the HTTP API, flagged
// forms kept as evidence and out of the totals until a PPK correction, the recap
// published level by level as log entries, the proof chain checked by the
// observer's verifier, and the CSV whose rows add up at every level.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsVerifyCommand } from '../../../cli/commands/results-verify.ts';
import { canonicalize, ed25519Signer, verifierKeyOf } from '../../../ledger/index.ts';
import { verifyResultsProof } from '../../../ledger/verifier/results/index.ts';
import { type PlatformApp, platformApp, type TestDevice } from '../../../test/platform-app.ts';
import { testPhoto } from '../photos/testing.ts';
import {
  generateElection,
  loadElection,
  type Registry,
  refreshRegistry,
} from '../registry/index.ts';
import { CHECKS_VERSION, type CountForm } from './forms/index.ts';
import type { ResultsProof } from './proof/chain.ts';
import { RecapPublisher } from './recap/publisher.ts';
import { consistentForm, signedForm } from './testing.ts';

const TPS = '3171011001001';
/** The distinct error codes of a verdict, sorted. */
const codes = (v: { errors: { code: string }[] }) =>
  [...new Set(v.errors.map((e) => e.code))].sort();
const TPS2 = '3171011001002';
const TPS3 = '3171011001003';
let p: PlatformApp;
let registry: Registry;
let publisher: RecapPublisher;
let kpps: { token: string; device: TestDevice };
let kpps2: { token: string; device: TestDevice };
let kpps3: { token: string; device: TestDevice };
let ppk: { token: string; device: TestDevice };
let photo: string;
/** Each TPS's own form photo, uploaded by its KPPS (a form may cite only its TPS's). */
const photos = new Map<string, string>();
const json = { 'Content-Type': 'application/json' };

async function officer(role: string, area?: string) {
  const token = await p.token(role, area);
  const me = (await (
    await p.app.request('/v1/officers/me', { headers: { Authorization: `Bearer ${token}` } })
  ).json()) as { officer: { id: string } };
  return { token, device: await p.enrolDevice(token, me.officer.id) };
}

const post = (path: string, body: unknown, token: string) =>
  p.app.request(path, {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

async function upload(token: string, tps: string) {
  const ph = testPhoto('image/jpeg', 3000);
  const r = await p.app.request(`/v1/photos/${ph.sha256}?tps=${tps}`, {
    method: 'PUT',
    headers: { 'Content-Type': ph.mediaType, Authorization: `Bearer ${token}` },
    body: ph.bytes,
  });
  expect(r.status).toBe(201);
  return ph.sha256;
}

const form = (tps: string, seed: number, over: Partial<CountForm> = {}): CountForm => ({
  ...consistentForm(
    'PPWP',
    tps,
    registry.ballotFor('PPWP', tps)!,
    registry.dptOf(tps)!,
    photos.get(tps) ?? photo,
    seed,
  ),
  ...over,
});

/** Lets the sequencer integrate, then runs the recap until it has nothing left. */
async function recap() {
  await p.rt.store.waitIntegrated([], 1000, 10).catch(() => undefined);
  for (let i = 0; i < 50; i++) {
    const [{ n }] = (await p.fresh.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ledger_pending p LEFT JOIN ledger_entries e ON e.pending_id = p.id WHERE e.idx IS NULL',
    )) as [{ n: number }];
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  while ((await publisher.tick()).forms > 0);
  for (let i = 0; i < 50; i++) {
    const cp = await p.rt.store.checkpoint();
    const [{ n }] = (await p.fresh.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM ledger_pending',
    )) as [{ n: number }];
    if (cp && cp.size >= n) break;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['ledger_pending', 'count_forms', 'subject_versions'].map(async (t) => [
        t,
        Number(
          (await p.fresh.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
        ),
      ]),
    ),
  );

beforeAll(async () => {
  p = await platformApp();
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 7 }));
  registry = await refreshRegistry(p.fresh.db);
  publisher = new RecapPublisher(p.fresh.db, registry);
  kpps = await officer('KPPS');
  kpps2 = await officer('KPPS', TPS2);
  kpps3 = await officer('KPPS', TPS3);
  ppk = await officer('PPK');
  photo = await upload(kpps.token, TPS);
  photos.set(TPS, photo);
  photos.set(TPS2, await upload(kpps2.token, TPS2));
  photos.set(TPS3, await upload(kpps3.token, TPS3));
}, 60_000);
afterAll(async () => {
  await p.close();
});

describe('count forms and the recapitulation', () => {
  it('takes a verified form, recaps it up to the nation, and proves it', async () => {
    const f = form(TPS, 1);
    const r = await post(
      '/v1/results/forms',
      signedForm(kpps.device, 'verified', f, 1),
      kpps.token,
    );
    expect(r.status).toBe(201);
    await recap();
    const nation = (await (await p.app.request('/v1/results/PPWP/areas/ID')).json()) as {
      valid: number;
      votes: Record<string, number>;
      tps: { accepted: number };
      recap: { index: number };
    };
    expect(nation.valid).toBe(f.valid);
    expect(nation.votes).toEqual(f.votes);
    expect(nation.tps.accepted).toBe(1);
    expect(typeof nation.recap.index).toBe('number');
    // Public reads are open to observers' browsers; writes are not.
    const read = await p.app.request('/v1/results/PPWP/areas/ID');
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-origin')).toBeNull();

    const proof = (await (
      await p.app.request(`/v1/results/PPWP/proof/${TPS}`)
    ).json()) as ResultsProof;
    const verdict = verifyResultsProof(proof, p.rt.verifierKey);
    expect(verdict.errors).toEqual([]);
    expect(verdict.checked.levels).toEqual(['3171011001', '317101', '3171', '31', 'ID']);

    // Tampering with any number breaks the proof: the entry is no longer the
    // logged one, and the nation's total is no longer its children's sum.
    const forged = structuredClone(proof);
    forged.levels[4]!.recap.entry = forged.levels[4]!.recap.entry.replace(
      `"valid":${f.valid}`,
      `"valid":${f.valid + 100}`,
    );
    const broken = verifyResultsProof(forged, p.rt.verifierKey);
    expect(broken.ok).toBe(false);
    // (The first "valid" in the nation's canonical entry is province 31's row: the
    // row is no longer 31's own totals, and the rows no longer sum to the total.)
    expect(codes(broken)).toEqual(['CHILD_MISMATCH', 'NOT_INCLUDED', 'SUM_MISMATCH']);

    // The proof is the path only — a few KiB, one recap entry per level, each
    // listing its children with their figures.
    expect(JSON.stringify(proof).length).toBeLessThan(16 * 1024);
    const desa = JSON.parse(proof.levels[0]!.recap.entry).payload;
    expect(desa.choices).toEqual(Object.keys(f.votes));
    expect(desa.children).toEqual([
      expect.objectContaining({
        code: TPS,
        status: 'accepted',
        // The check-set version that gave the status (docs/results-verifier.md).
        checks: CHECKS_VERSION,
        valid: f.valid,
        votes: Object.values(f.votes),
      }),
    ]);
    const codesOf = (mutate: (p: ResultsProof) => void) => {
      const copy = structuredClone(proof);
      mutate(copy);
      return codes(verifyResultsProof(copy, p.rt.verifierKey));
    };
    // Another form than the one the desa lists: its numbers no longer add up, so
    // it would be flagged, yet the desa lists it as accepted.
    expect(
      codesOf((x) => {
        x.form.entry = x.form.entry.replace(`"valid":${f.valid}`, `"valid":${f.valid - 1}`);
      }),
    ).toEqual(['BAD_DEVICE_SIGNATURE', 'NOT_INCLUDED', 'STATUS_MISMATCH']);
    // A level taken out, or levels out of order: the chain breaks.
    expect(codesOf((x) => x.levels.splice(1, 1))).toEqual(['CHILD_MISSING']);
    expect(codesOf((x) => x.levels.pop())).toEqual(['CHAIN_INCOMPLETE']);
    expect(
      codesOf((x) => {
        [x.levels[1], x.levels[2]] = [x.levels[2]!, x.levels[1]!];
      }),
    ).toEqual(['CHILD_MISSING']);
    // A listing that counts a row twice, or a TPS row dressed as an area, is refused
    // as data before any sum (the entry bytes change too, so inclusion fails as well).
    const relist = (edit: (children: Record<string, unknown>[]) => void) => (x: ResultsProof) => {
      const e = JSON.parse(x.levels[0]!.recap.entry);
      edit(e.payload.children);
      x.levels[0]!.recap.entry = canonicalize(e);
    };
    expect(codesOf(relist((c) => c.push({ ...c[0]! })))).toEqual(['COUNTED_TWICE', 'NOT_INCLUDED']);
    expect(
      codesOf(
        relist((c) => {
          delete c[0]!.status;
          c[0]!.tps = { accepted: 50, flagged: 0 };
        }),
      ),
    ).toEqual(['NOT_INCLUDED', 'WRONG_ROW_SHAPE']);
    // The same listing in non-canonical JSON is refused as an entry.
    expect(
      codesOf((x) => {
        x.levels[0]!.recap.entry = JSON.stringify(JSON.parse(x.levels[0]!.recap.entry), null, 1);
      }),
    ).toEqual(['MALFORMED_ENTRY', 'NOT_INCLUDED']);
    // A proof for one TPS passed off as another's.
    expect(codesOf((x) => (x.tps = TPS2))).toEqual(['CHILD_MISSING', 'WRONG_SUBJECT']);
  });

  it('keeps a machine reading separate and uncounted until the KPPS verifies it', async () => {
    const read = form(TPS2, 2, {});
    const misread = { ...read, votes: { ...read.votes, '1': read.votes['1']! + 50 } }; // a "3" read as "8"
    expect(
      (
        await post(
          '/v1/results/forms/read',
          signedForm(kpps2.device, 'read', misread, 1),
          kpps2.token,
        )
      ).status,
    ).toBe(201);
    await recap();
    const history = (await (await p.app.request(`/v1/results/PPWP/tps/${TPS2}`)).json()) as {
      counted: number | null;
      versions: { stage: string; status: string; failedChecks: { check: string }[] }[];
    };
    expect(history.counted).toBeNull();
    expect(history.versions[0]).toMatchObject({ stage: 'read', status: 'flagged' });
    expect(history.versions[0]!.failedChecks.map((c) => c.check)).toContain('votes-sum-to-valid');

    // The KPPS verifies a form that still does not add up: stored, flagged, not counted.
    const bad = { ...read, invalid: read.invalid + 3 };
    const verified = await post(
      '/v1/results/forms',
      signedForm(kpps2.device, 'verified', bad, 2, 'checked against the C.Hasil sheet'),
      kpps2.token,
    );
    expect(verified.status, await verified.clone().text()).toBe(201);
    await recap();
    let nation = (await (await p.app.request('/v1/results/PPWP/areas/ID')).json()) as {
      valid: number;
      tps: { accepted: number; flagged: number };
    };
    expect(nation.tps).toEqual({ accepted: 1, flagged: 1 });

    // The KPPS may not fix it themselves; the PPK corrects it, with a reason —
    // citing the photo the KPPS uploaded for this TPS (a photo is bound to its TPS,
    // not to the officer who signs the form).
    const fixed = signedForm(
      ppk.device,
      'corrected',
      read,
      3,
      'recount at PPK: invalid 3 too many',
    );
    expect((await post('/v1/results/forms/corrections', fixed, kpps2.token)).status).toBe(403);
    expect((await post('/v1/results/forms/corrections', fixed, ppk.token)).status).toBe(201);
    await recap();
    nation = (await (await p.app.request('/v1/results/PPWP/areas/ID')).json()) as typeof nation;
    expect(nation.tps).toEqual({ accepted: 2, flagged: 0 });
    const proof = (await (
      await p.app.request(`/v1/results/PPWP/proof/${TPS2}`)
    ).json()) as ResultsProof;
    expect(verifyResultsProof(proof, p.rt.verifierKey).errors).toEqual([]);
    const h = (await (await p.app.request(`/v1/results/PPWP/tps/${TPS2}`)).json()) as {
      counted: number;
      versions: { stage: string; reason: string | null; actor: { role: string } }[];
    };
    expect(h.counted).toBe(3);
    expect(h.versions.map((v) => v.stage)).toEqual(['read', 'verified', 'corrected']);
    expect(h.versions[2]).toMatchObject({ reason: 'recount at PPK: invalid 3 too many' });
    expect(h.versions[2]!.actor.role).toBe('PPK');
  });

  it('exports CSV whose totals equal the sum of the accepted rows below, at every level', async () => {
    const levels = ['tps', 'kelurahan', 'kecamatan', 'kabkota', 'provinsi', 'nasional'];
    const sums: Map<string, number>[] = [];
    for (const level of levels) {
      const r = await p.app.request(`/v1/results/PPWP/export.csv?level=${level}`);
      expect(r.status).toBe(200);
      const lines = (await r.text()).trim().split('\n');
      expect(lines[0]).toBe('area_code,tps,choice,votes,status,entry_index,entry_hash');
      const byParent = new Map<string, number>();
      const own = new Map<string, number>();
      for (const line of lines.slice(1)) {
        const [area, , choice, votes, status, index] = line.split(',');
        expect(index).toMatch(/^[0-9]+$/);
        if (status !== 'accepted') continue;
        own.set(`${area}|${choice}`, (own.get(`${area}|${choice}`) ?? 0) + Number(votes));
        const parent =
          level === 'tps'
            ? area!
            : area!.length === 2
              ? 'ID'
              : area!.slice(0, area!.length === 10 ? 6 : area!.length - 2);
        byParent.set(
          `${parent}|${choice}`,
          (byParent.get(`${parent}|${choice}`) ?? 0) + Number(votes),
        );
      }
      sums.push(byParent);
      if (sums.length >= 2) expect(own).toEqual(sums[sums.length - 2]);
    }
  });

  it('exports one area’s rows (area=…): the national export’s rows inside it, at every level', async () => {
    const csv = async (q: string) => {
      const r = await p.app.request(`/v1/results/PPWP/export.csv?${q}`);
      expect(r.status).toBe(200);
      return (await r.text()).trim().split('\n');
    };
    for (const level of ['tps', 'kelurahan', 'kecamatan', 'kabkota', 'provinsi']) {
      const nation = await csv(`level=${level}`);
      expect(nation.length).toBeGreaterThan(1);
      for (const area of ['31', '3171', '317101', '3171011001', '32', '99']) {
        const rows = await csv(`level=${level}&area=${area}`);
        expect(rows[0]).toBe(nation[0]);
        expect(rows.slice(1)).toEqual(nation.slice(1).filter((l) => l.startsWith(area)));
      }
    }
    expect(await csv('level=tps&area=ID')).toEqual(await csv('level=tps'));
    for (const bad of ['3171011001001', '317', 'x', '', '31%25']) {
      const r = await p.app.request(`/v1/results/PPWP/export.csv?level=tps&area=${bad}`);
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ error: { code: 'BAD_PARAMETER' } });
    }
  });
});

describe('saksi results verify (the observer’s command, over HTTP)', () => {
  it('exits 0 for a counted TPS, 1 under the wrong log key or for a TPS not counted', async () => {
    const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    try {
      const args = ['--url', url, '--contest', 'PPWP', '--tps', TPS];
      expect(await resultsVerifyCommand([...args, '--key', p.rt.verifierKey], io)).toBe(0);
      expect(out.join('\n')).toMatch(
        /^OK: PPWP TPS 3171011001001 is counted in 3171011001 → 317101 → 3171 → 31 → ID \(checkpoint size/m,
      );
      out.length = 0;
      const other = verifierKeyOf(ed25519Signer(p.rt.config.origin, new Uint8Array(32).fill(3)));
      expect(await resultsVerifyCommand([...args, '--key', other], io)).toBe(1);
      expect(out.join('\n')).toMatch(/^FAILED: PPWP TPS 3171011001001\n {2}BAD_CHECKPOINT: /);
      const none = ['--url', url, '--contest', 'PPWP', '--tps', '3171011001099'];
      expect(await resultsVerifyCommand(none, io)).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  // Issue #10: it printed "is counted" for a flagged TPS, whose numbers are in no total.
  it('says a flagged form is flagged and counted nowhere (exit 3), and names a counted correction', async () => {
    // Another TPS, with no form yet.
    const TPS4 = [...registry.tpsIn('3171')].find((t) => ![TPS, TPS2, TPS3].includes(t))!;
    const kpps4 = await officer('KPPS', TPS4);
    const own = await upload(kpps4.token, TPS4);
    const good = form(TPS4, 12, { photo: own });
    const [first] = Object.keys(good.votes);
    // A "3" read as "8": the votes no longer sum to the valid votes.
    const bad = { ...good, votes: { ...good.votes, [first!]: good.votes[first!]! + 5 } };
    const r = await post(
      '/v1/results/forms',
      signedForm(kpps4.device, 'verified', bad, 1),
      kpps4.token,
    );
    expect(r.status, await r.clone().text()).toBe(201);
    await recap();
    const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    const verify = (tps: string) =>
      resultsVerifyCommand(
        ['--url', url, '--contest', 'PPWP', '--tps', tps, '--key', p.rt.verifierKey],
        io,
      );
    try {
      expect(await verify(TPS4)).toBe(3);
      const text = out.join('\n');
      expect(text).not.toMatch(/is counted/);
      expect(text).toMatch(
        new RegExp(
          `^FLAGGED: PPWP TPS ${TPS4}'s form \\(version 1\\) fails checks version 1: votes-sum-to-valid \\(votes sum to \\d+ but valid is \\d+\\)\\. It is listed in ${TPS4.slice(0, 10)} → .* → ID but counted in no total; no correction that adds up counts yet`,
        ),
      );
      out.length = 0;
      // TPS2's KPPS form was flagged and the PPK's correction counts: it says so.
      expect(await verify(TPS2)).toBe(0);
      expect(out.join('\n')).toMatch(
        /^OK: PPWP TPS 3171011001002 is counted in .* → ID through its correction \(version 3, a correction by PPK\) \(reason: "recount at PPK: invalid 3 too many"\)/,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('party and DPD contests', () => {
  it('keeps candidate rows inside one dapil, party totals above it, and proves both', async () => {
    for (const contest of ['DPR', 'DPD'] as const) {
      const f = consistentForm(
        contest,
        TPS,
        registry.ballotFor(contest, TPS)!,
        registry.dptOf(TPS)!,
        photo,
        3,
      );
      const r = await post(
        '/v1/results/forms',
        signedForm(kpps.device, 'verified', f, 1),
        kpps.token,
      );
      expect(r.status, await r.clone().text()).toBe(201);
    }
    await recap();
    const area = async (contest: string, code: string) =>
      (await (await p.app.request(`/v1/results/${contest}/areas/${code}`)).json()) as {
        votes: Record<string, number>;
        valid: number;
      };
    const desa = await area('DPR', '3171011001');
    const nation = await area('DPR', 'ID');
    expect(Object.keys(desa.votes).some((k) => k.includes('.'))).toBe(true);
    expect(Object.keys(nation.votes).some((k) => k.includes('.'))).toBe(false);
    expect(nation.valid).toBe(desa.valid);
    // A party's national row is its total: party-only plus its candidates.
    for (const [k, n] of Object.entries(nation.votes)) expect(desa.votes[k]).toBe(n);
    expect(Object.keys((await area('DPD', '31')).votes).length).toBeGreaterThan(0);
    expect((await area('DPD', 'ID')).votes).toEqual({});
    for (const contest of ['DPR', 'DPD']) {
      const proof = (await (
        await p.app.request(`/v1/results/${contest}/proof/${TPS}`)
      ).json()) as ResultsProof;
      expect(verifyResultsProof(proof, p.rt.verifierKey).errors).toEqual([]);
    }
  });
});

describe('bad count forms: a clear 4xx and nothing stored', () => {
  it.each([
    ['another TPS than the officer’s', () => form(TPS2, 5), 403, 'FORBIDDEN'],
    [
      'a choice not on the ballot',
      () => form(TPS, 6, { votes: { '9': 1 }, valid: 1 }),
      422,
      'RULE_VIOLATION',
    ],
    ['a negative number', () => form(TPS, 7, { invalid: -1 }), 400, undefined],
    ['a fraction', () => form(TPS, 8, { valid: 1.5 }), 400, undefined],
    ['an unknown contest', () => ({ ...form(TPS, 9), contest: 'DPRX' }) as never, 400, undefined],
    [
      'a photo never uploaded',
      () => form(TPS3, 10, { photo: 'c'.repeat(64) }),
      422,
      'PHOTO_NOT_UPLOADED',
    ],
    [
      'a photo uploaded for another TPS (issue #10)',
      () => form(TPS3, 12, { photo: photos.get(TPS)! }),
      422,
      'PHOTO_OF_OTHER_TPS',
    ],
    [
      'DPRD_KABKOTA in Jakarta',
      () => ({ ...form(TPS, 11), contest: 'DPRD_KABKOTA' }) as CountForm,
      422,
      'RULE_VIOLATION',
    ],
  ] as const)('refuses %s', async (_what, make, status, code) => {
    const before = await counts();
    const f = make();
    // TPS3 has no form yet: what is refused there is refused for itself alone.
    const who = f.tps === TPS3 ? kpps3 : kpps;
    const body = signedForm(who.device, 'verified', f, 1);
    const r = await post('/v1/results/forms', body, who.token);
    expect(r.status, await r.clone().text()).toBe(status);
    if (code) expect(((await r.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await counts()).toEqual(before);
  });

  it('refuses a replayed signed form (409) and a verification after a verification', async () => {
    const f = form(TPS, 1);
    const before = await counts();
    const again = await post(
      '/v1/results/forms',
      signedForm(kpps.device, 'verified', f, 1),
      kpps.token,
    );
    expect(again.status).toBe(409);
    const second = await post(
      '/v1/results/forms',
      signedForm(kpps.device, 'verified', f, 2, 'again'),
      kpps.token,
    );
    expect(second.status, await second.clone().text()).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe(
      'BAD_TRANSITION',
    );
    expect(await counts()).toEqual(before);
  });
});
