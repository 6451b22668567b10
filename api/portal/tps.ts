/**
 * `/portal/hasil/{contest}/{tps}`: one TPS's count form — the photo of the
 * C.Hasil sheet, every version (machine reading, KPPS verification, corrections:
 * who, when, why, which checks failed), the version the recap counts, and a
 * Verifikasi button for its numbers up to the nation.
 */
import { html } from 'hono/html';
import { breadcrumbs, entryLink, votesChart } from './area.ts';
import type { FormVersion, PortalData, TpsHistory } from './data.ts';
import { fmt, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';
import { verifyButton } from './verify-button.ts';

export async function tpsPage(
  ctx: PageContext,
  data: PortalData,
  contest: string,
  tps: string,
): Promise<{ status: 200 | 404; body: Html }> {
  const { lang } = ctx;
  const res = await data.json<TpsHistory>(`/v1/results/${contest}/tps/${tps}`);
  const title = `${contest} · TPS ${tps}`;
  if (!res.ok)
    return {
      status: 404,
      body: page(
        ctx,
        title,
        html`${breadcrumbs(ctx, contest, tps)}<p class="empty">${t(lang, 'noResults')}</p>`,
      ),
    };
  const h = res.body;
  const counted = h.versions.find((v) => v.seq === h.counted) ?? null;
  const latest = h.versions[h.versions.length - 1]!;
  const shown = counted ?? latest;
  const body = html`${breadcrumbs(ctx, contest, tps)}
<dl class="totals">
<dt>${t(lang, 'valid')}</dt><dd class="valid">${fmt(lang, shown.form.valid)}</dd>
<dt>${t(lang, 'invalid')}</dt><dd>${fmt(lang, shown.form.invalid)}</dd>
<dt>${t(lang, 'counted')}</dt><dd>${h.counted ?? t(lang, 'none')}</dd>
<dt>${t(lang, 'status')}</dt><dd class="${shown.status}">${t(lang, shown.status === 'flagged' ? 'flagged' : 'accepted')}</dd>
</dl>
${votesChart(ctx, t(lang, 'votes'), shown.form.votes)}
${counted ? verifyButton(ctx, { contest, tps, area: tps, valid: counted.form.valid, invalid: counted.form.invalid, votes: counted.form.votes }) : ''}
<h2>${t(lang, 'photo')}</h2>
<a href="${latest.photo.url}"><img class="photo" src="${latest.photo.url}" alt="${t(lang, 'photo')} ${tps}" loading="lazy"></a>
<p><small>SHA-256 <code>${latest.photo.sha256}</code></small></p>
<h2>${t(lang, 'history')}</h2>
${h.versions.map((v) => versionBlock(ctx, v, v.seq === h.counted))}`;
  return { status: 200, body: page(ctx, title, body) };
}

function versionBlock(ctx: PageContext, v: FormVersion, counted: boolean): Html {
  const { lang } = ctx;
  const failed = v.failedChecks ?? [];
  return html`<article class="version ${v.status}${counted ? ' counted' : ''}" id="v${v.seq}">
<h3>${t(lang, 'version')} ${v.seq} · ${v.stage} · ${t(lang, v.status === 'flagged' ? 'flagged' : 'accepted')}${counted ? html` · <strong>${t(lang, 'counted')}</strong>` : ''}</h3>
<dl>
<dt>${t(lang, 'who')}</dt><dd>${v.actor.id} (${v.actor.role})</dd>
<dt>${t(lang, 'when')}</dt><dd>${v.at}</dd>
<dt>${t(lang, 'why')}</dt><dd>${v.reason ?? '–'}</dd>
<dt>${t(lang, 'valid')} / ${t(lang, 'invalid')}</dt><dd>${fmt(lang, v.form.valid)} / ${fmt(lang, v.form.invalid)}</dd>
<dt>${t(lang, 'votes')}</dt><dd>${Object.entries(v.form.votes)
    .map(([c, n]) => `${c}: ${fmt(lang, n)}`)
    .join(' · ')}</dd>
<dt>${t(lang, 'logEntry')}</dt><dd>${entryLink(ctx, v.index)}</dd>
</dl>
${failed.length > 0 ? html`<p>${t(lang, 'failedChecks')}:</p><ul class="failed">${failed.map((f) => html`<li><code>${f.check}</code>: ${f.message}</li>`)}</ul>` : ''}
</article>`;
}
