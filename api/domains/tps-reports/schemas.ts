/**
 * The payload of an election-day TPS report (DOMAIN.md application 7): every
 * field is attacker-controlled (a KPPS device typed it); the schema refuses
 * anything it does not name.
 */

import type { JsonObject } from '../../../ledger/index.ts';
import { TPS_CODE_PATTERN } from '../../../policies/areas.ts';
import { publicText } from '../../public-text.ts';

export const REPORT_TYPES = ['opened', 'closed', 'incident', 'objection'] as const;

export interface TpsReportPayload extends JsonObject {
  tps: string;
  /** The device's own reference for the report, unique per TPS (e.g. "c2-1"). */
  ref: string;
  type: (typeof REPORT_TYPES)[number];
  occurredAt: string;
  description: string;
}

export const PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tps', 'ref', 'type', 'occurredAt', 'description'],
  properties: {
    tps: {
      type: 'string',
      pattern: TPS_CODE_PATTERN,
      description: 'desa code (10 digits) + TPS number (3 digits)',
    },
    ref: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    type: { enum: [...REPORT_TYPES] },
    occurredAt: { type: 'string', format: 'date-time' },
    description: publicText({ minLength: 1, maxLength: 2000 }),
  },
};
