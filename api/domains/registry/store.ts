/**
 * Bulk inserts of registry rows: one multi-row statement per table per chunk of
 * 10,000 rows (arrays through `unnest`), so a national load of 823,220 TPS is 83
 * statements, not 823,220. Callers run these inside the transaction that also
 * records the load in the log (datasets.ts).
 */
import type { Sql } from '../../../ledger/index.ts';
import {
  type AreaRow,
  type CandidateRow,
  type DapilRow,
  NO_TPS,
  type PairRow,
  type PartyRow,
  type TpsRow,
  type TpsTable,
} from './schemas.ts';

export const CHUNK = 10_000;

/** Serialises registry loads: each validates against what is stored, then adds to it. */
const REGISTRY_LOCK = 0x52454749; // "REGI"

export async function lockRegistry(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
}

/** True when no dataset was ever loaded ('ID' and the contests come with the schema). */
export async function registryIsEmpty(db: Sql): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM registry_areas WHERE code <> 'ID' LIMIT 1) a)
          + (SELECT count(*) FROM (SELECT 1 FROM registry_parties LIMIT 1) p)
          + (SELECT count(*) FROM (SELECT 1 FROM registry_pairs LIMIT 1) q) AS n`,
  );
  return Number(row?.n ?? 0) === 0;
}

async function chunked<T>(
  rows: readonly T[],
  fn: (chunk: readonly T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

/** Areas, parents before children (sorted by level here). */
export async function insertAreas(tx: Sql, rows: readonly AreaRow[]): Promise<void> {
  const sorted = [...rows].sort((a, b) =>
    a.code.length !== b.code.length ? a.code.length - b.code.length : a.code < b.code ? -1 : 1,
  );
  await chunked(sorted, (c) =>
    tx.query(
      `INSERT INTO registry_areas (code, level, parent, name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [c.map((r) => r.code), c.map((r) => r.level), c.map((r) => r.parent), c.map((r) => r.name)],
    ),
  );
}

export async function insertTpsRows(tx: Sql, rows: readonly TpsRow[]): Promise<void> {
  await chunked(rows, (c) =>
    tx.query(
      `INSERT INTO registry_tps (code, desa, number, dpt)
       SELECT c, left(c, 10), right(c, 3)::smallint, d FROM unnest($1::text[], $2::int[]) AS u(c, d)`,
      [c.map((r) => r.code), c.map((r) => r.dpt)],
    ),
  );
}

/** The columnar TPS of a generated election, a chunk at a time (no row objects). */
export async function insertTpsTable(tx: Sql, t: TpsTable): Promise<void> {
  let codes: string[] = [];
  let dpts: number[] = [];
  const flush = async () => {
    if (codes.length === 0) return;
    await tx.query(
      `INSERT INTO registry_tps (code, desa, number, dpt)
       SELECT c, left(c, 10), right(c, 3)::smallint, d FROM unnest($1::text[], $2::int[]) AS u(c, d)`,
      [codes, dpts],
    );
    codes = [];
    dpts = [];
  };
  let slot = 0;
  for (let i = 0; i < t.desa.length; i++) {
    for (let n = 1; n <= t.count[i]!; n++, slot++) {
      if (t.dpt[slot] === NO_TPS) continue;
      codes.push(t.desa[i]! + String(n).padStart(3, '0'));
      dpts.push(t.dpt[slot]!);
      if (codes.length >= CHUNK) await flush();
    }
  }
  await flush();
}

export async function insertDapil(tx: Sql, rows: readonly DapilRow[]): Promise<void> {
  await chunked(rows, (c) =>
    tx.query(
      `INSERT INTO registry_dapil (id, contest, name, seats, region, province)
       SELECT i, c, n, s, r, left(r, 2) FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) AS u(i, c, n, s, r)`,
      [
        c.map((r) => r.id),
        c.map((r) => r.contest),
        c.map((r) => r.name),
        c.map((r) => r.seats),
        c.map((r) => r.region),
      ],
    ),
  );
  const members = rows.flatMap((d) =>
    d.areas.map((area) => ({ dapil: d.id, contest: d.contest, region: d.region, area })),
  );
  await chunked(members, (c) =>
    tx.query(
      `INSERT INTO registry_dapil_areas (dapil, contest, region, area)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [
        c.map((m) => m.dapil),
        c.map((m) => m.contest),
        c.map((m) => m.region),
        c.map((m) => m.area),
      ],
    ),
  );
}

export async function insertParties(tx: Sql, rows: readonly PartyRow[]): Promise<void> {
  await chunked(rows, (c) =>
    tx.query(
      `INSERT INTO registry_parties (number, name, abbreviation, scope)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])`,
      [
        c.map((r) => r.number),
        c.map((r) => r.name),
        c.map((r) => r.abbreviation),
        c.map((r) => r.scope),
      ],
    ),
  );
}

/**
 * Candidates; `province` (of the dapil) and `party_scope` are looked up from the
 * stored dapil and parties so that the table's foreign keys can check them.
 */
export async function insertCandidates(tx: Sql, rows: readonly CandidateRow[]): Promise<void> {
  await chunked(rows, (c) =>
    tx.query(
      `INSERT INTO registry_candidates (contest, dapil, province, party, party_scope, number, name, sex)
       SELECT u.contest, u.dapil, d.province, u.party, p.scope, u.number, u.name, u.sex
         FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[])
              AS u(contest, dapil, party, number, name, sex)
         LEFT JOIN registry_dapil d ON d.id = u.dapil
         LEFT JOIN registry_parties p ON p.number = u.party`,
      [
        c.map((r) => r.contest),
        c.map((r) => r.dapil),
        c.map((r) => r.party),
        c.map((r) => r.number),
        c.map((r) => r.name),
        c.map((r) => r.sex),
      ],
    ),
  );
}

export async function insertPairs(tx: Sql, rows: readonly PairRow[]): Promise<void> {
  await chunked(rows, (c) =>
    tx.query(
      `INSERT INTO registry_pairs (number, president, vice_president)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[])`,
      [c.map((r) => r.number), c.map((r) => r.president), c.map((r) => r.vicePresident)],
    ),
  );
}
