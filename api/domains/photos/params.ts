/** The photo routes' path and query parameters, checked (attacker-controlled). */
import type { Context } from 'hono';
import type { AppVariables } from '../../auth/principal.ts';
import { badRequest } from '../../errors.ts';
import { SHA256_HEX } from './store.ts';

export type Ctx = Context<{ Variables: AppVariables }>;

/** A TPS code: desa (10 digits) and TPS number (3). */
export const TPS_CODE = /^[0-9]{13}$/;

export function hashParam(c: Ctx): string {
  const hex = c.req.param('sha256') ?? '';
  if (!SHA256_HEX.test(hex))
    throw badRequest('BAD_PARAMETER', 'the photo hash must be 64 lowercase hex digits');
  return hex;
}

export function tpsParam(c: Ctx): string {
  const tps = c.req.query('tps');
  if (tps === undefined || !TPS_CODE.test(tps))
    throw badRequest('BAD_PARAMETER', 'tps must be the 13-digit code of the TPS the photo shows');
  return tps;
}
