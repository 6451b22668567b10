/**
 * The results domain's request shapes: the C.Hasil payload and its JSON Schema
 * (forms/payload.ts, pure and shared with observers), and the path and query
 * parameters of the results routes with their parsers (attacker-controlled: each
 * is checked here before it is used, 400 otherwise).
 */
import {
  type AreaLevel,
  areaLevelOf,
  isTpsCode,
  NATIONAL,
  RECAP_AREA_CODE_PATTERN,
  TPS_CODE_PATTERN,
} from '../../../policies/areas.ts';
import { badRequest } from '../../errors.ts';
import { lookup } from '../../params.ts';
import { publicText } from '../../public-text.ts';
import { CONTEST_IDS, type ContestId, isContestId } from '../registry/index.ts';
import { COUNT_FORM_SCHEMA as VERIFIER_COUNT_FORM_SCHEMA } from './forms/index.ts';

export type { CountForm } from './forms/index.ts';

/**
 * The C.Hasil schema as the server validates it: the observer's schema (one
 * definition, in the browser-safe verifier) with `caseRef` marked public free
 * text, so a NIK-shaped number there is refused before it reaches the log
 * (api/public-text.ts). The marker is the server's: the verifier's validator
 * knows no such keyword, and an entry in the log has already passed it.
 */
export const COUNT_FORM_SCHEMA = {
  ...VERIFIER_COUNT_FORM_SCHEMA,
  properties: {
    ...VERIFIER_COUNT_FORM_SCHEMA.properties,
    caseRef: publicText(VERIFIER_COUNT_FORM_SCHEMA.properties.caseRef),
  },
};

export const CONTEST_PARAM = {
  name: 'contest',
  in: 'path' as const,
  required: true,
  schema: { enum: [...CONTEST_IDS] },
  description: CONTEST_IDS.join(', '),
};
export const TPS_PARAM = {
  name: 'tps',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', pattern: TPS_CODE_PATTERN },
  description: 'TPS code: desa (10 digits) + TPS number (3)',
};

export function contestParam(s: string | undefined): ContestId {
  if (!isContestId(s))
    throw badRequest('BAD_PARAMETER', `contest must be one of ${CONTEST_IDS.join(', ')}`);
  return s;
}

export function tpsParam(s: string | undefined): string {
  if (!isTpsCode(s))
    throw badRequest('BAD_PARAMETER', 'tps must be a TPS code: 13 digits, desa + TPS 001–999');
  return s;
}

export const AREA_PARAM = {
  name: 'area',
  in: 'path' as const,
  required: true,
  schema: { type: 'string', pattern: RECAP_AREA_CODE_PATTERN },
  description: 'ID for the nation, or a province/kabkota/kecamatan/desa code',
};

/** The export's level names (issue #4) and the area levels they are. */
export const LEVEL_OF: Readonly<Record<string, AreaLevel>> = {
  tps: 'tps',
  kelurahan: 'desa',
  kecamatan: 'kecamatan',
  kabkota: 'kabkota',
  provinsi: 'provinsi',
  nasional: 'nasional',
};

export const LEVEL_PARAM = {
  name: 'level',
  in: 'query' as const,
  required: true,
  schema: { enum: Object.keys(LEVEL_OF) },
  description: 'the level whose rows to export',
};

/** The export's optional area: only the rows inside it. */
export const SCOPE_PARAM = {
  name: 'area',
  in: 'query' as const,
  required: false,
  schema: { type: 'string', pattern: RECAP_AREA_CODE_PATTERN },
  description: 'only the rows inside this area (default ID: the nation)',
};

export function scopeParam(s: string | undefined): string {
  if (s === undefined) return NATIONAL;
  const level = areaLevelOf(s);
  if (level === undefined || level === 'tps')
    throw badRequest('BAD_PARAMETER', 'area must be ID or a 2/4/6/10-digit area code');
  return s;
}

export function levelParam(s: string | undefined): AreaLevel {
  // Own properties only: `level=constructor` is not a level (../../params.ts).
  const level = lookup(LEVEL_OF, s);
  if (!level)
    throw badRequest('BAD_PARAMETER', `level must be one of ${Object.keys(LEVEL_OF).join(', ')}`);
  return level;
}
