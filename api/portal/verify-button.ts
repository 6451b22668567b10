/**
 * The "Verifikasi" button on a number. The page says what the number is
 * (contest, the TPS whose proof chain reaches it, the area whose recap shows it,
 * and the figures shown); the browser verifier (portal/verify.ts) checks all of
 * it against the pinned log key and writes each step into the list, then sets
 * `data-verify="ok"` or `"fail"` on the section.
 */
import { html } from 'hono/html';
import { t } from './i18n.ts';
import type { Html, PageContext } from './layout.ts';

export interface Shown {
  contest: string;
  /** A TPS whose proof chain passes through `area` (or is the TPS itself). */
  tps: string;
  /** The area (or TPS) whose figures are shown. */
  area: string;
  valid: number;
  invalid: number;
  votes: Record<string, number>;
}

export function verifyButton(ctx: PageContext, shown: Shown): Html {
  return html`<section class="verify" data-contest="${shown.contest}" data-tps="${shown.tps}" data-area="${shown.area}" data-expect="${JSON.stringify({ valid: shown.valid, invalid: shown.invalid, votes: shown.votes })}">
<button type="button" class="verify-button">${t(ctx.lang, 'verify')}</button> <small>${t(ctx.lang, 'verifyHint')}</small>
<ol class="steps"></ol>
</section>`;
}
