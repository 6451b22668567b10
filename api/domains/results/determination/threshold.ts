/**
 * The DPR parliamentary threshold — UU 7/2017 Art. 414(1): a party takes part in
 * the DPR seat allocation only with "paling sedikit 4% dari jumlah suara sah secara
 * nasional" (DOMAIN.md app 8). "Paling sedikit" = at least, so exactly 4.00 % is
 * eligible (≥, not >). Art. 414(2): no threshold for DPRD provinsi/kab-kota.
 *
 * The denominator is the national valid DPR votes, i.e. the sum of every party's
 * national valid votes (party plus candidate votes, overseas included). The test
 * is exact: votes · 10 000 ≥ thresholdBasisPoints · total, in BigInt.
 */
import { atLeastBasisPoints, percentToBasisPoints } from './exact.ts';
import { type PartyVotes, validatePartyVotes } from './sainte-lague.ts';
import { fail, show, sumVotes } from './validate.ts';

/** UU 7/2017 Art. 414(1). */
export const DPR_THRESHOLD_PCT = 4;

export interface PartyEligibility {
  readonly party: string;
  readonly votes: number;
  readonly eligible: boolean;
}

export interface DprEligibility {
  readonly thresholdPct: number;
  readonly totalValidVotes: number;
  /** The fewest votes that meet the threshold: ⌈total · pct / 100⌉. */
  readonly minimumVotes: number;
  /** Every party, in input order. */
  readonly parties: readonly PartyEligibility[];
  /** The ids of the eligible parties, in input order. */
  readonly eligible: readonly string[];
}

export function dprEligibleParties(
  nationalVotes: readonly PartyVotes[],
  thresholdPct: number = DPR_THRESHOLD_PCT,
): DprEligibility {
  const rows = validatePartyVotes(nationalVotes, 'national votes');
  const bp = percentToBasisPoints(thresholdPct);
  if (bp === undefined) {
    fail(
      'INVALID_THRESHOLD',
      `threshold must be a percentage in [0, 100] with at most two decimals, got ${show(thresholdPct)}`,
    );
  }
  const total = sumVotes(
    rows.map((r) => r.votes),
    'national valid votes',
  );
  if (total === 0) fail('NO_VOTES', 'national valid votes are zero: the threshold is undefined');
  const parties = rows.map((r) => ({
    party: r.party,
    votes: r.votes,
    eligible: atLeastBasisPoints(r.votes, total, bp),
  }));
  const minimumVotes = Number((BigInt(total) * bp + 9_999n) / 10_000n);
  return {
    thresholdPct,
    totalValidVotes: total,
    minimumVotes,
    parties,
    eligible: parties.filter((p) => p.eligible).map((p) => p.party),
  };
}
