// Campaign-finance sanctions in the determination (finance.ts): a party without
// an LADK takes no seat where it is disqualified; a participant without an
// LPPDK may not be declared elected, so the next in rank takes the seat.
import { describe, expect, it } from 'vitest';
import { electCandidates } from './candidates.ts';
import { allocateDprdDapil } from './dapil.ts';
import { electDpd } from './dpd.ts';
import { DeterminationError } from './errors.ts';
import {
  dpdAfterFinance,
  type FinanceStanding,
  listsAfterFinance,
  partyVotesAfterFinance,
  presidentialFinanceFlags,
} from './finance.ts';

const votes = [
  { party: 'A', votes: 50_000 },
  { party: 'B', votes: 30_000 },
  { party: 'C', votes: 20_000 },
];

describe('finance sanctions in the seat allocation', () => {
  it('excludes a party disqualified (no LADK) in the area; its seats go to the others', () => {
    const standings: FinanceStanding[] = [
      { participant: 'A', area: 'ID', status: 'in-order' },
      { participant: 'B', area: 'ID', status: 'disqualified' },
    ];
    const before = allocateDprdDapil(votes, 5);
    expect(before.allocation.find((s) => s.party === 'B')?.seats).toBeGreaterThan(0);
    const after = partyVotesAfterFinance(votes, standings, '3171');
    expect(after.excluded).toEqual([{ participant: 'B', reason: 'LADK_MISSING' }]);
    const seats = allocateDprdDapil(after.votes, 5);
    expect(seats.allocation.map((s) => s.party)).not.toContain('B');
    expect(seats.allocation.reduce((n, s) => n + s.seats, 0)).toBe(5);
  });

  it('applies a provincial disqualification inside that province only', () => {
    const standings: FinanceStanding[] = [{ participant: 'C', area: '31', status: 'disqualified' }];
    expect(partyVotesAfterFinance(votes, standings, '3171').excluded).toHaveLength(1);
    expect(partyVotesAfterFinance(votes, standings, '3273').excluded).toHaveLength(0);
  });

  it('blocks the candidates of a party without an LPPDK; the next in rank is passed over to', () => {
    const lists = [
      {
        party: 'A',
        candidates: [
          { candidate: 'a1', listNumber: 1, votes: 900 },
          { candidate: 'a2', listNumber: 2, votes: 100 },
        ],
      },
      { party: 'B', candidates: [{ candidate: 'b1', listNumber: 1, votes: 800 }] },
    ];
    const standings: FinanceStanding[] = [
      { participant: 'B', area: 'ID', status: 'not-electable' },
    ];
    const result = electCandidates(
      [
        { party: 'A', seats: 1 },
        { party: 'B', seats: 1 },
      ],
      listsAfterFinance(lists, standings),
    );
    const b = result.find((r) => r.party === 'B')!;
    expect(b.elected).toEqual([]);
    expect(b.unfilled).toBe(1);
    expect(b.ranking[0]).toMatchObject({
      candidate: 'b1',
      status: 'blocked',
      blocked: 'LPPDK_MISSING',
    });
    expect(result.find((r) => r.party === 'A')!.elected).toEqual(['a1']);
  });

  it('drops a disqualified DPD candidate and passes over a not-electable one', () => {
    const cands = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((c, i) => ({
      candidate: c,
      votes: 1000 - i * 10,
    }));
    const { candidates, excluded } = dpdAfterFinance(
      cands,
      [
        { participant: 'd1', area: '31', status: 'disqualified' },
        { participant: 'd2', area: '31', status: 'not-electable' },
      ],
      '31',
    );
    expect(excluded).toEqual([{ participant: 'd1', reason: 'LADK_MISSING' }]);
    expect(electDpd(candidates).elected).toEqual(['d3', 'd4', 'd5', 'd6']);
  });

  it('flags a presidential winner without an LPPDK as not declarable, and a sanctioned finalist', () => {
    const result = { outcome: 'elected', winner: 'P1' } as const;
    const blocked = presidentialFinanceFlags(result, [
      { participant: 'P1', area: 'ID', status: 'not-electable' },
    ]);
    expect(blocked).toEqual({
      declarable: false,
      sanctioned: [{ participant: 'P1', reason: 'LPPDK_MISSING' }],
    });
    expect(
      presidentialFinanceFlags(result, [{ participant: 'P1', area: 'ID', status: 'in-order' }])
        .declarable,
    ).toBe(true);
    const runoff = presidentialFinanceFlags({ outcome: 'runoff', finalists: ['P1', 'P2'] }, [
      { participant: 'P2', area: 'ID', status: 'disqualified' },
    ]);
    expect(runoff).toEqual({
      declarable: false,
      sanctioned: [{ participant: 'P2', reason: 'LADK_MISSING' }],
    });
  });

  it('refuses malformed standings', () => {
    expect(() =>
      partyVotesAfterFinance(
        votes,
        [{ participant: 'A', area: 'ID', status: 'fine' as never }],
        'ID',
      ),
    ).toThrow(DeterminationError);
    expect(() =>
      partyVotesAfterFinance(
        votes,
        [
          { participant: 'A', area: 'ID', status: 'in-order' },
          { participant: 'A', area: 'ID', status: 'in-order' },
        ],
        'ID',
      ),
    ).toThrow(DeterminationError);
  });
});
