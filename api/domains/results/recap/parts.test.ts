// The recap tree's shape (parts.ts): large areas list parts (and super parts),
// and no recap entry can outgrow a C2SP entry bundle's 65,535 bytes, whatever
// the area's size or the ballot's width.
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../../../ledger/canonical.ts';
import { MAX_ENTRY_BYTES } from '../../../../ledger/entry.ts';
import {
  type ChildFigures,
  type RecapPayload,
  sumChildren,
} from '../../../../ledger/verifier/results/index.ts';
import {
  listsOwnChild,
  nodeDepth,
  nodeLevel,
  parseNode,
  RecapTree,
  rowsPerEntry,
} from './parts.ts';

const tpsOf = (desa: string, n: number) =>
  Array.from({ length: n }, (_, i) => desa + String(i + 1).padStart(3, '0'));

/** A tree over desa with the given TPS counts, `width` vote columns everywhere. */
function tree(tpsPerDesa: Record<string, number>, width: number) {
  const desa = Object.keys(tpsPerDesa);
  const children = (area: string): string[] => {
    if (area.length === 10) return tpsOf(area, tpsPerDesa[area] ?? 0);
    const len = area === 'ID' ? 2 : area.length === 2 ? 4 : area.length === 4 ? 6 : 10;
    return [
      ...new Set(
        desa.filter((d) => area === 'ID' || d.startsWith(area)).map((d) => d.slice(0, len)),
      ),
    ];
  };
  return new RecapTree(children, () => width);
}

describe('recap tree', () => {
  it('lists as many rows per entry as the ballot’s width allows', () => {
    expect(rowsPerEntry(0)).toBe(64); // DPD above the province: valid/invalid only
    expect(rowsPerEntry(3)).toBe(64); // PPWP
    expect(rowsPerEntry(24)).toBe(64); // party totals
    expect(rowsPerEntry(264)).toBe(18); // a national DPR ballot inside a dapil
    expect(rowsPerEntry(10_000)).toBe(8);
  });

  it('puts a small desa’s TPS under the desa, a large one’s under parts, a huge one’s under super parts', () => {
    const t = tree({ '3171011001': 10, '3171011002': 40, '3171011003': 999 }, 264);
    expect(t.pathOf('3171011001007')).toEqual(['3171011001', '317101', '3171', '31', 'ID']);
    // 40 TPS, 18 rows per entry: parts 0–2 by rank, listed by the desa.
    expect(t.parentOf('3171011002018')).toBe('3171011002/0');
    expect(t.parentOf('3171011002019')).toBe('3171011002/1');
    expect(t.pathOf('3171011002040')).toEqual([
      '3171011002/2',
      '3171011002',
      '317101',
      '3171',
      '31',
      'ID',
    ]);
    // 999 TPS: 56 parts of 18, more than 18, so super parts of 18 parts each.
    expect(t.pathOf('3171011003999')).toEqual([
      '3171011003/55',
      '3171011003//3',
      '3171011003',
      '317101',
      '3171',
      '31',
      'ID',
    ]);
    expect(nodeLevel('3171011002/2')).toBe('part');
    expect(nodeLevel('3171011003//3')).toBe('part');
    expect(nodeLevel('3171011002')).toBe('desa');
    const depths = t.pathOf('3171011003999').map(nodeDepth);
    expect([...depths].sort((a, b) => b - a)).toEqual(depths);
  });

  it('refuses an area too large for two levels of parts', () => {
    expect(() => tree({ '3171011001': 999 }, 100_000).pathOf('3171011001001')).toThrow(
      /3171011001 has 999 children/,
    );
  });

  it('says which node may list which (the observer’s check)', () => {
    expect(parseNode('3171011003//3')).toEqual({ area: '3171011003', kind: 'super', index: 3 });
    expect(parseNode('31/01')).toBeNull();
    expect(parseNode('31///1')).toBeNull();
    expect(listsOwnChild('3171011001', '3171011001007')).toBe(true);
    expect(listsOwnChild('3171011001/0', '3171011001007')).toBe(true);
    expect(listsOwnChild('3171011001//0', '3171011001007')).toBe(false);
    expect(listsOwnChild('3171011001', '3171011002007')).toBe(false);
    expect(listsOwnChild('3171011001', '3171011001/4')).toBe(true);
    expect(listsOwnChild('3171011001//0', '3171011001/4')).toBe(true);
    expect(listsOwnChild('3171011001/0', '3171011001/4')).toBe(false);
    expect(listsOwnChild('3171011001', '3171011001//0')).toBe(true);
    expect(listsOwnChild('3171011002', '3171011001//0')).toBe(false);
    expect(listsOwnChild('ID', '31')).toBe(true);
    expect(listsOwnChild('ID', '3171')).toBe(false);
    expect(listsOwnChild('ID', 'not an area')).toBe(false);
  });

  it('keeps the widest listing under the entry size limit', () => {
    // The worst case: a full entry of rows with every choice of a wide ballot
    // (24 parties × 12 candidates, plus party totals) and seven-digit numbers.
    const choices = Array.from({ length: 24 }, (_, p) => [
      String(p + 1),
      ...Array.from({ length: 12 }, (_, c) => `${p + 1}.${c + 1}`),
    ]).flat();
    const rows = rowsPerEntry(choices.length);
    const children: ChildFigures[] = Array.from({ length: rows }, (_, i) => ({
      code: `3171011001/${String(i)}`,
      seq: 99_999,
      hash: Buffer.alloc(32, 255).toString('base64'),
      tps: { accepted: 999, flagged: 999 },
      valid: 9_999_999,
      invalid: 9_999_999,
      votes: Object.fromEntries(choices.map((c) => [c, 9_999_999])),
    }));
    const payload: RecapPayload = {
      contest: 'DPRD_KABKOTA',
      area: '3171011001',
      level: 'desa',
      dapil: 'DPRD_KABKOTA-3171-1',
      ...sumChildren('DPRD_KABKOTA', true, children),
    };
    const entry = canonicalBytes({
      v: 1,
      kind: 'results.recap.computed',
      subject: 'recap:DPRD_KABKOTA:3171011001',
      seq: 99_999,
      prev: Buffer.alloc(32).toString('base64'),
      at: new Date().toISOString(),
      actor: { id: 'saksi', role: 'SYSTEM' },
      payload: payload as never,
      reason: 'new or changed TPS forms below this area',
    });
    expect(entry.length).toBeLessThan(MAX_ENTRY_BYTES);
  });
});
