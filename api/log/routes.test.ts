// The log's HTTP read API in-process with app.request() (Hono), over a real store:
// C2SP tiles and checkpoint, JSON proofs, entries, cache headers, and strict 4xx
// answers for malformed or out-of-range requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPending,
  ed25519Signer,
  LedgerStore,
  leafHash,
  Sequencer,
  verifierKeyOf,
} from '../../ledger/index.ts';
import {
  fromBase64,
  openCheckpoint,
  parseEntryBundle,
  toBase64,
  utf8,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { type FreshDb, freshDb } from '../../test/fresh-db.ts';
import { createApp } from '../app.ts';

const ORIGIN = 'routes.test/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(3));
const vkey = verifierKeyOf(signer);
const N = 700;
const entries = Array.from({ length: N }, (_, i) =>
  utf8(JSON.stringify({ n: i, kind: 'test.entry.created' })),
);

let t: FreshDb;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  t = await freshDb();
  const seq = new Sequencer(t.db, signer, { origin: ORIGIN });
  await seq.acquire();
  await t.db.transaction((tx) => addPending(tx, entries.slice(0, 300)));
  while ((await seq.integrateOnce()) > 0);
  await t.db.transaction((tx) => addPending(tx, entries.slice(300)));
  while ((await seq.integrateOnce()) > 0);
  await seq.stop();
  app = createApp({
    store: new LedgerStore(t.db),
    verifierKey: vkey,
    health: { database: async () => ({ ok: true, detail: 'test' }) },
  });
});
afterAll(async () => {
  await t.drop();
});

const get = (path: string) => app.request(path);

describe('log read API', () => {
  it('serves the signed checkpoint and the key', async () => {
    const r = await get('/log/checkpoint');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const cp = openCheckpoint(await r.text(), vkey);
    expect(cp.size).toBe(N);
    expect((await (await get('/log/key')).text()).trim()).toBe(vkey);
    expect((await get('/log/checkpoint')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves full tiles as immutable and partial tiles briefly cached', async () => {
    const full = await get('/log/tile/0/001');
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await full.arrayBuffer())).toHaveLength(8192);
    const partial = await get('/log/tile/0/002.p/188');
    expect(partial.status).toBe(200);
    expect(partial.headers.get('cache-control')).toBe('public, max-age=60');
    const bundle = new Uint8Array(await (await get('/log/tile/entries/002.p/188')).arrayBuffer());
    expect(parseEntryBundle(bundle, 188)[0]).toEqual(entries[512]);
    expect((await get('/log/tile/1/000.p/2')).status).toBe(200);
  });

  it('the whole log verifies from what the API serves', async () => {
    const res = await verifyLog({
      verifierKey: vkey,
      fetch: async (p) => {
        const r = await get(`/log/${p}`);
        return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
      },
    });
    expect(res.size).toBe(N);
  });

  it('answers malformed and out-of-range tile paths with 4xx JSON', async () => {
    for (const [path, status] of [
      ['/log/tile/0/003', 404], // beyond the tree
      ['/log/tile/0/002.p/189', 404], // wider than the tree
      ['/log/tile/0/002', 404], // not full yet
      ['/log/tile/entries/x000/001', 400],
      ['/log/tile/0/2', 400],
      ['/log/tile/0/002.p/0', 400],
      ['/log/tile/0/002.p/256', 400],
      ['/log/tile/9/000', 400],
      ['/log/tile/0/../001', 400],
      ['/log/tile/', 400],
    ] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toMatch(/^[A-Z_]+$/);
    }
  });

  it('serves inclusion and consistency proofs that verify', async () => {
    const cp = openCheckpoint(await (await get('/log/checkpoint')).text(), vkey);
    for (const i of [0, 299, 300, 699]) {
      const r = await get(`/v1/proofs/inclusion?index=${i}&size=${N}`);
      const body = (await r.json()) as { index: number; size: number; path: string[] };
      expect(body.index).toBe(i);
      verifyInclusion(leafHash(entries[i]!), i, N, body.path.map(fromBase64), cp.rootHash);
    }
    const r = await get(`/v1/proofs/consistency?from=300&to=${N}`);
    const body = (await r.json()) as { from: number; to: number; path: string[] };
    const old = await new LedgerStore(t.db).checkpointAt(300);
    verifyConsistency(300, N, old!.root, cp.rootHash, body.path.map(fromBase64));
  });

  it('refuses impossible proofs and malformed parameters with 400', async () => {
    for (const q of [
      `inclusion?index=${N}&size=${N}`,
      `inclusion?index=0&size=${N + 1}`,
      'inclusion?index=-1&size=5',
      'inclusion?index=01&size=5',
      'inclusion?index=1e2&size=500',
      'inclusion?index=0x1&size=5',
      'inclusion?size=5',
      'inclusion?index=99999999999999999999&size=5',
      'consistency?from=5&to=4',
      `consistency?from=0&to=${N + 1}`,
      'consistency?from=&to=4',
    ]) {
      const r = await get(`/v1/proofs/${q}`);
      expect(r.status, q).toBe(400);
    }
  });

  it('serves entries by index and refuses others', async () => {
    const r = await get('/v1/ledger/entries/5');
    const body = (await r.json()) as { index: number; leafHash: string; entry: { n: number } };
    expect(body).toMatchObject({ index: 5, entry: { n: 5 } });
    expect(body.leafHash).toBe(toBase64(leafHash(entries[5]!)));
    expect((await get(`/v1/ledger/entries/${N}`)).status).toBe(400);
    expect((await get('/v1/ledger/entries/abc')).status).toBe(400);
  });

  it('answers one canonical spelling of each log URL, 400 for any other (issue #10)', async () => {
    for (const ok of [
      '/log/tile/0/000',
      '/log/tile/entries/000',
      '/v1/proofs/inclusion?index=1&size=300',
      '/v1/proofs/inclusion?size=300&index=1',
      '/v1/proofs/consistency?from=300&to=700',
      '/v1/ledger/entries/1',
    ])
      expect((await get(ok)).status, ok).toBe(200);
    const refused: [string, string][] = [
      // percent-encoded digits and separators, which the router would decode
      ['/log/tile/%30/000', 'NON_CANONICAL_URL'],
      ['/log/tile/entries/%30%30%30', 'NON_CANONICAL_URL'],
      ['/v1/ledger/entries/%31', 'NON_CANONICAL_URL'],
      ['/v1/proofs/inclusion?index=%31&size=300', 'NON_CANONICAL_URL'],
      ['/v1/proofs/inclusion?%69ndex=1&size=300', 'NON_CANONICAL_URL'],
      ['/v1/proofs/consistency?from=+300&to=700', 'NON_CANONICAL_URL'],
      // repeated parameters (a proxy may take the last where we took the first)
      ['/v1/proofs/inclusion?index=1&index=2&size=300', 'REPEATED_PARAMETER'],
      ['/v1/proofs/consistency?from=300&to=700&to=700', 'REPEATED_PARAMETER'],
      // anything else in the query
      ['/v1/proofs/inclusion?index=1&size=300&cb=1', 'UNKNOWN_PARAMETER'],
      ['/v1/proofs/inclusion?index=1&size=300&', 'UNKNOWN_PARAMETER'],
      ['/v1/ledger/entries/1?x=1', 'UNKNOWN_PARAMETER'],
      ['/log/tile/0/000?v=2', 'UNKNOWN_PARAMETER'],
      // leading zeros, signs, exponents
      ['/v1/proofs/inclusion?index=01&size=300', 'BAD_PARAMETER'],
      ['/v1/proofs/inclusion?index=1e0&size=300', 'BAD_PARAMETER'],
      ['/v1/proofs/consistency?from=-0&to=700', 'BAD_PARAMETER'],
      ['/v1/ledger/entries/01', 'BAD_PARAMETER'],
    ];
    for (const [path, code] of refused) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });

  it('health, readiness, unknown routes and request IDs', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
    const nf = await get('/nope');
    expect(nf.status).toBe(404);
    expect(nf.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
  });
});
