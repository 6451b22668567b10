/**
 * The election calendar whose stages (tahapan) are gated: the 2024 calendar of
 * PKPU 3/2022 as published (DOMAIN.md "The 2024 stages") is the default and the
 * demo; SAKSI_STAGES_FILE names a JSON file with another one
 * (`{"stages":[{"id","name","starts","ends"}]}`), validated at start-up.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config-error.ts';
import { type JsonSchema, validate } from '../../schemas.ts';
import { STAGE_ID } from './schemas.ts';

export interface Stage {
  id: string;
  /** What the stage is, in the commission's words. */
  name: string;
  /** First and last day (ISO dates, the calendar's own time zone: WIB). */
  starts: string;
  ends: string;
}

/** PKPU 3/2022, as DOMAIN.md quotes it. */
export const CALENDAR_2024: readonly Stage[] = [
  {
    id: 'party-verification',
    name: 'Party registration and verification (SIPOL)',
    starts: '2022-07-29',
    ends: '2022-12-13',
  },
  {
    id: 'voter-data',
    name: 'Voter data updating, DPS to DPT (SIDALIH)',
    starts: '2022-10-14',
    ends: '2023-06-21',
  },
  {
    id: 'dapil',
    name: 'Seats and electoral districts (SIDAPIL)',
    starts: '2022-10-14',
    ends: '2023-02-09',
  },
  {
    id: 'dpd-nomination',
    name: 'DPD nomination (SILON)',
    starts: '2022-12-06',
    ends: '2023-11-25',
  },
  {
    id: 'dpr-nomination',
    name: 'DPR/DPRD nomination (SILON)',
    starts: '2023-04-24',
    ends: '2023-11-25',
  },
  {
    id: 'presidential-nomination',
    name: 'Presidential nomination (SILON)',
    starts: '2023-10-19',
    ends: '2023-11-25',
  },
  {
    id: 'campaign',
    name: 'Campaign, with LADK before and LPPDK after (SIKADEKA)',
    starts: '2023-11-28',
    ends: '2024-02-10',
  },
  { id: 'quiet-period', name: 'Quiet period', starts: '2024-02-11', ends: '2024-02-13' },
  {
    id: 'voting',
    name: 'Voting and counting at TPS (SIREKAP, forms)',
    starts: '2024-02-14',
    ends: '2024-02-15',
  },
  {
    id: 'recapitulation',
    name: 'Tiered recapitulation (SIREKAP)',
    starts: '2024-02-15',
    ends: '2024-03-20',
  },
  {
    id: 'determination',
    name: 'Determination of results',
    starts: '2024-03-20',
    ends: '2024-03-20',
  },
  {
    id: 'swearing-in',
    name: 'Swearing-in: DPR/DPD 1 Oct, president 20 Oct',
    starts: '2024-10-01',
    ends: '2024-10-20',
  },
];

const ISO_DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const FILE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['stages'],
  properties: {
    stages: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'starts', 'ends'],
        properties: {
          id: { type: 'string', pattern: STAGE_ID },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          starts: { type: 'string', pattern: ISO_DATE },
          ends: { type: 'string', pattern: ISO_DATE },
        },
      },
    },
  },
};

/** Checks a calendar: unique ids, real dates, none ending before it starts. */
export function checkCalendar(stages: readonly Stage[]): readonly Stage[] {
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.id)) throw new ConfigError(`stage ${s.id} is in the calendar twice`);
    seen.add(s.id);
    for (const d of [s.starts, s.ends])
      if (
        Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ||
        new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d
      )
        throw new ConfigError(`stage ${s.id}: ${d} is not a date`);
    if (s.ends < s.starts) throw new ConfigError(`stage ${s.id} ends before it starts`);
  }
  return stages;
}

/** The calendar in force: the file's, or the 2024 one. */
export function loadCalendar(file: string | undefined): readonly Stage[] {
  if (file === undefined) return CALENDAR_2024;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`SAKSI_STAGES_FILE ${file}: ${(e as Error).message}`);
  }
  let body: { stages: Stage[] };
  try {
    body = validate<{ stages: Stage[] }>(FILE_SCHEMA, parsed, 'SAKSI_STAGES_FILE');
  } catch (e) {
    throw new ConfigError(`SAKSI_STAGES_FILE ${file}: ${(e as Error).message}`);
  }
  return checkCalendar(body.stages);
}
