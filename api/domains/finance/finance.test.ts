// Campaign finance end to end (issue #12): accounts, contributions under and
// over the cap, the surrender of the excess, expenditures, reports with their
// documents, mismatches, amendments and lateness, the public totals, filings
// and CSV with their log entries, and the auditor's logged opening of a donor,
// checked by the browser-safe verifier. Every refusal stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDonorOpening,
  type LoggedContribution,
} from '../../../ledger/verifier/finance/index.ts';
import { fromBase64, openCheckpoint, verifyInclusion } from '../../../ledger/verifier/index.ts';
import { type PlatformApp, platformApp } from '../../../test/platform-app.ts';
import { demoOfficerId } from '../identity/index.ts';
import { FINANCE_CSV_HEADER } from './csv.ts';
import {
  accountBody,
  contributionBody,
  expenditureBody,
  OPEN_RULES,
  reportBody,
} from './testing.ts';

let p: PlatformApp;
let kpu: string;
let party: string;
let partyDpd: string;
let auditor: string;
/** A second KAP, an AUDITOR officer assigned to no participant of party A. */
let otherAuditor: string;
const json = { 'Content-Type': 'application/json' };
const post = (path: string, body: unknown, token?: string) =>
  p.app.request(path, {
    method: 'POST',
    headers: { ...json, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const get = async <T = Record<string, unknown>>(path: string) => {
  const r = await p.app.request(path);
  expect(r.status, `${path}: ${r.status}`).toBe(200);
  return (await r.json()) as T;
};

const TABLES = [
  'finance_rules',
  'finance_participants',
  'finance_contributions',
  'finance_surrenders',
  'finance_expenditures',
  'finance_documents',
  'finance_reports',
  'finance_auditors',
  'finance_openings',
];
/** Every finance row and every log entry: a refusal must change none of them. */
const stored = async () => ({
  appended: await p.rt.store.appendedCount(),
  ...Object.fromEntries(
    await Promise.all(
      TABLES.map(async (t) => [
        t,
        Number(
          (await p.fresh.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
        ),
      ]),
    ),
  ),
});
async function refused(res: Response | Promise<Response>, status: number, code?: string) {
  const r = await res;
  const body = (await r.json()) as { error: { code: string; message: string } };
  expect(r.status, JSON.stringify(body)).toBe(status);
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}
async function created(res: Response | Promise<Response>) {
  const r = await res;
  const body = (await r.json()) as Record<string, unknown>;
  expect(r.status, JSON.stringify(body)).toBe(201);
  return body;
}

const ANI = { idNumber: '3171014101800001', name: 'Ani Donatur' };
const BUDI = { idNumber: '3171010202750002', name: 'Budi Penyumbang' };

beforeAll(async () => {
  p = await platformApp();
  kpu = await p.token('KPU_RI', 'ID');
  party = await p.token('PARTY', 'ID');
  partyDpd = await p.token('PARTY', '31');
  auditor = await p.token('AUDITOR', 'ID');
  await p.token('PARTY', '32');
  const admin = await p.token('ADMIN', 'ID');
  const kap = await created(
    post(
      '/v1/officers',
      { username: 'kap-kedua', password: 'a long enough password', role: 'AUDITOR', area: 'ID' },
      admin,
    ),
  );
  otherAuditor = (kap.officer as { id: string }).id;
  await created(post('/v1/finance/rules', OPEN_RULES, kpu));
  await created(
    post('/v1/finance/accounts', accountBody('partai-a', demoOfficerId('PARTY', 'ID')), kpu),
  );
  await created(
    post('/v1/finance/accounts', accountBody('partai-b', demoOfficerId('PARTY', '32')), kpu),
  );
  await created(
    post(
      '/v1/finance/accounts',
      accountBody('dpd-31-1', demoOfficerId('PARTY', '31'), 'dpd', '31'),
      kpu,
    ),
  );
}, 120_000);
afterAll(async () => {
  await p?.close();
});

describe('contributions and caps', () => {
  it('records a contribution within the cap, with no excess', async () => {
    const r = await created(
      post('/v1/finance/contributions', contributionBody('partai-a', ANI, '2000000000'), party),
    );
    expect(r).toMatchObject({
      kind: 'finance.contribution.recorded',
      cap: '2500000000',
      excess: '0',
    });
  });

  it('flags the contribution that takes a donor over the cumulative cap, with its excess', async () => {
    // Rp2.0 bn + Rp1.0 bn against Rp2.5 bn: Rp0.5 bn over.
    const r = await created(
      post('/v1/finance/contributions', contributionBody('partai-a', ANI, 1_000_000_000), party),
    );
    expect(r.excess).toBe('500000000');
    // Once over, all of the next is excess.
    const again = await created(
      post('/v1/finance/contributions', contributionBody('partai-a', ANI, '1000'), party),
    );
    expect(again.excess).toBe('1000');
  });

  it('applies the DPD caps to a DPD candidate (Rp750 m for a person)', async () => {
    const r = await created(
      post('/v1/finance/contributions', contributionBody('dpd-31-1', BUDI, '800000000'), partyDpd),
    );
    expect(r).toMatchObject({ cap: '750000000', excess: '50000000' });
  });

  it('records the surrender of the excess against the breach, and only the whole excess', async () => {
    const breach = await created(
      post('/v1/finance/contributions', contributionBody('partai-a', BUDI, '2600000000'), party),
    );
    const base = {
      participant: 'partai-a',
      contribution: breach.subject,
      date: '2024-01-10',
      reference: 'NTPN 8842',
    };
    const before = await stored();
    await refused(
      post('/v1/finance/surrenders', { ...base, amount: '1' }, party),
      422,
      'RULE_VIOLATION',
    );
    expect(await stored()).toEqual(before);
    await created(post('/v1/finance/surrenders', { ...base, amount: '100000000' }, party));
    await refused(post('/v1/finance/surrenders', { ...base, amount: '100000000' }, party), 409);
  });
});

describe('bad input: a clear 4xx and nothing stored', () => {
  const cases: [string, () => Response | Promise<Response>, number, string?][] = [
    [
      'a contribution to an unknown account',
      () => post('/v1/finance/contributions', contributionBody('partai-x', ANI, '10'), party),
      404,
      'UNKNOWN_ACCOUNT',
    ],
    [
      'a negative amount',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, '-5'), party),
      400,
    ],
    [
      'a negative amount as a number',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, -5), party),
      400,
    ],
    [
      'a non-integer amount',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, 1.5), party),
      400,
    ],
    [
      'a non-integer amount as text',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, '1.5'), party),
      400,
    ],
    [
      'a zero amount',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, '0'), party),
      400,
    ],
    [
      'an unsafe integer',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, 2 ** 60), party),
      400,
    ],
    [
      'a foreign donor',
      () =>
        post(
          '/v1/finance/contributions',
          contributionBody('partai-a', { ...ANI, country: 'SG' }, '10'),
          party,
        ),
      422,
      'RULE_VIOLATION',
    ],
    [
      'a date that is no calendar day',
      () =>
        post(
          '/v1/finance/contributions',
          contributionBody('partai-a', ANI, '10', '2024-02-30'),
          party,
        ),
      400,
    ],
    [
      'a date in year 0',
      () =>
        post(
          '/v1/finance/expenditures',
          { ...expenditureBody('partai-a', '10'), date: '0000-01-01' },
          party,
        ),
      400,
    ],
    [
      'an anonymous donor',
      () =>
        post(
          '/v1/finance/contributions',
          {
            participant: 'partai-a',
            donor: { category: 'individual', country: 'ID' },
            amount: '10',
            date: '2024-01-02',
          },
          party,
        ),
      400,
    ],
    [
      'a person without a NIK',
      () =>
        post(
          '/v1/finance/contributions',
          contributionBody('partai-a', { idNumber: '123456789012345', name: 'X Y' }, '10'),
          party,
        ),
      422,
    ],
    [
      'a contribution for another participant',
      () => post('/v1/finance/contributions', contributionBody('partai-b', ANI, '10'), party),
      403,
      'FORBIDDEN',
    ],
    [
      'a report for another participant',
      () =>
        post(
          '/v1/finance/reports',
          reportBody('partai-b', 'LADK', { contributions: '0', expenditures: '0' }),
          party,
        ),
      403,
      'FORBIDDEN',
    ],
    [
      'a report for another area',
      () =>
        post(
          '/v1/finance/reports',
          reportBody('dpd-31-1', 'LADK', { contributions: '0', expenditures: '0' }),
          party,
        ),
      403,
      'FORBIDDEN',
    ],
    [
      'a document whose hash does not match',
      () => {
        const b = reportBody('partai-a', 'LADK', { contributions: '0', expenditures: '0' });
        return post(
          '/v1/finance/reports',
          { ...b, document: { ...b.document, sha256: 'a'.repeat(64) } },
          party,
        );
      },
      422,
      'RULE_VIOLATION',
    ],
    [
      'a declared total that is not an integer',
      () =>
        post(
          '/v1/finance/reports',
          reportBody('partai-a', 'LADK', { contributions: '1.5', expenditures: '0' }),
          party,
        ),
      400,
    ],
    [
      'an expenditure with an unknown category',
      () => post('/v1/finance/expenditures', expenditureBody('partai-a', '10', 'bribes'), party),
      400,
    ],
    [
      'a contribution filed by KPU',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, '10'), kpu),
      403,
      'FORBIDDEN',
    ],
    ['rules from a party', () => post('/v1/finance/rules', OPEN_RULES, party), 403, 'FORBIDDEN'],
    [
      'an account from KPU provinsi for a national party',
      async () =>
        post(
          '/v1/finance/accounts',
          accountBody('partai-z', 'x'),
          await p.token('KPU_PROVINSI', '31'),
        ),
      403,
    ],
    [
      'a DPD account at ID',
      () => post('/v1/finance/accounts', accountBody('dpd-x', 'x', 'dpd', 'ID'), kpu),
      422,
    ],
    [
      'an unknown field',
      () =>
        post(
          '/v1/finance/contributions',
          { ...contributionBody('partai-a', ANI, '10'), note: 'x' },
          party,
        ),
      400,
    ],
    [
      'no token',
      () => post('/v1/finance/contributions', contributionBody('partai-a', ANI, '10')),
      401,
    ],
  ];
  for (const [what, send, status, code] of cases)
    it(`${what}: ${status}`, async () => {
      const before = await stored();
      await refused(send(), status, code);
      expect(await stored()).toEqual(before);
    });
});

describe('reports', () => {
  it('flags a report whose totals differ from the ledger, naming the difference; an amendment fixes it', async () => {
    await created(
      post('/v1/finance/expenditures', expenditureBody('dpd-31-1', '1250000'), partyDpd),
    );
    const wrong = await created(
      post(
        '/v1/finance/reports',
        reportBody('dpd-31-1', 'LADK', { contributions: '800000000', expenditures: '1000000' }),
        partyDpd,
      ),
    );
    expect(wrong).toMatchObject({
      late: false,
      difference: { contributions: '0', expenditures: '-250000' },
    });
    // An amendment is the next version and must say why.
    const fixed = reportBody(
      'dpd-31-1',
      'LADK',
      { contributions: '800000000', expenditures: '1250000' },
      { seq: 2 },
    );
    await refused(post('/v1/finance/reports', fixed, partyDpd), 422, 'REASON_REQUIRED');
    const ok = await created(
      post('/v1/finance/reports', { ...fixed, reason: 'invoice of 5 Jan left out' }, partyDpd),
    );
    expect(ok).toMatchObject({
      kind: 'finance.report.amended',
      seq: 2,
      difference: { contributions: '0', expenditures: '0' },
    });
    // A replayed version is refused.
    await refused(post('/v1/finance/reports', { ...fixed, reason: 'again' }, partyDpd), 409);
  });

  it('records a report after its deadline as late', async () => {
    await created(
      post(
        '/v1/finance/rules',
        {
          ...OPEN_RULES,
          deadlines: {
            LADK: '2024-01-01T00:00:00Z',
            LPSDK: '2024-01-02T00:00:00Z',
            LPPDK: '2099-01-01T00:00:00Z',
          },
        },
        kpu,
      ),
    );
    const r = await created(
      post(
        '/v1/finance/reports',
        reportBody('partai-a', 'LADK', { contributions: '0', expenditures: '0' }),
        party,
      ),
    );
    expect(r.late).toBe(true);
  });

  it('serves the filed document by its hash', async () => {
    const b = reportBody(
      'partai-a',
      'LPSDK',
      { contributions: '0', expenditures: '0' },
      { text: 'LPSDK document bytes' },
    );
    await created(post('/v1/finance/reports', b, party));
    const r = await p.app.request(`/v1/finance/documents/${b.document.sha256}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await r.arrayBuffer()).toString()).toBe('LPSDK document bytes');
  });
});

describe('sanctions', () => {
  it('derives the status from the log: no LADK after its deadline disqualifies, no LPPDK blocks', async () => {
    // Rules now: LADK due 2024-01-01 (past), LPPDK in 2099.
    const { participants } = await get<{ participants: { id: string; status: string }[] }>(
      '/v1/finance/participants',
    );
    const status = Object.fromEntries(participants.map((x) => [x.id, x.status]));
    expect(status).toMatchObject({
      'partai-a': 'pending',
      'partai-b': 'disqualified',
      'dpd-31-1': 'pending',
    });
  });
});

describe('public reads', () => {
  it('lists each participant with totals by donor category and expenditure category, breaches and surrenders', async () => {
    p.rt.sequencer.poke();
    const { participants } = await get<{ participants: Record<string, unknown>[] }>(
      '/v1/finance/participants',
    );
    const a = participants.find((x) => x.id === 'partai-a')!;
    expect(a).toMatchObject({
      name: 'Peserta partai-a',
      kind: 'party',
      totals: {
        contributions: { individual: '5600001000', group: '0', company: '0' },
        breaches: 3,
        excessSurrendered: '100000000',
      },
      filings: 2,
    });
    const d = participants.find((x) => x.id === 'dpd-31-1')!;
    expect((d.totals as { expenditures: Record<string, string> }).expenditures.materials).toBe(
      '1250000',
    );
  });

  it('shows every filing with its hash, declared, ledger, difference, lateness, entry and proof', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const d = await get<{ filings: Record<string, unknown>[] }>(
      '/v1/finance/participants/dpd-31-1',
    );
    expect(d.filings).toHaveLength(2);
    const [first, second] = d.filings as {
      kind: string;
      version: number;
      documentSha256: string;
      difference: Record<string, string>;
      mismatch: string | null;
      late: boolean;
      entry: { index: number | null; leafHash: string };
      proof: string | null;
    }[];
    expect(first).toMatchObject({
      kind: 'LADK',
      version: 1,
      mismatch: 'expenditures off by Rp-250000',
      late: false,
    });
    expect(second).toMatchObject({ kind: 'LADK', version: 2, mismatch: null });
    expect(first!.entry.index).not.toBeNull();
    const proof = await get<{ index: number; path: string[] }>(first!.proof!);
    expect(proof.index).toBe(first!.entry.index);
    const entry = await p.rt.store.entry(first!.entry.index!);
    expect(Buffer.from(entry.leafHash).toString('base64')).toBe(first!.entry.leafHash);
    // The filing's leaf hash, proved against the signed checkpoint by the verifier.
    const note = await (await p.app.request('/log/checkpoint')).text();
    const cp = openCheckpoint(note, p.rt.verifierKey);
    const path = await get<{ path: string[] }>(
      `/v1/proofs/inclusion?index=${first!.entry.index}&size=${cp.size}`,
    );
    expect(() =>
      verifyInclusion(
        fromBase64(first!.entry.leafHash),
        first!.entry.index!,
        cp.size,
        path.path.map(fromBase64),
        cp.rootHash,
      ),
    ).not.toThrow();
  });

  it('exports one CSV row per contribution, surrender, expenditure and filing with its entry', async () => {
    const r = await p.app.request('/v1/finance/export.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const text = await r.text();
    expect(text.startsWith(FINANCE_CSV_HEADER)).toBe(true);
    const lines = text.trim().split('\n').slice(1);
    const kinds = lines.map((l) => l.split(',')[0]);
    const n = (k: string) => kinds.filter((x) => x === k).length;
    expect(n('contribution')).toBe(5);
    expect(n('surrender')).toBe(1);
    expect(n('expenditure')).toBe(1);
    expect(n('filing')).toBe(4);
    for (const l of lines) expect(l).toMatch(/,[0-9]*,[A-Za-z0-9+/]{43}=$/);
  });
});

describe('the auditor', () => {
  it('opens a donor of the participant it audits, logged with the reason; the opening checks against the log', async () => {
    await created(
      post(
        '/v1/finance/auditors',
        { participant: 'partai-a', auditor: demoOfficerId('AUDITOR', 'ID') },
        kpu,
      ),
    );
    const k = await created(
      post(
        '/v1/finance/contributions',
        contributionBody('partai-a', { idNumber: '3171016612900003', name: 'Citra Audit' }, '5000'),
        party,
      ),
    );
    const before = await stored();
    const o = await created(
      post(
        '/v1/finance/openings',
        { participant: 'partai-a', contribution: k.subject, reason: 'LADK audit, sample 1' },
        auditor,
      ),
    );
    expect((await stored()).finance_openings).toBe(before.finance_openings + 1);
    const opening = o.opening as { salt: string; record: { idNumber: string; name: string } };
    expect(opening.record).toMatchObject({ idNumber: '3171016612900003', name: 'Citra Audit' });
    // The auditor checks the opening against the contribution's log entry.
    const index = (await p.rt.store.waitIntegrated([Number(k.pendingId)], 5000, 20)).get(
      Number(k.pendingId),
    );
    const entry = JSON.parse(new TextDecoder().decode((await p.rt.store.entry(index!)).entry)) as {
      payload: unknown;
    };
    const logged = entry.payload as unknown as LoggedContribution;
    expect(checkDonorOpening(k.subject as string, logged, opening as never)).toEqual({ ok: true });
    expect(
      checkDonorOpening(k.subject as string, logged, {
        ...opening,
        record: { ...opening.record, name: 'Someone Else' },
      } as never),
    ).toEqual({ ok: false, reason: 'COMMITMENT_MISMATCH' });
  });

  it('refuses anyone else: KPU, the filer, and an auditor not assigned to the participant', async () => {
    const k = await created(
      post(
        '/v1/finance/contributions',
        contributionBody(
          'dpd-31-1',
          { idNumber: '3171016612900004', name: 'Dewi Rahasia' },
          '5000',
        ),
        partyDpd,
      ),
    );
    await created(
      post('/v1/finance/auditors', { participant: 'dpd-31-1', auditor: otherAuditor }, kpu),
    );
    const body = {
      participant: 'dpd-31-1',
      contribution: k.subject,
      reason: 'curiosity, not audit',
    };
    for (const token of [kpu, partyDpd, auditor]) {
      const before = await stored();
      const e = await refused(post('/v1/finance/openings', body, token), 403, 'FORBIDDEN');
      expect(e.message).not.toContain('Dewi');
      expect(await stored()).toEqual(before);
    }
  });
});

describe('concurrent contributions of one donor', () => {
  it('never lets two slip under the cap together: each is recorded with its true excess, or refused 409', async () => {
    await created(
      post('/v1/finance/accounts', accountBody('partai-c', demoOfficerId('PARTY', 'ID')), kpu),
    );
    const donor = { idNumber: '3171015707700005', name: 'Eka Serentak' };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        p.app.request('/v1/finance/contributions', {
          method: 'POST',
          headers: { ...json, Authorization: `Bearer ${party}` },
          body: JSON.stringify(contributionBody('partai-c', donor, '1000000000')),
        }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      String(statuses),
    ).toBe(true);
    const ok = await Promise.all(
      answers.filter((r) => r.status === 201).map((r) => r.json() as Promise<{ excess: string }>),
    );
    expect(ok.length).toBeGreaterThan(0);
    // Rp1 bn each against Rp2.5 bn: the recorded excesses are exactly what the cap implies.
    const total = BigInt(ok.length) * 1_000_000_000n;
    const excess = ok.reduce((a, b) => a + BigInt(b.excess), 0n);
    expect(excess).toBe(total > 2_500_000_000n ? total - 2_500_000_000n : 0n);
  });
});
