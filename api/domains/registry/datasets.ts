/**
 * What the log holds for the registry: one entry per dataset per load, of kind
 * `registry.<dataset>.loaded`, subject `registry:<dataset>`, payload
 * `{dataset, rows, sha256}`. The hash is SHA-256 over the RFC 8785 canonical JSON
 * of the loaded rows as one array, the rows sorted by their own canonical JSON
 * (UTF-16 code-unit order, as RFC 8785 sorts keys) — so anyone holding the rows
 * (an open-data export, the database) can recompute it, whatever order they came in.
 */
import { createHash } from 'node:crypto';
import {
  appendVersions,
  canonicalAt,
  canonicalize,
  type EntryActor,
  latestVersions,
  lockSubjects,
  type Sql,
  SYSTEM_ACTOR,
  type VersionDraft,
} from '../../../ledger/index.ts';
import {
  type AreaRow,
  type CandidateRow,
  type DapilRow,
  type Dataset,
  type ElectionData,
  NO_TPS,
  type PairRow,
  type PartyRow,
  type TpsTable,
} from './schemas.ts';

export interface DatasetLoad {
  dataset: Dataset;
  rows: number;
  /** Lower-case hex. */
  sha256: string;
}

// The JSON object each row is hashed as. Field names are the public, documented
// ones (README.md "Dataset entries"); keys are listed in sorted order (see
// rowCanonical).
export const areaJson = (r: AreaRow) => ({
  code: r.code,
  level: r.level,
  name: r.name,
  parent: r.parent,
});
export const dapilJson = (r: DapilRow) => ({
  areas: [...r.areas].sort(),
  contest: r.contest,
  id: r.id,
  name: r.name,
  region: r.region,
  seats: r.seats,
});
export const partyJson = (r: PartyRow) => ({
  abbreviation: r.abbreviation,
  name: r.name,
  number: r.number,
  scope: r.scope,
});
export const candidateJson = (r: CandidateRow) => ({
  contest: r.contest,
  dapil: r.dapil,
  name: r.name,
  number: r.number,
  party: r.party,
  sex: r.sex,
});
export const pairJson = (r: PairRow) => ({
  number: r.number,
  president: r.president,
  vicePresident: r.vicePresident,
});

type RowJson = Record<string, string | number | null | string[]>;

/**
 * RFC 8785 text of one row object. For an object whose keys were inserted in
 * sorted order and whose values are well-formed strings, safe integers, null or
 * arrays of strings, JSON.stringify writes exactly the RFC 8785 form (§3.2.2
 * adopts ECMAScript's serialisation of strings and numbers), several times faster
 * than the general canonicalize(); rows that are anything else go through
 * canonicalize(), which also refuses what has no canonical form. A test compares
 * the two on every row kind.
 */
export function rowCanonical(row: RowJson): string {
  let prev = '';
  for (const k in row) {
    const v = row[k];
    if (k < prev || !(typeof v === 'string' ? wellFormed(v) : plainValue(v)))
      return canonicalize(row);
    prev = k;
  }
  return JSON.stringify(row);
}

// A lone surrogate has no UTF-8 form and hence no canonical JSON.
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

function plainValue(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && wellFormed(x));
}

/**
 * The canonical JSON of each TPS row `{code, dpt}`. Written out by hand for
 * speed (823,220 rows): the code is 13 digits and dpt a small integer, so this
 * is exactly what canonicalize() produces (a test checks it).
 */
export function tpsCanonical(t: TpsTable): string[] {
  const out: string[] = [];
  let slot = 0;
  for (let i = 0; i < t.desa.length; i++) {
    const prefix = `{"code":"${t.desa[i]}`;
    for (let n = 1; n <= t.count[i]!; n++, slot++) {
      const dpt = t.dpt[slot]!;
      if (dpt === NO_TPS) continue;
      out.push(`${prefix}${String(n).padStart(3, '0')}","dpt":${dpt}}`);
    }
  }
  return out;
}

/** {rows, sha256} of rows given as their canonical JSON strings (sorted here). */
export function digestCanonical(dataset: Dataset, canonical: string[]): DatasetLoad {
  let sorted = true;
  for (let i = 1; sorted && i < canonical.length; i++) sorted = canonical[i - 1]! <= canonical[i]!;
  if (!sorted) canonical.sort();
  const h = createHash('sha256');
  h.update('[');
  for (let i = 0; i < canonical.length; i++) {
    if (i > 0) h.update(',');
    h.update(canonical[i]!);
  }
  h.update(']');
  return { dataset, rows: canonical.length, sha256: h.digest('hex') };
}

export function digestRows<T>(dataset: Dataset, rows: readonly T[], json: (r: T) => RowJson) {
  return digestCanonical(
    dataset,
    rows.map((r) => rowCanonical(json(r))),
  );
}

/** The digest of every non-empty dataset of `data`, in DATASETS order. */
export function digestElection(data: ElectionData): DatasetLoad[] {
  const all = [
    digestRows('areas', data.areas, areaJson),
    digestCanonical('tps', tpsCanonical(data.tps)),
    digestRows('dapil', data.dapil, dapilJson),
    digestRows('parties', data.parties, partyJson),
    digestRows('candidates', data.candidates, candidateJson),
    digestRows('pairs', data.pairs, pairJson),
  ];
  return all.filter((d) => d.rows > 0);
}

/**
 * Appends one entry per load inside the caller's transaction (the one that
 * stored the rows), as the next version of `registry:<dataset>`. Returns the
 * pending ids.
 */
export async function recordLoads(
  tx: Sql,
  loads: readonly DatasetLoad[],
  actor: EntryActor = SYSTEM_ACTOR,
  opts: { at?: Date; reason?: string } = {},
): Promise<number[]> {
  const at = canonicalAt(opts.at);
  const subjects = loads.map((l) => `registry:${l.dataset}`);
  await lockSubjects(tx, subjects);
  const latest = await latestVersions(tx, subjects);
  const drafts = loads.map((load, i): VersionDraft => {
    const subject = subjects[i]!;
    const seq = (latest.get(subject)?.seq ?? 0) + 1;
    return {
      kind: `registry.${load.dataset}.loaded`,
      subject,
      seq,
      at,
      actor,
      payload: { dataset: load.dataset, rows: load.rows, sha256: load.sha256 },
      ...(seq > 1 ? { reason: opts.reason ?? 'further rows loaded' } : {}),
    };
  });
  return (await appendVersions(tx, drafts)).map((v) => v.pendingId);
}
