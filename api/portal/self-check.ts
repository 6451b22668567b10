/**
 * `/portal/cek-dpt`: a person checks their own voter record (issue #11). The
 * form is sent by the portal script as JSON to `POST /v1/voters/self-check`
 * (NIK and name in the body, never the URL or the server's logs of paths), and
 * the answer's proof is checked in the browser (portal/self-check.ts) with the
 * pinned log key: the commitment must open to the typed NIK and name.
 */
import { html } from 'hono/html';
import { t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

export function selfCheckPage(ctx: PageContext): { status: 200; body: Html } {
  const { lang } = ctx;
  return {
    status: 200,
    body: page(
      ctx,
      t(lang, 'selfCheck'),
      html`<p>${t(lang, 'selfCheckIntro')}</p>
<form class="self-check" autocomplete="off">
<label for="nik">${t(lang, 'nik')}</label><input id="nik" name="nik" inputmode="numeric" pattern="[0-9]{16}" maxlength="16" required>
<label for="name">${t(lang, 'name')}</label><input id="name" name="name" required maxlength="100">
<p><button type="submit">${t(lang, 'check')}</button></p>
</form>
<section class="verify verify-self-check"><ol class="steps"></ol></section>`,
    ),
  };
}
