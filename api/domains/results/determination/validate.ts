/**
 * Boundary checks shared by the rules (CONVENTIONS.md §6: fail closed).
 *
 * Every count and id reaching these functions comes, in the end, from recap forms
 * typed in by officials or read from photos, so all of it is treated as untrusted:
 * a count must already be a non-negative safe integer (never `"12"`, `12.0000001`,
 * `-0`-by-accident or `NaN` turned into something), and nothing is coerced.
 */
import { DeterminationError, type DeterminationErrorCode } from './errors.ts';

export function fail(code: DeterminationErrorCode, message: string): never {
  throw new DeterminationError(code, message);
}

/** A short, printable rendering of an untrusted value for an error message. */
export function show(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

export function assertArray(value: unknown, what: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) fail('INVALID_INPUT', `${what} must be an array`);
}

export function assertRecord(
  value: unknown,
  what: string,
): asserts value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('INVALID_INPUT', `${what} must be an object`);
  }
}

/** A vote count: a non-negative safe integer, exactly. */
export function assertVotes(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail('INVALID_VOTES', `${what} must be a non-negative safe integer, got ${show(value)}`);
  }
}

export function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    fail('INVALID_ID', `${what} must be a non-empty string, got ${show(value)}`);
  }
}

/** A ballot number (nomor urut) or list position: a positive safe integer. */
export function assertNumber(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail('INVALID_NUMBER', `${what} must be a positive safe integer, got ${show(value)}`);
  }
}

export function assertUnique(values: readonly (string | number)[], what: string): void {
  const seen = new Set<string | number>();
  for (const v of values) {
    if (seen.has(v)) fail('DUPLICATE_ID', `${what} ${show(v)} appears more than once`);
    seen.add(v);
  }
}

/**
 * Spread vectors ("persebaran ... secara berjenjang"): counts per tier, top tier
 * first (e.g. [kab/kota, kecamatan, desa, TPS] with votes). Either every entry
 * carries one of the same length or none does, so that comparing them is a total
 * preorder and never depends on which entries happen to be compared.
 */
/**
 * The contenders of one contest: each id once, each ballot number (where given)
 * once, and spreads given for all or none, of equal length.
 */
export function assertContenders<T extends { ballotNumber?: number; spread?: unknown }>(
  rows: readonly T[],
  id: (row: T) => string,
  what: { id: string; ballotNumber: string; spreads: string },
): void {
  assertUnique(rows.map(id), what.id);
  assertUnique(
    rows.flatMap((r) => (r.ballotNumber === undefined ? [] : [r.ballotNumber])),
    what.ballotNumber,
  );
  assertSpreads(
    rows.map((r) => r.spread),
    what.spreads,
  );
}

export function assertSpreads(
  spreads: readonly unknown[],
  what: string,
): asserts spreads is readonly (readonly number[] | undefined)[] {
  const present = spreads.filter((s) => s !== undefined);
  if (present.length === 0) return;
  if (present.length !== spreads.length) {
    fail('INVALID_SPREAD', `${what}: a spread must be given for every entry or for none`);
  }
  let length: number | undefined;
  for (const s of present) {
    if (!Array.isArray(s) || s.length === 0) {
      fail('INVALID_SPREAD', `${what}: a spread must be a non-empty array of counts`);
    }
    for (const n of s) {
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        fail('INVALID_SPREAD', `${what}: spread counts must be non-negative safe integers`);
      }
    }
    if (length !== undefined && s.length !== length) {
      fail('INVALID_SPREAD', `${what}: every spread must have the same number of tiers`);
    }
    length = s.length;
  }
}

/** Sum of vote counts, refusing a total that would leave the safe-integer range. */
export function sumVotes(values: readonly number[], what: string): number {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail('INVALID_VOTES', `${what} exceeds Number.MAX_SAFE_INTEGER`);
  }
  return Number(total);
}

export function optionalBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail('INVALID_INPUT', `${what} must be a boolean`);
  return value;
}
