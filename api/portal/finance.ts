/**
 * `/portal/dana-kampanye`: campaign-finance totals per participant (DOMAIN.md,
 * campaign finance), from `GET /v1/finance/participants` once the finance
 * domain serves it; until then (the route answers 404) the page says plainly
 * that the data is not yet available rather than showing empty totals.
 * Amounts are decimal strings (rupiah can exceed 2^53 in sums): shown as given.
 */
import { html } from 'hono/html';
import type { PortalData } from './data.ts';
import { t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

export interface FinanceParticipant {
  id: string;
  name: string;
  kind: string;
  totals: {
    contributions: { individual: string; group: string; company: string };
    expenditures: Record<string, string>;
    breaches: number | string;
    excessSurrendered: string;
  };
  filings: number | unknown[];
  status: string;
}

/** Rupiah in thousands groups, from a decimal string (never through a float). */
export const rupiah = (s: string): string =>
  /^-?[0-9]+(\.[0-9]+)?$/.test(s)
    ? `Rp ${s.replace(/^(-?[0-9]+)/, (int) => int.replace(/\B(?=([0-9]{3})+(?![0-9]))/g, '.'))}`
    : '–';

export async function financePage(
  ctx: PageContext,
  data: PortalData,
): Promise<{ status: 200; body: Html }> {
  const { lang } = ctx;
  const r = await data.json<{ participants: FinanceParticipant[] }>('/v1/finance/participants');
  const title = t(lang, 'finance');
  if (!r.ok || !Array.isArray(r.body?.participants))
    return {
      status: 200,
      body: page(
        ctx,
        title,
        html`<p class="missing" data-finance="missing"><strong>${t(lang, 'notAvailable')}</strong> — ${t(lang, 'financeMissing')}</p>`,
      ),
    };
  const rows = r.body.participants;
  return {
    status: 200,
    body: page(
      ctx,
      title,
      html`<table class="finance" data-finance="present"><thead><tr><th>${t(lang, 'participant')}</th><th>${t(lang, 'contributions')} (${t(lang, 'individual')})</th><th>${t(lang, 'contributions')} (${t(lang, 'group')})</th><th>${t(lang, 'contributions')} (${t(lang, 'company')})</th><th>${t(lang, 'expenditures')}</th><th>${t(lang, 'breaches')}</th><th>${t(lang, 'surrendered')}</th><th>${t(lang, 'filings')}</th><th>${t(lang, 'status')}</th></tr></thead><tbody>
${rows.map((p) => {
  const c = p.totals.contributions;
  const spent = Object.entries(p.totals.expenditures ?? {})
    .map(([k, v]) => `${k}: ${rupiah(String(v))}`)
    .join(' · ');
  return html`<tr><td>${p.name} <small>(${p.kind})</small></td><td class="num">${rupiah(c.individual)}</td><td class="num">${rupiah(c.group)}</td><td class="num">${rupiah(c.company)}</td><td>${spent}</td><td class="num">${String(p.totals.breaches)}</td><td class="num">${rupiah(p.totals.excessSurrendered)}</td><td class="num">${Array.isArray(p.filings) ? p.filings.length : String(p.filings)}</td><td>${p.status}</td></tr>`;
})}
</tbody></table>`,
    ),
  };
}
