/**
 * Shared test data: one clean PPWP form and a DPR form that add up. Not part of
 * the public surface (index.ts); imported by the tests only.
 */
import type { CountForm } from './index.ts';

/**
 * A presidential count at a TPS with 280 DPT voters: 231 of them voted, with 4
 * transfers (DPTb) and 2 ID-card voters (DPK). Ballots: 280 + 2% reserve (5.6 → 6)
 * = 286 received; 237 used, 47 unused, 2 spoiled.
 */
export const CLEAN_PPWP: CountForm = {
  tps: '3171011001001',
  contest: 'PPWP',
  voters: {
    registered: { dpt: 280, dptb: 4, dpk: 2 },
    voted: { dpt: 231, dptb: 4, dpk: 2 },
  },
  ballots: { received: 286, used: 237, unused: 47, spoiled: 2 },
  votes: { '1': 63, '2': 133, '3': 35 },
  valid: 231,
  invalid: 6,
  photo: 'a'.repeat(64),
};

/** A DPR count: party-only votes and candidate votes of three parties. */
export const CLEAN_DPR: CountForm = {
  tps: '3171011001001',
  contest: 'DPR',
  voters: {
    registered: { dpt: 280, dptb: 0, dpk: 1 },
    voted: { dpt: 225, dptb: 0, dpk: 1 },
  },
  ballots: { received: 286, used: 226, unused: 58, spoiled: 2 },
  votes: { '1': 12, '1.1': 30, '1.2': 8, '4': 40, '4.3': 55, '12.1': 70 },
  valid: 215,
  invalid: 11,
  photo: 'b'.repeat(64),
};

/** A deep copy to change in a test. */
export const copy = (f: CountForm): CountForm => structuredClone(f);
