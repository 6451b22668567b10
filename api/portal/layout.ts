/**
 * The page shell every portal page shares: language, navigation, the pinned log
 * key the browser verifier trusts, and the one stylesheet and script (both from
 * 'self', as the page's Content-Security-Policy allows; ./respond.ts).
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { href, type Lang, t } from './i18n.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageContext {
  lang: Lang;
  /** The log's signed-note verifier key, pinned in the page for the verifier. */
  verifierKey: string;
  /** Witness verifier keys whose cosignatures the verifier requires, and how many. */
  witnesses: readonly string[];
  /** The path of this page (without `lang`), for the language switch. */
  path: string;
}

export function page(ctx: PageContext, title: string, body: Html): Html {
  const { lang } = ctx;
  const other =
    lang === 'en' ? ctx.path : `${ctx.path}${ctx.path.includes('?') ? '&' : '?'}lang=en`;
  const nav: [string, string][] = [
    ['/', t(lang, 'home')],
    ['/portal/hasil/PPWP/ID', t(lang, 'results')],
    ['/portal/kursi/DPR', t(lang, 'seats')],
    ['/portal/anomali/PPWP', t(lang, 'anomalies')],
    ['/portal/log', t(lang, 'log')],
    ['/portal/cek-dpt', t(lang, 'selfCheck')],
    ['/portal/dana-kampanye', t(lang, 'finance')],
    ['/portal/unduh', t(lang, 'downloads')],
  ];
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="saksi-log-key" content="${ctx.verifierKey}">
<meta name="saksi-witnesses" content="${ctx.witnesses.join(' ')}">
<meta name="saksi-lang" content="${lang}">
<title>${title} · Saksi</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/portal/assets/portal.css">
<script src="/portal/assets/verify.js" defer></script>
</head>
<body>
<header><a class="brand" href="${href(lang, '/')}">Saksi</a>
<nav>${nav.map(([p, label]) => html`<a href="${href(lang, p)}">${label}</a> `)}<a class="lang" href="${other}">${t(lang, 'language')}</a></nav>
</header>
<main>
<h1>${title}</h1>
${body}
</main>
<footer><small>${t(lang, 'key')}: <code>${ctx.verifierKey}</code></small></footer>
</body>
</html>`;
}
