/**
 * `/portal/hasil/{contest}/{area}`: one level of the drill-down nation →
 * provinsi → kab/kota → kecamatan → kelurahan/desa → TPS. The area's totals,
 * each child's (the waiting ones too, so a reader sees what the totals do not
 * include yet), the log entry behind each number, and a Verifikasi button.
 */
import { html } from 'hono/html';
import { barChart } from './charts.ts';
import type { AreaChild, AreaResults, PortalData } from './data.ts';
import { fmt, href, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';
import { scopePath } from './scope.ts';
import { verifyButton } from './verify-button.ts';

export const AREA = /^(ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})$/;
export const TPS = /^[0-9]{13}$/;

export function votesChart(ctx: PageContext, title: string, votes: Record<string, number>): Html {
  const bars = Object.entries(votes).map(([label, value]) => ({ label, value }));
  return barChart(title, bars, (n) => fmt(ctx.lang, n));
}

/** A counted TPS under `r` (found by walking down counted children), or null. */
async function tpsUnder(data: PortalData, r: AreaResults): Promise<string | null> {
  let cur: AreaResults = r;
  for (let depth = 0; depth < 6; depth++) {
    const child = cur.children.find((c) => c.status !== 'waiting');
    if (!child) return null;
    if (TPS.test(child.code)) return child.code;
    const next = await data.json<AreaResults>(`/v1/results/${r.contest}/areas/${child.code}`);
    if (!next.ok) return null;
    cur = next.body;
  }
  return null;
}

const share = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(2)}%` : '–');

export async function areaPage(
  ctx: PageContext,
  data: PortalData,
  contest: string,
  area: string,
): Promise<{ status: 200 | 404; body: Html }> {
  const { lang } = ctx;
  const res = await data.json<AreaResults>(`/v1/results/${contest}/areas/${area}`);
  if (!res.ok) {
    const info = await data.json<{ name: string }>(`/v1/areas/${area}`);
    const title = `${contest} · ${info.ok ? info.body.name : area}`;
    return {
      status: 404,
      body: page(ctx, title, html`<p class="empty">${t(lang, 'noResults')}</p>`),
    };
  }
  const r = res.body;
  const tps = await tpsUnder(data, r);
  const crumbs = breadcrumbs(ctx, contest, area);
  const choices = Object.keys(r.votes);
  const waiting = r.children.filter((c) => c.status === 'waiting');
  const body = html`${crumbs}
<dl class="totals">
<dt>${t(lang, 'valid')}</dt><dd class="valid">${fmt(lang, r.valid)}</dd>
<dt>${t(lang, 'invalid')}</dt><dd>${fmt(lang, r.invalid)}</dd>
<dt>${t(lang, 'tpsCounted')}</dt><dd>${fmt(lang, r.tps.accepted)}</dd>
<dt>${t(lang, 'tpsFlagged')}</dt><dd>${fmt(lang, r.tps.flagged)}</dd>
<dt>${t(lang, 'logEntry')}</dt><dd>${entryLink(ctx, r.recap.index)}</dd>
</dl>
<table class="votes"><thead><tr><th>${t(lang, 'choice')}</th><th>${t(lang, 'votes')}</th><th>${t(lang, 'share')}</th></tr></thead><tbody>
${choices.map((ch) => html`<tr><td>${ch}</td><td class="num">${fmt(lang, r.votes[ch]!)}</td><td class="num">${share(r.votes[ch]!, r.valid)}</td></tr>`)}
</tbody></table>
${votesChart(ctx, t(lang, 'votes'), r.votes)}
${tps ? verifyButton(ctx, { contest, tps, area, valid: r.valid, invalid: r.invalid, votes: r.votes }) : ''}
<h2>${t(lang, 'children')}</h2>
<table class="children"><thead><tr><th>${t(lang, 'area')}</th><th>${t(lang, 'status')}</th><th>${t(lang, 'valid')}</th>${choices.map((ch) => html`<th>${ch}</th>`)}<th>${t(lang, 'logEntry')}</th></tr></thead><tbody>
${r.children.map((c) => childRow(ctx, contest, c, choices))}
</tbody></table>
${waiting.length > 0 ? html`<p class="waiting">${t(lang, 'waitingAreas')}: ${waiting.length}</p>` : ''}
<p><a class="anomalies-here" href="${href(lang, scopePath(contest, area))}">${t(lang, 'anomaliesHere')}</a></p>`;
  return { status: 200, body: page(ctx, `${contest} · ${r.name ?? area}`, body) };
}

function childRow(ctx: PageContext, contest: string, c: AreaChild, choices: string[]): Html {
  const { lang } = ctx;
  const label = c.name ? `${c.name} (${c.code})` : `TPS ${c.code.slice(10)} (${c.code})`;
  const link = html`<a href="${href(lang, `/portal/hasil/${contest}/${c.code}`)}">${label}</a>`;
  if (c.status === 'waiting')
    return html`<tr class="waiting"><td>${link}</td><td>${t(lang, 'waiting')}</td><td></td>${choices.map(() => html`<td></td>`)}<td></td></tr>`;
  const status = c.status
    ? t(lang, c.status === 'flagged' ? 'flagged' : 'accepted')
    : `${c.tps?.accepted ?? 0} TPS${c.tps?.flagged ? ` · ${c.tps.flagged} ${t(lang, 'flagged')}` : ''}`;
  return html`<tr class="${c.status === 'flagged' ? 'flagged' : ''}"><td>${link}</td><td>${status}</td><td class="num">${fmt(lang, c.valid ?? 0)}</td>${choices.map((ch) => html`<td class="num">${fmt(lang, c.votes?.[ch] ?? 0)}</td>`)}<td>${entryLink(ctx, c.index ?? null)}</td></tr>`;
}

export function entryLink(ctx: PageContext, index: number | null): Html {
  return index === null
    ? html`–`
    : html`<a href="${href(ctx.lang, `/portal/log?entry=${index}`)}">#${index}</a>`;
}

/** Links up the hierarchy: each ancestor's code is a prefix of the area's. */
export function breadcrumbs(ctx: PageContext, contest: string, area: string): Html {
  const codes = ['ID'];
  if (area !== 'ID')
    for (const n of [2, 4, 6, 10, 13]) if (area.length >= n) codes.push(area.slice(0, n));
  return html`<nav class="crumbs">${codes.map(
    (c, i) =>
      html`${i > 0 ? ' › ' : ''}${c === area ? html`<span>${c}</span>` : html`<a href="${href(ctx.lang, `/portal/hasil/${contest}/${c}`)}">${c}</a>`}`,
  )}</nav>`;
}
