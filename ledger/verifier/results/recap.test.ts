// What a recap sums (recap.ts): party totals that add up at every level,
// candidate rows only inside one dapil, flagged children listed but not summed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  areaChild,
  compareChoice,
  formChild,
  keepsChoice,
  type RecapPayload,
  recapVotes,
  sameChild,
  sumChildren,
} from './recap.ts';

/** A TPS form as its desa lists it: the sheet's own numbers. */
const tps = (
  code: string,
  valid: number,
  votes: Record<string, number>,
  status: 'accepted' | 'flagged' = 'accepted',
) => formChild('DPR', code, 1, 'h', status, 1, { valid, invalid: 1, votes }, true);

describe('recap arithmetic', () => {
  it('turns a form’s party-only votes into party totals for party contests', () => {
    expect(recapVotes('DPR', { '1': 12, '1.1': 30, '1.2': 8, '4.3': 55 })).toEqual({
      '1': 50,
      '1.1': 30,
      '1.2': 8,
      '4': 55,
      '4.3': 55,
    });
    expect(recapVotes('PPWP', { '1': 5, '2': 7 })).toEqual({ '1': 5, '2': 7 });
    expect(recapVotes('DPD', { '3': 5 })).toEqual({ '3': 5 });
  });

  it('keeps candidate rows only inside one dapil; DPD candidates fold away above it', () => {
    expect(keepsChoice('DPR', '4.3', true)).toBe(true);
    expect(keepsChoice('DPR', '4.3', false)).toBe(false);
    expect(keepsChoice('DPR', '4', false)).toBe(true);
    expect(keepsChoice('DPD', '3', false)).toBe(false);
    expect(keepsChoice('PPWP', '2', false)).toBe(true);
  });

  it('sums accepted children, lists flagged ones, and counts TPS', () => {
    const s = sumChildren('DPR', false, [
      tps('3171011001002', 10, { '1': 4, '1.1': 6 }),
      tps('3171011001001', 7, { '2.1': 7 }),
      tps('3171011001003', 999, { '1': 999 }, 'flagged'),
    ]);
    expect(s.valid).toBe(17);
    expect(s.invalid).toBe(2);
    expect(s.votes).toEqual({ '1': 10, '2': 7 });
    expect(s.tps).toEqual({ accepted: 2, flagged: 1 });
    expect(s.children.map((c) => c.code)).toEqual([
      '3171011001001',
      '3171011001002',
      '3171011001003',
    ]);
  });

  it('adds up the same whether summed at once or level by level (property)', () => {
    const votes = fc.dictionary(
      fc.constantFrom('1', '1.1', '1.2', '2', '2.1', '3.4'),
      fc.nat({ max: 300 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(votes, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (groups) => {
          const flat = sumChildren(
            'DPR',
            false,
            groups.flat().map((v, i) => tps(`t${i}`, 0, v)),
          );
          const mid = groups.map(
            (g, j): RecapPayload => ({
              contest: 'DPR',
              area: `a${j}`,
              level: 'desa',
              dapil: 'd',
              ...sumChildren(
                'DPR',
                true,
                g.map((v, i) => tps(`t${j}.${i}`, 0, v)),
              ),
            }),
          );
          const top = sumChildren(
            'DPR',
            false,
            mid.map((m) => areaChild(m, 1, 'h', false)),
          );
          expect(top.votes).toEqual(flat.votes);
          expect(top.tps).toEqual(flat.tps);
          // A party's total is the sum of its party-only and candidate votes.
          const raw = groups.flat(2);
          const party1 = raw.reduce(
            (n, v) => n + (v['1'] ?? 0) + (v['1.1'] ?? 0) + (v['1.2'] ?? 0),
            0,
          );
          expect(top.votes['1'] ?? 0).toBe(party1);
        },
      ),
    );
  });

  it('lists an area child with the choices its parent keeps', () => {
    const desa: RecapPayload = {
      contest: 'DPR',
      area: '3171011001',
      level: 'desa',
      dapil: 'DKI-1',
      ...sumChildren('DPR', true, [tps('3171011001001', 20, { '1': 4, '1.1': 6, '2.3': 10 })]),
    };
    expect(desa.votes).toEqual({ '1': 10, '1.1': 6, '2': 10, '2.3': 10 });
    const inDapil = areaChild(desa, 3, 'h3', true);
    const above = areaChild(desa, 3, 'h3', false);
    expect(inDapil.votes).toEqual(desa.votes);
    expect(above).toEqual({
      code: '3171011001',
      seq: 3,
      hash: 'h3',
      tps: { accepted: 1, flagged: 0 },
      valid: 20,
      invalid: 1,
      votes: { '1': 10, '2': 10 },
    });
    expect(sameChild(above, areaChild(desa, 3, 'h3', false))).toBe(true);
    expect(sameChild(above, areaChild(desa, 4, 'h3', false))).toBe(false);
    expect(sameChild(above, { ...above, votes: { ...above.votes, '2': 11 } })).toBe(false);
    expect(sameChild(above, { ...above, votes: { ...above.votes, '3': 1 } })).toBe(false);
    // A zero is the same as no row.
    expect(sameChild(above, { ...above, votes: { ...above.votes, '3': 0 } })).toBe(true);
    expect(sameChild(above, { ...above, tps: { accepted: 1, flagged: 1 } })).toBe(false);
  });

  it('orders choices as on the ballot', () => {
    expect(['10', '2.10', '2', '2.1', '1'].sort(compareChoice)).toEqual([
      '1',
      '2',
      '2.1',
      '2.10',
      '10',
    ]);
  });
});
