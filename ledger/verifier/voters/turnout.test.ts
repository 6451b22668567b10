import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTurnout, REGISTER_CHECK_ID, registeredToVote } from './turnout.ts';

const lists = { DPS: 50, DPSHP: 40, DPT: 200, DPTb: 3, DPK: 2 };

describe('voters who voted ≤ DPT + DPTb + DPK of the TPS', () => {
  it('counts only the lists that vote on the day', () => {
    expect(registeredToVote(lists)).toBe(205);
    expect(registeredToVote({ DPT: 1 })).toBe(1);
  });

  it('holds at the register and fails one above it', () => {
    expect(checkTurnout({ dpt: 200, dptb: 3, dpk: 2 }, lists)).toEqual({
      check: REGISTER_CHECK_ID,
      within: true,
      registered: 205,
      voted: 205,
      message: '205 voted, within the 205 the register has for this TPS (DPT + DPTb + DPK)',
    });
    const over = checkTurnout({ dpt: 200, dptb: 3, dpk: 3 }, lists);
    expect(over).toMatchObject({ within: false, registered: 205, voted: 206 });
    expect(over.message).toBe(
      '206 voted (DPT 200 + DPTb 3 + DPK 3) but the register has only 205 for this TPS (DPT 200 + DPTb 3 + DPK 2)',
    );
  });

  it('compares totals, not lists: a DPK voter may stand for a DPT one', () => {
    expect(checkTurnout({ dpt: 100, dptb: 0, dpk: 105 }, lists).within).toBe(true);
  });

  it('is within exactly when the sum of the turnout is at most the sum of the voting lists', () => {
    const n = fc.nat({ max: 100_000 });
    fc.assert(
      fc.property(n, n, n, n, n, n, n, (dpt, dptb, dpk, a, b, c, d) => {
        const l = { DPT: a, DPTb: b, DPK: c, DPS: d };
        const r = checkTurnout({ dpt, dptb, dpk }, l);
        return r.within === dpt + dptb + dpk <= a + b + c && r.registered === a + b + c;
      }),
    );
  });
});
