import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AREA_LEVELS,
  areaAncestors,
  areaLevel,
  isAreaCode,
  isWithinArea,
  parentArea,
} from './areas.ts';
import { PolicyError } from './errors.ts';

const digits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const areaCode = fc.oneof(fc.constant('ID'), ...[2, 4, 6, 10, 13].map(digits));

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
