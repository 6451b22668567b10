// Loading a generated election: rows stored, one log entry per dataset in the same
// transaction, and each entry's sha256 recomputable from the stored rows alone.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize } from '../../../ledger/index.ts';
import { type FreshDb, freshDb } from '../../../test/fresh-db.ts';
import {
  DATASETS,
  generateElection,
  type LoadResult,
  loadElection,
  Registry,
  RegistryError,
  readElection,
  registryIsEmpty,
} from './index.ts';

const election = generateElection({ scale: 'province', seed: 'load-test' });

// One database for the tests that build on a loaded election (a fresh migrated
// database costs seconds on PGlite); the rollback test gets its own.
let loaded: FreshDb;
let result: LoadResult;
const at = new Date('2024-01-02T03:04:05Z');
beforeAll(async () => {
  loaded = await freshDb();
  expect(await registryIsEmpty(loaded.db)).toBe(true);
  result = await loadElection(loaded.db, election, { at });
});
afterAll(async () => {
  await loaded.drop();
});

/** The spec's hash, computed from database rows without the registry's own code. */
function specSha256(rows: Record<string, unknown>[]): string {
  const sorted = [...rows].sort((a, b) => {
    const x = canonicalize(a);
    const y = canonicalize(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return createHash('sha256').update(canonicalBytes(sorted)).digest('hex');
}

async function storedRows(db: FreshDb['db']): Promise<Record<string, Record<string, unknown>[]>> {
  const q = (sql: string) => db.query<Record<string, unknown>>(sql);
  return {
    areas: await q("SELECT code, level, name, parent FROM registry_areas WHERE code <> 'ID'"),
    tps: await q('SELECT code, dpt FROM registry_tps'),
    dapil: await q(
      `SELECT d.id, d.contest, d.name, d.seats, d.region, array_agg(a.area ORDER BY a.area) AS areas
         FROM registry_dapil d JOIN registry_dapil_areas a ON a.dapil = d.id GROUP BY d.id`,
    ),
    parties: await q('SELECT number, name, abbreviation, scope FROM registry_parties'),
    candidates: await q('SELECT contest, dapil, party, number, name, sex FROM registry_candidates'),
    pairs: await q(
      'SELECT number, president, vice_president AS "vicePresident" FROM registry_pairs',
    ),
  };
}

describe('loadElection', () => {
  it('stores the election and appends one entry per dataset whose sha256 matches the rows', async () => {
    const { db } = loaded;
    expect(result.loads.map((l) => l.dataset)).toEqual([...DATASETS]);
    expect(await registryIsEmpty(db)).toBe(false);

    const entries = await db.query<{ id: number; entry: Uint8Array }>(
      'SELECT id, entry FROM ledger_pending WHERE id = ANY($1) ORDER BY id',
      [result.pendingIds],
    );
    const rows = await storedRows(db);
    expect(entries).toHaveLength(DATASETS.length);
    for (const [i, e] of entries.entries()) {
      const entry = JSON.parse(Buffer.from(e.entry).toString('utf8'));
      const dataset = DATASETS[i]!;
      expect(entry).toEqual({
        v: 1,
        kind: `registry.${dataset}.loaded`,
        subject: `registry:${dataset}`,
        seq: 1,
        prev: null,
        // The log's one spelling of `at`: whole seconds (ledger/subject-log/at.ts).
        at: '2024-01-02T03:04:05Z',
        actor: { id: 'saksi', role: 'SYSTEM' },
        payload: { dataset, rows: rows[dataset]!.length, sha256: specSha256(rows[dataset]!) },
      });
    }
    expect(rows.tps).toHaveLength(election.tps.dpt.length);
    const versions = await db.query<{ subject: string; pending_id: number }>(
      "SELECT subject, pending_id FROM subject_versions WHERE subject LIKE 'registry:%' ORDER BY pending_id",
    );
    expect(versions.map((v) => v.pending_id)).toEqual(result.pendingIds);
  });

  it('reads back what it stored (the database is the generator output, row for row)', async () => {
    const back = await readElection(loaded.db);
    expect(back.tps.desa).toEqual(election.tps.desa);
    expect([...back.tps.dpt]).toEqual([...election.tps.dpt]);
    expect(back.candidates.length).toBe(election.candidates.length);
    const fromDb = await Registry.load(loaded.db);
    const inMemory = Registry.fromData(election);
    for (const tps of fromDb.tpsIn('31')) {
      expect(fromDb.dptOf(tps)).toBe(inMemory.dptOf(tps));
      for (const c of fromDb.contestsAt(tps))
        expect(fromDb.ballotFor(c, tps)!.choices).toEqual(inMemory.ballotFor(c, tps)!.choices);
    }
  });

  it('refuses an invalid election and a second one, storing nothing', async () => {
    const { db } = loaded;
    const before = await db.query('SELECT count(*)::int AS n FROM ledger_pending');
    const broken = { ...election, dapil: election.dapil.filter((d) => d.contest !== 'DPD') };
    await expect(loadElection(db, broken)).rejects.toMatchObject({ code: 'INVALID_DATA' });
    expect(await db.query('SELECT count(*)::int AS n FROM ledger_pending')).toEqual(before);
    const again = await loadElection(db, election).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RegistryError);
    expect((again as RegistryError).code).toBe('REGISTRY_NOT_EMPTY');
    expect(await db.query('SELECT count(*)::int AS n FROM ledger_pending')).toEqual(before);
  });

  it('rolls the rows back when the log entry cannot be written (one transaction)', async () => {
    const fresh = await freshDb();
    const { db } = fresh;
    // A storage double that fails on cue: the rows are in, the entry's version is not.
    const failing: typeof db = {
      ...db,
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({
            exec: (text) => tx.exec(text),
            query: (text, params) =>
              text.includes('INSERT INTO subject_versions')
                ? Promise.reject(new Error('injected failure'))
                : tx.query(text, params),
          }),
        ),
    };
    await expect(loadElection(failing, election)).rejects.toThrow('injected failure');
    expect(await registryIsEmpty(db)).toBe(true);
    expect(await db.query('SELECT count(*)::int AS n FROM ledger_pending')).toEqual([{ n: 0 }]);
    await fresh.drop();
  });
});
