/**
 * Control 6 against a real server with registered voters and campaign-finance
 * donors: people re-derived from the sealed voter and contribution tables
 * through the key service, none found in the log or any public answer; then
 * leaks planted through the API — a donor's name as a campaign account's name,
 * a voter's birth date in an expenditure's description — are each found in the
 * log and in the public reads, naming the place and the private record, never
 * the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClient, demoDonor, demoToken, demoVoter } from '../../api/demo/index.ts';
import { Matcher, needlesOf } from '../personal-data/index.ts';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { personalData } from './personal-data.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 1, voters: 4, donors: 6 });
}, 240_000);
afterAll(async () => s?.close());

describe('spellings', () => {
  const [nik, name, ...dates] = needlesOf({
    record: 'voters v-1',
    nik: '3171015701900001',
    name: 'Siti Aminah',
    birthDate: '1990-01-17',
  });
  const m = (text: string) => new Matcher([nik!, name!, ...dates]).find(text);

  it('finds a name in any case and with any separator, as whole words only', () => {
    expect(m('oleh SITI_AMINAH.').map((h) => h.needle.field)).toEqual(['name']);
    expect(m('siti-aminah')).toHaveLength(1);
    expect(m('Siti Aminahwati')).toEqual([]);
  });

  it('finds a birth date in every format, and a NIK only whole', () => {
    const formats = (t: string) => m(t).map((h) => h.needle.format);
    expect(formats('1990-01-17')).toEqual(['YYYY-MM-DD']);
    expect(formats('17/01/1990 17.01.1990')).toEqual(['DD-MM-YYYY', 'DD-MM-YYYY']);
    expect(formats('01/17/1990')).toEqual(['MM/DD/YYYY']);
    expect(formats('17011990 19900117')).toEqual(['DDMMYYYY', 'YYYYMMDD']);
    expect(formats('lahir 17 Januari 1990')).toEqual(['D MMMM YYYY']);
    expect(formats('NIK:3171015701900001')).toEqual(['digits']);
    expect(m('93171015701900001')).toEqual([]);
    // DDMMYY alone is not a finding (docs/audit.md): it is inside the NIK.
    expect(m('170190')).toEqual([]);
  });
});

describe('control 6, personal data', () => {
  it('samples voters and donors and finds none in the log or the public endpoints', async () => {
    const out = await personalData.run(await s.context());
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.evidence.sampled).toEqual({ voters: 4, donors: 6 });
    const routes = out.evidence.publicRoutes as Record<string, { statuses: object }>;
    for (const r of [
      '/',
      '/v1/finance/participants',
      '/v1/finance/participants/:x',
      '/v1/finance/export.csv',
      '/v1/audit/stages',
      '/v1/voters/counts/:x',
      '/v1/results/PPWP/areas/:x',
      '/log/checkpoint',
      '/log/tile/entries/:x',
    ])
      expect(routes[r], r).toBeDefined();
    expect(out.evidence.publicResponsesScanned).toBeGreaterThan(40);
    // No audit report was filed on this server: those reads have no item to fetch.
    expect(out.evidence.publicRoutesNotReached).toEqual([
      'GET /v1/audit/findings/{id}',
      'GET /v1/audit/reports/{id}',
    ]);
  });

  it('finds a donor name and a voter birth date planted in public fields, never printing them', async () => {
    const client = new DemoClient(s.server.url);
    const kpu = await demoToken(client, 'KPU_RI', 'ID');
    const party = await demoToken(client, 'PARTY', 'ID');
    const donor = demoDonor(0).name; // "Donatur Demo 1", an individual
    await client.request('POST', 'v1/finance/accounts', {
      token: kpu.token,
      json: {
        id: 'partai-bocor',
        name: donor.toUpperCase(),
        kind: 'party',
        area: 'ID',
        filer: party.id,
        account: { bank: 'Bank Demo', number: '0099777777', holder: 'RKDK Partai Bocor' },
      },
      expect: [201],
    });
    const [y, mo, d] = demoVoter(1).birthDate.split('-');
    await client.request('POST', 'v1/finance/expenditures', {
      token: party.token,
      json: {
        participant: 'partai-bocor',
        category: 'materials',
        amount: '1000000',
        date: '2024-01-05',
        description: `honor saksi lahir ${d}/${mo}/${y}`,
      },
      expect: [201],
    });
    await s.settle();

    const out = await personalData.run(await s.context());
    expect(out.status).toBe('fail');
    const name = out.findings.filter((f) => f.message.startsWith('holds the name'));
    const date = out.findings.filter((f) => f.message.startsWith('holds the birth date'));
    const donorLeak =
      /^holds the name \(any case, any separator, fingerprint [0-9a-f]{12}\) of finance_contributions finance-contribution:[0-9a-f]{32} in clear, at character \d+$/;
    const voterLeak =
      /^holds the birth date \(DD-MM-YYYY, fingerprint [0-9a-f]{12}\) of voters \S+ in clear, at character \d+$/;
    expect(name.length).toBeGreaterThan(0);
    expect(date.length).toBeGreaterThan(0);
    for (const f of name) expect(f.message).toMatch(donorLeak);
    for (const f of date) expect(f.message).toMatch(voterLeak);
    const where = (fs: typeof name) => fs.map((f) => `${f.code} ${f.record}`);
    expect(where(name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PERSONAL_DATA_IN_LOG log entry \d+$/),
        'PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET /v1/finance/participants',
        'PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET /v1/finance/participants/partai-bocor',
        'PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET /portal/dana-kampanye',
        expect.stringMatching(
          /^PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET \/log\/tile\/entries\/000\.p\/\d+$/,
        ),
      ]),
    );
    expect(where(date)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PERSONAL_DATA_IN_LOG log entry \d+$/),
        expect.stringMatching(/^PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET \/v1\/ledger\/entries\/\d+$/),
        expect.stringMatching(
          /^PERSONAL_DATA_IN_PUBLIC_ENDPOINT GET \/log\/tile\/entries\/000\.p\/\d+$/,
        ),
      ]),
    );
    // Only those two values leaked, and the report never prints either.
    expect(out.findings.length).toBe(name.length + date.length);
    const text = JSON.stringify(out).toLowerCase();
    expect(text).not.toContain(donor.toLowerCase());
    expect(text).not.toContain(`${d}/${mo}/${y}`);
  });
});
