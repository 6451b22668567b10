/**
 * Area codes, TPS codes and their hierarchy — the one definition the whole
 * project uses (docs/rules.md). The code itself carries the tree (the Kemendagri
 * scheme KPU and KawalPemilu use, DOMAIN.md): its length gives the level and its
 * prefix the parent, so the policy engine derives every `Saksi::Area` entity and
 * its parents from the code alone, with no lookup table that could go stale, and
 * the registry, the results and the routes read codes the same way.
 *
 *   'ID'             nasional
 *   '31'             provinsi       (2 digits, 11–94 in practice: never a leading 0)
 *   '3171'           kab/kota       (4: province + 2, never 00)
 *   '317101'         kecamatan      (6: kab/kota + 2, never 00)
 *   '3171011001'     kelurahan/desa (10: kecamatan + 4, never 0000)
 *   '3171011001001'  TPS            (13: desa + 3-digit TPS number 001–999)
 *
 * It lives in `policies/` because policies depend on nothing in the project
 * (ARCHITECTURE.md "Dependencies point inward") and need it to build entities;
 * `api/` may import policies, so registry, results and routes import it from here.
 * A segment of zeros names "no such area" in the Kemendagri scheme (the parent's
 * own code padded), so it is refused at every level: one set of rules for the
 * policy engine and for the registry's import (which had stricter rules than the
 * engine before).
 */
import { PolicyError } from './errors.ts';

export const AREA_LEVELS = ['nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa', 'tps'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const NATIONAL = 'ID';

/** Code length per level below nasional, in AREA_LEVELS order. */
export const CODE_LENGTH: Readonly<Record<Exclude<AreaLevel, 'nasional'>, number>> = {
  provinsi: 2,
  kabkota: 4,
  kecamatan: 6,
  desa: 10,
  tps: 13,
};
const LEVEL_BY_LENGTH: ReadonlyMap<number, Exclude<AreaLevel, 'nasional'>> = new Map(
  Object.entries(CODE_LENGTH).map(([level, length]) => [
    length,
    level as Exclude<AreaLevel, 'nasional'>,
  ]),
);
/** Length of the parent's code, by the child's length. */
const PARENT_LENGTH: Readonly<Record<number, number>> = { 4: 2, 6: 4, 10: 6, 13: 10 };

/** Each level's own digits after its parent's: never all zeros. */
const CODE_OF_LEVEL: Readonly<Record<Exclude<AreaLevel, 'nasional'>, RegExp>> = {
  provinsi: /^[1-9][0-9]$/,
  kabkota: /^[1-9][0-9](?!00)[0-9]{2}$/,
  kecamatan: /^[1-9][0-9](?!00)[0-9]{2}(?!00)[0-9]{2}$/,
  desa: /^[1-9][0-9](?!00)[0-9]{2}(?!00)[0-9]{2}(?!0000)[0-9]{4}$/,
  tps: /^[1-9][0-9](?!00)[0-9]{2}(?!00)[0-9]{2}(?!0000)[0-9]{4}(?!000)[0-9]{3}$/,
};

/** JSON Schema pattern of a TPS code (request schemas and OpenAPI). */
export const TPS_CODE_PATTERN = CODE_OF_LEVEL.tps.source;
/** JSON Schema pattern of any area code, 'ID' and TPS included. */
export const AREA_CODE_PATTERN = `^(ID|${Object.values(CODE_OF_LEVEL)
  .map((r) => r.source.slice(1, -1))
  .join('|')})$`;
/** JSON Schema pattern of an area code above TPS level (recaps, areas), 'ID' included. */
export const RECAP_AREA_CODE_PATTERN = `^(ID|${(
  ['provinsi', 'kabkota', 'kecamatan', 'desa'] as const
)
  .map((l) => CODE_OF_LEVEL[l].source.slice(1, -1))
  .join('|')})$`;

/**
 * The level of an area code, or undefined when it is not one. Area codes arrive
 * in URLs, request bodies and CSV files (attacker-controlled): check before use.
 */
export function areaLevelOf(s: unknown): AreaLevel | undefined {
  if (typeof s !== 'string') return undefined;
  if (s === NATIONAL) return 'nasional';
  const level = LEVEL_BY_LENGTH.get(s.length);
  return level !== undefined && CODE_OF_LEVEL[level].test(s) ? level : undefined;
}

export function isAreaCode(s: unknown): s is string {
  return areaLevelOf(s) !== undefined;
}

/** A TPS code: a desa code and a TPS number 001–999. */
export function isTpsCode(s: unknown): s is string {
  return typeof s === 'string' && s.length === CODE_LENGTH.tps && CODE_OF_LEVEL.tps.test(s);
}

function checked(code: string): AreaLevel {
  const level = areaLevelOf(code);
  if (level === undefined)
    throw new PolicyError('INVALID_AREA', `not an area code: ${JSON.stringify(code)}`);
  return level;
}

export function areaLevel(code: string): AreaLevel {
  return checked(code);
}

/** The enclosing area, or null for 'ID'. Throws INVALID_AREA for anything else. */
export function parentArea(code: string): string | null {
  const level = checked(code);
  if (level === 'nasional') return null;
  if (level === 'provinsi') return NATIONAL;
  return code.slice(0, PARENT_LENGTH[code.length]);
}

/** Every enclosing area, nearest first, ending with 'ID' (empty for 'ID' itself). */
export function areaAncestors(code: string): string[] {
  const out: string[] = [];
  for (let p = parentArea(code); p !== null; p = parentArea(p)) out.push(p);
  return out;
}

/**
 * The area at `level` that holds `code` (itself when it is at that level), or
 * undefined when `code` lies above that level. Throws INVALID_AREA for a non-code.
 */
export function enclosingArea(code: string, level: AreaLevel): string | undefined {
  const own = checked(code);
  if (AREA_LEVELS.indexOf(own) < AREA_LEVELS.indexOf(level)) return undefined;
  return level === 'nasional' ? NATIONAL : code.slice(0, CODE_LENGTH[level]);
}

/** True when `code` is `ancestor` or lies inside it (Cedar's `resource in area`). */
export function isWithinArea(code: string, ancestor: string): boolean {
  checked(ancestor);
  return code === ancestor || areaAncestors(code).includes(ancestor);
}

/** The kelurahan/desa a TPS belongs to. Throws INVALID_AREA if `tps` is not a TPS code. */
export function desaOfTps(tps: string): string {
  if (!isTpsCode(tps))
    throw new PolicyError('INVALID_AREA', `not a TPS code: ${JSON.stringify(tps)}`);
  return tps.slice(0, CODE_LENGTH.desa);
}

/** The TPS's number within its desa, 1–999. Throws INVALID_AREA if `tps` is not a TPS code. */
export function tpsNumber(tps: string): number {
  desaOfTps(tps);
  return Number(tps.slice(CODE_LENGTH.desa));
}

/** The code of TPS number `n` (1–999) of a desa. */
export function tpsCode(desa: string, n: number): string {
  const code = `${desa}${String(n).padStart(3, '0')}`;
  if (areaLevelOf(desa) !== 'desa' || !Number.isInteger(n) || !isTpsCode(code))
    throw new PolicyError('INVALID_AREA', `no TPS ${n} in ${JSON.stringify(desa)}`);
  return code;
}

/** The TPS's number as printed on forms: "TPS 001". */
export const tpsName = (tps: string): string => `TPS ${tps.slice(CODE_LENGTH.desa)}`;
