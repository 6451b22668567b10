// The demo-election generator at province scale, its public-figure tables and its
// integer splits (national scale: ../national.test.ts). No database.
import { describe, expect, it } from 'vitest';
import { digestElection } from '../datasets.ts';
import { checkElection } from '../load.ts';
import { apportion, contiguousGroups } from './apportion.ts';
import { generateElection } from './generate.ts';
import { PROVINCES } from './provinces.ts';

const province = generateElection({ scale: 'province', seed: 2024 });

describe('the province table', () => {
  it('holds the 2024 national figures it claims', () => {
    expect(PROVINCES).toHaveLength(38);
    expect(PROVINCES.reduce((s, p) => s + p.kabupaten + p.kota, 0)).toBe(514);
    expect(PROVINCES.reduce((s, p) => s + p.dprSeats, 0)).toBe(580);
    expect(PROVINCES.reduce((s, p) => s + p.dprDapil, 0)).toBe(84);
    expect(PROVINCES.reduce((s, p) => s + p.dprdSeats, 0)).toBe(2_372);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(38);
  });
});

describe('generateElection province', () => {
  it('is DKI Jakarta with the demo TPS, small, with four contests', () => {
    expect(province.areas.filter((a) => a.level === 'provinsi').map((a) => a.code)).toEqual(['31']);
    expect(province.tps.desa).toContain('3171011001');
    expect(province.areas.find((a) => a.code === '3171011001')?.name).toBe('Gambir');
    const tps = province.tps.dpt.length;
    expect(tps).toBeGreaterThanOrEqual(150);
    expect(tps).toBeLessThanOrEqual(300);
    expect(new Set(province.dapil.map((d) => d.contest))).toEqual(
      new Set(['DPR', 'DPD', 'DPRD_PROV']),
    );
    expect(province.dapil.filter((d) => d.contest === 'DPR').map((d) => [d.name, d.seats])).toEqual(
      [
        ['DKI JAKARTA I', 6],
        ['DKI JAKARTA II', 7],
        ['DKI JAKARTA III', 8],
      ],
    );
    expect(province.parties).toHaveLength(18);
    expect(checkElection(province)).toEqual([]);
  });

  it('is a function of the seed', () => {
    const again = generateElection({ scale: 'province', seed: 2024 });
    expect(digestElection(again)).toEqual(digestElection(province));
    expect(again).toEqual(province);
    const other = generateElection({ scale: 'province', seed: 2025 });
    expect(digestElection(other)).not.toEqual(digestElection(province));
    expect(generateElection({ scale: 'province', seed: '2024' })).not.toEqual(province);
  });

  it('refuses unknown options', () => {
    expect(() => generateElection({ scale: 'world' as never, seed: 1 })).toThrow(/scale/);
    expect(() => generateElection({ scale: 'province', seed: {} as never })).toThrow(/seed/);
  });
});

describe('apportion and contiguousGroups', () => {
  it('split totals within bounds, proportionally', () => {
    expect(apportion(10, [1, 1, 2])).toEqual([3, 2, 5]);
    // The capped middle takes 10; the two equal others share the remaining 11.
    expect(apportion(21, [1, 100, 1], 3, 10)).toEqual([6, 10, 5]);
    expect(() => apportion(40, [1, 1, 1], 3, 10)).toThrow(RangeError);
    expect(contiguousGroups([5, 5, 5, 5], 2)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(contiguousGroups([100, 1, 1], 3)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });
});
