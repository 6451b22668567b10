// The campaign-finance slot and the anomaly rules, without a server: the
// portal's reads go to a stubbed fetch (the finance domain is built in
// parallel), so both its answers are covered — totals when
// GET /v1/finance/participants answers, "belum tersedia" when it is a 404.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppVariables } from '../auth/principal.ts';
import { outliers, parseTpsCsv } from './anomalies.ts';
import { rupiah } from './finance.ts';
import { portalRoutes } from './index.ts';

const KEY = 'portal.test/log+01020304+AQ' + 'A'.repeat(42);

function appWith(answer: (path: string) => Response) {
  const app = new Hono<{ Variables: AppVariables }>();
  portalRoutes(app, { fetch: (p) => answer(p), verifierKey: () => KEY });
  return app;
}

const PARTICIPANTS = {
  participants: [
    {
      id: 'p-1',
      name: 'Partai Contoh',
      kind: 'party',
      totals: {
        contributions: { individual: '1500000', group: '0', company: '25000000000' },
        expenditures: { campaign: '12000000' },
        breaches: 1,
        excessSurrendered: '500000',
      },
      filings: 3,
      status: 'filed',
    },
  ],
};

describe('the campaign-finance page', () => {
  it('shows each participant’s totals when the finance route answers', async () => {
    const app = appWith((p) =>
      p === '/v1/finance/participants'
        ? Response.json(PARTICIPANTS)
        : new Response('{}', { status: 404 }),
    );
    const r = await app.request('/portal/dana-kampanye');
    const text = await r.text();
    expect(r.status).toBe(200);
    expect(text).toContain('data-finance="present"');
    expect(text).toContain('Partai Contoh');
    expect(text).toContain('Rp 25.000.000.000');
    expect(text).toContain('Rp 500.000');
  });

  it('says "belum tersedia" / "not yet available" when the route answers 404', async () => {
    const app = appWith(() => Response.json({ error: { code: 'NOT_FOUND' } }, { status: 404 }));
    const id = await (await app.request('/portal/dana-kampanye')).text();
    expect(id).toContain('data-finance="missing"');
    expect(id).toContain('Belum tersedia');
    const en = await (await app.request('/portal/dana-kampanye?lang=en')).text();
    expect(en).toContain('Not yet available');
  });

  it('formats rupiah from decimal strings without floats, and refuses non-numbers', () => {
    expect(rupiah('12345678901234567890')).toBe('Rp 12.345.678.901.234.567.890');
    expect(rupiah('1e9')).toBe('–');
  });
});

describe('the anomaly rules', () => {
  const csv = [
    'area_code,tps,choice,votes,status,entry_index,entry_hash',
    ...[
      ['001', 60, 40],
      ['002', 58, 42],
      ['003', 62, 38],
      ['004', 5, 95],
    ].flatMap(([n, a, b]) => [
      `3171011001,${n},1,${a},accepted,1,x`,
      `3171011001,${n},2,${b},accepted,1,x`,
      `3171011001,${n},valid,100,accepted,1,x`,
      `3171011001,${n},invalid,0,accepted,1,x`,
    ]),
    // A full TPS code in the tps column is read too.
    '3171011001,3171011001005,1,10,flagged,2,y',
  ].join('\n');

  it('reads the TPS rows of the open-data CSV', () => {
    const rows = parseTpsCsv(csv);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      tps: '3171011001001',
      valid: 100,
      votes: { '1': 60, '2': 40 },
    });
    expect(rows[4]!.status).toBe('flagged');
  });

  it('finds a TPS far from the median of its neighbours in the same desa, and only that one', () => {
    const odd = outliers(parseTpsCsv(csv));
    expect([...new Set(odd.map((o) => o.tps))]).toEqual(['3171011001004']);
    expect(odd.find((o) => o.choice === '1')).toMatchObject({ share: 5, median: 60 });
  });
});
