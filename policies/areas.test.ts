import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AREA_CODE_PATTERN,
  AREA_LEVELS,
  areaAncestors,
  areaLevel,
  areaLevelOf,
  desaOfTps,
  isAreaCode,
  isTpsCode,
  isWithinArea,
  parentArea,
  RECAP_AREA_CODE_PATTERN,
  TPS_CODE_PATTERN,
  tpsCode,
  tpsName,
  tpsNumber,
} from './areas.ts';
import { PolicyError } from './errors.ts';

/** A segment of n digits that is not all zeros (a zero segment names no area). */
const segment = (n: number) =>
  fc
    .integer({ min: 1, max: 10 ** n - 1 })
    .map((v) => String(v).padStart(n, '0'))
    .filter((s) => n !== 2 || s[0] !== '0');
const codeOf = (widths: number[]) => fc.tuple(...widths.map(segment)).map((p) => p.join(''));
const areaCode = fc.oneof(
  fc.constant('ID'),
  ...[[2], [2, 2], [2, 2, 2], [2, 2, 2, 4], [2, 2, 2, 4, 3]].map(codeOf),
);

describe('area codes', () => {
  it('names each level by its code length', () => {
    expect(areaLevel('ID')).toBe('nasional');
    expect(areaLevel('31')).toBe('provinsi');
    expect(areaLevel('3171')).toBe('kabkota');
    expect(areaLevel('317101')).toBe('kecamatan');
    expect(areaLevel('3171011001')).toBe('desa');
    expect(areaLevel('3171011001001')).toBe('tps');
  });

  it('walks a TPS up to nasional, nearest first', () => {
    expect(areaAncestors('3171011001001')).toEqual(['3171011001', '317101', '3171', '31', 'ID']);
    expect(areaAncestors('ID')).toEqual([]);
    expect(parentArea('31')).toBe('ID');
    expect(parentArea('ID')).toBeNull();
  });

  it('refuses anything that is not an area code', () => {
    for (const bad of [
      '',
      'id',
      '3',
      '317',
      '31710',
      '31710110010',
      '317101100100',
      '3a',
      ' 31',
      '31\n',
      'IDN',
      '٣١',
      // A segment of zeros names no area, at every level (the registry refused
      // these before; the policy engine accepted them).
      '00',
      '01',
      '3100',
      '317100',
      '3171010000',
      '3171011001000',
      '0171011001001',
      '3100011001001',
      '3171001001001',
      '3171010000001',
    ]) {
      expect(isAreaCode(bad), bad).toBe(false);
      expect(() => areaLevel(bad)).toThrow(PolicyError);
      expect(() => parentArea(bad)).toThrow(PolicyError);
      expect(() => areaAncestors(bad)).toThrow(PolicyError);
    }
    for (const wrongType of [31, null, undefined, {}, ['31']]) {
      expect(isAreaCode(wrongType)).toBe(false);
    }
  });

  it('every ancestor chain is a strict prefix chain ending at ID, one level per step', () => {
    fc.assert(
      fc.property(areaCode, (code) => {
        const chain = areaAncestors(code);
        expect(chain.length).toBe(AREA_LEVELS.indexOf(areaLevel(code)));
        expect(chain.at(-1) ?? 'ID').toBe('ID');
        let child = code;
        for (const p of chain) {
          expect(isAreaCode(p)).toBe(true);
          if (p !== 'ID') expect(child.startsWith(p)).toBe(true);
          expect(AREA_LEVELS.indexOf(areaLevel(p))).toBe(AREA_LEVELS.indexOf(areaLevel(child)) - 1);
          child = p;
        }
        expect(isWithinArea(code, code)).toBe(true);
        expect(isWithinArea(code, 'ID')).toBe(true);
      }),
    );
  });

  it('a sibling is never within its sibling', () => {
    expect(isWithinArea('3171011001002', '3171011001001')).toBe(false);
    expect(isWithinArea('3172', '3171')).toBe(false);
    expect(isWithinArea('3171011001001', '3171')).toBe(true);
  });
});

describe('edge cases of the one area-code definition', () => {
  it('reads 2-, 4-, 6-, 10- and 13-digit codes and the nasional code', () => {
    expect(areaLevelOf('ID')).toBe('nasional');
    expect(areaLevelOf('11')).toBe('provinsi');
    expect(areaLevelOf('1101')).toBe('kabkota');
    expect(areaLevelOf('110101')).toBe('kecamatan');
    expect(areaLevelOf('1101012001')).toBe('desa');
    expect(areaLevelOf('1101012001999')).toBe('tps');
    expect(parentArea('1101')).toBe('11');
    expect(parentArea('110101')).toBe('1101');
    expect(parentArea('1101012001')).toBe('110101');
    expect(parentArea('1101012001999')).toBe('1101012001');
  });

  it('answers undefined, never throws, for malformed input to areaLevelOf', () => {
    for (const bad of ['', 'ID ', '3', '317', '31710110010', '31710110010011', 42, null, {}]) {
      expect(areaLevelOf(bad), String(bad)).toBeUndefined();
    }
  });

  it('the JSON Schema patterns say exactly what the functions say', () => {
    const area = new RegExp(AREA_CODE_PATTERN);
    const recap = new RegExp(RECAP_AREA_CODE_PATTERN);
    const tps = new RegExp(TPS_CODE_PATTERN);
    fc.assert(
      fc.property(
        fc.oneof(areaCode, fc.string({ maxLength: 14 }), fc.stringMatching(/^[0-9]{1,14}$/)),
        (s) => {
          expect(area.test(s)).toBe(isAreaCode(s));
          expect(tps.test(s)).toBe(isTpsCode(s));
          expect(recap.test(s)).toBe(isAreaCode(s) && !isTpsCode(s));
        },
      ),
    );
  });

  it('a TPS code is its desa and a number 001–999', () => {
    expect(isTpsCode('3171011001001')).toBe(true);
    expect(isTpsCode('3171011001000')).toBe(false);
    expect(isTpsCode('3171011001')).toBe(false);
    expect(isTpsCode(3171011001001)).toBe(false);
    expect(desaOfTps('3171011001017')).toBe('3171011001');
    expect(tpsNumber('3171011001017')).toBe(17);
    expect(tpsName('3171011001017')).toBe('TPS 017');
    expect(tpsCode('3171011001', 17)).toBe('3171011001017');
    expect(tpsCode('3171011001', 999)).toBe('3171011001999');
    for (const [desa, n] of [
      ['3171011001', 0],
      ['3171011001', 1000],
      ['3171011001', 1.5],
      ['317101', 1],
      ['3171010000', 1],
    ] as const)
      expect(() => tpsCode(desa, n), `${desa} ${n}`).toThrow(PolicyError);
    expect(() => desaOfTps('31710110010')).toThrow(PolicyError);
    expect(() => tpsNumber('3171011001000')).toThrow(PolicyError);
  });
});
