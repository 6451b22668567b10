// `saksi voters import` (import.ts): strict CSV in atomic batches through the
// subject log; a bad line names FILE:LINE and stores nothing of its batch; a
// re-run resumes after the last committed batch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalKeystore } from '../../../keys/index.ts';
import { detailsDigest, voterCommitment } from '../../../ledger/verifier/voters/index.ts';
import { type FreshDb, freshDb } from '../../../test/fresh-db.ts';
import {
  generateElection,
  loadElection,
  type Registry,
  refreshRegistry,
} from '../registry/index.ts';
import { openOpening, openPersonal, VoterKeys } from './crypto.ts';
import { csvFields, VOTER_CSV_HEADER } from './csv.ts';
import { importVoters } from './import.ts';

let fresh: FreshDb;
let keys: VoterKeys;
let registry: Registry;
let dir: string;

const HEADER = VOTER_CSV_HEADER.join(',');
/** A man born 5 March 1985 in kecamatan 317101, serial `n`. */
const line = (n: number, over: Partial<Record<string, string>> = {}) => {
  const f: Record<string, string> = {
    nik: `317101050385${String(n).padStart(4, '0')}`,
    kk: '3171010101100009',
    name: `"Budi ""Bud"" Santoso ${n}"`,
    birth_place: 'Jakarta',
    birth_date: '1985-03-05',
    sex: 'L',
    marital: 'S',
    address: '"Jl. Melati 3, RT 1"',
    disability: 'none',
    ektp: 'true',
    tps: '3171011001001',
    list: 'DPT',
    ...over,
  };
  return VOTER_CSV_HEADER.map((k) => f[k]).join(',');
};
const file = (name: string, lines: string[]) => {
  const f = join(dir, name);
  writeFileSync(f, `${[HEADER, ...lines].join('\n')}\n`);
  return f;
};
const count = async (t: string) =>
  Number((await fresh.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n);

beforeAll(async () => {
  fresh = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'saksi-voter-import-'));
  keys = new VoterKeys(await openLocalKeystore({ dir }));
  await loadElection(fresh.db, generateElection({ scale: 'province', seed: 7 }));
  registry = await refreshRegistry(fresh.db);
}, 60_000);
afterAll(async () => {
  await fresh?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the CSV line', () => {
  it('reads bare and quoted fields, and refuses what is not strict', () => {
    expect(csvFields('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(csvFields('a,b"c')).toEqual({ problem: 'field 2 has a quote but is not quoted' });
    expect(csvFields('"a')).toEqual({ problem: 'unterminated quoted field 1' });
    expect(csvFields('"a"b')).toEqual({ problem: 'field 1 has text after its closing quote' });
  });
});

describe('importing a register', () => {
  it('imports every record as its own log entry, in batches', async () => {
    const f = file(
      'ok.csv',
      [1, 2, 3, 4, 5].map((n) => line(n)),
    );
    const r = await importVoters({ db: fresh.db, keys, registry, file: f, batchSize: 2 });
    expect(r).toMatchObject({ ok: true, records: 5 });
    expect(await count('voters')).toBe(5);
    expect(await count('voter_changes')).toBe(5);
    expect(
      await count(
        "subject_versions WHERE kind = 'voters.voter.registered' AND subject LIKE 'voter:%'",
      ),
    ).toBe(5);
  });

  it('seals each record so it opens, and its commitment recomputes with the verifier', async () => {
    const rows = await fresh.db.query<{
      subject: string;
      kek_label: string;
      dek: Uint8Array;
      personal: Uint8Array;
      tps: string;
      list: string;
      opening: Uint8Array;
      commitment: Uint8Array;
      entry: Uint8Array;
    }>(
      `SELECT v.subject, v.kek_label, v.dek, v.personal, v.tps, v.list, s.sealed AS opening,
              c.commitment, p.entry
         FROM voters v JOIN voter_salts s USING (subject) JOIN voter_changes c USING (subject)
         JOIN ledger_pending p ON p.id = c.pending_id`,
    );
    expect(rows).toHaveLength(5);
    const subjects = new Set<string>();
    for (const r of rows) {
      subjects.add(r.subject);
      const dek = await keys.openDek(r.subject, r.kek_label, r.dek);
      const person = JSON.parse(openPersonal(dek, r.subject, r.personal));
      expect(person.nik).toMatch(/^317101050385000[1-5]$/);
      const opening = JSON.parse(openOpening(dek, r.subject, 1, r.opening));
      const salt = Buffer.from(opening.salt, 'base64');
      const { nik, name, ...rest } = person;
      const details = detailsDigest(salt, { ...rest, formA: null });
      expect(Buffer.from(details).toString('base64')).toBe(opening.details);
      const c = voterCommitment(
        salt,
        { subject: r.subject, seq: 1, tps: r.tps, list: r.list, nik, name },
        details,
      );
      expect(Buffer.from(c).equals(Buffer.from(r.commitment))).toBe(true);
      const logged = JSON.parse(Buffer.from(r.entry).toString('utf8'));
      expect(logged.payload.commitment).toBe(Buffer.from(c).toString('base64'));
    }
    // Subjects from the pool: distinct, and in the opaque form.
    expect(subjects.size).toBe(5);
    for (const s of subjects) expect(s).toMatch(/^voter:[0-9a-f]{32}$/);
  });

  it('stops at a bad line with FILE:LINE, storing nothing of its batch; a re-run resumes', async () => {
    const before = await count('voters');
    const lines = [10, 11, 12, 13, 14].map((n) => line(n));
    lines[3] = line(13, { birth_date: '1985-03-06' });
    const f = file('bad.csv', lines);
    const r = await importVoters({ db: fresh.db, keys, registry, file: f, batchSize: 2 });
    // Lines 2–3 are one batch (stored), 4–5 the next: line 5 is bad, so 4 is not stored.
    expect(r).toEqual({
      ok: false,
      records: 2,
      error: `${f}:5: nik-birth-date: the NIK birth-date part does not match birthDate`,
    });
    expect(await count('voters')).toBe(before + 2);
    lines[3] = line(13);
    writeFileSync(f, `${[HEADER, ...lines].join('\n')}\n`);
    const again = await importVoters({ db: fresh.db, keys, registry, file: f, batchSize: 2 });
    expect(again).toMatchObject({ ok: true, records: 3, skippedLines: 2 });
    expect(await count('voters')).toBe(before + 5);
  });

  it('names each kind of bad line, and never prints the personal data in it', async () => {
    const cases: [string, RegExp][] = [
      [line(20, { tps: '3171011001999' }), /known-tps/],
      [line(21, { list: 'DPTb' }), /list must be one of/],
      [line(22, { ektp: 'yes' }), /ektp must be true or false/],
      [line(23, { nik: '31710105038500' }), /must match pattern/],
      [`${line(24)},extra`, /13 fields; a line has 12/],
      [line(1), /DUPLICATE_NIK: this NIK is registered already/],
    ];
    for (const [text, problem] of cases) {
      const f = file('one.csv', [text]);
      const r = await importVoters({ db: fresh.db, keys, registry, file: f, restart: true });
      expect(r.ok).toBe(false);
      const error = (r as { error: string }).error;
      expect(error).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
      expect(error).toMatch(problem);
      expect(error).not.toMatch(/Budi|3171010101100009|1985-03-05|317101050385/);
    }
    const twice = file('twice.csv', [line(30), line(30)]);
    expect(await importVoters({ db: fresh.db, keys, registry, file: twice })).toMatchObject({
      ok: false,
      error: `${twice}:3: DUPLICATE_NIK: the NIK of line 2 again`,
    });
    // Across batches (batch N+1 is sealed while batch N is stored): the earlier
    // batch is committed, the later one refused by the NIK index, nothing of it
    // kept: not its private rows, not its log entries.
    const tables = ['voters', 'voter_changes', 'voter_salts', 'subject_versions', 'ledger_pending'];
    const counts = async () => Promise.all(tables.map(count));
    const before = await count('voters');
    const rowsBefore = await counts();
    const across = file('across.csv', [line(40), line(41), line(42), line(40)]);
    expect(
      await importVoters({ db: fresh.db, keys, registry, file: across, batchSize: 2 }),
    ).toEqual({
      ok: false,
      records: 2,
      error: `${across}:5: DUPLICATE_NIK: this NIK is registered already`,
    });
    expect(await counts()).toEqual(rowsBefore.map((n) => n + 2));
    // The earlier line's problem is the one reported, though a later batch was read meanwhile.
    const order = file('order.csv', [line(50), line(41), line(51), line(52, { ektp: 'x' })]);
    expect(await importVoters({ db: fresh.db, keys, registry, file: order, batchSize: 2 })).toEqual(
      {
        ok: false,
        records: 0,
        error: `${order}:3: DUPLICATE_NIK: this NIK is registered already`,
      },
    );
    expect(await count('voters')).toBe(before + 2);
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'nik,name\n');
    expect((await importVoters({ db: fresh.db, keys, registry, file: header })).ok).toBe(false);
  });
});
