/**
 * The rules of campaign finance as pure functions (DOMAIN.md application 6,
 * issue #12). Money is bigint rupiah throughout: never a float.
 *
 * Sources (docs/finance.md gives the detail and what is still to check):
 * - caps: UU 7/2017 art. 326 (party/DPR-DPRD: from individuals ≤ Rp2.5 bn, from
 *   groups or companies ≤ Rp25 bn), art. 327 (DPD: ≤ Rp750 m and ≤ Rp1.5 bn),
 *   and the same amounts for presidential pairs (art. 327 as DOMAIN.md reads it);
 *   the caps are cumulative over the campaign, per donor and participant;
 * - foreign and anonymous donations are prohibited (UU 7/2017 art. 339(1));
 * - reports: LADK before the campaign, LPSDK during it, LPPDK after it
 *   (PKPU 18/2023); missing LADK disqualifies the participant in its area,
 *   missing LPPDK keeps its candidates from being declared elected.
 */
import type { Violation } from '../../write/ledgered-write.ts';
import type {
  Amount,
  CapContest,
  DonorCategory,
  FinanceRules,
  ParticipantKind,
  ReportKind,
  Totals,
} from './schemas.ts';

/**
 * DOMAIN.md's defaults. Deadlines: the 2024 calendar (campaign 28 Nov 2023 –
 * 10 Feb 2024, WIB = UTC+7): LADK the day before the campaign, LPSDK 7 Jan 2024,
 * LPPDK 25 Feb 2024 — the LPSDK and LPPDK dates are our reading of PKPU 18/2023
 * (check); an election sets its own with `POST /v1/finance/rules`.
 */
export const DEFAULT_RULES: FinanceRules = {
  caps: {
    DPR: { individual: '2500000000', group: '25000000000', company: '25000000000' },
    PPWP: { individual: '2500000000', group: '25000000000', company: '25000000000' },
    DPD: { individual: '750000000', group: '1500000000', company: '1500000000' },
  },
  deadlines: {
    LADK: '2023-11-27T23:59:59+07:00',
    LPSDK: '2024-01-07T23:59:59+07:00',
    LPPDK: '2024-02-25T23:59:59+07:00',
  },
};

/** An amount as the request gave it (digits or a safe integer) as bigint. */
export const rupiah = (a: Amount): bigint => BigInt(a);

export function contestOf(kind: ParticipantKind): CapContest {
  switch (kind) {
    case 'party':
      return 'DPR';
    case 'dpd':
      return 'DPD';
    case 'presidential':
      return 'PPWP';
    default: {
      const never: never = kind;
      throw new Error(`unknown participant kind ${String(never)}`);
    }
  }
}

/** Where a participant's sanctions apply: nationally, or the DPD candidate's province. */
export function accountViolations(kind: ParticipantKind, area: string): Violation[] {
  if (kind === 'dpd' && area === 'ID')
    return [{ rule: 'dpd-province', message: 'a DPD candidate runs in a province, not ID' }];
  if (kind !== 'dpd' && area !== 'ID')
    return [{ rule: 'national-area', message: `a ${kind} account is national (area ID)` }];
  return [];
}

export function donorViolations(d: {
  category: DonorCategory;
  country: string;
  idNumber: string;
}): Violation[] {
  const found: Violation[] = [];
  if (d.country !== 'ID')
    found.push({
      rule: 'no-foreign-donation',
      message: 'donations from foreign citizens, governments or companies are prohibited',
    });
  if (d.category === 'individual' && d.idNumber.length !== 16)
    found.push({
      rule: 'individual-nik',
      message: 'an individual donor is named by a 16-digit NIK',
    });
  return found;
}

export interface CapOutcome {
  cap: bigint;
  /** The donor's total to this participant including this contribution. */
  cumulative: bigint;
  /** The part of this contribution above the cap (0 when within it). */
  excess: bigint;
}

/**
 * The cap check: the contribution is recorded whatever happens (issue #12), and
 * the part that takes the donor over the cap is its excess, to be surrendered to
 * the state treasury. A donor already over the cap has all of a new one in excess.
 */
export function capOutcome(previous: bigint, amount: bigint, cap: bigint): CapOutcome {
  const cumulative = previous + amount;
  const over = cumulative - cap;
  const excess = over <= 0n ? 0n : over > amount ? amount : over;
  return { cap, cumulative, excess };
}

export function capFor(rules: FinanceRules, contest: CapContest, category: DonorCategory): bigint {
  return BigInt(rules.caps[contest][category]);
}

/** A surrender must be of the contribution's whole outstanding excess. */
export function surrenderViolations(excess: bigint, amount: bigint): Violation[] {
  if (excess === 0n)
    return [
      { rule: 'no-excess', message: 'this contribution is within its cap: nothing to surrender' },
    ];
  if (amount !== excess)
    return [
      {
        rule: 'surrender-equals-excess',
        message: `the excess to surrender is Rp${excess}, not Rp${amount}`,
      },
    ];
  return [];
}

export function rulesViolations(r: FinanceRules): Violation[] {
  const found: Violation[] = [];
  for (const [contest, caps] of Object.entries(r.caps))
    for (const [cat, v] of Object.entries(caps))
      if (BigInt(v) <= 0n)
        found.push({ rule: 'positive-cap', message: `the ${contest} ${cat} cap must be positive` });
  const t = (k: ReportKind) => Date.parse(r.deadlines[k]);
  if (!(t('LADK') <= t('LPSDK') && t('LPSDK') <= t('LPPDK')))
    found.push({ rule: 'deadline-order', message: 'deadlines must run LADK ≤ LPSDK ≤ LPPDK' });
  return found;
}

export const totals = (contributions: bigint, expenditures: bigint): Totals => ({
  contributions: String(contributions),
  expenditures: String(expenditures),
});

/** declared − ledger per total: what a mismatch flag names. */
export function difference(declared: Totals, ledger: Totals): Totals {
  return totals(
    BigInt(declared.contributions) - BigInt(ledger.contributions),
    BigInt(declared.expenditures) - BigInt(ledger.expenditures),
  );
}

export const isLate = (filedAt: Date, deadline: string) => filedAt.getTime() > Date.parse(deadline);

/** A report names the total it got wrong; null when it matches the ledger. */
export function mismatch(d: Totals): string | null {
  const parts: string[] = [];
  if (d.contributions !== '0') parts.push(`contributions off by Rp${d.contributions}`);
  if (d.expenditures !== '0') parts.push(`expenditures off by Rp${d.expenditures}`);
  return parts.length ? parts.join('; ') : null;
}

/**
 * A participant's sanction status, derived from what the log holds at `now`:
 * - `disqualified`: the LADK deadline has passed with no LADK (in its area);
 * - `not-electable`: the LPPDK deadline has passed with no LPPDK, so its
 *   candidates may not be declared elected;
 * - `pending`: a deadline is still ahead and its report not yet filed;
 * - `in-order`: every due report was filed.
 */
export type FinanceStatus = 'in-order' | 'pending' | 'disqualified' | 'not-electable';

export function financeStatus(
  filed: ReadonlySet<ReportKind>,
  deadlines: FinanceRules['deadlines'],
  now: Date,
): FinanceStatus {
  const due = (k: ReportKind) => now.getTime() > Date.parse(deadlines[k]);
  if (!filed.has('LADK') && due('LADK')) return 'disqualified';
  if (!filed.has('LPPDK') && due('LPPDK')) return 'not-electable';
  if (!filed.has('LADK') || !filed.has('LPPDK')) return 'pending';
  return 'in-order';
}
