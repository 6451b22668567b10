// The registry's public read routes over HTTP in-process (the whole platform, no
// token): areas, contests, dapil and ballots; 400 for malformed parameters, 404
// for what does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { generateElection, loadElection } from './index.ts';

let p: PlatformApp;
beforeAll(async () => {
  p = await platformApp();
  await loadElection(p.rt.db, generateElection({ scale: 'province', seed: 'routes' }));
});
afterAll(async () => {
  await p.close();
});

async function get(path: string) {
  const r = await p.app.request(path);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('GET /v1/areas/:code', () => {
  it('the nation, a province and a kab/kota with their children', async () => {
    const id = await get('/v1/areas/ID');
    expect(id.status).toBe(200);
    expect(id.body).toMatchObject({
      code: 'ID',
      level: 'nasional',
      parent: null,
      children: [{ code: '31', name: 'DKI Jakarta' }],
    });
    const kab = await get('/v1/areas/3171');
    expect(kab.body).toMatchObject({
      level: 'kabkota',
      name: 'Kota Administrasi Jakarta Pusat',
      parent: { code: '31', name: 'DKI Jakarta' },
      dapil: {
        DPR: { id: 'DPR-31-2', name: 'DKI JAKARTA II', seats: 7 },
        DPD: { id: 'DPD-31', name: 'DKI Jakarta', seats: 4 },
        DPRD_KABKOTA: null,
      },
    });
    expect((kab.body.children as { code: string }[]).map((c) => c.code)).toContain('317101');
  });

  it('a desa lists its TPS with DPT; a TPS has its DPT and contests', async () => {
    const desa = await get('/v1/areas/3171011001');
    expect(desa.body).toMatchObject({ level: 'desa', name: 'Gambir' });
    const children = desa.body.children as { code: string; name: string; dpt: number }[];
    expect(children[0]).toMatchObject({ code: '3171011001001', name: 'TPS 001' });
    expect(children[0]!.dpt).toBeGreaterThan(0);
    const tps = await get('/v1/areas/3171011001001');
    expect(tps.body).toMatchObject({
      code: '3171011001001',
      level: 'tps',
      name: 'TPS 001',
      parent: { code: '3171011001', name: 'Gambir' },
      dpt: children[0]!.dpt,
      contests: ['PPWP', 'DPR', 'DPD', 'DPRD_PROV'],
    });
  });

  it('400 for a malformed code, 404 for an unknown one', async () => {
    for (const code of ['3', '317', 'id', '31710110010011', '3171%2001', 'ID%00'])
      expect((await get(`/v1/areas/${code}`)).body).toMatchObject({
        error: { code: 'BAD_PARAMETER' },
      });
    const missing = await get('/v1/areas/3199');
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no area 3199' } },
    });
    expect((await get('/v1/areas/3171011001999')).status).toBe(404);
  });
});

describe('GET /v1/contests…', () => {
  it('lists the contests with dapil and seats', async () => {
    const r = await get('/v1/contests');
    expect(r.body.contests).toEqual([
      { id: 'PPWP', name: 'Presiden dan Wakil Presiden', dapil: 0, seats: 0, pairs: 3 },
      { id: 'DPR', name: 'Dewan Perwakilan Rakyat', dapil: 3, seats: 21 },
      { id: 'DPD', name: 'Dewan Perwakilan Daerah', dapil: 1, seats: 4 },
      { id: 'DPRD_PROV', name: 'DPRD Provinsi', dapil: 10, seats: 106 },
      { id: 'DPRD_KABKOTA', name: 'DPRD Kabupaten/Kota', dapil: 0, seats: 0 },
    ]);
    const dapil = await get('/v1/contests/DPR/dapil');
    expect(dapil.body.dapil).toContainEqual({
      id: 'DPR-31-1',
      name: 'DKI JAKARTA I',
      seats: 6,
      region: '31',
      areas: ['3175'],
    });
  });

  it('gives the ballot at a TPS with its dapil and choice IDs', async () => {
    const r = await get('/v1/contests/DPR/ballot?tps=3171011001001');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      contest: 'DPR',
      tps: '3171011001001',
      dapil: { id: 'DPR-31-2', name: 'DKI JAKARTA II', seats: 7 },
    });
    const choices = r.body.choices as { id: string; kind: string }[];
    expect(choices[0]).toMatchObject({ id: '1', kind: 'party', name: 'Partai Kebangkitan Bangsa' });
    expect(choices.some((c) => c.id === '1.1' && c.kind === 'candidate')).toBe(true);
    const ppwp = await get('/v1/contests/PPWP/ballot?tps=3171011001001');
    expect(ppwp.body).toMatchObject({ dapil: null });
    expect((ppwp.body.choices as unknown[]).length).toBe(3);
  });

  it('400 for a missing or malformed TPS, 404 for unknown contests, TPS and contests not held', async () => {
    expect((await get('/v1/contests/DPR/ballot')).body).toMatchObject({
      error: { code: 'MISSING_PARAMETER' },
    });
    for (const tps of ['317101100100', '317101100100a', '+171011001001', '3171011001001&tps=1'])
      expect((await get(`/v1/contests/DPR/ballot?tps=${tps}`)).status).toBe(400);
    expect((await get('/v1/contests/PRESIDEN/ballot?tps=3171011001001')).status).toBe(404);
    expect((await get('/v1/contests/dpr/dapil')).status).toBe(404);
    expect((await get('/v1/contests/DPR/ballot?tps=3171011001999')).body).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect(await get('/v1/contests/DPRD_KABKOTA/ballot?tps=3171011001001')).toEqual({
      status: 404,
      body: {
        error: { code: 'NOT_HELD', message: 'DPRD_KABKOTA is not held at TPS 3171011001001' },
      },
    });
  });

  it('documents every route in /openapi.json as public', async () => {
    const doc = (await get('/openapi.json')).body as {
      paths: Record<string, { get: { security: unknown[] } }>;
    };
    for (const path of [
      '/v1/areas/{code}',
      '/v1/contests',
      '/v1/contests/{contest}/dapil',
      '/v1/contests/{contest}/ballot',
    ])
      expect(doc.paths[path]?.get.security).toEqual([]);
  });
});
