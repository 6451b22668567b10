/**
 * `/portal/log`: the public log as it is — the latest checkpoint (origin, size,
 * root, signature lines), the verifier key, any entry by index, and the
 * consistency proof between two sizes. The browser checks the entry's
 * inclusion and the consistency proof against checkpoints it verifies itself
 * (portal/log-explorer.ts); the server's rendering is only a reading aid.
 */
import { html } from 'hono/html';
import type { PortalData } from './data.ts';
import { href, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

const NAT = /^(0|[1-9][0-9]{0,14})$/;

export async function logExplorerPage(
  ctx: PageContext,
  data: PortalData,
  query: { entry?: string; from?: string; to?: string },
): Promise<{ status: 200 | 400; body: Html }> {
  const { lang } = ctx;
  const bad = [query.entry, query.from, query.to].some(
    (v) => v !== undefined && v !== '' && !NAT.test(v),
  );
  const cp = await data.text('/log/checkpoint');
  const lines = cp.ok ? cp.body.split('\n') : [];
  const origin = lines[0] ?? '';
  const size = lines[1] ?? '0';
  const entry =
    query.entry && NAT.test(query.entry)
      ? await data.json<{ index: number; leafHash: string; entry: unknown }>(
          `/v1/ledger/entries/${query.entry}`,
        )
      : null;
  const wantConsistency = query.from && query.to && NAT.test(query.from) && NAT.test(query.to);
  const consistency = wantConsistency
    ? await data.json<{ from: number; to: number; path: string[] }>(
        `/v1/proofs/consistency?from=${query.from}&to=${query.to}`,
      )
    : null;
  const body = html`<h2>${t(lang, 'checkpoint')}</h2>
<dl class="totals"><dt>${t(lang, 'size')}</dt><dd class="valid" id="log-size">${size}</dd><dt>${t(lang, 'root')}</dt><dd><code>${lines[2] ?? ''}</code></dd></dl>
<pre class="checkpoint">${cp.ok ? cp.body : ''}</pre>
<section class="verify verify-checkpoint"><button type="button">${t(lang, 'verify')}</button> <small>${t(lang, 'verifyHint')}</small><ol class="steps"></ol></section>
<h2>${t(lang, 'entryByIndex')}</h2>
<form method="get" action="/portal/log">${lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}
<label for="entry">Index</label><input id="entry" name="entry" inputmode="numeric" value="${query.entry ?? ''}">
<button type="submit">${t(lang, 'show')}</button></form>
${
  entry
    ? entry.ok
      ? html`<p>leafHash <code>${entry.body.leafHash}</code></p><pre class="entry">${JSON.stringify(entry.body.entry, null, 2)}</pre>
<section class="verify verify-entry" data-index="${entry.body.index}"><button type="button">${t(lang, 'verify')}</button><ol class="steps"></ol></section>`
      : html`<p class="empty">${errorText(entry.body)}</p>`
    : ''
}
<h2>${t(lang, 'consistency')}</h2>
<form method="get" action="/portal/log">${lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}
<label for="from">${t(lang, 'from')}</label><input id="from" name="from" inputmode="numeric" value="${query.from ?? ''}">
<label for="to">${t(lang, 'to')}</label><input id="to" name="to" inputmode="numeric" value="${query.to ?? size}">
<button type="submit">${t(lang, 'show')}</button></form>
${
  consistency
    ? consistency.ok
      ? html`<ol class="path">${consistency.body.path.map((h) => html`<li><code>${h}</code></li>`)}</ol>`
      : html`<p class="empty">${errorText(consistency.body)}</p>`
    : ''
}
<h2>${t(lang, 'growth')}</h2>
<section class="verify verify-growth" data-origin="${origin}">
<p><small>${t(lang, 'growthHint')}</small></p>
<label for="given-checkpoint">${t(lang, 'givenCheckpoint')}</label>
<textarea id="given-checkpoint" rows="6" spellcheck="false" autocomplete="off"></textarea>
<button type="button">${t(lang, 'verify')}</button><ol class="steps"></ol></section>
<p><a href="${href(lang, '/portal/unduh')}">${t(lang, 'downloads')}</a></p>`;
  return { status: bad ? 400 : 200, body: page(ctx, t(lang, 'log'), body) };
}

const errorText = (b: unknown): string =>
  (b as { error?: { message?: string } })?.error?.message ?? 'error';
