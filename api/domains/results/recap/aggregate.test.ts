// What a recap sums (aggregate.ts): party totals that add up at every level,
// candidate rows only inside one dapil, flagged children listed but not summed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareChoice,
  type Figures,
  keepsChoice,
  type RecapChild,
  recapVotes,
  sumChildren,
} from './aggregate.ts';

const child = (code: string, status: 'accepted' | 'flagged' = 'accepted'): RecapChild => ({
  code,
  seq: 1,
  hash: 'h',
  status,
});

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
    const f = (valid: number, votes: Record<string, number>): Figures => ({
      valid,
      invalid: 1,
      votes,
    });
    const s = sumChildren('DPR', false, [
      { ref: child('3171011001002'), figures: f(10, recapVotes('DPR', { '1': 4, '1.1': 6 })) },
      { ref: child('3171011001001'), figures: f(7, recapVotes('DPR', { '2.1': 7 })) },
      { ref: child('3171011001003', 'flagged'), figures: f(999, { '1': 999 }) },
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
          const forms = groups.map((g) => g.map((v) => recapVotes('DPR', v)));
          const flat = sumChildren(
            'DPR',
            false,
            forms.flat().map((v, i) => ({
              ref: child(`t${i}`),
              figures: { valid: 0, invalid: 0, votes: v },
            })),
          );
          const mid = forms.map((g, j) =>
            sumChildren(
              'DPR',
              true,
              g.map((v, i) => ({
                ref: child(`t${j}.${i}`),
                figures: { valid: 0, invalid: 0, votes: v },
              })),
            ),
          );
          const top = sumChildren(
            'DPR',
            false,
            mid.map((m, j) => ({
              ref: { code: `a${j}`, seq: 1, hash: 'h' },
              figures: m,
              tps: m.tps,
            })),
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
