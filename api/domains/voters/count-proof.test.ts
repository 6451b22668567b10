// The register's count sum tree, proved (issue #11 "Public, provable counts"):
// `GET /v1/voters/counts/{area}/proof` checked by the browser-safe verifier
// (ledger/verifier/voters/counts.ts) from the nation down to the voter entries
// of each TPS, and by `saksi voters verify-counts`; a tampered child count, a
// dropped voter entry or another log key fails.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { votersVerifyCountsCommand } from '../../../cli/commands/voters-verify-counts.ts';
import { canonicalize } from '../../../ledger/index.ts';
import {
  type CountProof,
  verifyCountNode,
  verifyCountTree,
} from '../../../ledger/verifier/voters/index.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { demoVoter } from '../../demo/index.ts';
import { generateElection, loadElection, refreshRegistry } from '../registry/index.ts';
import { publishVoterCounts } from './counts.ts';

const TPS = '3171011001001';
const TPS2 = '3171011001002';
const json = { 'Content-Type': 'application/json' };
let p: PlatformApp;
let key: string;

/** The proof once everything it names is in a checkpoint. */
async function proof(area: string, seq?: number): Promise<CountProof> {
  for (let i = 0; i < 300; i++) {
    const r = await p.app.request(
      `/v1/voters/counts/${area}/proof${seq === undefined ? '' : `?seq=${seq}`}`,
    );
    if (r.status === 200) return (await r.json()) as CountProof;
    expect(r.status, await r.clone().text()).toBe(503);
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('never integrated');
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const codes = (v: { errors: { code: string }[] }) =>
  [...new Set(v.errors.map((e) => e.code))].sort();

beforeAll(async () => {
  p = await platformApp();
  await loadElection(p.fresh.db, generateElection({ scale: 'province', seed: 7 }));
  await refreshRegistry(p.fresh.db);
  const pps = await p.token('PPS', '3171011001');
  const post = (path: string, body: unknown) =>
    p.app.request(path, {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${pps}` },
      body: JSON.stringify(body),
    });
  // TPS: 4 DPS, one promoted to DPSHP, one removed; TPS2: 2 DPK.
  const subjects: { nik: string; subject: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const v = demoVoter(500 + i);
    const r = await post('/v1/voters', { voter: v, tps: TPS, list: 'DPS' });
    expect(r.status, await r.clone().text()).toBe(201);
    subjects.push({ nik: v.nik, subject: ((await r.json()) as { subject: string }).subject });
  }
  for (let i = 0; i < 2; i++) {
    const r = await post('/v1/voters', { voter: demoVoter(600 + i), tps: TPS2, list: 'DPK' });
    expect(r.status, await r.clone().text()).toBe(201);
  }
  const promoted = await post('/v1/voters/promote', {
    nik: subjects[0]!.nik,
    tps: TPS,
    seq: 2,
    to: 'DPSHP',
  });
  expect(promoted.status, await promoted.clone().text()).toBe(201);
  const removed = await post('/v1/voters/remove', {
    nik: subjects[1]!.nik,
    tps: TPS,
    seq: 2,
    reason: 'moved',
  });
  expect(removed.status, await removed.clone().text()).toBe(201);
  expect(await publishVoterCounts(p.fresh.db)).toBeGreaterThan(5);
  key = (await (await p.app.request('/log/key')).text()).trim();
}, 60_000);
afterAll(async () => {
  await p?.close();
});

describe('the count proof of one node', () => {
  it('proves a TPS count is the recount of its voter entries', async () => {
    const pr = await proof(TPS);
    expect(pr.below).toHaveLength(4);
    const v = verifyCountNode(pr, TPS, key);
    expect(v.errors).toEqual([]);
    expect(v.node).toMatchObject({
      area: TPS,
      total: 4,
      voters: 4,
      lists: { DPS: 2, DPSHP: 1, DPT: 0, DPTb: 0, DPK: 0 },
      changes: { registered: 2, promoted: 1, removed: 1 },
    });
  });

  it('proves an area count is the sum of its children', async () => {
    const v = verifyCountNode(await proof('3171011001'), '3171011001', key);
    expect(v.errors).toEqual([]);
    expect(v.node!.children.map((c) => c.area).sort()).toEqual([TPS, TPS2]);
    expect(v.node).toMatchObject({ total: 6, lists: { DPS: 2, DPSHP: 1, DPK: 2 } });
  });

  it('fails a tampered child count', async () => {
    const pr = await proof('3171011001');
    // The child's own entry says one more DPS voter: it is no longer the logged entry.
    const forged = clone(pr);
    const child = JSON.parse(forged.below[0]!.entry) as {
      payload: { lists: Record<string, number>; total: number };
    };
    child.payload.lists.DPS! += 1;
    child.payload.total += 1;
    forged.below[0]!.entry = canonicalize(child as never);
    const v = verifyCountNode(forged, '3171011001', key);
    expect(v.ok).toBe(false);
    expect(codes(v)).toEqual(['MISSING_ENTRY', 'NOT_INCLUDED']);
    // The parent listing other figures for a child than the child's entry, and a
    // sum that does not add up: the parent is no longer the logged entry either.
    const parent = clone(pr);
    const node = JSON.parse(parent.node.entry) as {
      payload: { children: { lists: Record<string, number> }[] };
    };
    node.payload.children[0]!.lists.DPK! += 1;
    parent.node.entry = canonicalize(node as never);
    expect(codes(verifyCountNode(parent, '3171011001', key))).toEqual([
      'CHILD_MISMATCH',
      'NOT_INCLUDED',
      'SUM_MISMATCH',
    ]);
  });

  it('fails a dropped voter entry, another key, another area and a malformed proof', async () => {
    const pr = await proof(TPS);
    const dropped = clone(pr);
    dropped.below.pop();
    expect(codes(verifyCountNode(dropped, TPS, key))).toEqual(['MISSING_ENTRY', 'SUM_MISMATCH']);
    const otherKey = key.replace(/\+[A-Za-z0-9+/]{8}/, (m) => `+${'A'.repeat(m.length - 1)}`);
    expect(codes(verifyCountNode(pr, TPS, otherKey))).toContain('BAD_CHECKPOINT');
    expect(codes(verifyCountNode(pr, TPS2, key))).toContain('WRONG_ENTRY');
    expect(codes(verifyCountNode({ area: TPS }, TPS, key))).toEqual(['MALFORMED_PROOF']);
    expect(codes(verifyCountNode(null, TPS, key))).toEqual(['MALFORMED_PROOF']);
  });

  it('answers 400 for a bad area or seq, 404 for an unpublished count or version', async () => {
    for (const [path, status] of [
      ['/v1/voters/counts/x/proof', 400],
      ['/v1/voters/counts/3171/proof?seq=0', 400],
      ['/v1/voters/counts/3171/proof?seq=01', 400],
      ['/v1/voters/counts/3171/proof?sek=1', 400],
      ['/v1/voters/counts/3171/proof?seq=99', 404],
      ['/v1/voters/counts/3172/proof', 404],
    ] as const)
      expect((await p.app.request(path)).status, path).toBe(status);
  });
});

describe('the count tree', () => {
  it('walks from the nation to every voter entry', async () => {
    const seen: string[] = [];
    const v = await verifyCountTree('ID', (a, seq) => proof(a, seq), key, {
      onNode: (n) => seen.push(n.area),
    });
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.root).toMatchObject({ area: 'ID', total: 6 });
    expect(v.voters).toBe(6);
    expect(seen).toEqual(['ID', '31', '3171', '317101', '3171011001', TPS, TPS2]);
  });

  it('fails when a child served is not the version its parent lists', async () => {
    const v = await verifyCountTree(
      '317101',
      async (a, seq) => {
        const pr = await proof(a, seq);
        if (a !== TPS2) return pr;
        const forged = clone(pr);
        forged.below.pop();
        return forged;
      },
      key,
    );
    expect(v.ok).toBe(false);
    expect(v.errors.map((e) => [e.area, e.code])).toEqual([
      [TPS2, 'MISSING_ENTRY'],
      [TPS2, 'SUM_MISMATCH'],
    ]);
  });

  it('runs as saksi voters verify-counts', async () => {
    await proof('ID');
    const server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    try {
      expect(
        await votersVerifyCountsCommand(['--url', url, '--area', '31', '--key', key], io),
      ).toBe(0);
      expect(out.at(-1)).toMatch(
        /^OK: 31 version 1 .*6 records.*6 count entries and 6 voter entries/,
      );
      expect(await votersVerifyCountsCommand(['--url', url, '--area', '3172'], io)).toBe(1);
      expect(out.join('\n')).toMatch(/3172 UNAVAILABLE: .*HTTP 404/);
    } finally {
      server.close();
    }
  });
});
