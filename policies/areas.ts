/**
 * Area codes and their hierarchy. The code itself carries the tree (the
 * Kemendagri scheme KPU and KawalPemilu use, DOMAIN.md): its length gives the
 * level and its prefix the parent, so the engine derives every `Saksi::Area`
 * entity and its parents from the code alone, with no lookup table that could go
 * stale.
 *
 *   'ID'             nasional
 *   '31'             provinsi     (2 digits)
 *   '3171'           kab/kota     (4)
 *   '317101'         kecamatan    (6)
 *   '3171011001'     kelurahan/desa (10)
 *   '3171011001001'  TPS          (13: desa + 3-digit TPS number)
 */
import { PolicyError } from './errors.ts';

export const AREA_LEVELS = ['nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa', 'tps'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const NATIONAL = 'ID';

/** Code length per level below nasional, in AREA_LEVELS order. */
const LENGTH_OF: Readonly<Record<Exclude<AreaLevel, 'nasional'>, number>> = {
  provinsi: 2,
  kabkota: 4,
  kecamatan: 6,
  desa: 10,
  tps: 13,
};
const LEVEL_BY_LENGTH: ReadonlyMap<number, AreaLevel> = new Map(
  Object.entries(LENGTH_OF).map(([level, length]) => [length, level as AreaLevel]),
);

/** Area codes arrive in URLs and request bodies (attacker-controlled): check before use. */
export function isAreaCode(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  if (s === NATIONAL) return true;
  return LEVEL_BY_LENGTH.has(s.length) && /^[0-9]+$/.test(s);
}

function checked(code: string): string {
  if (!isAreaCode(code)) {
    throw new PolicyError('INVALID_AREA', `not an area code: ${JSON.stringify(code)}`);
  }
  return code;
}

export function areaLevel(code: string): AreaLevel {
  if (checked(code) === NATIONAL) return 'nasional';
  return LEVEL_BY_LENGTH.get(code.length)!;
}

/** The enclosing area, or null for 'ID'. */
export function parentArea(code: string): string | null {
  switch (areaLevel(code)) {
    case 'nasional':
      return null;
    case 'provinsi':
      return NATIONAL;
    case 'kabkota':
      return code.slice(0, LENGTH_OF.provinsi);
    case 'kecamatan':
      return code.slice(0, LENGTH_OF.kabkota);
    case 'desa':
      return code.slice(0, LENGTH_OF.kecamatan);
    case 'tps':
      return code.slice(0, LENGTH_OF.desa);
  }
}

/** Every enclosing area, nearest first, ending with 'ID' (empty for 'ID' itself). */
export function areaAncestors(code: string): string[] {
  const out: string[] = [];
  for (let p = parentArea(code); p !== null; p = parentArea(p)) out.push(p);
  return out;
}

/** True when `code` is `ancestor` or lies inside it (Cedar's `resource in area`). */
export function isWithinArea(code: string, ancestor: string): boolean {
  checked(ancestor);
  return code === ancestor || areaAncestors(code).includes(ancestor);
}
