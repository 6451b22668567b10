// The Registry's answers for count forms: the ballot of each contest at a TPS in
// the fixed choice-ID format, Jakarta without DPRD_KABKOTA, and nothing for what
// does not exist or is malformed. In memory (Registry.fromData); load.test.ts
// checks that a registry read from the database answers the same.
import { describe, expect, it } from 'vitest';
import { type ElectionData, generateElection, NO_TPS, Registry } from './index.ts';

/** Aceh with one kabupaten, two TPS and a local party; Jakarta with one TPS. */
const tiny: ElectionData = {
  areas: [
    { code: '11', level: 'provinsi', parent: 'ID', name: 'Aceh' },
    { code: '1101', level: 'kabkota', parent: '11', name: 'Kabupaten Simeulue' },
    { code: '110101', level: 'kecamatan', parent: '1101', name: 'Teupah Selatan' },
    { code: '1101012001', level: 'desa', parent: '110101', name: 'Latiung' },
    { code: '31', level: 'provinsi', parent: 'ID', name: 'DKI Jakarta' },
    { code: '3171', level: 'kabkota', parent: '31', name: 'Jakarta Pusat' },
    { code: '317101', level: 'kecamatan', parent: '3171', name: 'Gambir' },
    { code: '3171011001', level: 'desa', parent: '317101', name: 'Gambir' },
  ],
  // Latiung has TPS 001 and 003 (no 002); Gambir has TPS 001.
  tps: {
    desa: ['1101012001', '3171011001'],
    count: new Uint16Array([3, 1]),
    dpt: new Uint16Array([250, NO_TPS, 120, 280]),
  },
  dapil: [
    { id: 'DPR-11-1', contest: 'DPR', name: 'ACEH I', seats: 7, region: '11', areas: ['11'] },
    {
      id: 'DPR-31-1',
      contest: 'DPR',
      name: 'DKI JAKARTA I',
      seats: 6,
      region: '31',
      areas: ['31'],
    },
    { id: 'DPD-11', contest: 'DPD', name: 'Aceh', seats: 4, region: '11', areas: ['11'] },
    { id: 'DPD-31', contest: 'DPD', name: 'DKI Jakarta', seats: 4, region: '31', areas: ['31'] },
    { id: 'P-11', contest: 'DPRD_PROV', name: 'ACEH 1', seats: 10, region: '11', areas: ['1101'] },
    { id: 'P-31', contest: 'DPRD_PROV', name: 'DKI 1', seats: 12, region: '31', areas: ['3171'] },
    {
      id: 'K-1101',
      contest: 'DPRD_KABKOTA',
      name: 'SIMEULUE 1',
      seats: 5,
      region: '1101',
      areas: ['110101'],
    },
  ],
  parties: [
    { number: 1, name: 'Partai Satu', abbreviation: 'P1', scope: 'ID' },
    { number: 2, name: 'Partai Dua', abbreviation: 'P2', scope: 'ID' },
    { number: 21, name: 'Partai Aceh', abbreviation: 'PA', scope: '11' },
  ],
  candidates: [
    { contest: 'DPR', dapil: 'DPR-11-1', party: 2, number: 1, name: 'Dua Satu', sex: 'P' },
    { contest: 'DPR', dapil: 'DPR-11-1', party: 1, number: 2, name: 'Satu Dua', sex: 'L' },
    { contest: 'DPR', dapil: 'DPR-11-1', party: 1, number: 1, name: 'Satu Satu', sex: 'P' },
    { contest: 'DPD', dapil: 'DPD-11', party: null, number: 2, name: 'Calon B', sex: 'L' },
    { contest: 'DPD', dapil: 'DPD-11', party: null, number: 1, name: 'Calon A', sex: 'P' },
    { contest: 'DPRD_KABKOTA', dapil: 'K-1101', party: 21, number: 1, name: 'Lokal', sex: 'P' },
  ],
  pairs: [
    { number: 2, president: 'B', vicePresident: 'b' },
    { number: 1, president: 'A', vicePresident: 'a' },
  ],
};
const reg = Registry.fromData(tiny);

describe('Registry.ballotFor', () => {
  it('PPWP: one pair per choice, "1".."n", the same ballot everywhere', () => {
    const b = reg.ballotFor('PPWP', '1101012001001')!;
    expect(b.dapil).toBeNull();
    expect(b.choices).toEqual([
      { id: '1', kind: 'pair', number: 1, name: 'A – a' },
      { id: '2', kind: 'pair', number: 2, name: 'B – b' },
    ]);
    expect(reg.ballotFor('PPWP', '3171011001001')).toBe(b);
  });

  it('DPR: "<party>" then "<party>.<n>", parties and candidates in ballot order', () => {
    const b = reg.ballotFor('DPR', '1101012001003')!;
    expect(b.dapil).toBe('DPR-11-1');
    expect(b.choices).toEqual([
      { id: '1', kind: 'party', number: 1, name: 'Partai Satu' },
      { id: '1.1', kind: 'candidate', number: 1, party: 1, name: 'Satu Satu' },
      { id: '1.2', kind: 'candidate', number: 2, party: 1, name: 'Satu Dua' },
      { id: '2', kind: 'party', number: 2, name: 'Partai Dua' },
      { id: '2.1', kind: 'candidate', number: 1, party: 2, name: 'Dua Satu' },
    ]);
    expect([...b.choiceIds]).toEqual(['1', '1.1', '1.2', '2', '2.1']);
    expect(b.choiceIds.has('1.3')).toBe(false);
  });

  it('DPD: candidates "1".."n" without parties', () => {
    expect(reg.ballotFor('DPD', '1101012001001')!.choices).toEqual([
      { id: '1', kind: 'candidate', number: 1, name: 'Calon A' },
      { id: '2', kind: 'candidate', number: 2, name: 'Calon B' },
    ]);
  });

  it('DPRD: local parties on Aceh’s DPRK ballot; the DPRD_PROV ballot of a dapil without lists is empty', () => {
    expect(reg.ballotFor('DPRD_KABKOTA', '1101012001001')!.choices.map((c) => c.id)).toEqual([
      '21',
      '21.1',
    ]);
    expect(reg.ballotFor('DPRD_PROV', '1101012001001')).toMatchObject({
      dapil: 'P-11',
      choices: [],
    });
  });

  it('Jakarta holds four contests: no DPRD_KABKOTA', () => {
    expect(reg.contestsAt('3171011001001')).toEqual(['PPWP', 'DPR', 'DPD', 'DPRD_PROV']);
    expect(reg.ballotFor('DPRD_KABKOTA', '3171011001001')).toBeNull();
    expect(reg.contestsAt('1101012001001')).toEqual([
      'PPWP',
      'DPR',
      'DPD',
      'DPRD_PROV',
      'DPRD_KABKOTA',
    ]);
  });

  it('answers null / nothing for unknown or malformed TPS codes and contests', () => {
    for (const tps of [
      '1101012001002', // a gap in the numbering
      '1101012001004', // beyond the last TPS
      '1101012001000',
      '1101012002001', // unknown desa
      '110101200100',
      '11010120010011',
      '11010120010a1',
      '１１01012001001',
      '',
      undefined as never,
      12 as never,
    ]) {
      expect(reg.hasTps(tps)).toBe(false);
      expect(reg.ballotFor('PPWP', tps)).toBeNull();
      expect(reg.dptOf(tps)).toBeUndefined();
      expect(reg.contestsAt(tps)).toEqual([]);
      expect(reg.area(tps)).toBeUndefined();
    }
    expect(reg.ballotFor('DPRX' as never, '1101012001001')).toBeNull();
    expect(reg.ballotFor('constructor' as never, '1101012001001')).toBeNull();
  });

  it('freezes the shared ballots', () => {
    const b = reg.ballotFor('DPR', '1101012001001')!;
    expect(Object.isFrozen(b) && Object.isFrozen(b.choices) && Object.isFrozen(b.choices[0])).toBe(
      true,
    );
  });
});

describe('Registry areas', () => {
  it('walks the tree, TPS included', () => {
    expect(reg.children('ID')).toEqual(['11', '31']);
    expect(reg.children('1101012001')).toEqual(['1101012001001', '1101012001003']);
    expect(reg.children('9999')).toEqual([]);
    expect([...reg.tpsIn('11')]).toEqual(['1101012001001', '1101012001003']);
    expect(reg.area('1101012001003')).toEqual({
      code: '1101012001003',
      level: 'tps',
      name: 'TPS 003',
      parent: '1101012001',
    });
    expect(reg.area('ID')).toMatchObject({ level: 'nasional', parent: null });
    expect(reg.dptOf('1101012001003')).toBe(120);
    expect(reg.tpsCount).toBe(3);
  });

  it('finds the dapil an area lies wholly inside', () => {
    expect(reg.dapilOf('DPRD_PROV', '11')).toBe('P-11'); // its only kab/kota is P-11's member
    expect(reg.dapilOf('DPRD_KABKOTA', '1101012001003')).toBe('K-1101');
    expect(reg.dapilOf('DPRD_KABKOTA', '31')).toBeNull();
    expect(reg.dapilOf('DPR', 'ID')).toBeNull();
    expect(reg.dapilOf('DPR', '12')).toBeNull();
  });
});

describe('the demo province', () => {
  const jakarta = Registry.fromData(generateElection({ scale: 'province', seed: 1 }));

  it('holds the demo TPS with four ballots whose choices all have well-formed IDs', () => {
    const tps = '3171011001001';
    expect(jakarta.contestsAt(tps)).toEqual(['PPWP', 'DPR', 'DPD', 'DPRD_PROV']);
    expect(jakarta.ballotFor('DPR', tps)!.dapil).toBe('DPR-31-2'); // DKI II: Jakarta Pusat
    for (const c of jakarta.contestsAt(tps)) {
      const b = jakarta.ballotFor(c, tps)!;
      expect(b.choices.length).toBeGreaterThan(0);
      for (const ch of b.choices)
        expect(ch.id).toMatch(
          ch.kind === 'candidate' && c !== 'DPD' ? /^[1-9][0-9]*\.[1-9][0-9]*$/ : /^[1-9][0-9]*$/,
        );
    }
  });
});
