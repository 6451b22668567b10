// The register's pure rules (rules.ts): the NIK's parts, a record's agreement
// with its NIK, the right to vote, and the moves between lists.
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  assignViolations,
  nikParts,
  nikViolations,
  promoteViolations,
  recordViolations,
  transferViolations,
} from './rules.ts';
import type { VoterPersonal } from './schemas.ts';

const isKec = (c: string) => c === '317101';
const rules = (v: { rule: string }[]) => v.map((x) => x.rule).sort();
const rec = (over: Partial<VoterPersonal> = {}): VoterPersonal => ({
  nik: '3171010503850002',
  kk: '3171010101100001',
  name: 'Budi',
  birthPlace: 'Jakarta',
  birthDate: '1985-03-05',
  sex: 'L',
  marital: 'B',
  address: 'x',
  disability: 'none',
  ektp: true,
  ...over,
});

describe('NIK', () => {
  it('reads region, birth date (+40 for women) and serial', () => {
    expect(nikParts('3171014503850002')).toEqual({
      region: '317101',
      day: 5,
      month: 3,
      year2: 85,
      female: true,
      serial: 2,
    });
    expect(nikParts('317101450385000')).toBeNull();
    expect(nikParts('31710145038500０2')).toBeNull();
  });

  it('refuses an unknown region, a day or month that is none, serial 0000', () => {
    expect(nikViolations('3171010503850002', isKec)).toEqual([]);
    expect(rules(nikViolations('3171020503850002', isKec))).toEqual(['nik-region']);
    for (const dd of ['00', '32', '40', '72'])
      expect(rules(nikViolations(`317101${dd}03850002`, isKec))).toEqual(['nik-birth-date']);
    expect(rules(nikViolations('3171010513850002', isKec))).toEqual(['nik-birth-date']);
    expect(rules(nikViolations('3171010503850000', isKec))).toEqual(['nik-serial']);
    expect(rules(nikViolations('12', isKec))).toEqual(['nik-format']);
  });
});

describe('a record', () => {
  it('agrees with its NIK', () => {
    expect(recordViolations(rec(), isKec)).toEqual([]);
    expect(rules(recordViolations(rec({ sex: 'P' }), isKec))).toEqual(['nik-sex']);
    expect(rules(recordViolations(rec({ birthDate: '1986-03-05' }), isKec))).toEqual([
      'nik-birth-date',
    ]);
    expect(recordViolations(rec({ nik: '3171014503850002', sex: 'P' }), isKec)).toEqual([]);
  });

  it('is 17 on voting day, or married or once married', () => {
    expect(ageOn({ y: 2007, m: 2, d: 14 }, '2024-02-14')).toBe(17);
    expect(ageOn({ y: 2007, m: 2, d: 15 }, '2024-02-14')).toBe(16);
    const young = { nik: '3171011502070002', birthDate: '2007-02-15' };
    expect(rules(recordViolations(rec(young), isKec))).toEqual(['eligible']);
    expect(recordViolations(rec({ ...young, marital: 'S' }), isKec)).toEqual([]);
    expect(
      recordViolations(rec({ nik: '3171011402070002', birthDate: '2007-02-14' }), isKec),
    ).toEqual([]);
  });
});

describe('lists', () => {
  const s = (list: 'DPS' | 'DPSHP' | 'DPT' | 'DPTb' | 'DPK', tps = '3171011001001') => ({
    tps,
    list,
    removed: false,
  });
  const hasTps = (t: string) => t.startsWith('317101100');
  it('DPS → DPSHP → DPT, one step at a time', () => {
    expect(promoteViolations(s('DPS'), 'DPSHP')).toEqual([]);
    expect(promoteViolations(s('DPSHP'), 'DPT')).toEqual([]);
    expect(rules(promoteViolations(s('DPS'), 'DPT'))).toEqual(['list-order']);
    expect(rules(promoteViolations(s('DPT'), 'DPSHP'))).toEqual(['list-order']);
  });
  it('transfers leave the DPT for a known, other TPS', () => {
    expect(transferViolations(s('DPT'), '3171011002001', hasTps)).toEqual([]);
    expect(rules(transferViolations(s('DPS'), '3171011002001', hasTps))).toEqual([
      'transfer-from-dpt',
    ]);
    expect(rules(transferViolations(s('DPT'), '3171029999001', hasTps))).toEqual(['known-tps']);
    expect(rules(transferViolations(s('DPT'), '3171011001001', hasTps))).toEqual([
      'transfer-elsewhere',
    ]);
  });
  it('assignments stay in the desa', () => {
    expect(assignViolations(s('DPS'), '3171011001002', hasTps)).toEqual([]);
    expect(rules(assignViolations(s('DPS'), '3171011002001', hasTps))).toEqual([
      'assign-within-desa',
    ]);
    expect(rules(assignViolations(s('DPK'), '3171011001002', hasTps))).toEqual(['assign-list']);
  });
});
