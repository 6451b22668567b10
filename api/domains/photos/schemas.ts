/** The photo routes' path and query parameters, checked (attacker-controlled). */

import type { Context } from 'hono';
import { isTpsCode } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { badRequest } from '../../errors.ts';
import { SHA256_HEX } from './store.ts';

export type Ctx = Context<{ Variables: AppVariables }>;

export function hashParam(c: Ctx): string {
  const hex = c.req.param('sha256') ?? '';
  if (!SHA256_HEX.test(hex))
    throw badRequest('BAD_PARAMETER', 'the photo hash must be 64 lowercase hex digits');
  return hex;
}

export function tpsParam(c: Ctx): string {
  const tps = c.req.query('tps');
  if (tps === undefined || !isTpsCode(tps))
    throw badRequest('BAD_PARAMETER', 'tps must be the 13-digit code of the TPS the photo shows');
  return tps;
}
