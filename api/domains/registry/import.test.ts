// CSV imports: strict parsing, line-numbered refusals that store nothing, and
// accepted files recorded in the log as dataset loads (later loads as new
// versions with a reason). One database for the whole file, built up in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../../../test/fresh-db.ts';
import {
  importAreasCsv,
  importCandidatesCsv,
  importDapilCsv,
  importPairsCsv,
  importPartiesCsv,
  Registry,
  RegistryError,
  type RegistryIssue,
} from './index.ts';

let fresh: FreshDb;
beforeAll(async () => {
  fresh = await freshDb();
});
afterAll(async () => {
  await fresh.drop();
});

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const OFFICER = { id: 'kpu-ri-1', role: 'KPU_RI' };

/** Counts of every registry table and of the log queue: what "nothing stored" compares. */
async function snapshot() {
  const [row] = await fresh.db.query(
    `SELECT (SELECT count(*) FROM registry_areas)::int AS areas, (SELECT count(*) FROM registry_tps)::int AS tps,
            (SELECT count(*) FROM registry_dapil)::int AS dapil, (SELECT count(*) FROM registry_dapil_areas)::int AS members,
            (SELECT count(*) FROM registry_parties)::int AS parties, (SELECT count(*) FROM registry_candidates)::int AS candidates,
            (SELECT count(*) FROM registry_pairs)::int AS pairs, (SELECT count(*) FROM ledger_pending)::int AS pending`,
  );
  return row;
}

/** Runs the import only after the "before" snapshot, so its rejection is awaited at once. */
async function refusedWith(run: () => Promise<unknown>): Promise<RegistryIssue[]> {
  const before = await snapshot();
  const e = await run().then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RegistryError);
  expect((e as RegistryError).code).toBe('INVALID_CSV');
  expect(await snapshot()).toEqual(before);
  return [...(e as RegistryError).issues];
}

async function entryOf(pendingId: number) {
  const [row] = await fresh.db.query<{ entry: Uint8Array }>(
    'SELECT entry FROM ledger_pending WHERE id = $1',
    [pendingId],
  );
  return JSON.parse(Buffer.from(row!.entry).toString('utf8'));
}

const AREAS = csv(
  'code,name,dpt',
  '11,Aceh,',
  '1101,Kabupaten Simeulue,',
  '110101,Teupah Selatan,',
  '1101012001,Latiung,',
  '1101012001001,,250',
  '1101012001002,TPS 002,180',
  '110102,Simeulue Timur,',
  '1101022001,Sinabang,',
  '1101022001001,,200',
  '1171,Kota Banda Aceh,',
  '117101,Baiturrahman,',
  '1171011001,Neusu Aceh,',
  '1171011001001,,300',
  '31,DKI Jakarta,',
  '3171,"Kota Administrasi Jakarta Pusat",',
  '317101,Gambir,',
  '3171011001,Gambir,',
  '3171011001001,,280',
);

describe('importAreasCsv', () => {
  it.each([
    ['a wrong header', csv('kode,nama', '11,Aceh'), [1]],
    ['a wrong field count', csv('code,name', '11,Aceh,x', '12'), [2, 3]],
    ['malformed codes', csv('code,name', '123,X', '1100,X', '3,X', 'ID,Indonesia'), [2, 3, 4, 5]],
    ['a missing parent', csv('code,name', '12,Sumatera Utara', '1301,Kabupaten X'), [3]],
    ['a duplicate', csv('code,name', '12,Sumatera Utara', '12,Sumut'), [3]],
    ['a bad name', csv('code,name', '12, Sumatera Utara', '13,'), [2, 3]],
    [
      'bad TPS rows',
      csv(
        'code,name,dpt',
        '12,Sumatera Utara,',
        '1201,Kabupaten X,',
        '120101,Kecamatan X,',
        '1201012001,Desa X,',
        '1201012001000,,10',
        '1201012001001,,301',
        '1201012001002,,01',
        '1201012001003,Balai Desa,10',
        '1201012002001,,10',
        '1201012001004,,',
      ),
      [6, 7, 8, 9, 10, 11],
    ],
    ['a dpt on an area row', csv('code,name,dpt', '12,Sumatera Utara,5'), [2]],
    ['TPS rows under a two-column header', csv('code,name', '1101012001003,TPS 003'), [2]],
  ])('refuses %s with the offending lines, storing nothing', async (_what, text, lines) => {
    const issues = await refusedWith(() => importAreasCsv(fresh.db, text));
    expect([...new Set(issues.map((i) => i.line))]).toEqual(lines);
  });

  it('imports areas and TPS, recording one entry each for areas and tps', async () => {
    const r = await importAreasCsv(fresh.db, AREAS, OFFICER);
    expect(r.loads.map((l) => [l.dataset, l.rows])).toEqual([
      ['areas', 13],
      ['tps', 5],
    ]);
    const entry = await entryOf(r.pendingIds[1]!);
    expect(entry).toMatchObject({
      kind: 'registry.tps.loaded',
      subject: 'registry:tps',
      seq: 1,
      prev: null,
      actor: OFFICER,
      payload: { dataset: 'tps', rows: 5, sha256: r.loads[1]!.sha256 },
    });
    const reg = await Registry.load(fresh.db);
    expect(reg.children('1101012001')).toEqual(['1101012001001', '1101012001002']);
    expect(reg.dptOf('1101012001002')).toBe(180);
    expect(reg.area('3171')?.name).toBe('Kota Administrasi Jakarta Pusat');
  });

  it('refuses what already exists and adds more as a second version with a reason', async () => {
    const issues = await refusedWith(() =>
      importAreasCsv(
        fresh.db,
        csv('code,name,dpt', '12,Sumatera Utara,', '11,Aceh,', '1101012001001,,5'),
      ),
    );
    expect(issues).toEqual([
      { line: 3, message: '11 already exists' },
      { line: 4, message: '1101012001001 already exists' },
    ]);
    const r = await importAreasCsv(fresh.db, csv('code,name,dpt', '1101012001004,,99'), OFFICER, {
      reason: 'TPS 004 added after the DPT update',
    });
    expect(r.loads.map((l) => l.dataset)).toEqual(['tps']);
    const entry = await entryOf(r.pendingIds[0]!);
    expect(entry).toMatchObject({ seq: 2, reason: 'TPS 004 added after the DPT update' });
    expect(typeof entry.prev).toBe('string');
    // TPS numbers need not be contiguous: 003 does not exist, 004 does.
    const reg = await Registry.load(fresh.db);
    expect(reg.hasTps('1101012001003')).toBe(false);
    expect(reg.dptOf('1101012001004')).toBe(99);
  });
});

const DAPIL_HEAD = 'contest,dapil,name,seats,area_code';
const DAPIL = csv(
  DAPIL_HEAD,
  'DPR,DPR-11-1,ACEH I,7,1101',
  'DPR,DPR-11-1,ACEH I,7,1171',
  'DPR,DPR-31-1,DKI JAKARTA I,6,31',
  'DPD,DPD-11,Aceh,4,11',
  'DPD,DPD-31,DKI Jakarta,4,31',
  'DPRD_PROV,DPRD_PROV-11-1,ACEH 1,10,1101',
  'DPRD_PROV,DPRD_PROV-11-2,ACEH 2,8,1171',
  'DPRD_PROV,DPRD_PROV-31-1,DKI JAKARTA 1,12,3171',
  'DPRD_KABKOTA,DPRD_KABKOTA-1101-1,SIMEULUE 1,5,110101',
  'DPRD_KABKOTA,DPRD_KABKOTA-1101-2,SIMEULUE 2,5,110102',
  'DPRD_KABKOTA,DPRD_KABKOTA-1171-1,BANDA ACEH 1,12,117101',
);

describe('importDapilCsv', () => {
  it.each([
    ['PPWP and unknown contests', csv(DAPIL_HEAD, 'PPWP,P,Nation,1,11', 'DPRX,X,X,3,11'), [2, 3]],
    [
      'seats out of bounds',
      csv(DAPIL_HEAD, 'DPR,DPR-11-1,ACEH I,11,11', 'DPD,DPD-11,Aceh,5,11'),
      [2, 3],
    ],
    ['a member of the wrong level', csv(DAPIL_HEAD, 'DPR,DPR-11-1,ACEH I,7,110101'), [2]],
    ['an unknown area', csv(DAPIL_HEAD, 'DPR,DPR-12-1,SUMUT I,7,12'), [2]],
    [
      'members in two regions',
      csv(DAPIL_HEAD, 'DPR,DPR-11-1,ACEH I,7,1101', 'DPR,DPR-11-1,ACEH I,7,3171'),
      [3],
    ],
    [
      'disagreeing repeated rows',
      csv(DAPIL_HEAD, 'DPR,DPR-11-1,ACEH I,7,1101', 'DPR,DPR-11-1,ACEH I,8,1171'),
      [3],
    ],
    [
      'an area in two dapil, and one inside another member',
      csv(
        DAPIL_HEAD,
        'DPRD_PROV,D1,ACEH 1,10,1101',
        'DPRD_PROV,D2,ACEH 2,8,1171',
        'DPRD_PROV,D3,ACEH 3,8,1171',
        'DPRD_PROV,D4,ACEH 4,8,110101',
      ),
      [4, 5],
    ],
    [
      'a DPRD Kabupaten/Kota in Jakarta',
      csv(DAPIL_HEAD, 'DPRD_KABKOTA,DK-3171-1,JP 1,5,317101'),
      [2],
    ],
    ['a malformed dapil id', csv(DAPIL_HEAD, 'DPR,dpr 11,ACEH I,7,11'), [2]],
  ])('refuses %s with the offending lines, storing nothing', async (_what, text, lines) => {
    const issues = await refusedWith(() => importDapilCsv(fresh.db, text));
    // (Issues without a line, such as the coverage they also break, are tested below.)
    expect([...new Set(issues.flatMap((i) => (i.line ? [i.line] : [])))]).toEqual(lines);
  });

  it('refuses a file that leaves part of a province outside every dapil', async () => {
    const issues = await refusedWith(() =>
      importDapilCsv(fresh.db, csv(DAPIL_HEAD, 'DPR,DPR-11-1,ACEH I,7,1101')),
    );
    expect(issues).toEqual([{ message: 'DPR: kecamatan 117101 of 11 is in no dapil' }]);
  });

  it('imports the dapil of every contest', async () => {
    const r = await importDapilCsv(fresh.db, DAPIL, OFFICER);
    expect(r.loads).toMatchObject([{ dataset: 'dapil', rows: 10 }]);
    const reg = await Registry.load(fresh.db);
    expect(reg.dapilOf('DPR', '1101012001001')).toBe('DPR-11-1');
    expect(reg.dapilOf('DPR', '11')).toBe('DPR-11-1');
    expect(reg.dapilOf('DPRD_PROV', '11')).toBeNull();
    expect(reg.dapilOf('DPRD_KABKOTA', '1101')).toBeNull();
    expect(reg.dapilOf('DPRD_KABKOTA', '1101022001')).toBe('DPRD_KABKOTA-1101-2');
    expect(reg.dapil('DPR-11-1')?.areas).toEqual(['1101', '1171']);
    const again = await refusedWith(() =>
      importDapilCsv(fresh.db, csv(DAPIL_HEAD, 'DPD,DPD-11,Aceh,4,11')),
    );
    expect(again.map((i) => i.line)).toContain(2);
  });
});

describe('parties, candidates and pairs', () => {
  it('imports them and the ballots follow', async () => {
    const parties = csv(
      'number,name,abbreviation,scope',
      '1,Partai Kebangkitan Bangsa,PKB,ID',
      '21,Partai Aceh,PA,11',
    );
    expect(
      (
        await refusedWith(() =>
          importPartiesCsv(
            fresh.db,
            csv('number,name,abbreviation,scope', '100,X,X,ID', '2,Y,Y,31'),
          ),
        )
      ).map((i) => i.line),
    ).toEqual([2, 3]);
    await importPartiesCsv(fresh.db, parties);

    const head = 'contest,dapil,party,number,name,sex';
    const refusals: [string, number[]][] = [
      [csv(head, 'DPR,DPR-11-1,21,1,Teuku Umar,L'), [2]], // local party for DPR
      [
        csv(
          head,
          'DPRD_KABKOTA,DPRD_KABKOTA-1101-1,1,1,A,L',
          'DPRD_KABKOTA,DPRD_KABKOTA-1101-1,1,3,B,P',
        ),
        [2],
      ], // gap
      [csv(head, 'DPD,DPD-11,1,1,C,L', 'DPR,DPD-11,1,1,D,P', 'DPR,DPR-11-1,,1,E,X'), [2, 3, 4]],
      [
        csv(
          head,
          ...Array.from({ length: 8 }, (_, i) => `DPR,DPR-11-1,1,${i + 1},Calon ${i + 1},P`),
        ),
        [2],
      ], // 8 candidates for 7 seats
    ];
    for (const [text, lines] of refusals)
      expect([
        ...new Set(
          (await refusedWith(() => importCandidatesCsv(fresh.db, text))).map((i) => i.line),
        ),
      ]).toEqual(lines);
    await importCandidatesCsv(
      fresh.db,
      csv(
        head,
        'DPR,DPR-11-1,1,1,Cut Nyak Dhien,P',
        'DPR,DPR-11-1,1,2,Teuku Umar,L',
        'DPD,DPD-11,,1,Fachrul Razi,L',
        'DPD,DPD-11,,2,"Darwati A. Gani",P',
        'DPRD_KABKOTA,DPRD_KABKOTA-1101-1,21,1,Ali Hasjmy,L',
      ),
    );
    // A list grows only contiguously: number 3 follows the stored 1 and 2.
    expect(
      (
        await refusedWith(() =>
          importCandidatesCsv(fresh.db, csv(head, 'DPR,DPR-11-1,1,2,Dua Kali,L')),
        )
      ).length,
    ).toBeGreaterThan(0);
    await importCandidatesCsv(fresh.db, csv(head, 'DPR,DPR-11-1,1,3,Keumalahayati,P'));
    expect(
      (
        await refusedWith(() =>
          importPairsCsv(fresh.db, csv('number,president,vice_president', '2,A,B')),
        )
      ).length,
    ).toBe(1);
    await importPairsCsv(
      fresh.db,
      csv('number,president,vice_president', '1,Calon Presiden,Calon Wakil'),
    );

    const reg = await Registry.load(fresh.db);
    expect(reg.ballotFor('DPR', '1101012001001')?.choices.map((c) => c.id)).toEqual([
      '1',
      '1.1',
      '1.2',
      '1.3',
    ]);
    expect(reg.ballotFor('DPD', '1171011001001')?.choices.map((c) => c.name)).toEqual([
      'Fachrul Razi',
      'Darwati A. Gani',
    ]);
    expect(reg.ballotFor('DPRD_KABKOTA', '1101012001001')?.choices.map((c) => c.id)).toEqual([
      '21',
      '21.1',
    ]);
    expect(reg.ballotFor('PPWP', '3171011001001')?.choices).toEqual([
      { id: '1', kind: 'pair', number: 1, name: 'Calon Presiden – Calon Wakil' },
    ]);
    expect(reg.contestsAt('3171011001001')).toEqual(['PPWP', 'DPR', 'DPD', 'DPRD_PROV']);
  });
});
