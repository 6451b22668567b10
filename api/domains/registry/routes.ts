/**
 * Public reads of the registry: areas with their children, contests, dapil, and
 * the ballot at a TPS. No authentication; answered from the in-memory registry.
 * Path and query parameters are attacker-controlled: checked for form (400)
 * before they are looked up (404).
 */
import type { Hono } from 'hono';
import type { Db } from '../../../ledger/index.ts';
import {
  AREA_CODE_PATTERN,
  isAreaCode,
  isTpsCode,
  TPS_CODE_PATTERN,
  tpsName,
} from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError, badRequest, notFound } from '../../errors.ts';
import { registerRoute } from '../../schemas.ts';
import { CONTEST_IDS, CONTESTS, type ContestId, DAPIL_CONTESTS, isContestId } from './contests.ts';
import type { Registry } from './registry.ts';
import { registryFor } from './shared.ts';

const areaParam = {
  name: 'code',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', pattern: AREA_CODE_PATTERN },
  description:
    "Area code: 'ID', or 2 (provinsi), 4 (kab/kota), 6 (kecamatan), 10 (desa) or 13 (TPS) digits",
};
const contestParam = {
  name: 'contest',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', enum: [...CONTEST_IDS] },
  description: 'Contest',
};

function contestOf(raw: string): ContestId {
  if (!isContestId(raw))
    throw notFound(`no contest ${JSON.stringify(raw)}; contests are ${CONTEST_IDS.join(', ')}`);
  return raw;
}

function dapilSummary(r: Registry, id: string | null) {
  const d = id === null ? undefined : r.dapil(id);
  return d ? { id: d.id, name: d.name, seats: d.seats } : null;
}

export function registryRoutes(app: Hono<{ Variables: AppVariables }>, db: Db): void {
  registerRoute({
    method: 'get',
    path: '/v1/areas/{code}',
    operationId: 'getArea',
    summary:
      'An area: level, name, parent and children (a desa lists its TPS with their DPT); for a TPS, its DPT, contests and dapil',
    tags: ['registry'],
    security: 'public',
    parameters: [areaParam],
    responses: {
      '200': { description: 'the area' },
      '400': { description: 'malformed code' },
      '404': { description: 'no such area' },
    },
  });
  app.get('/v1/areas/:code', async (c) => {
    const code = c.req.param('code');
    if (!isAreaCode(code)) throw badRequest('BAD_PARAMETER', areaParam.description);
    const r = await registryFor(db);
    const area = r.area(code);
    if (!area) throw notFound(`no area ${code}`);
    const parent = area.parent === null ? null : r.area(area.parent);
    const dapil = Object.fromEntries(
      DAPIL_CONTESTS.map((k) => [k, dapilSummary(r, r.dapilOf(k, code))]),
    );
    const base = {
      code: area.code,
      level: area.level,
      name: area.name,
      parent: parent ? { code: parent.code, name: parent.name } : null,
      dapil,
    };
    if (area.level === 'tps')
      return c.json({ ...base, dpt: r.dptOf(code), contests: r.contestsAt(code) });
    const children = r
      .children(code)
      .map((k) =>
        area.level === 'desa'
          ? { code: k, name: tpsName(k), dpt: r.dptOf(k) }
          : { code: k, name: r.area(k)!.name },
      );
    return c.json({ ...base, children });
  });

  registerRoute({
    method: 'get',
    path: '/v1/contests',
    operationId: 'listContests',
    summary: 'The five contests with their number of dapil and seats',
    tags: ['registry'],
    security: 'public',
    responses: { '200': { description: 'contests in ballot order' } },
  });
  app.get('/v1/contests', async (c) => {
    const r = await registryFor(db);
    return c.json({
      contests: CONTEST_IDS.map((id) => {
        const dapils = r.dapils(id);
        return {
          id,
          name: CONTESTS[id].name,
          dapil: dapils.length,
          seats: dapils.reduce((s, d) => s + d.seats, 0),
          ...(id === 'PPWP' ? { pairs: r.pairs().length } : {}),
        };
      }),
    });
  });

  registerRoute({
    method: 'get',
    path: '/v1/contests/{contest}/dapil',
    operationId: 'listDapil',
    summary: 'The dapil of a contest with their seats and member areas',
    tags: ['registry'],
    security: 'public',
    parameters: [contestParam],
    responses: { '200': { description: 'dapil by id' }, '404': { description: 'no such contest' } },
  });
  app.get('/v1/contests/:contest/dapil', async (c) => {
    const contest = contestOf(c.req.param('contest'));
    const r = await registryFor(db);
    return c.json({
      contest,
      dapil: r.dapils(contest).map((d) => ({
        id: d.id,
        name: d.name,
        seats: d.seats,
        region: d.region,
        areas: d.areas,
      })),
    });
  });

  registerRoute({
    method: 'get',
    path: '/v1/contests/{contest}/ballot',
    operationId: 'getBallot',
    summary: 'The ballot of a contest at a TPS: its dapil and choices with their choice IDs',
    tags: ['registry'],
    security: 'public',
    parameters: [
      contestParam,
      {
        name: 'tps',
        in: 'query',
        required: true,
        schema: { type: 'string', pattern: TPS_CODE_PATTERN },
        description: 'TPS code (13 digits)',
      },
    ],
    responses: {
      '200': { description: 'the ballot' },
      '400': { description: 'malformed TPS code' },
      '404': { description: 'no such contest or TPS, or the contest is not held there' },
    },
  });
  app.get('/v1/contests/:contest/ballot', async (c) => {
    const contest = contestOf(c.req.param('contest'));
    const all = c.req.queries('tps') ?? [];
    if (all.length > 1) throw badRequest('BAD_PARAMETER', 'tps must be given once');
    const tps = all[0];
    if (tps === undefined) throw badRequest('MISSING_PARAMETER', 'tps is required');
    if (!isTpsCode(tps)) throw badRequest('BAD_PARAMETER', 'tps must be a 13-digit TPS code');
    const r = await registryFor(db);
    if (!r.hasTps(tps)) throw notFound(`no TPS ${tps}`);
    const ballot = r.ballotFor(contest, tps);
    if (!ballot) throw new ApiError(404, 'NOT_HELD', `${contest} is not held at TPS ${tps}`);
    return c.json({
      contest,
      tps,
      dapil: dapilSummary(r, ballot.dapil),
      choices: ballot.choices,
    });
  });
}
