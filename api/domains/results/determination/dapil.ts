/**
 * Seats in one dapil: the DPR allocates among threshold-eligible parties only
 * (UU 7/2017 Art. 414(1), 415(1)); the DPRD among all parties (Art. 414(2)). Both
 * then use Sainte-Laguë (Art. 415(2)–(3)). Seat ranges per dapil from DOMAIN.md
 * app 4: DPR 3–10, DPRD 3–12 — anything else is refused as a districting error.
 */
import {
  type AllocateOptions,
  assertSeats,
  type PartyVotes,
  type SainteLagueTrace,
  sainteLague,
  validatePartyVotes,
} from './sainte-lague.ts';
import type { DprEligibility } from './threshold.ts';
import { assertArray, assertRecord, fail, show } from './validate.ts';

export const DPR_DAPIL_SEATS = { min: 3, max: 10 } as const;
export const DPRD_DAPIL_SEATS = { min: 3, max: 12 } as const;

export interface DapilResult extends SainteLagueTrace {
  /** Parties listed for the dapil that took no part: below the DPR threshold. */
  readonly excluded: readonly string[];
}

export function allocateDprDapil(
  dapilVotes: readonly PartyVotes[],
  seats: number,
  eligibility: DprEligibility,
  opts: AllocateOptions = {},
): DapilResult {
  const rows = validatePartyVotes(dapilVotes, 'dapil votes');
  assertSeats(seats, DPR_DAPIL_SEATS.min, DPR_DAPIL_SEATS.max);
  assertRecord(eligibility, 'eligibility');
  assertArray(eligibility.parties, 'eligibility.parties');
  for (const p of eligibility.parties) assertRecord(p, 'eligibility.parties[]');
  const known = new Map(eligibility.parties.map((p) => [p.party, p.eligible]));
  for (const r of rows) {
    if (!known.has(r.party)) {
      fail('UNKNOWN_PARTY', `party ${show(r.party)} has dapil votes but no national result`);
    }
  }
  const inRace = rows.filter((r) => known.get(r.party) === true);
  assertRecord(opts, 'options');
  // A tie order is naturally the national ballot order of all parties: keep the
  // ones in this race; sainteLague still refuses one that misses any of them.
  let tieOrder: readonly string[] | undefined;
  if (opts.tieOrder !== undefined) {
    assertArray(opts.tieOrder, 'tieOrder');
    const order: readonly unknown[] = opts.tieOrder;
    if (!order.every((p): p is string => typeof p === 'string')) {
      fail('INVALID_TIE_ORDER', 'tieOrder must hold party ids');
    }
    tieOrder = order.filter((p) => inRace.some((r) => r.party === p));
  }
  const trace = sainteLague(inRace, seats, { ...opts, ...(tieOrder ? { tieOrder } : {}) });
  return {
    ...trace,
    excluded: rows.filter((r) => known.get(r.party) !== true).map((r) => r.party),
  };
}

export function allocateDprdDapil(
  dapilVotes: readonly PartyVotes[],
  seats: number,
  opts: AllocateOptions = {},
): DapilResult {
  assertSeats(seats, DPRD_DAPIL_SEATS.min, DPRD_DAPIL_SEATS.max);
  return { ...sainteLague(dapilVotes, seats, opts), excluded: [] };
}
