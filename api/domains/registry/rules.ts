/**
 * The registry's rules as pure functions over rows: they return every problem
 * found (with the CSV line where there is one) and never throw, so an import
 * reports all its errors at once. The database constraints (006_registry.sql)
 * enforce the row-local rules again; the relational ones (coverage, overlaps,
 * list lengths, contiguous ballot numbers) live only here.
 */
import { areaAncestors, areaLevelOf, isTpsCode, parentArea } from '../../../policies/areas.ts';
import { CONTESTS, DAPIL_CONTESTS, isDapilContest } from './contests.ts';
import type { Registry } from './registry.ts';
import {
  ACEH,
  type AreaRow,
  type CandidateRow,
  type DapilRow,
  NO_DPRD_KABKOTA_PROVINCE,
  NO_TPS,
  type PairRow,
  type PartyRow,
  type RegistryIssue,
  type StoredAreaLevel,
  type TpsTable,
} from './schemas.ts';

/** A row and the CSV line it came from, if any. */
export type Lined<T> = T & { line?: number | undefined };

export const DAPIL_ID = /^[A-Z0-9][A-Z0-9_.-]{0,39}$/;
export const MAX_DPT = 300;
const MAX_NAME = 200;
// Names are shown to the public and stored as text: printable, no surrounding
// whitespace, well-formed Unicode.
const BAD_NAME = /[\p{Cc}\p{Cs}]|^\s|\s$/u;

export function nameProblem(name: unknown, what = 'name'): string | null {
  if (typeof name !== 'string' || name === '') return `${what} is empty`;
  if (name.length > MAX_NAME) return `${what} is longer than ${MAX_NAME} characters`;
  if (BAD_NAME.test(name)) return `${what} has surrounding whitespace or an unprintable character`;
  return null;
}

/**
 * The level of an area code a dataset row may hold (neither 'ID', which is part
 * of the schema, nor a TPS, which has a file section of its own). The code's rules
 * are policies/areas.ts's, the one definition.
 */
export function storedLevelOf(code: string): StoredAreaLevel | undefined {
  const level = areaLevelOf(code);
  return level === 'nasional' || level === 'tps' ? undefined : level;
}

const issue = (line: number | undefined, message: string): RegistryIssue =>
  line === undefined ? { message } : { line, message };

/**
 * Areas and TPS to be added to `base` (the stored registry, or none): codes well
 * formed for their level, parents present (already or in the same load), no
 * duplicates, TPS numbers 001–999 and DPT 0–300.
 */
export function checkAreas(
  areas: readonly Lined<AreaRow>[],
  tps: readonly Lined<{ code: string; dpt: number }>[],
  base: Registry | undefined,
): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const seen = new Map<string, number | undefined>();
  const newLevel = new Map<string, StoredAreaLevel>();
  for (const a of areas) {
    const level = storedLevelOf(a.code);
    if (!level || level !== a.level) {
      out.push(issue(a.line, `${JSON.stringify(a.code)} is not a well-formed ${a.level} code`));
      continue;
    }
    if (a.parent !== parentArea(a.code))
      out.push(issue(a.line, `${a.code}: parent must be ${parentArea(a.code)}`));
    const n = nameProblem(a.name);
    if (n) out.push(issue(a.line, `${a.code}: ${n}`));
    if (seen.has(a.code))
      out.push(issue(a.line, `${a.code} is listed twice${lineRef(seen.get(a.code))}`));
    else if (base?.area(a.code)) out.push(issue(a.line, `${a.code} already exists`));
    seen.set(a.code, a.line);
    newLevel.set(a.code, level);
  }
  const exists = (code: string) => code === 'ID' || newLevel.has(code) || !!base?.area(code);
  for (const a of areas)
    if (newLevel.has(a.code) && !exists(a.parent))
      out.push(issue(a.line, `${a.code}: parent ${a.parent} does not exist`));
  for (const t of tps) {
    if (!isTpsCode(t.code)) {
      out.push(issue(t.line, `${JSON.stringify(t.code)} is not a TPS code (desa + 001–999)`));
      continue;
    }
    const desa = parentArea(t.code)!;
    if (newLevel.get(desa) !== 'desa' && base?.area(desa)?.level !== 'desa')
      out.push(issue(t.line, `${t.code}: desa ${desa} does not exist`));
    if (!Number.isSafeInteger(t.dpt) || t.dpt < 0 || t.dpt > MAX_DPT)
      out.push(issue(t.line, `${t.code}: DPT must be an integer in 0..${MAX_DPT}`));
    if (seen.has(t.code))
      out.push(issue(t.line, `${t.code} is listed twice${lineRef(seen.get(t.code))}`));
    else if (base?.hasTps(t.code)) out.push(issue(t.line, `${t.code} already exists`));
    seen.set(t.code, t.line);
  }
  return out;
}

/** The generator's columnar TPS against its own areas. */
export function checkTpsTable(t: TpsTable, areas: readonly AreaRow[]): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const desa = new Set(areas.filter((a) => a.level === 'desa').map((a) => a.code));
  const seen = new Set<string>();
  let slot = 0;
  for (let i = 0; i < t.desa.length; i++) {
    const code = t.desa[i]!;
    if (!desa.has(code)) out.push({ message: `TPS of unknown desa ${code}` });
    if (seen.has(code)) out.push({ message: `desa ${code} appears twice among TPS` });
    seen.add(code);
    const n = t.count[i]!;
    if (n < 1 || n > 999) out.push({ message: `desa ${code}: ${n} TPS slots (1..999)` });
    for (let k = 0; k < n; k++, slot++) {
      const dpt = t.dpt[slot];
      if (dpt === undefined || (dpt !== NO_TPS && dpt > MAX_DPT))
        out.push({ message: `TPS ${code}${String(k + 1).padStart(3, '0')}: DPT ${dpt}` });
    }
  }
  if (slot !== t.dpt.length) out.push({ message: 'TPS slot count and DPT array disagree' });
  return out;
}

/**
 * Dapil to be added to `base` (which must already hold their areas): seats in
 * the contest's bounds, members of an allowed level inside one region, no area
 * in two dapil of a contest (nor an area and its ancestor), and every kecamatan
 * of each region the load touches covered — a file brings whole provinces (whole
 * kab/kota for DPRD_KABKOTA), never half of one.
 */
export function checkDapil(
  rows: readonly DapilRow[],
  base: Registry,
  lineOf: (dapil: string, area?: string) => number | undefined = () => undefined,
): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const members = new Map<string, Map<string, string>>(); // contest → area → dapil
  const touched = new Map<string, Set<string>>(); // contest → regions
  for (const contest of DAPIL_CONTESTS) {
    const m = new Map<string, string>();
    for (const d of base.dapils(contest)) {
      for (const a of d.areas) m.set(a, d.id);
      names.add(`${contest}\0${d.name}`);
    }
    members.set(contest, m);
    touched.set(contest, new Set());
  }
  for (const d of rows) {
    const line = lineOf(d.id);
    if (!DAPIL_ID.test(d.id))
      out.push(issue(line, `dapil id ${JSON.stringify(d.id)} must match ${DAPIL_ID.source}`));
    if (ids.has(d.id) || base.dapil(d.id)) out.push(issue(line, `dapil ${d.id} already exists`));
    ids.add(d.id);
    // Rows may come from outside TypeScript (a parsed file): check the union anyway.
    if (!isDapilContest(d.contest)) {
      out.push(issue(line, `${d.id}: contest must be ${DAPIL_CONTESTS.join(', ')}`));
      continue;
    }
    const info = CONTESTS[d.contest];
    const n = nameProblem(d.name);
    if (n) out.push(issue(line, `${d.id}: ${n}`));
    if (names.has(`${d.contest}\0${d.name}`))
      out.push(
        issue(line, `${d.id}: another ${d.contest} dapil is named ${JSON.stringify(d.name)}`),
      );
    names.add(`${d.contest}\0${d.name}`);
    const { min, max } = info.seats!;
    if (!Number.isSafeInteger(d.seats) || d.seats < min || d.seats > max)
      out.push(issue(line, `${d.id}: ${d.contest} dapil have ${min}–${max} seats, not ${d.seats}`));
    if (d.areas.length === 0) out.push(issue(line, `${d.id}: no member areas`));
    const regionOk = areaLevelOf(d.region) === info.region && base.area(d.region) !== undefined;
    if (!regionOk) out.push(issue(line, `${d.id}: region ${d.region} is not a ${info.region}`));
    if (d.contest === 'DPRD_KABKOTA' && d.region.startsWith(NO_DPRD_KABKOTA_PROVINCE))
      out.push(issue(line, `${d.id}: DKI Jakarta has no DPRD Kabupaten/Kota`));
    // (Coverage is judged only for real regions: a wrong one is reported above.)
    if (regionOk) touched.get(d.contest)!.add(d.region);
    const m = members.get(d.contest)!;
    for (const a of d.areas) {
      const aLine = lineOf(d.id, a) ?? line;
      const level = base.area(a)?.level;
      if (level === undefined) {
        out.push(issue(aLine, `${d.id}: area ${a} does not exist`));
        continue;
      }
      if (!(info.memberLevels as readonly string[]).includes(level))
        out.push(
          issue(aLine, `${d.id}: a ${d.contest} dapil cannot have a ${level} (${a}) as member`),
        );
      if (!a.startsWith(d.region))
        out.push(issue(aLine, `${d.id}: area ${a} lies outside the dapil's region ${d.region}`));
      if (d.contest === 'DPD' && a !== d.region)
        out.push(issue(aLine, `${d.id}: a DPD dapil is exactly its province`));
      const other = m.get(a);
      if (other !== undefined)
        out.push(issue(aLine, `${d.id}: area ${a} is already in ${d.contest} dapil ${other}`));
      else m.set(a, d.id);
    }
  }
  // No member may lie inside another member of the same contest.
  for (const [contest, m] of members) {
    for (const [a, id] of m) {
      for (const p of areaAncestors(a).slice(0, -1)) {
        const outer = m.get(p);
        if (outer !== undefined)
          out.push(
            issue(
              lineOf(id, a),
              `${id}: area ${a} lies inside ${p}, a member of ${contest} dapil ${outer}`,
            ),
          );
      }
    }
    // Coverage: every kecamatan of a touched region is in exactly one dapil.
    for (const region of touched.get(contest)!) {
      for (const kec of kecamatanIn(base, region)) {
        if (!m.has(kec) && !areaAncestors(kec).some((a) => m.has(a)))
          out.push({ message: `${contest}: kecamatan ${kec} of ${region} is in no dapil` });
      }
    }
  }
  // DPD: one dapil per province.
  const dpdRegions = new Set(base.dapils('DPD').map((d) => d.region));
  for (const d of rows) {
    if (d.contest !== 'DPD') continue;
    if (dpdRegions.has(d.region))
      out.push(issue(lineOf(d.id), `${d.id}: province ${d.region} already has a DPD dapil`));
    dpdRegions.add(d.region);
  }
  return out;
}

function* kecamatanIn(base: Registry, code: string): Generator<string> {
  for (const child of base.children(code)) {
    if (child.length === 6) yield child;
    else if (child.length < 6) yield* kecamatanIn(base, child);
  }
}

export function checkParties(rows: readonly Lined<PartyRow>[], base?: Registry): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const numbers = new Set(base?.parties().map((p) => p.number));
  const names = new Set(base?.parties().flatMap((p) => [`n${p.name}`, `a${p.abbreviation}`]));
  for (const p of rows) {
    if (!Number.isSafeInteger(p.number) || p.number < 1 || p.number > 99)
      out.push(issue(p.line, `party number ${p.number} is not in 1..99`));
    if (numbers.has(p.number)) out.push(issue(p.line, `party number ${p.number} is taken`));
    numbers.add(p.number);
    for (const [key, v, what] of [
      ['n', p.name, 'name'],
      ['a', p.abbreviation, 'abbreviation'],
    ] as const) {
      const n = nameProblem(v, what);
      if (n) out.push(issue(p.line, `party ${p.number}: ${n}`));
      if (names.has(key + v)) out.push(issue(p.line, `party ${p.number}: ${what} ${v} is taken`));
      names.add(key + v);
    }
    if (p.abbreviation.length > 20)
      out.push(issue(p.line, `party ${p.number}: abbreviation longer than 20 characters`));
    if (p.scope !== 'ID' && p.scope !== ACEH)
      out.push(issue(p.line, `party ${p.number}: scope must be ID (national) or ${ACEH} (Aceh)`));
  }
  return out;
}

/**
 * Candidates against the dapil and parties of `base` plus `parties`: the right
 * contest for the dapil, a party for DPR/DPRD and none for DPD, local parties
 * only for DPRD seats in Aceh, ballot numbers 1..n without gaps per list, and no
 * list longer than the dapil's seats (Art. 244).
 */
export function checkCandidates(
  rows: readonly Lined<CandidateRow>[],
  base: Registry,
  extraParties: readonly PartyRow[] = [],
): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const parties = new Map([...base.parties(), ...extraParties].map((p) => [p.number, p]));
  const lists = new Map<string, Lined<CandidateRow>[]>();
  for (const c of rows) {
    const who = `${c.dapil} ${c.party ?? 'DPD'}.${c.number}`;
    const d = base.dapil(c.dapil);
    if (!d) {
      out.push(issue(c.line, `${who}: dapil ${c.dapil} does not exist`));
      continue;
    }
    if (d.contest !== c.contest)
      out.push(issue(c.line, `${who}: dapil ${c.dapil} is a ${d.contest} dapil, not ${c.contest}`));
    if (c.contest === 'DPD') {
      if (c.party !== null) out.push(issue(c.line, `${who}: DPD candidates have no party`));
    } else {
      const p = c.party === null ? undefined : parties.get(c.party);
      if (!p) out.push(issue(c.line, `${who}: party ${c.party} does not exist`));
      else if (
        p.scope !== 'ID' &&
        !(
          d.region.startsWith(p.scope) &&
          (c.contest === 'DPRD_PROV' || c.contest === 'DPRD_KABKOTA')
        )
      )
        out.push(
          issue(c.line, `${who}: local party ${p.number} stands only for DPRD seats in Aceh`),
        );
    }
    if (!Number.isSafeInteger(c.number) || c.number < 1 || c.number > 999)
      out.push(issue(c.line, `${who}: ballot number must be in 1..999`));
    const n = nameProblem(c.name);
    if (n) out.push(issue(c.line, `${who}: ${n}`));
    if (c.sex !== 'L' && c.sex !== 'P') out.push(issue(c.line, `${who}: sex must be L or P`));
    const key = `${c.dapil}\0${c.party}`;
    const list = lists.get(key) ?? [];
    list.push(c);
    lists.set(key, list);
  }
  for (const list of lists.values()) {
    const first = list[0]!;
    const d = base.dapil(first.dapil)!;
    const what =
      first.party === null ? `DPD candidates of ${d.id}` : `party ${first.party} in ${d.id}`;
    const numbers = list.map((c) => c.number).sort((a, b) => a - b);
    if (numbers.some((n, i) => n !== i + 1))
      out.push(
        issue(
          first.line,
          `${what}: ballot numbers must be 1..${list.length} without gaps or repeats`,
        ),
      );
    if (first.party !== null && list.length > d.seats)
      out.push(issue(first.line, `${what}: ${list.length} candidates for ${d.seats} seats`));
  }
  return out;
}

export function checkPairs(rows: readonly Lined<PairRow>[], base?: Registry): RegistryIssue[] {
  const out: RegistryIssue[] = [];
  const all = [...(base?.pairs() ?? []), ...rows];
  for (const p of rows) {
    for (const [v, what] of [
      [p.president, 'president'],
      [p.vicePresident, 'vice president'],
    ] as const) {
      const n = nameProblem(v, what);
      if (n) out.push(issue(p.line, `pair ${p.number}: ${n}`));
    }
  }
  const numbers = all.map((p) => p.number).sort((a, b) => a - b);
  if (numbers.some((n, i) => n !== i + 1))
    out.push({ message: `pair numbers must be 1..${numbers.length} without gaps or repeats` });
  return out;
}

function lineRef(line: number | undefined): string {
  return line === undefined ? '' : ` (first at line ${line})`;
}
