/** `/`: what the portal offers, and every contest's results, seats and anomalies. */
import { html } from 'hono/html';
import type { Contest, PortalData } from './data.ts';
import { href, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

export async function homePage(ctx: PageContext, data: PortalData): Promise<Html> {
  const { lang } = ctx;
  // Registry data only (undecided, public by construction): the home page asks no policy.
  const contests = await data.json<{ contests: Contest[] }>('/v1/contests');
  const list = contests.ok ? contests.body.contests : [];
  return page(
    ctx,
    t(lang, 'title'),
    html`<p class="intro">${t(lang, 'intro')}</p>
<table class="contests"><thead><tr><th>${t(lang, 'contest')}</th><th></th></tr></thead><tbody>
${list.map(
  (c) =>
    html`<tr><td><a class="contest" href="${href(lang, `/portal/hasil/${c.id}/ID`)}">${c.name}</a></td><td>${
      c.seats > 0
        ? html`<a href="${href(lang, `/portal/kursi/${c.id}`)}">${t(lang, 'seats')}</a> · `
        : c.id === 'PPWP'
          ? html`<a href="${href(lang, '/portal/kursi/PPWP')}">${t(lang, 'presidentRule')}</a> · `
          : ''
    }<a href="${href(lang, `/portal/anomali/${c.id}`)}">${t(lang, 'anomalies')}</a></td></tr>`,
)}
</tbody></table>
<ul class="links">
<li><a href="${href(lang, '/portal/log')}">${t(lang, 'log')}</a></li>
<li><a href="${href(lang, '/portal/cek-dpt')}">${t(lang, 'selfCheck')}</a></li>
<li><a href="${href(lang, '/portal/dana-kampanye')}">${t(lang, 'finance')}</a></li>
<li><a href="${href(lang, '/portal/unduh')}">${t(lang, 'downloads')}</a></li>
</ul>`,
  );
}
