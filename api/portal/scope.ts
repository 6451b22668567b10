/**
 * The scope of an anomalies page, `/portal/anomali/{contest}` (the nation) or
 * `/portal/anomali/{contest}/{area}`: the TPS of the open-data CSV inside the
 * area, and for the jumps in published totals the areas whose histories the
 * page reads. A national register holds ~83,000 kelurahan/desa, far more than
 * one page can read, so a page checks its area and the whole levels below it
 * that fit in MAX_JUMP_AREAS, says exactly which, and links to the pages that
 * check the rest: every area is checked on some page an observer can walk to,
 * none is skipped silently.
 */
import type { TpsRow } from './anomalies.ts';

/** Areas whose history one page reads at most (one read each, more for long histories). */
export const MAX_JUMP_AREAS = 300;

/** The code lengths of the levels below the nation: provinsi, kab/kota, kecamatan, kelurahan/desa. */
const LEVELS = [2, 4, 6, 10] as const;

/** Whether `code` (a TPS or an area) lies in `area` (`ID`: the nation). */
export const inArea = (area: string, code: string): boolean =>
  area === 'ID' || code.startsWith(area);

/** What one page checks for jumps in published totals. */
export interface JumpScope {
  area: string;
  /** The areas checked, level by level: `[area]`, its children, theirs… */
  levels: string[][];
  /**
   * The areas of the deepest level checked that have areas below them this
   * page did not check, with how many: each one's own page checks those.
   */
  continueAt: { area: string; below: number }[];
}

/**
 * `area` and the whole levels below it holding a TPS of `rows`, while they fit
 * in `max` areas — its children always, so the page of an area it links to
 * reaches at least one level further than this one, and walking the links ends
 * at pages that check everything below them.
 */
export function jumpScope(
  rows: readonly TpsRow[],
  area: string,
  max: number = MAX_JUMP_AREAS,
): JumpScope {
  const inside = rows.filter((r) => inArea(area, r.tps));
  const below = LEVELS.filter((n) => area === 'ID' || n > area.length).map((n) => [
    ...new Set(inside.map((r) => r.tps.slice(0, n))),
  ]);
  const levels = [[area]];
  let count = 1;
  for (const level of below) {
    if (level.length === 0 || (levels.length > 1 && count + level.length > max)) break;
    levels.push(level.sort());
    count += level.length;
  }
  const deepest = levels.at(-1)!;
  const ancestor = (code: string) =>
    deepest[0] === 'ID' ? 'ID' : code.slice(0, deepest[0]!.length);
  const counts = new Map<string, number>();
  for (const code of below.slice(levels.length - 1).flat())
    counts.set(ancestor(code), (counts.get(ancestor(code)) ?? 0) + 1);
  const continueAt = deepest.flatMap((a) => {
    const n = counts.get(a) ?? 0;
    return n > 0 ? [{ area: a, below: n }] : [];
  });
  return { area, levels, continueAt };
}

/** A level's name by its codes' length; KPU's terms, in both languages. */
export function levelName(code: string, nation: string): string {
  switch (code.length) {
    case 2:
      return code === 'ID' ? nation : 'provinsi';
    case 4:
      return 'kab/kota';
    case 6:
      return 'kecamatan';
    default:
      return 'kelurahan/desa';
  }
}

/** The anomalies page of `area` (`ID`: the nation's, without a segment). */
export const scopePath = (contest: string, area: string): string =>
  area === 'ID' ? `/portal/anomali/${contest}` : `/portal/anomali/${contest}/${area}`;
