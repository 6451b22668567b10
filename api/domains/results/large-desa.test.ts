// A kelurahan with more TPS than one recap entry can list (issue #4, recap/parts.ts):
// its TPS are recapped through parts, every entry stays small, the proof from a
// TPS in any part verifies through the part, and the totals still add up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENTRY_BYTES } from '../../../ledger/entry.ts';
import { verifyResultsProof } from '../../../ledger/verifier/results/index.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { testPhoto } from '../photos/testing.ts';
import {
  type ElectionData,
  generateElection,
  loadElection,
  Registry,
  refreshRegistry,
} from '../registry/index.ts';
import type { ResultsProof } from './proof/chain.ts';
import { listingWidth, RecapTree, rowsPerEntry } from './recap/parts.ts';
import { RecapPublisher } from './recap/publisher.ts';
import { consistentForm, signedForm } from './testing.ts';

const DESA = '3171011001';
let p: PlatformApp;
let registry: Registry;
let rows: number;
let tps: string[];

/** The generated province with DESA grown to `n` TPS of 250 voters each. */
function withLargeDesa(e: ElectionData, n: number): ElectionData {
  const i = e.tps.desa.indexOf(DESA);
  let start = 0;
  for (let d = 0; d < i; d++) start += e.tps.count[d]!;
  const count = Uint16Array.from(e.tps.count);
  count[i] = n;
  const dpt = new Uint16Array(e.tps.dpt.length - e.tps.count[i]! + n);
  dpt.set(e.tps.dpt.subarray(0, start));
  dpt.fill(250, start, start + n);
  dpt.set(e.tps.dpt.subarray(start + e.tps.count[i]!), start + n);
  return { ...e, tps: { desa: e.tps.desa, count, dpt } };
}

beforeAll(async () => {
  p = await platformApp();
  const base = generateElection({ scale: 'province', seed: 7 });
  // Enough TPS for three parts of a DPR listing inside the dapil.
  rows = rowsPerEntry(listingWidth(Registry.fromData(base), 'DPR', DESA));
  await loadElection(p.fresh.db, withLargeDesa(base, 2 * rows + 3));
  registry = await refreshRegistry(p.fresh.db);
  tps = registry.children(DESA);
}, 60_000);
afterAll(async () => {
  await p.close();
});

describe('a desa with more TPS than one entry lists', () => {
  it('recaps through parts, keeps every entry small, and proves every TPS', async () => {
    expect(tps.length).toBe(2 * rows + 3);
    const tree = RecapTree.of(registry, 'DPR');
    expect(tree.parentOf(tps[0]!)).toBe(`${DESA}/0`);
    expect(tree.parentOf(tps.at(-1)!)).toBe(`${DESA}/2`);

    for (const [n, code] of tps.entries()) {
      // Each TPS's form cites its own photo: a photo is bound to the TPS it was
      // uploaded for (issue #10).
      const ph = testPhoto('image/jpeg', 2000);
      const token = await p.token('KPPS', code);
      const me = (await (
        await p.app.request('/v1/officers/me', { headers: { Authorization: `Bearer ${token}` } })
      ).json()) as { officer: { id: string } };
      const device = await p.enrolDevice(token, me.officer.id);
      const auth = { Authorization: `Bearer ${token}` };
      expect(
        (
          await p.app.request(`/v1/photos/${ph.sha256}?tps=${code}`, {
            method: 'PUT',
            headers: { 'Content-Type': ph.mediaType, ...auth },
            body: ph.bytes,
          })
        ).status,
      ).toBe(201);
      const f = consistentForm(
        'DPR',
        code,
        registry.ballotFor('DPR', code)!,
        250,
        ph.sha256,
        n + 1,
      );
      const r = await p.app.request('/v1/results/forms', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth },
        body: JSON.stringify(signedForm(device, 'verified', f, 1)),
      });
      expect(r.status, await r.clone().text()).toBe(201);
    }
    // Publish until the nation counts every form (the sequencer integrates them
    // in its own time).
    const publisher = new RecapPublisher(p.fresh.db, registry);
    const national = async () =>
      (
        await p.fresh.db.query<{ n: number }>(
          `SELECT (r.totals->'tps'->>'accepted')::int AS n FROM recap_current c
             JOIN recaps r USING (contest, area, seq) WHERE c.contest = 'DPR' AND c.area = 'ID'`,
        )
      )[0]?.n ?? 0;
    for (let i = 0; i < 500 && (await national()) < tps.length; i++) {
      if ((await publisher.tick()).forms === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(await national()).toBe(tps.length);
    for (let i = 0; i < 100; i++) {
      const cp = await p.rt.store.checkpoint();
      const [{ n }] = (await p.fresh.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM ledger_pending',
      )) as [{ n: number }];
      if (cp && cp.size >= n) break;
      await new Promise((r) => setTimeout(r, 20));
    }

    // The desa lists its three parts, each part its TPS.
    const recaps = await p.fresh.db.query<{ area: string; level: string; size: number }>(
      `SELECT c.area, r.level, octet_length(pe.entry) AS size
         FROM recap_current c JOIN recaps r USING (contest, area, seq)
         JOIN ledger_pending pe ON pe.id = r.pending_id
        WHERE c.contest = 'DPR' AND c.area LIKE '${DESA}%' ORDER BY c.area`,
    );
    expect(recaps.map((r) => [r.area, r.level])).toEqual([
      [DESA, 'desa'],
      [`${DESA}/0`, 'part'],
      [`${DESA}/1`, 'part'],
      [`${DESA}/2`, 'part'],
    ]);
    for (const r of recaps) expect(r.size).toBeLessThan(MAX_ENTRY_BYTES);

    for (const code of [tps[0]!, tps[rows]!, tps.at(-1)!]) {
      const proof = (await (
        await p.app.request(`/v1/results/DPR/proof/${code}`)
      ).json()) as ResultsProof;
      const verdict = verifyResultsProof(proof, p.rt.verifierKey);
      expect(verdict.errors).toEqual([]);
      expect(verdict.checked.levels).toEqual([
        tree.parentOf(code),
        DESA,
        '317101',
        '3171',
        '31',
        'ID',
      ]);
    }

    // The public desa page still lists its TPS; parts are not a level of the CSV.
    const page = (await (await p.app.request(`/v1/results/DPR/areas/${DESA}`)).json()) as {
      tps: { accepted: number };
      children: { code: string }[];
      valid: number;
    };
    expect(page.tps.accepted).toBe(tps.length);
    expect(page.children.map((c) => c.code)).toEqual(tps);
    const csv = await (await p.app.request('/v1/results/DPR/export.csv?level=tps')).text();
    const tpsRows = csv.trim().split('\n').slice(1);
    const desaCsv = await (
      await p.app.request('/v1/results/DPR/export.csv?level=kelurahan')
    ).text();
    expect(desaCsv).not.toContain(`\n${DESA}/`);
    const partyOne = (lines: string[], area: string) =>
      lines
        .map((l) => l.split(','))
        .filter((c) => c[0] === area && c[2] === '1' && c[4] === 'accepted')
        .reduce((n, c) => n + Number(c[3]), 0);
    expect(partyOne(desaCsv.trim().split('\n'), DESA)).toBe(partyOne(tpsRows, DESA));
  }, 120_000);
});
