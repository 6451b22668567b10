/**
 * Counting and results over HTTP (issue #4): the three count-form writes, and the
 * public reading an observer needs — results per area with the log entry behind
 * every number, every version of a TPS form, the proof chain from a TPS to the
 * national total, and the open-data CSV export.
 */
import type { Hono } from 'hono';
import type { Db, LogReader } from '../../../ledger/index.ts';
import { areaOf, parseNode } from '../../../ledger/verifier/results/index.ts';
import { areaLevelOf, NATIONAL } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { authorizeRoute } from '../../authorize.ts';
import { ApiError, badRequest } from '../../errors.ts';
import { canonicalQuery, parseIndex } from '../../params.ts';
import { registerRoute } from '../../schemas.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import { CONTEST_IDS, type Registry } from '../registry/index.ts';
import { countFormDefinition } from './definitions.ts';
import { proofChain } from './proof/chain.ts';
import { exportCsv } from './read/export.ts';
import { recapHistory } from './read/history.ts';
import { areaResults, tpsHistory } from './read/results.ts';
import { RecapTree } from './recap/parts.ts';
import {
  AREA_PARAM,
  CONTEST_PARAM,
  contestParam,
  LEVEL_PARAM,
  levelParam,
  SCOPE_PARAM,
  scopeParam,
  TPS_PARAM,
  tpsParam,
} from './schemas.ts';

type App = Hono<{ Variables: AppVariables }>;

export interface ResultsDeps {
  writes: WriteServices;
  db: Db;
  store: LogReader;
  registry: Registry;
}

export function resultsRoutes(app: App, deps: ResultsDeps): void {
  const trees = new Map(CONTEST_IDS.map((c) => [c, RecapTree.of(deps.registry, c)]));
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
    parameters: [CONTEST_PARAM, AREA_PARAM],
    responses: { '200': { description: 'recap and children' }, '404': { description: 'none' } },
  });
  app.get('/v1/results/:contest/areas/:area', async (c) => {
    const contest = contestParam(c.req.param('contest'));
    const area = c.req.param('area');
    const level = areaLevelOf(area);
    if (level === undefined || level === 'tps')
      throw badRequest('BAD_PARAMETER', 'area must be ID or a 2/4/6/10-digit area code');
    authorizeRoute(writes, 'GET /v1/results/{contest}/areas/{area}', c.get('principal'), {
      type: 'Area',
      code: area,
    });
    // A code that is no area is not an area waiting for its recap.
    if (!registry.area(area)) throw new ApiError(404, 'NOT_FOUND', `no such area ${area}`);
    const r = await areaResults(deps.db, deps.store, registry, contest, area);
    if (!r) throw new ApiError(404, 'NOT_FOUND', `no ${contest} recap for ${area} yet`);
    return c.json(r);
  });

  registerRoute({
    method: 'get',
    path: '/v1/results/{contest}/history/{area}',
    operationId: 'recapHistory',
    summary:
      'Every published version of an area’s recap, oldest first, each with its log entry and totals (paged by version)',
    tags: ['results'],
    security: 'public',
    parameters: [
      CONTEST_PARAM,
      AREA_PARAM,
      {
        name: 'from',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1 },
        description: 'the first version (default 1); an answer’s `next` gives the one after it',
      },
      {
        name: 'node',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description:
          'a part of the area’s listing (`<area>/<n>`, `<area>//<n>`) instead of the area',
      },
    ],
    responses: { '200': { description: 'versions' }, '404': { description: 'none' } },
  });
  app.get('/v1/results/:contest/history/:area', async (c) => {
    const contest = contestParam(c.req.param('contest'));
    const area = c.req.param('area');
    const level = areaLevelOf(area);
    if (level === undefined || level === 'tps')
      throw badRequest('BAD_PARAMETER', 'area must be ID or a 2/4/6/10-digit area code');
    const q = canonicalQuery(c.req.url, ['from', 'node']);
    const from = q.has('from') ? parseIndex('from', q.get('from')) : 1;
    const node = q.get('node') ?? area;
    if (node !== area && (parseNode(node) === null || areaOf(node) !== area))
      throw badRequest(
        'BAD_PARAMETER',
        `node must be a part of ${area}: ${area}/<n> or ${area}//<n>`,
      );
    authorizeRoute(writes, 'GET /v1/results/{contest}/history/{area}', c.get('principal'), {
      type: 'Area',
      code: area,
    });
    if (!registry.area(area)) throw new ApiError(404, 'NOT_FOUND', `no such area ${area}`);
    const r = await recapHistory(deps.db, deps.store, contest, node, Math.max(1, from));
    if (r.versions.length === 0 && from <= 1)
      throw new ApiError(404, 'NOT_FOUND', `no ${contest} recap for ${node} yet`);
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
    authorizeRoute(writes, 'GET /v1/results/{contest}/tps/{tps}', c.get('principal'), {
      type: 'Area',
      code: tps,
    });
    const r = await tpsHistory(deps.db, deps.store, contest, tps);
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
    authorizeRoute(writes, 'GET /v1/results/{contest}/proof/{tps}', c.get('principal'), {
      type: 'Area',
      code: tps,
    });
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
    parameters: [CONTEST_PARAM, LEVEL_PARAM, SCOPE_PARAM],
    responses: { '200': { description: 'text/csv' } },
  });
  app.get('/v1/results/:contest/export.csv', (c) => {
    const contest = contestParam(c.req.param('contest'));
    const level = levelParam(c.req.query('level'));
    const area = scopeParam(c.req.query('area'));
    // Public rows, whatever the area: authorised as the nation's export.
    authorizeRoute(writes, 'GET /v1/results/{contest}/export.csv', c.get('principal'), {
      type: 'Area',
      code: NATIONAL,
    });
    return c.body(exportCsv(deps.db, deps.store, contest, level, area), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${contest}-${c.req.query('level')}${area === NATIONAL ? '' : `-${area}`}.csv"`,
      'Cache-Control': 'no-cache',
    });
  });
}

export { NATIONAL };
