/**
 * Exact rational arithmetic for the rules. Quotients and shares are compared by
 * cross-multiplying in BigInt, so no floating-point rounding can ever decide a
 * seat: a/b vs c/d is decided as a·d vs c·b. Vote counts are safe integers
 * (< 2^53) and divisors are small, but their products are not, hence BigInt.
 */

/** Sign of n1/d1 − n2/d2 for non-negative integers with positive denominators. */
export function compareFractions(n1: number, d1: number, n2: number, d2: number): -1 | 0 | 1 {
  const left = BigInt(n1) * BigInt(d2);
  const right = BigInt(n2) * BigInt(d1);
  return left === right ? 0 : left > right ? 1 : -1;
}

/** `numerator ≥ pct% of total`, with pct given in basis points (1 % = 100 bp). */
export function atLeastBasisPoints(numerator: number, total: number, basisPoints: bigint): boolean {
  return BigInt(numerator) * 10_000n >= basisPoints * BigInt(total);
}

/**
 * n/d as a decimal string with `decimals` places, rounded half up — exact, for
 * display in traces and reports only (decisions never look at it).
 */
export function formatRatio(n: number | bigint, d: number | bigint, decimals = 2): string {
  const den = BigInt(d);
  if (den === 0n) return 'undefined';
  const scale = 10n ** BigInt(decimals);
  const scaled = (BigInt(n) * scale * 2n + den) / (2n * den);
  const whole = scaled / scale;
  if (decimals === 0) return whole.toString();
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  return `${whole}.${frac}`;
}

/** n/d as a percentage string, e.g. formatPercent(1, 3) === '33.33'. */
export function formatPercent(n: number, d: number, decimals = 2): string {
  return formatRatio(BigInt(n) * 100n, d, decimals);
}

/**
 * A percentage given as a JS number (4, 3.5, 0.25) to basis points, exactly.
 * Refuses anything outside [0, 100] or with more than two decimals, instead of
 * rounding it to something the caller did not ask for.
 */
export function percentToBasisPoints(pct: number): bigint | undefined {
  if (typeof pct !== 'number' || !Number.isFinite(pct) || pct < 0 || pct > 100) return undefined;
  const bp = Math.round(pct * 100);
  // 4.1 * 100 === 409.99999999999994: accept representation error, not a third decimal.
  if (Math.abs(bp - pct * 100) > 1e-6) return undefined;
  return BigInt(bp);
}
