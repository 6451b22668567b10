/**
 * Counting and results over HTTP (issue #4): the three count-form writes, and the
 * public reading an observer needs — results per area with the log entry behind
 * every number, every version of a TPS form, the proof chain from a TPS to the
 * national total, and the open-data CSV export.
 */
import type { Hono } from 'hono';
import type { Db, LedgerStore } from '../../../ledger/index.ts';
import { type AREA_LEVELS, isAreaCode, NATIONAL } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError, badRequest } from '../../errors.ts';
import { registerRoute } from '../../schemas.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import type { Registry } from '../registry/index.ts';
import { countFormDefinition } from './count/definitions.ts';
import { CONTESTS, type Contest } from './forms/index.ts';
import { proofChain } from './proof/chain.ts';
import { exportCsv } from './read/export.ts';
import { areaResults, tpsHistory } from './read/results.ts';
import { RecapTree } from './recap/parts.ts';

type App = Hono<{ Variables: AppVariables }>;

export interface ResultsDeps {
  writes: WriteServices;
  db: Db;
  store: LedgerStore;
  registry: Registry;
}

const CONTEST_PARAM = {
  name: 'contest',
  in: 'path' as const,
  required: true,
  schema: { enum: [...CONTESTS] },
  description: 'PPWP, DPR, DPD, DPRD_PROV or DPRD_KABKOTA',
};
const TPS_PARAM = {
  name: 'tps',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', pattern: '^[0-9]{13}$' },
  description: 'TPS code: desa (10 digits) + TPS number (3)',
};

export function contestParam(s: string | undefined): Contest {
  if (!(CONTESTS as readonly string[]).includes(s ?? ''))
    throw badRequest('BAD_PARAMETER', `contest must be one of ${CONTESTS.join(', ')}`);
  return s as Contest;
}

function tpsParam(s: string | undefined): string {
  if (!s || !/^[0-9]{13}$/.test(s)) throw badRequest('BAD_PARAMETER', 'tps must be 13 digits');
  return s;
}

export function resultsRoutes(app: App, deps: ResultsDeps): void {
  const trees = new Map(CONTESTS.map((c) => [c, RecapTree.of(deps.registry, c)]));
  const { writes, registry } = deps;
  mountWrite(app, writes, '/v1/results/forms/read', countFormDefinition('read', registry), {
    operationId: 'submitMachineReading',
    summary: 'The machine reading of a C.Hasil photo (version 1), signed by the KPPS device',
    tag: 'results',
  });
  mountWrite(app, writes, '/v1/results/forms', countFormDefinition('verified', registry), {
    operationId: 'submitCountForm',
    summary:
      'The KPPS-verified numbers of a C.Hasil (version 1, or 2 after a machine reading), device-signed',
    tag: 'results',
  });
  mountWrite(
    app,
    writes,
    '/v1/results/forms/corrections',
    countFormDefinition('corrected', registry),
    {
      operationId: 'correctCountForm',
      summary: 'A correction of a C.Hasil by PPK or above: a new version with a reason',
      tag: 'results',
    },
  );

  registerRoute({
    method: 'get',
    path: '/v1/results/{contest}/areas/{area}',
    operationId: 'areaResults',
    summary:
      'The current recap of an area and its children, each number with the log entry it comes from',
    tags: ['results'],
    security: 'public',
    parameters: [
      CONTEST_PARAM,
      {
        name: 'area',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^(ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})$' },
        description: 'ID for the nation, or a province/kabkota/kecamatan/desa code',
      },
    ],
    responses: { '200': { description: 'recap and children' }, '404': { description: 'none' } },
  });
  app.get('/v1/results/:contest/areas/:area', async (c) => {
    const contest = contestParam(c.req.param('contest'));
    const area = c.req.param('area');
    if (!isAreaCode(area) || area.length === 13)
      throw badRequest('BAD_PARAMETER', 'area must be ID or a 2/4/6/10-digit area code');
    // A code that is no area is not an area waiting for its recap.
    if (!registry.area(area)) throw new ApiError(404, 'NOT_FOUND', `no such area ${area}`);
    const r = await areaResults(deps.db, registry, contest, area);
    if (!r) throw new ApiError(404, 'NOT_FOUND', `no ${contest} recap for ${area} yet`);
    return c.json(r);
  });

  registerRoute({
    method: 'get',
    path: '/v1/results/{contest}/tps/{tps}',
    operationId: 'tpsFormHistory',
    summary:
      'Every version of a TPS count form: machine reading, verification, corrections — who, why, checks, photo',
    tags: ['results'],
    security: 'public',
    parameters: [CONTEST_PARAM, TPS_PARAM],
    responses: { '200': { description: 'versions, oldest first' }, '404': { description: 'none' } },
  });
  app.get('/v1/results/:contest/tps/:tps', async (c) => {
    const contest = contestParam(c.req.param('contest'));
    const tps = tpsParam(c.req.param('tps'));
    const r = await tpsHistory(deps.db, contest, tps);
    if (r.versions.length === 0)
      throw new ApiError(404, 'NOT_FOUND', `no ${contest} form for TPS ${tps}`);
    return c.json(r);
  });

  registerRoute({
    method: 'get',
    path: '/v1/results/{contest}/proof/{tps}',
    operationId: 'resultsProof',
    summary:
      'Proof that a TPS’s signed numbers are in every published total up to the nation, and that each sum holds',
    tags: ['results'],
    security: 'public',
    parameters: [CONTEST_PARAM, TPS_PARAM],
    responses: {
      '200': { description: 'checkpoint, entries and inclusion proofs' },
      '404': { description: 'TPS not counted yet' },
      '503': { description: 'the newest recap is not in a checkpoint yet; retry' },
    },
  });
  app.get('/v1/results/:contest/proof/:tps', async (c) => {
    const contest = contestParam(c.req.param('contest'));
    const tps = tpsParam(c.req.param('tps'));
    return c.json(
      await proofChain(deps.db, deps.store, trees.get(contest)!.pathOf(tps), contest, tps),
    );
  });

  registerRoute({
    method: 'get',
    path: '/v1/results/{contest}/export.csv',
    operationId: 'resultsCsv',
    summary:
      'Open data: area_code,tps,choice,votes,status,entry_index,entry_hash at one level (KIP 2024)',
    tags: ['results'],
    security: 'public',
    parameters: [
      CONTEST_PARAM,
      {
        name: 'level',
        in: 'query',
        required: true,
        schema: { enum: ['tps', 'kelurahan', 'kecamatan', 'kabkota', 'provinsi', 'nasional'] },
        description: 'the level whose rows to export',
      },
    ],
    responses: { '200': { description: 'text/csv' } },
  });
  app.get('/v1/results/:contest/export.csv', (c) => {
    const contest = contestParam(c.req.param('contest'));
    const level = LEVEL_OF[c.req.query('level') ?? ''];
    if (!level)
      throw badRequest('BAD_PARAMETER', `level must be one of ${Object.keys(LEVEL_OF).join(', ')}`);
    return c.body(exportCsv(deps.db, contest, level), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${contest}-${c.req.query('level')}.csv"`,
      'Cache-Control': 'no-cache',
    });
  });
}

/** The export's level names (issue #4) and the area levels they are. */
const LEVEL_OF: Readonly<Record<string, (typeof AREA_LEVELS)[number]>> = {
  tps: 'tps',
  kelurahan: 'desa',
  kecamatan: 'kecamatan',
  kabkota: 'kabkota',
  provinsi: 'provinsi',
  nasional: 'nasional',
};

export { NATIONAL };
