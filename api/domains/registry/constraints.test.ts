// 006_registry.sql on its own: rows that bypass the import code are still refused
// by the database when they are malformed or contradict each other, and no row
// can be changed or removed once loaded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../../../test/fresh-db.ts';

let fresh: FreshDb;
const sql = (text: string, params: unknown[] = []) => fresh.db.query(text, params);

beforeAll(async () => {
  fresh = await freshDb();
  await sql(`INSERT INTO registry_areas (code, level, parent, name) VALUES
    ('11', 'provinsi', 'ID', 'Aceh'), ('1101', 'kabkota', '11', 'Simeulue'),
    ('110101', 'kecamatan', '1101', 'Teupah Selatan'), ('1101012001', 'desa', '110101', 'Latiung'),
    ('31', 'provinsi', 'ID', 'DKI Jakarta'), ('3171', 'kabkota', '31', 'Jakarta Pusat'),
    ('317101', 'kecamatan', '3171', 'Gambir')`);
  await sql(
    `INSERT INTO registry_tps (code, desa, number, dpt) VALUES ('1101012001001', '1101012001', 1, 250)`,
  );
  await sql(`INSERT INTO registry_dapil (id, contest, name, seats, region, province) VALUES
    ('DPR-11-1', 'DPR', 'ACEH I', 7, '11', '11'), ('DPD-11', 'DPD', 'Aceh', 4, '11', '11'),
    ('K-1101', 'DPRD_KABKOTA', 'SIMEULUE 1', 5, '1101', '11')`);
  await sql(`INSERT INTO registry_dapil_areas (dapil, contest, region, area) VALUES
    ('DPR-11-1', 'DPR', '11', '1101'), ('DPD-11', 'DPD', '11', '11'), ('K-1101', 'DPRD_KABKOTA', '1101', '110101')`);
  await sql(`INSERT INTO registry_parties (number, name, abbreviation, scope) VALUES
    (1, 'Partai Satu', 'P1', 'ID'), (21, 'Partai Aceh', 'PA', '11')`);
  await sql(`INSERT INTO registry_candidates (contest, dapil, province, party, party_scope, number, name, sex) VALUES
    ('DPR', 'DPR-11-1', '11', 1, 'ID', 1, 'Satu', 'P'), ('DPD', 'DPD-11', '11', NULL, NULL, 1, 'Calon', 'L'),
    ('DPRD_KABKOTA', 'K-1101', '11', 21, '11', 1, 'Lokal', 'P')`);
});
afterAll(async () => {
  await fresh.drop();
});

const areas = 'INSERT INTO registry_areas (code, level, parent, name) VALUES ($1, $2, $3, $4)';
const tps = 'INSERT INTO registry_tps (code, desa, number, dpt) VALUES ($1, $2, $3, $4)';
const dapil =
  'INSERT INTO registry_dapil (id, contest, name, seats, region, province) VALUES ($1, $2, $3, $4, $5, $6)';
const member =
  'INSERT INTO registry_dapil_areas (dapil, contest, region, area) VALUES ($1, $2, $3, $4)';
const party =
  'INSERT INTO registry_parties (number, name, abbreviation, scope) VALUES ($1, $2, $3, $4)';
const candidate = `INSERT INTO registry_candidates (contest, dapil, province, party, party_scope, number, name, sex)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

describe('006_registry.sql refuses', () => {
  it.each([
    ['an area whose code does not fit its level', areas, ['123', 'provinsi', 'ID', 'X']],
    ['an all-zero code segment', areas, ['1100', 'kabkota', '11', 'X']],
    ['a wrong parent', areas, ['1102', 'kabkota', '31', 'X']],
    ['a parent that does not exist', areas, ['1201', 'kabkota', '12', 'X']],
    ['a name with surrounding spaces', areas, ['12', 'provinsi', 'ID', ' Sumut']],
    ['a name with a control character', areas, ['12', 'provinsi', 'ID', 'Sum\u0007ut']],
    ['a TPS numbered 000', tps, ['1101012001000', '1101012001', 0, 10]],
    ['a TPS over 300 voters', tps, ['1101012001002', '1101012001', 2, 301]],
    ['a TPS code that is not desa + number', tps, ['1101012001003', '1101012001', 4, 10]],
    ['a TPS of an unknown desa', tps, ['1101012002001', '1101012002', 1, 10]],
    ['a DPR dapil of 11 seats', dapil, ['DPR-11-2', 'DPR', 'ACEH II', 11, '11', '11']],
    ['a DPD dapil of 5 seats', dapil, ['DPD-31', 'DPD', 'DKI', 5, '31', '31']],
    ['a second DPD dapil in a province', dapil, ['DPD-11-B', 'DPD', 'Aceh B', 4, '11', '11']],
    [
      'a DPRD Kabupaten/Kota dapil in Jakarta',
      dapil,
      ['K-3171', 'DPRD_KABKOTA', 'JP 1', 5, '3171', '31'],
    ],
    ['a PPWP dapil', dapil, ['PPWP', 'PPWP', 'Nasional', 4, '11', '11']],
    ['a dapil id in lower case', dapil, ['dpr-31', 'DPR', 'DKI I', 6, '31', '31']],
    ['a DPR member at kecamatan level', member, ['DPR-11-1', 'DPR', '11', '110101']],
    ['a member outside the region', member, ['DPR-11-1', 'DPR', '11', '3171']],
    ['an area in two dapil of a contest', member, ['DPR-11-1', 'DPR', '11', '1101']],
    [
      'a member under another contest than its dapil',
      member,
      ['DPR-11-1', 'DPRD_PROV', '11', '11'],
    ],
    ['party number 0', party, [0, 'Partai Nol', 'P0', 'ID']],
    ['a local party outside Aceh', party, [30, 'Partai Jakarta', 'PJ', '31']],
    ['a DPD candidate with a party', candidate, ['DPD', 'DPD-11', '11', 1, 'ID', 2, 'X', 'L']],
    [
      'a DPR candidate without a party',
      candidate,
      ['DPR', 'DPR-11-1', '11', null, null, 2, 'X', 'L'],
    ],
    [
      'a local party on the DPR ballot',
      candidate,
      ['DPR', 'DPR-11-1', '11', 21, '11', 1, 'X', 'L'],
    ],
    [
      'a local party scope that is not the party’s',
      candidate,
      ['DPR', 'DPR-11-1', '11', 21, 'ID', 1, 'X', 'L'],
    ],
    [
      'a repeated ballot number on a list',
      candidate,
      ['DPR', 'DPR-11-1', '11', 1, 'ID', 1, 'X', 'L'],
    ],
    ['a repeated DPD ballot number', candidate, ['DPD', 'DPD-11', '11', null, null, 1, 'X', 'L']],
    [
      'a candidate in a dapil of another contest',
      candidate,
      ['DPRD_PROV', 'DPR-11-1', '11', 1, 'ID', 2, 'X', 'L'],
    ],
    ['a sex other than L or P', candidate, ['DPR', 'DPR-11-1', '11', 1, 'ID', 2, 'X', 'W']],
  ])('%s', async (_what, text, params) => {
    // SQLSTATE class 23: an integrity constraint, not some other failure.
    await expect(sql(text, params)).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
  });

  it.each([
    "UPDATE registry_tps SET dpt = 299 WHERE code = '1101012001001'",
    "DELETE FROM registry_candidates WHERE name = 'Satu'",
    "UPDATE registry_areas SET name = 'Atjeh' WHERE code = '11'",
    'DELETE FROM registry_dapil_areas',
    'TRUNCATE registry_pairs',
    "UPDATE registry_contests SET name = 'x'",
  ])('changes to loaded rows: %s', async (text) => {
    await expect(sql(text)).rejects.toThrow();
  });

  it('and accepts the rows the constraints are written for', async () => {
    await sql(tps, ['1101012001002', '1101012001', 2, 300]);
    await sql(candidate, ['DPR', 'DPR-11-1', '11', 1, 'ID', 2, 'Dua', 'L']);
    const [n] = await sql("SELECT count(*)::int AS n FROM registry_tps WHERE desa = '1101012001'");
    expect(n).toEqual({ n: 2 });
  });
});
