// Sanctions derived from the log reach the results determination (issue #12):
// filings recorded through the API → `financeStandings` → the determination's
// finance input (api/domains/results/determination/finance.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { demoOfficerId } from '../identity/index.ts';
import {
  allocateDprdDapil,
  electCandidates,
  listsAfterFinance,
  partyVotesAfterFinance,
} from '../results/determination/index.ts';
import { financeStandings } from './public.ts';
import { accountBody, OPEN_RULES, reportBody } from './testing.ts';

let p: PlatformApp;
const post = async (path: string, body: unknown, token: string) => {
  const r = await p.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(201);
};

beforeAll(async () => {
  p = await platformApp();
  const kpu = await p.token('KPU_RI', 'ID');
  const party = await p.token('PARTY', 'ID');
  const filer = demoOfficerId('PARTY', 'ID');
  for (const id of ['partai-a', 'partai-b', 'partai-c'])
    await post('/v1/finance/accounts', accountBody(id, filer), kpu);
  const zero = { contributions: '0', expenditures: '0' };
  await post('/v1/finance/reports', reportBody('partai-a', 'LADK', zero), party);
  await post('/v1/finance/reports', reportBody('partai-a', 'LPPDK', zero), party);
  await post('/v1/finance/reports', reportBody('partai-c', 'LADK', zero), party);
  // Then both deadlines pass: the rules of record move them into the past.
  await post(
    '/v1/finance/rules',
    {
      ...OPEN_RULES,
      deadlines: {
        LADK: '2024-01-01T00:00:00Z',
        LPSDK: '2024-01-02T00:00:00Z',
        LPPDK: '2024-03-01T00:00:00Z',
      },
    },
    kpu,
  );
}, 120_000);
afterAll(async () => {
  await p?.close();
});

describe('finance status in the determination', () => {
  it('derives each participant’s status from its filings', async () => {
    const s = await financeStandings(p.fresh.db, new Date('2024-03-20T00:00:00Z'));
    expect(Object.fromEntries(s.map((x) => [x.participant, x.status]))).toEqual({
      'partai-a': 'in-order',
      'partai-b': 'disqualified',
      'partai-c': 'not-electable',
    });
  });

  it('gives no seat to the party without an LADK and elects no candidate of the one without an LPPDK', async () => {
    const standings = await financeStandings(p.fresh.db, new Date('2024-03-20T00:00:00Z'));
    const dapil = partyVotesAfterFinance(
      [
        { party: 'partai-a', votes: 40_000 },
        { party: 'partai-b', votes: 35_000 },
        { party: 'partai-c', votes: 25_000 },
      ],
      standings,
      '3171',
    );
    expect(dapil.excluded).toEqual([{ participant: 'partai-b', reason: 'LADK_MISSING' }]);
    const seats = allocateDprdDapil(dapil.votes, 4);
    const lists = ['partai-a', 'partai-c'].map((party) => ({
      party,
      candidates: [1, 2, 3].map((n) => ({
        candidate: `${party}-${n}`,
        listNumber: n,
        votes: 1000 - n,
      })),
    }));
    const elected = electCandidates(
      seats.allocation.map((a) => ({ party: a.party, seats: a.seats })),
      listsAfterFinance(lists, standings),
    );
    const c = elected.find((r) => r.party === 'partai-c')!;
    expect(c.elected).toEqual([]);
    expect(c.ranking.every((r) => r.status === 'blocked' && r.blocked === 'LPPDK_MISSING')).toBe(
      true,
    );
    expect(elected.find((r) => r.party === 'partai-a')!.elected.length).toBeGreaterThan(0);
  });
});
