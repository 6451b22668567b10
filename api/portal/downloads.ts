/**
 * `/portal/unduh`: the open data (CSV per contest and level, KIP 2024), the
 * log's verifier key, and the verifier itself as ONE self-contained HTML file
 * (`/portal/unduh/verifier.html`): the bundled script inline, no other request
 * for code. An observer saves it, checks its SHA-256 against one published
 * elsewhere, and runs it offline against any copy of the log that serves the
 * public reads (they answer CORS `*`), with the key they pinned themselves.
 */
import { createHash } from 'node:crypto';
import { html } from 'hono/html';
import type { Bundle } from './bundle.ts';
import { t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

const CONTESTS = ['PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA'];
const LEVELS = ['provinsi', 'kabkota', 'kecamatan', 'kelurahan', 'tps'];

export function downloadsPage(
  ctx: PageContext,
  bundle: Bundle,
  offline: string,
): { status: 200; body: Html } {
  const { lang } = ctx;
  const sha = createHash('sha256').update(offline).digest('hex');
  return {
    status: 200,
    body: page(
      ctx,
      t(lang, 'downloads'),
      html`<h2>CSV</h2>
<table class="downloads"><tbody>
${CONTESTS.map((c) => html`<tr><td>${c}</td><td>${LEVELS.map((l) => html`<a href="/v1/results/${c}/export.csv?level=${l}" download>${l}</a> `)}</td></tr>`)}
</tbody></table>
<h2>${t(lang, 'key')}</h2>
<p><a href="/log/key" download="saksi-log.vkey">/log/key</a>: <code>${ctx.verifierKey}</code></p>
<h2>Verifier</h2>
<p><a href="/portal/unduh/verifier.html" download="saksi-verifier.html">saksi-verifier.html</a> — ${fmtKiB(Buffer.byteLength(offline))} · SHA-256 <code>${sha}</code></p>
<p><small>verify.js: ${fmtKiB(bundle.bytes)} (gzip ${fmtKiB(bundle.gzipBytes)})</small></p>`,
    ),
  };
}

const fmtKiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Escapes a script's text for an inline <script> element (HTML §4.12.1.3). */
const inlineScript = (js: string) =>
  js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/**
 * The offline verifier: a form for the log's URL, the pinned key, a contest and
 * a TPS, and the bundle's `offline()` that runs the same checks as the portal's
 * Verifikasi button (portal/main.ts).
 */
export function offlineVerifier(bundle: Bundle, verifierKey: string, origin: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="saksi-offline" content="1"><title>Saksi verifier (offline)</title></head>
<body>
<h1>Saksi — verifikasi luring / offline verifier</h1>
<p>Checks one TPS number up to the nation against the log key you pin here. Nothing but the log's public reads is fetched.</p>
<form id="offline">
<p><label>Log URL <input name="base" size="40" value="${escapeAttr(origin)}"></label></p>
<p><label>Log key <input name="key" size="60" value="${escapeAttr(verifierKey)}"></label></p>
<p><label>Witness keys (space-separated) <input name="witnesses" size="60" value=""></label></p>
<p><label>Contest <input name="contest" value="PPWP"></label> <label>TPS <input name="tps" size="14" pattern="[0-9]{13}"></label></p>
<p><button type="submit">Verifikasi</button></p>
</form>
<section class="verify"><ol class="steps"></ol></section>
<script>${inlineScript(bundle.js)}</script>
<script>SaksiPortal.offline();</script>
</body></html>`;
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
