/**
 * `saksi demo seed --donors N`: campaign finance through the public HTTP API,
 * as KPU's and the participants' clients would file it (api/domains/finance):
 * the election's rules (deadlines anchored on the first seed), six campaign
 * accounts (three parties, two DPD candidates of DKI Jakarta, one presidential
 * pair) each with the demo auditor assigned, then N contributions spread over
 * them — every tenth (from the third) over its donor's cap, its excess then surrendered — a few
 * expenditures, and the reports: every participant's LADK (one first declared
 * wrong and amended), the parties' LPSDK and every LPPDK but one pair's. The
 * auditor opens one donor, logged with a reason. Accounts, assignments and
 * reports already there are passed over (409); contributions and expenditures
 * are new filings each run.
 */
import type { DemoClient } from './client.ts';
import { demoToken } from './officers.ts';

export interface DonorSeedReport {
  contributions: number;
  breaches: number;
  surrendered: number;
  expenditures: number;
  filings: number;
  opened: number;
}

type Kind = 'party' | 'dpd' | 'presidential';
const PARTICIPANTS: readonly { id: string; name: string; kind: Kind; area: string }[] = [
  { id: 'partai-demo-1', name: 'Partai Demo Satu', kind: 'party', area: 'ID' },
  { id: 'partai-demo-2', name: 'Partai Demo Dua', kind: 'party', area: 'ID' },
  { id: 'partai-demo-3', name: 'Partai Demo Tiga', kind: 'party', area: 'ID' },
  { id: 'dpd-31-demo-1', name: 'Calon DPD Demo 1 (DKI Jakarta)', kind: 'dpd', area: '31' },
  { id: 'dpd-31-demo-2', name: 'Calon DPD Demo 2 (DKI Jakarta)', kind: 'dpd', area: '31' },
  { id: 'paslon-demo-1', name: 'Pasangan Calon Demo 1', kind: 'presidential', area: 'ID' },
];
const DAY = 86_400_000;
const CATEGORIES = ['individual', 'individual', 'individual', 'group', 'company'] as const;

/** Donor `i` of the demo: deterministic, never a real person (NIK region 3171, NPWP 15 digits). */
export function demoDonor(i: number) {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const serial = String(i + 1).padStart(6, '0');
  return {
    category,
    country: 'ID',
    idNumber:
      category === 'individual' ? `3171015501${serial}` : `019${String(i + 1).padStart(12, '0')}`,
    name:
      category === 'individual'
        ? `Donatur Demo ${i + 1}`
        : `${category === 'group' ? 'Kelompok' : 'PT'} Demo ${i + 1}`,
  };
}

/** Amount of contribution `i` to a participant of `kind`: the third of every ten is over the cap. */
function demoAmount(i: number, kind: Kind, category: string): string {
  if (i % 10 === 2) {
    if (category === 'individual') return kind === 'dpd' ? '800000000' : '2600000000';
    return kind === 'dpd' ? '1600000000' : '26000000000';
  }
  return String((5 + ((i * 7919) % 95)) * 1_000_000);
}

export async function seedDonors(
  client: DemoClient,
  count: number,
  concurrency = 6,
): Promise<DonorSeedReport> {
  const kpu = (await demoToken(client, 'KPU_RI', 'ID')).token;
  const national = await demoToken(client, 'PARTY', 'ID');
  const jakarta = await demoToken(client, 'PARTY', '31');
  const auditor = await demoToken(client, 'AUDITOR', 'ID');
  const filerOf = (p: { area: string }) => (p.area === 'ID' ? national : jakarta);
  const report: DonorSeedReport = {
    contributions: 0,
    breaches: 0,
    surrendered: 0,
    expenditures: 0,
    filings: 0,
    opened: 0,
  };

  const rules = await client.request<{ default: boolean }>('GET', 'v1/finance/rules');
  if (rules.body.default) {
    const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    await client.request('POST', 'v1/finance/rules', {
      token: kpu,
      json: {
        caps: {
          DPR: { individual: '2500000000', group: '25000000000', company: '25000000000' },
          DPD: { individual: '750000000', group: '1500000000', company: '1500000000' },
          PPWP: { individual: '2500000000', group: '25000000000', company: '25000000000' },
        },
        deadlines: { LADK: at(7), LPSDK: at(30), LPPDK: at(60) },
      },
      expect: [201],
    });
  }
  for (const p of PARTICIPANTS) {
    await client.request('POST', 'v1/finance/accounts', {
      token: kpu,
      json: {
        id: p.id,
        name: p.name,
        kind: p.kind,
        area: p.area,
        filer: filerOf(p).id,
        account: {
          bank: 'Bank Demo',
          number: `0099${String(PARTICIPANTS.indexOf(p) + 1).padStart(6, '0')}`,
          holder: `RKDK ${p.name}`,
        },
      },
      expect: [201, 409],
    });
    await client.request('POST', 'v1/finance/auditors', {
      token: kpu,
      json: { participant: p.id, auditor: auditor.id },
      expect: [201, 409],
    });
  }

  let firstBreach: { participant: string; subject: string } | null = null;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
      while (next < count) {
        const i = next++;
        const p = PARTICIPANTS[i % PARTICIPANTS.length]!;
        const donor = demoDonor(i);
        const r = await client.request<{ subject: string; excess: string }>(
          'POST',
          'v1/finance/contributions',
          {
            token: filerOf(p).token,
            json: {
              participant: p.id,
              donor,
              amount: demoAmount(i, p.kind, donor.category),
              date: '2024-01-02',
            },
            expect: [201],
          },
        );
        report.contributions++;
        if (r.body.excess !== '0') {
          report.breaches++;
          firstBreach ??= { participant: p.id, subject: r.body.subject };
          await client.request('POST', 'v1/finance/surrenders', {
            token: filerOf(p).token,
            json: {
              participant: p.id,
              contribution: r.body.subject,
              amount: r.body.excess,
              date: '2024-01-09',
              reference: `NTPN-DEMO-${i + 1}`,
            },
            expect: [201],
          });
          report.surrendered++;
        }
      }
    }),
  );
  for (const [n, p] of PARTICIPANTS.entries()) {
    await client.request('POST', 'v1/finance/expenditures', {
      token: filerOf(p).token,
      json: {
        participant: p.id,
        category: n % 2 ? 'advertising' : 'materials',
        amount: String((n + 1) * 12_500_000),
        date: '2024-01-05',
        description: 'alat peraga dan iklan kampanye',
      },
      expect: [201],
    });
    report.expenditures++;
  }

  const file = async (p: (typeof PARTICIPANTS)[number], kind: string, skew = 0n, amend = false) => {
    const totals = await client.request<{
      totals: { contributions: Record<string, string>; expenditures: Record<string, string> };
    }>('GET', `v1/finance/participants/${p.id}`);
    const sum = (o: Record<string, string>) => Object.values(o).reduce((a, b) => a + BigInt(b), 0n);
    const declared = {
      contributions: String(sum(totals.body.totals.contributions)),
      expenditures: String(sum(totals.body.totals.expenditures) + skew),
    };
    const text = `%PDF-1.4\n% Saksi demo ${kind} ${p.id}\n${JSON.stringify(declared)}\n`;
    const bytes = new TextEncoder().encode(text);
    const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    const r = await client.request('POST', 'v1/finance/reports', {
      token: filerOf(p).token,
      json: {
        participant: p.id,
        kind,
        seq: amend ? 2 : 1,
        ...(amend ? { reason: 'an advertising invoice was left out of the first filing' } : {}),
        document: {
          sha256: digest,
          mediaType: 'application/pdf',
          base64: Buffer.from(bytes).toString('base64'),
        },
        declared,
      },
      expect: [201, 409],
    });
    if (r.status === 201) report.filings++;
  };
  for (const p of PARTICIPANTS) {
    // The first party's LADK leaves an invoice out; its amendment corrects it.
    if (p.id === 'partai-demo-1') {
      await file(p, 'LADK', -12_500_000n);
      await file(p, 'LADK', 0n, true);
    } else await file(p, 'LADK');
    if (p.kind === 'party') await file(p, 'LPSDK');
    if (p.id !== 'paslon-demo-1') await file(p, 'LPPDK');
  }

  const breach = firstBreach as { participant: string; subject: string } | null;
  if (breach) {
    await client.request('POST', 'v1/finance/openings', {
      token: auditor.token,
      json: {
        participant: breach.participant,
        contribution: breach.subject,
        reason: 'demo audit: the largest breach of the LADK sample',
      },
      expect: [201],
    });
    report.opened++;
  }
  return report;
}
