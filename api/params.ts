/**
 * Strict parsing of attacker-controlled path and query parameters: plain decimal,
 * no sign, no leading zeros, no exponent, within 2^53.
 */
import { badRequest } from './errors.ts';

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

export function parseIndex(name: string, raw: string | undefined): number {
  if (raw === undefined) throw badRequest('MISSING_PARAMETER', `${name} is required`);
  if (!DECIMAL.test(raw))
    throw badRequest('BAD_PARAMETER', `${name} must be a non-negative decimal integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw badRequest('BAD_PARAMETER', `${name} is too large`);
  return n;
}
