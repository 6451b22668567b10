/**
 * The arithmetic checks of DOMAIN.md application 8, on worked examples: a clean
 * form, each rule failing alone, several at once, and the 2024 misreadings
 * ("3" read as "8", DOMAIN.md "What went wrong in 2024", 1).
 */
import { describe, expect, it } from 'vitest';
import { CLEAN_DPR, CLEAN_PPWP, copy } from './fixtures.ts';
import type { CountForm } from './index.ts';
import {
  ballotReserve,
  CHECK_IDS,
  checkForm,
  DEFAULT_WARNING_PARAMS,
  formWarnings,
  partyTotals,
  sumVotes,
  WarningParamsError,
} from './index.ts';

const edited = (edit: (f: CountForm) => void, base: CountForm = CLEAN_PPWP) => {
  const f = copy(base);
  edit(f);
  return f;
};

describe('checkForm: forms that add up', () => {
  it('passes the clean presidential and DPR forms', () => {
    expect(checkForm(CLEAN_PPWP)).toEqual([]);
    expect(checkForm(CLEAN_DPR)).toEqual([]);
  });

  it('passes an empty TPS (nobody voted) and a TPS where every registered voter voted', () => {
    const empty = edited((f) => {
      f.voters.voted = { dpt: 0, dptb: 0, dpk: 0 };
      f.ballots = { received: 286, used: 0, unused: 286, spoiled: 0 };
      f.votes = { '1': 0, '2': 0, '3': 0 };
      f.valid = 0;
      f.invalid = 0;
    });
    expect(checkForm(empty)).toEqual([]);
    const full = edited((f) => {
      f.voters.voted = { ...f.voters.registered };
      f.ballots = { received: 286, used: 286, unused: 0, spoiled: 0 };
      f.votes = { '1': 100, '2': 150, '3': 30 };
      f.valid = 280;
      f.invalid = 6;
    });
    expect(checkForm(full)).toEqual([]);
  });
});

describe('checkForm: each rule on its own', () => {
  it('votes-sum-to-valid', () => {
    expect(checkForm(edited((f) => (f.votes['2'] = 142)))).toEqual([
      {
        check: 'votes-sum-to-valid',
        message: 'votes sum to 240 but valid is 231',
        expected: 231,
        actual: 240,
      },
    ]);
  });

  it('votes-sum-to-valid counts party-only and candidate votes on a DPR form', () => {
    expect(checkForm(edited((f) => (f.votes['4.3'] = 50), CLEAN_DPR))).toEqual([
      {
        check: 'votes-sum-to-valid',
        message: 'votes sum to 210 but valid is 215',
        expected: 215,
        actual: 210,
      },
    ]);
  });

  it('valid-plus-invalid-is-used', () => {
    // Moving votes between valid and invalid keeps valid = Σ votes only if the
    // votes move too; here invalid alone is wrong.
    expect(checkForm(edited((f) => (f.invalid = 9)))).toEqual([
      {
        check: 'valid-plus-invalid-is-used',
        message: 'valid 231 + invalid 9 = 240 but ballots used is 237',
        expected: 237,
        actual: 240,
      },
    ]);
  });

  it('used-is-voted', () => {
    // A voter counted as having voted whose ballot is not among those used.
    expect(checkForm(edited((f) => (f.voters.voted.dpt = 232)))).toEqual([
      {
        check: 'used-is-voted',
        message: 'ballots used is 237 but voters who voted is 238 (DPT 232 + DPTb 4 + DPK 2)',
        expected: 238,
        actual: 237,
      },
    ]);
  });

  it.each([
    ['dpt', 'DPT'],
    ['dptb', 'DPTb'],
    ['dpk', 'DPK'],
  ] as const)('voted-within-registered-%s', (list, name) => {
    // Registered shrinks below those who voted; every other figure still agrees.
    const f = edited((f) => (f.voters.registered[list] = f.voters.voted[list] - 1));
    const { voted } = CLEAN_PPWP.voters;
    expect(checkForm(f)).toEqual([
      {
        check: `voted-within-registered-${list}`,
        message: `${voted[list]} ${name} voters voted but only ${voted[list] - 1} are registered`,
        expected: voted[list] - 1,
        actual: voted[list],
      },
    ]);
  });

  it('ballots-accounted', () => {
    expect(checkForm(edited((f) => (f.ballots.unused = 45)))).toEqual([
      {
        check: 'ballots-accounted',
        message: 'ballots used 237 + unused 45 + spoiled 2 = 284 but received is 286',
        expected: 286,
        actual: 284,
      },
    ]);
  });
});

describe('checkForm: several failures at once', () => {
  it('reports every failed rule, in CHECK_IDS order', () => {
    const f = edited((f) => {
      f.ballots.used = 250; // neither valid + invalid (237) nor the voters (237), nor received
      f.voters.registered.dpk = 0; // 2 DPK voters voted
      f.votes['3'] = 30; // Σ 226 ≠ valid 231
    });
    const failed = checkForm(f);
    expect(failed.map((x) => x.check)).toEqual([
      'votes-sum-to-valid',
      'valid-plus-invalid-is-used',
      'used-is-voted',
      'voted-within-registered-dpk',
      'ballots-accounted',
    ]);
    expect(failed.map((x) => x.message)).toEqual([
      'votes sum to 226 but valid is 231',
      'valid 231 + invalid 6 = 237 but ballots used is 250',
      'ballots used is 250 but voters who voted is 237 (DPT 231 + DPTb 4 + DPK 2)',
      '2 DPK voters voted but only 0 are registered',
      'ballots used 250 + unused 47 + spoiled 2 = 299 but received is 286',
    ]);
    const order = failed.map((x) => CHECK_IDS.indexOf(x.check as (typeof CHECK_IDS)[number]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('can fail all seven rules', () => {
    const f = edited((f) => {
      f.voters.registered = { dpt: 0, dptb: 0, dpk: 0 };
      f.ballots.used = 1;
      f.valid = 0;
    });
    expect(checkForm(f).map((x) => x.check)).toEqual([...CHECK_IDS]);
  });
});

describe('checkForm: the 2024 misreadings ("3" read as "8")', () => {
  // The true count of CLEAN_PPWP is 63 / 133 / 35, valid 231. A machine reader
  // that takes one "3" for an "8" produces numbers the form itself contradicts.

  it('a misread vote count: pair 2 read 183 instead of 133 (50 phantom votes)', () => {
    const misread = edited((f) => (f.votes['2'] = 183));
    expect(checkForm(misread)).toEqual([
      {
        check: 'votes-sum-to-valid',
        message: 'votes sum to 281 but valid is 231',
        expected: 231,
        actual: 281,
      },
    ]);
  });

  it('hundreds of phantom votes: pair 2 read 833 instead of 133', () => {
    // The shape of the station reported in 2024: a count larger than the TPS's
    // whole electorate. The schema allows it (it is a number); the arithmetic flags it.
    const misread = edited((f) => (f.votes['2'] = 833));
    expect(checkForm(misread).map((x) => x.message)).toEqual(['votes sum to 931 but valid is 231']);
  });

  it('a consistent misreading — a vote and the valid total both read with an 8 — is still caught', () => {
    // Pair 3's 35 read as 85 and valid 231 as 281: Σ votes = valid again, but the
    // valid votes no longer fit in the ballots used or the voters who came.
    const misread = edited((f) => {
      f.votes['3'] = 85;
      f.valid = 281;
    });
    expect(checkForm(misread)).toEqual([
      {
        check: 'valid-plus-invalid-is-used',
        message: 'valid 281 + invalid 6 = 287 but ballots used is 237',
        expected: 237,
        actual: 287,
      },
    ]);
  });

  it('the human-verified correction of the misread form passes', () => {
    const misread = edited((f) => (f.votes['2'] = 183));
    const corrected = edited((f) => (f.votes['2'] = 133), misread);
    expect(checkForm(corrected)).toEqual([]);
    expect(corrected).toEqual(CLEAN_PPWP);
  });
});

describe('sumVotes and partyTotals', () => {
  it('sums every choice', () => {
    expect(sumVotes(CLEAN_PPWP.votes)).toBe(231);
    expect(sumVotes(CLEAN_DPR.votes)).toBe(215);
    expect(sumVotes({})).toBe(0);
  });

  it('gives each party its party-only votes plus its candidates’ votes, by party number', () => {
    expect([...partyTotals(CLEAN_DPR.votes)]).toEqual([
      ['1', 50],
      ['4', 95],
      ['12', 70],
    ]);
  });

  it('keeps party totals summing to the valid votes', () => {
    const totals = partyTotals(CLEAN_DPR.votes);
    expect([...totals.values()].reduce((a, b) => a + b, 0)).toBe(CLEAN_DPR.valid);
  });

  it('orders parties numerically, not as strings', () => {
    expect([...partyTotals({ '10.1': 1, '9': 2, '2.5': 3, '100': 4 }).keys()]).toEqual([
      '2',
      '9',
      '10',
      '100',
    ]);
  });
});

describe('formWarnings: ballots received vs DPT + reserve', () => {
  it('is quiet when received = DPT + 2% rounded up (280 → 286)', () => {
    expect(ballotReserve(280, DEFAULT_WARNING_PARAMS)).toBe(6);
    expect(formWarnings(CLEAN_PPWP)).toEqual([]);
  });

  it('warns on too few and too many ballots, with the figures', () => {
    expect(formWarnings(edited((f) => (f.ballots.received = 280)))).toEqual([
      {
        check: 'ballots-received-dpt-reserve',
        message: 'ballots received is 280 but DPT 280 + 2% reserve 6 is 286',
        expected: 286,
        actual: 280,
      },
    ]);
    expect(formWarnings(edited((f) => (f.ballots.received = 300)))[0]?.message).toBe(
      'ballots received is 300 but DPT 280 + 2% reserve 6 is 286',
    );
  });

  it('is separate from the arithmetic: a warned form can pass checkForm and vice versa', () => {
    const moved = edited((f) => {
      f.ballots.received = 296;
      f.ballots.unused = 57;
    });
    expect(checkForm(moved)).toEqual([]);
    expect(formWarnings(moved)).toHaveLength(1);
  });

  it('takes the reserve and its rounding as parameters', () => {
    expect(ballotReserve(294, DEFAULT_WARNING_PARAMS)).toBe(6); // 5.88 up
    expect(ballotReserve(294, { ...DEFAULT_WARNING_PARAMS, ballotReserveRounding: 'down' })).toBe(
      5,
    );
    expect(ballotReserve(300, DEFAULT_WARNING_PARAMS)).toBe(6); // exactly 6
    expect(ballotReserve(0, DEFAULT_WARNING_PARAMS)).toBe(0);
    const params = { ballotReserveBasisPoints: 250, ballotReserveRounding: 'down' as const };
    expect(formWarnings(CLEAN_PPWP, params)[0]?.message).toBe(
      'ballots received is 286 but DPT 280 + 2.5% reserve 7 is 287',
    );
    expect(
      formWarnings(CLEAN_PPWP, { ballotReserveBasisPoints: 5, ballotReserveRounding: 'up' })[0]
        ?.message,
    ).toBe('ballots received is 286 but DPT 280 + 0.05% reserve 1 is 281');
  });

  it('refuses parameters that cannot be meant', () => {
    for (const bp of [-1, 1.5, 10_001, Number.NaN])
      expect(() =>
        formWarnings(CLEAN_PPWP, { ballotReserveBasisPoints: bp, ballotReserveRounding: 'up' }),
      ).toThrow(WarningParamsError);
    expect(() =>
      formWarnings(CLEAN_PPWP, {
        ballotReserveBasisPoints: 200,
        ballotReserveRounding: 'nearest' as 'up',
      }),
    ).toThrow(/ballotReserveRounding/);
  });
});
