// The pure rules of campaign finance (rules.ts), each against DOMAIN.md's numbers.
import { describe, expect, it } from 'vitest';
import {
  accountViolations,
  capFor,
  capOutcome,
  DEFAULT_RULES,
  difference,
  donorViolations,
  financeStatus,
  isLate,
  mismatch,
  rulesViolations,
  rupiah,
  surrenderViolations,
} from './rules.ts';

describe('caps (DOMAIN.md application 6; UU 7/2017 art. 326–327)', () => {
  it('has the defaults per contest and donor category', () => {
    expect(capFor(DEFAULT_RULES, 'DPR', 'individual')).toBe(2_500_000_000n);
    expect(capFor(DEFAULT_RULES, 'PPWP', 'individual')).toBe(2_500_000_000n);
    expect(capFor(DEFAULT_RULES, 'DPR', 'group')).toBe(25_000_000_000n);
    expect(capFor(DEFAULT_RULES, 'PPWP', 'company')).toBe(25_000_000_000n);
    expect(capFor(DEFAULT_RULES, 'DPD', 'individual')).toBe(750_000_000n);
    expect(capFor(DEFAULT_RULES, 'DPD', 'company')).toBe(1_500_000_000n);
  });

  it('is cumulative: the part of the amount above the cap is the excess', () => {
    expect(capOutcome(0n, 100n, 100n)).toEqual({ cap: 100n, cumulative: 100n, excess: 0n });
    expect(capOutcome(90n, 20n, 100n)).toEqual({ cap: 100n, cumulative: 110n, excess: 10n });
    // Already over: all of it.
    expect(capOutcome(150n, 20n, 100n).excess).toBe(20n);
    // Exactly at the cap is allowed ("tidak boleh melebihi").
    expect(capOutcome(2_000_000_000n, 500_000_000n, 2_500_000_000n).excess).toBe(0n);
  });

  it('keeps rupiah exact far beyond 2^53', () => {
    const big = 9_007_199_254_740_993n;
    expect(capOutcome(big, 1n, big).excess).toBe(1n);
    expect(rupiah('9007199254740993')).toBe(big);
    expect(rupiah(42)).toBe(42n);
  });
});

describe('donors and accounts', () => {
  it('refuses foreign donors and individuals without a NIK', () => {
    expect(
      donorViolations({ category: 'individual', country: 'ID', idNumber: '3171014101800001' }),
    ).toEqual([]);
    expect(
      donorViolations({ category: 'company', country: 'ID', idNumber: '012345678901234' }),
    ).toEqual([]);
    expect(
      donorViolations({ category: 'company', country: 'MY', idNumber: '012345678901234' }).map(
        (v) => v.rule,
      ),
    ).toEqual(['no-foreign-donation']);
    expect(
      donorViolations({ category: 'individual', country: 'ID', idNumber: '012345678901234' }).map(
        (v) => v.rule,
      ),
    ).toEqual(['individual-nik']);
  });

  it('places DPD accounts in a province and the others nationally', () => {
    expect(accountViolations('dpd', '31')).toEqual([]);
    expect(accountViolations('party', 'ID')).toEqual([]);
    expect(accountViolations('dpd', 'ID')).toHaveLength(1);
    expect(accountViolations('presidential', '31')).toHaveLength(1);
  });
});

describe('surrenders, reports, lateness', () => {
  it('surrenders exactly the excess of a breach', () => {
    expect(surrenderViolations(10n, 10n)).toEqual([]);
    expect(surrenderViolations(0n, 10n).map((v) => v.rule)).toEqual(['no-excess']);
    expect(surrenderViolations(10n, 9n).map((v) => v.rule)).toEqual(['surrender-equals-excess']);
  });

  it('names the difference between declared and ledger totals', () => {
    const d = difference(
      { contributions: '100', expenditures: '50' },
      { contributions: '100', expenditures: '70' },
    );
    expect(d).toEqual({ contributions: '0', expenditures: '-20' });
    expect(mismatch(d)).toBe('expenditures off by Rp-20');
    expect(mismatch({ contributions: '0', expenditures: '0' })).toBeNull();
  });

  it('is late strictly after the deadline', () => {
    expect(isLate(new Date('2024-01-01T00:00:00Z'), '2024-01-01T00:00:00Z')).toBe(false);
    expect(isLate(new Date('2024-01-01T00:00:01Z'), '2024-01-01T00:00:00Z')).toBe(true);
    expect(isLate(new Date('2023-11-27T17:00:00Z'), DEFAULT_RULES.deadlines.LADK)).toBe(true);
  });

  it('checks rules: positive caps, deadlines in order', () => {
    expect(rulesViolations(DEFAULT_RULES)).toEqual([]);
    const bad = {
      ...DEFAULT_RULES,
      caps: { ...DEFAULT_RULES.caps, DPD: { individual: '0', group: '1', company: '1' } },
    };
    expect(rulesViolations(bad).map((v) => v.rule)).toEqual(['positive-cap']);
    const order = {
      ...DEFAULT_RULES,
      deadlines: {
        LADK: '2024-02-01T00:00:00Z',
        LPSDK: '2024-01-01T00:00:00Z',
        LPPDK: '2024-03-01T00:00:00Z',
      },
    };
    expect(rulesViolations(order).map((v) => v.rule)).toEqual(['deadline-order']);
  });
});

describe('sanction status from the log', () => {
  const d = DEFAULT_RULES.deadlines;
  const during = new Date('2024-01-15T00:00:00Z');
  const after = new Date('2024-03-20T00:00:00Z');
  it('no LADK once due: disqualified', () => {
    expect(financeStatus(new Set(), d, during)).toBe('disqualified');
    expect(financeStatus(new Set(['LPPDK']), d, after)).toBe('disqualified');
  });
  it('no LPPDK once due: not electable', () => {
    expect(financeStatus(new Set(['LADK']), d, after)).toBe('not-electable');
  });
  it('before a deadline: pending; everything filed: in order', () => {
    expect(financeStatus(new Set(['LADK']), d, during)).toBe('pending');
    expect(financeStatus(new Set(), d, new Date('2023-11-01T00:00:00Z'))).toBe('pending');
    expect(financeStatus(new Set(['LADK', 'LPPDK']), d, after)).toBe('in-order');
  });
});
