// The one definition of the contests (contests.ts), and that the lists derived
// from it say what DOMAIN.md says.
import { describe, expect, it } from 'vitest';
import {
  CONTEST_IDS,
  CONTESTS,
  contestIndex,
  DAPIL_CONTESTS,
  isContestId,
  isDapilContest,
  isPartyContest,
  PARTY_CONTESTS,
  PLAIN_CHOICE_CONTESTS,
} from './contests.ts';

describe('contests', () => {
  it('are the five ballot papers, in ballot order', () => {
    expect(CONTEST_IDS).toEqual(['PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA']);
    for (const [i, c] of CONTEST_IDS.entries()) {
      expect(contestIndex(c)).toBe(i);
      expect(CONTESTS[c].id).toBe(c);
    }
  });

  it('split by ballot: pairs, individual candidates, party lists; dapil for all but PPWP', () => {
    expect(PARTY_CONTESTS).toEqual(['DPR', 'DPRD_PROV', 'DPRD_KABKOTA']);
    expect(PLAIN_CHOICE_CONTESTS).toEqual(['PPWP', 'DPD']);
    expect(DAPIL_CONTESTS).toEqual(['DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA']);
    expect(CONTESTS.PPWP.seats).toBeNull();
    expect(CONTESTS.DPD.seats).toEqual({ min: 4, max: 4 });
    expect(CONTESTS.DPRD_KABKOTA.region).toBe('kabkota');
  });

  it('refuses anything else, whatever its type', () => {
    for (const bad of ['ppwp', 'DPRD', '', ' DPR', 'PPWP\n', 'constructor', '__proto__', 1, null]) {
      expect(isContestId(bad), String(bad)).toBe(false);
      expect(isDapilContest(bad)).toBe(false);
      if (typeof bad === 'string') {
        expect(isPartyContest(bad)).toBe(false);
        expect(contestIndex(bad)).toBe(-1);
      }
    }
    expect(isDapilContest('PPWP')).toBe(false);
    expect(isPartyContest('DPD')).toBe(false);
  });
});
