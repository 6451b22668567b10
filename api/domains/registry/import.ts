/**
 * CSV imports into the registry (formats in README.md "CSV import"). Each import
 * is one transaction: parse strictly, check every row against the file and the
 * stored registry, insert, and append the dataset entries; any problem refuses the
 * whole file with line-numbered issues and stores nothing.
 *
 * The file is untrusted (an officer's spreadsheet): every field is checked for
 * form before use, and the database constraints check again.
 */
import { type Db, type EntryActor, type Sql, SYSTEM_ACTOR } from '../../../ledger/index.ts';
import { CODE_LENGTH, enclosingArea, parentArea, tpsName } from '../../../policies/areas.ts';
import { CONTESTS, DAPIL_CONTESTS, isDapilContest } from './contests.ts';
import { type CsvResult, expectColumns, parseCsv, parseDecimal } from './csv.ts';
import {
  areaJson,
  candidateJson,
  type DatasetLoad,
  dapilJson,
  digestCanonical,
  digestRows,
  pairJson,
  partyJson,
  recordLoads,
  rowCanonical,
} from './datasets.ts';
import { Registry } from './registry.ts';
import {
  checkAreas,
  checkCandidates,
  checkDapil,
  checkPairs,
  checkParties,
  type Lined,
  storedLevelOf,
} from './rules.ts';
import {
  type AreaRow,
  type CandidateRow,
  type DapilRow,
  type PairRow,
  type PartyRow,
  RegistryError,
  type RegistryIssue,
  type TpsRow,
} from './schemas.ts';
import { refreshShared } from './shared.ts';
import {
  insertAreas,
  insertCandidates,
  insertDapil,
  insertPairs,
  insertParties,
  insertTpsRows,
  lockRegistry,
} from './store.ts';

export interface ImportResult {
  loads: DatasetLoad[];
  pendingIds: number[];
}

export interface ImportOptions {
  /** Who imports (default: the system actor). */
  actor?: EntryActor;
  /** Why, for a dataset's second and later loads. */
  reason?: string;
}

function refuse(issues: RegistryIssue[]): never {
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new RegistryError('INVALID_CSV', 'the file was refused; nothing was stored', sorted);
}

/**
 * Parses, then in one transaction (under the registry lock) checks against what
 * is stored, inserts and records.
 */
async function runImport(
  db: Db,
  opts: ImportOptions,
  check: (base: Registry, tx: Sql) => RegistryIssue[] | Promise<RegistryIssue[]>,
  store: (tx: Sql) => Promise<DatasetLoad[]>,
): Promise<ImportResult> {
  const result = await db.transaction(async (tx) => {
    await lockRegistry(tx);
    const base = await Registry.load(tx);
    const issues = await check(base, tx);
    if (issues.length > 0) refuse(issues);
    const loads = (await store(tx)).filter((l) => l.rows > 0);
    const pendingIds = await recordLoads(tx, loads, opts.actor ?? SYSTEM_ACTOR, {
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    return { loads, pendingIds };
  });
  await refreshShared(db);
  return result;
}

function parsed(text: string, columns: readonly (readonly string[])[]): CsvResult {
  const csv = parseCsv(text);
  if (csv.issues.length === 0) expectColumns(csv, columns);
  if (csv.issues.length > 0) refuse(csv.issues);
  return csv;
}

// ---------------------------------------------------------------------------
// Areas and TPS: `code,name` or `code,name,dpt`

/**
 * Rows of an areas file; rows with a problem of form are reported in `issues`
 * and left out (so that checking the rest does not report them twice).
 */
export function parseAreasCsv(text: string): {
  areas: Lined<AreaRow>[];
  tps: Lined<TpsRow>[];
  issues: RegistryIssue[];
} {
  const csv = parsed(text, [
    ['code', 'name'],
    ['code', 'name', 'dpt'],
  ]);
  const issues: RegistryIssue[] = [];
  const areas: Lined<AreaRow>[] = [];
  const tps: Lined<TpsRow>[] = [];
  for (const { line, fields } of csv.records) {
    const [code = '', name = '', dptText = ''] = fields;
    if (code.length === CODE_LENGTH.tps) {
      const dpt = parseDecimal(dptText);
      if (dpt === null) issues.push({ line, message: `${code}: dpt must be a plain decimal` });
      // A TPS is named by its number only; the column may repeat that name.
      if (name !== '' && name !== tpsName(code))
        issues.push({
          line,
          message: `${code}: a TPS name must be empty or "${tpsName(code)}"`,
        });
      tps.push({ line, code, dpt: dpt ?? -1 });
      continue;
    }
    const level = storedLevelOf(code);
    if (!level) {
      issues.push({
        line,
        message: `${JSON.stringify(code)} is not an area code (2, 4, 6, 10 or 13 digits, no all-zero part)`,
      });
      continue;
    }
    if (dptText !== '') issues.push({ line, message: `${code}: only TPS rows have a dpt` });
    else areas.push({ line, code, level, parent: parentArea(code)!, name });
  }
  return { areas, tps, issues };
}

export async function importAreasCsv(
  db: Db,
  text: string,
  actor?: EntryActor,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const { areas, tps, issues } = parseAreasCsv(text);
  return runImport(
    db,
    { ...opts, ...(actor ? { actor } : {}) },
    (base) => [...issues, ...checkAreas(areas, tps, base)],
    async (tx) => {
      await insertAreas(tx, areas);
      await insertTpsRows(tx, tps);
      return [
        digestRows('areas', areas, areaJson),
        digestCanonical(
          'tps',
          tps.map((t) => rowCanonical({ code: t.code, dpt: t.dpt })),
        ),
      ];
    },
  );
}

// ---------------------------------------------------------------------------
// Dapil: `contest,dapil,name,seats,area_code`, one row per member area

export function parseDapilCsv(text: string): {
  dapil: DapilRow[];
  lineOf: (dapil: string, area?: string) => number | undefined;
} {
  const csv = parsed(text, [['contest', 'dapil', 'name', 'seats', 'area_code']]);
  const issues: RegistryIssue[] = [];
  const byId = new Map<string, DapilRow>();
  const lines = new Map<string, number>();
  for (const { line, fields } of csv.records) {
    const [contest = '', id = '', name = '', seatsText = '', area = ''] = fields;
    const seats = parseDecimal(seatsText);
    if (!isDapilContest(contest)) {
      issues.push({
        line,
        message: `contest must be ${DAPIL_CONTESTS.join(', ')}, not ${JSON.stringify(contest)}`,
      });
      continue;
    }
    if (seats === null) issues.push({ line, message: `seats must be a plain decimal` });
    const level = storedLevelOf(area);
    if (!level) {
      issues.push({ line, message: `${JSON.stringify(area)} is not an area code` });
      continue;
    }
    const region = enclosingArea(area, CONTESTS[contest].region ?? 'provinsi') ?? area;
    const d = byId.get(id);
    if (!d) {
      byId.set(id, { id, contest, name, seats: seats ?? 0, region, areas: [area] });
      lines.set(id, line);
    } else {
      if (d.contest !== contest || d.name !== name || d.seats !== seats)
        issues.push({
          line,
          message: `${id}: contest, name and seats differ from line ${lines.get(id)}`,
        });
      if (d.region !== region)
        issues.push({
          line,
          message: `${id}: area ${area} is not in ${d.region} like the dapil's other areas`,
        });
      if (d.areas.includes(area))
        issues.push({ line, message: `${id}: area ${area} is listed twice` });
      else d.areas.push(area);
    }
    lines.set(`${id}\0${area}`, line);
  }
  if (issues.length > 0) refuse(issues);
  for (const d of byId.values()) d.areas.sort();
  return {
    dapil: [...byId.values()],
    lineOf: (dapil, area) => lines.get(area === undefined ? dapil : `${dapil}\0${area}`),
  };
}

export async function importDapilCsv(
  db: Db,
  text: string,
  actor?: EntryActor,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const { dapil, lineOf } = parseDapilCsv(text);
  return runImport(
    db,
    { ...opts, ...(actor ? { actor } : {}) },
    (base) => checkDapil(dapil, base, lineOf),
    async (tx) => {
      await insertDapil(tx, dapil);
      return [digestRows('dapil', dapil, dapilJson)];
    },
  );
}

// ---------------------------------------------------------------------------
// Parties `number,name,abbreviation,scope`; candidates
// `contest,dapil,party,number,name,sex`; pairs `number,president,vice_president`

export async function importPartiesCsv(
  db: Db,
  text: string,
  actor?: EntryActor,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const csv = parsed(text, [['number', 'name', 'abbreviation', 'scope']]);
  const rows: Lined<PartyRow>[] = csv.records.map(
    ({ line, fields: [n = '', name = '', abbreviation = '', scope = ''] }) => ({
      line,
      number: parseDecimal(n) ?? -1,
      name,
      abbreviation,
      scope,
    }),
  );
  return runImport(
    db,
    { ...opts, ...(actor ? { actor } : {}) },
    (base) => checkParties(rows, base),
    async (tx) => {
      await insertParties(tx, rows);
      return [digestRows('parties', rows, partyJson)];
    },
  );
}

export async function importCandidatesCsv(
  db: Db,
  text: string,
  actor?: EntryActor,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const csv = parsed(text, [['contest', 'dapil', 'party', 'number', 'name', 'sex']]);
  const issues: RegistryIssue[] = [];
  const rows: Lined<CandidateRow>[] = [];
  for (const { line, fields } of csv.records) {
    const [contest = '', dapil = '', party = '', number = '', name = '', sex = ''] = fields;
    if (!isDapilContest(contest)) {
      issues.push({
        line,
        message: `contest must be ${DAPIL_CONTESTS.join(', ')}, not ${JSON.stringify(contest)}`,
      });
      continue;
    }
    const partyNo = party === '' ? null : parseDecimal(party);
    if (party !== '' && partyNo === null)
      issues.push({ line, message: 'party must be a plain decimal or empty' });
    rows.push({
      line,
      contest,
      dapil,
      party: partyNo,
      number: parseDecimal(number) ?? -1,
      name,
      sex: sex as 'L' | 'P',
    });
  }
  if (issues.length > 0) refuse(issues);
  return runImport(
    db,
    { ...opts, ...(actor ? { actor } : {}) },
    // Lists are checked whole: with what is already stored on the same lists.
    async (base, tx) => checkCandidates([...rows, ...(await storedCandidates(tx, rows))], base),
    async (tx) => {
      await insertCandidates(tx, rows);
      return [digestRows('candidates', rows, candidateJson)];
    },
  );
}

/** Stored candidates on the lists `rows` add to. */
async function storedCandidates(tx: Sql, rows: readonly CandidateRow[]): Promise<CandidateRow[]> {
  const lists = new Set(rows.map((r) => `${r.dapil}\0${r.party}`));
  const stored = await tx.query<CandidateRow>(
    'SELECT contest, dapil, party, number, name, sex FROM registry_candidates WHERE dapil = ANY($1)',
    [[...new Set(rows.map((r) => r.dapil))]],
  );
  return stored.filter((c) => lists.has(`${c.dapil}\0${c.party}`));
}

export async function importPairsCsv(
  db: Db,
  text: string,
  actor?: EntryActor,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const csv = parsed(text, [['number', 'president', 'vice_president']]);
  const rows: Lined<PairRow>[] = csv.records.map(
    ({ line, fields: [n = '', president = '', vicePresident = ''] }) => ({
      line,
      number: parseDecimal(n) ?? -1,
      president,
      vicePresident,
    }),
  );
  return runImport(
    db,
    { ...opts, ...(actor ? { actor } : {}) },
    (base) => checkPairs(rows, base),
    async (tx) => {
      await insertPairs(tx, rows);
      return [digestRows('pairs', rows, pairJson)];
    },
  );
}
