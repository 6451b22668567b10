// The portal's pages (issue #15) against a real demo server: the drill-down
// from `/` to a TPS with its photo, history, flagged form and correction;
// Indonesian first and English with ?lang=en; a page CSP that allows only the
// portal's own script and stylesheet; cacheable answers (ETag → 304); clear
// 4xx for bad paths; the log explorer; the verifier script bundled for browsers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalServer, portalServer } from '../../test/portal-server.ts';

let s: PortalServer;
beforeAll(async () => {
  s = await portalServer(4);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const page = async (path: string, status = 200) => {
  const r = await s.get(path);
  const text = await r.text();
  expect(r.status, `${path}: ${text.slice(0, 300)}`).toBe(status);
  return { r, text };
};
const links = (html: string) =>
  [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('the portal pages', () => {
  it('answers / with an HTML page, its own CSP, in Indonesian; English with ?lang=en', async () => {
    const { r, text } = await page('/');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(text).toContain('<html lang="id">');
    expect(text).toContain('Presiden dan Wakil Presiden');
    expect(text).toMatch(/<meta name="saksi-log-key" content="portal\.test\/log\+[0-9a-f]{8}\+/);
    expect(links(text)).toContain('/portal/hasil/PPWP/ID');
    const en = await page('/?lang=en');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('election results you can check');
    expect(links(en.text)).toContain('/portal/hasil/PPWP/ID?lang=en');
  });

  it('follows links from the nation down to a TPS, with totals, waiting areas and a verify button', async () => {
    let path = '/portal/hasil/PPWP/ID';
    const seen: string[] = [];
    for (let depth = 0; depth < 6; depth++) {
      const { text } = await page(path);
      seen.push(path);
      expect(text).toContain('class="verify"');
      if (/\/[0-9]{13}$/.test(path)) break;
      // The first counted child: a row that is not waiting.
      path = text.match(/<tr class="(?!waiting)[^"]*"><td><a href="([^"]+)"/)![1]!;
    }
    expect(seen.map((p) => p.split('/').pop()!.length)).toEqual([2, 2, 4, 6, 10, 13]);
    const prov = await page('/portal/hasil/PPWP/31');
    expect(prov.text).toContain('menunggu'); // Jakarta Utara etc. have not reported
    expect(prov.text).toContain('Wilayah yang belum masuk');
  });

  it('shows a TPS form: the photo, every version with who and why, failed checks, the counted one', async () => {
    // The demo's first TPS: a machine reading that misread a digit (flagged),
    // then the KPPS-verified form with the reason.
    const { text } = await page('/portal/hasil/PPWP/3171011001001');
    expect(text).toMatch(/<img class="photo" src="\/v1\/photos\/[0-9a-f]{64}"/);
    expect(text).toContain('votes-sum-to-valid');
    expect(text).toContain('machine reading took');
    expect(text).toContain('demo-kpps-3171011001001 (KPPS)');
    expect(text).toMatch(/data-tps="3171011001001" data-area="3171011001001"/);
    const photo = text.match(/src="(\/v1\/photos\/[0-9a-f]{64})"/)![1]!;
    expect((await s.get(photo)).status).toBe(200);
  });

  it('refuses bad paths with a 4xx page, and says when there are no results', async () => {
    await page('/portal/hasil/NOPE/ID', 400);
    await page('/portal/hasil/PPWP/12345', 400);
    await page('/portal/hasil/PPWP/3172', 404); // an area that has not reported
    await page('/portal/hasil/PPWP/3172011001001', 404);
    await page('/portal/nothing-here', 404);
    await page('/portal/log?entry=-1', 400);
  });

  it('is cacheable: an ETag, and a 304 without a body when it has not changed', async () => {
    const { r } = await page('/portal/hasil/PPWP/31');
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(r.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const again = await s.get('/portal/hasil/PPWP/31', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('shows the log: checkpoint, an entry by index, a consistency proof, the growth check', async () => {
    const { text } = await page('/portal/log?entry=3&from=2&to=10');
    expect(text).toMatch(/id="log-size">\d+</);
    expect(text).toContain('data-index="3"');
    // The proof from 2 to 10 (four hashes at most), each a base64 SHA-256.
    expect(text).toMatch(
      /<ol class="path">(<li><code>[A-Za-z0-9+/]{43}=<\/code><\/li>){1,4}<\/ol>/,
    );
    // Checked in the browser against a checkpoint the reader gives: the log's origin named.
    expect(text).toContain('class="verify verify-growth" data-origin="');
    expect(text).toContain('<textarea id="given-checkpoint"');
    const past = await page('/portal/log?entry=99999999');
    expect(past.text).toContain('class="empty"');
  });

  it('serves the stylesheet and the verifier script bundled for browsers (no Node built-ins)', async () => {
    const css = await page('/portal/assets/portal.css');
    expect(css.r.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const js = await page('/portal/assets/verify.js');
    expect(js.r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.text).not.toMatch(/\brequire\(|node:/);
    expect(js.text.length).toBeLessThan(200 * 1024);
  });
});

describe('the other portal pages', () => {
  it('lists anomalies with links to their evidence', async () => {
    const { text } = await page('/portal/anomali/PPWP');
    expect(text).toMatch(/\d+ TPS/);
    expect(text).toContain('Pencilan terhadap TPS tetangga');
    expect(text).toContain('Lonjakan total yang dipublikasikan');
    // The TPS rows of the CSV were read (desa + 3-digit number), so the rules ran.
    expect(text).not.toContain('<small>0 TPS');
    // The nation's scope: every area holding a counted TPS fits, and the page says so.
    expect(text).toContain('<p class="scope" data-area="ID">Cakupan: <strong>nasional</strong>');
    expect(text).toMatch(/Diperiksa di halaman ini: ID \(nasional\) · 1 provinsi · 1 kab\/kota · /);
    expect(text).toContain('class="jumps-complete"');
    await page('/portal/anomali/NOPE', 400);
  });

  it('scopes the anomalies page to an area, linked from its results page', async () => {
    const kota = await page('/portal/hasil/PPWP/3171');
    expect(links(kota.text)).toContain('/portal/anomali/PPWP/3171');
    const { text } = await page('/portal/anomali/PPWP/3171');
    expect(text).toContain('<p class="scope" data-area="3171">Cakupan: <strong>');
    expect(text).toMatch(/Diperiksa di halaman ini: 3171 \(kab\/kota\) · \d+ kecamatan · /);
    expect(text).toContain('class="jumps-complete"');
    expect(links(text)).toEqual(
      expect.arrayContaining(['/portal/anomali/PPWP', '/portal/anomali/PPWP/31']),
    );
    // Only the TPS inside it: every TPS row links below 3171.
    const tps = [...text.matchAll(/\/portal\/hasil\/PPWP\/([0-9]{13})/g)].map((m) => m[1]!);
    expect(tps.every((c) => c.startsWith('3171'))).toBe(true);
    const en = await page('/portal/anomali/PPWP/3171?lang=en');
    expect(en.text).toContain('Scope: <strong>');
    expect(en.text).toMatch(/Checked on this page: 3171 \(kab\/kota\)/);
    // An area with nothing counted yet: an empty scope, said so.
    const empty = await page('/portal/anomali/PPWP/3172');
    expect(empty.text).toContain('<small>0 TPS');
    await page('/portal/anomali/PPWP/99', 404);
    await page('/portal/anomali/PPWP/12345', 400);
    await page('/portal/anomali/PPWP/3171011001001', 400);
    await page('/portal/anomali/NOPE/31', 400);
  });

  it('answers the recap history of an area: every version with its entry, paged; 4xx for bad input', async () => {
    type Version = {
      seq: number;
      index: number;
      valid: number;
      votes: Record<string, number>;
      tps: unknown;
    };
    const json = async <T>(path: string) => JSON.parse((await page(path)).text) as T;
    const h = await json<{ node: string; next: number | null; versions: Version[] }>(
      '/v1/results/PPWP/history/ID',
    );
    expect(h.node).toBe('ID');
    expect(h.next).toBeNull();
    expect(h.versions.length).toBeGreaterThan(0);
    expect(h.versions.map((v) => v.seq)).toEqual(h.versions.map((_, i) => i + 1));
    const last = h.versions.at(-1)!;
    const now = await json<Version & { recap: { seq: number } }>('/v1/results/PPWP/areas/ID');
    expect(last).toMatchObject({ seq: now.recap.seq, valid: now.valid, tps: now.tps });
    expect(last.votes).toEqual(now.votes);
    const entry = await json<{ entry: unknown }>(`/v1/ledger/entries/${last.index}`);
    expect(entry.entry).toMatchObject({ subject: 'recap:PPWP:ID', seq: last.seq });
    const from2 = await json<{ versions: Version[] }>('/v1/results/PPWP/history/ID?from=2');
    expect(from2.versions[0]?.seq ?? 2).toBe(2);
    for (const bad of [
      '/v1/results/PPWP/history/3171011001001',
      '/v1/results/PPWP/history/12345',
      '/v1/results/NOPE/history/ID',
      '/v1/results/PPWP/history/ID?from=-1',
      '/v1/results/PPWP/history/ID?node=3171011001/1',
      '/v1/results/PPWP/history/3171011001?node=3171011002/1',
      '/v1/results/PPWP/history/ID?other=1',
    ])
      expect((await s.get(bad)).status, bad).toBe(400);
    expect((await s.get('/v1/results/PPWP/history/3172')).status).toBe(404);
    expect((await s.get('/v1/results/PPWP/history/99')).status).toBe(404);
  });

  it('shows seats per dapil with the Sainte-Laguë trace, and the presidential rule', async () => {
    const dpr = await page('/portal/kursi/DPR');
    expect(dpr.text).toContain('DKI JAKARTA II');
    expect(dpr.text).toMatch(/seat 1: \d+ with \d+ \/ 1 = /);
    const ppwp = await page('/portal/kursi/PPWP');
    expect(ppwp.text).toMatch(/elected: |runoff: /);
    await page('/portal/kursi/NOPE', 400);
  });

  it('says campaign finance is not yet available while the route is absent', async () => {
    const { text } = await page('/portal/dana-kampanye');
    expect(text).toMatch(/data-finance="(missing|present)"/);
  });

  it('offers the self-check form, which posts no NIK in a URL', async () => {
    const { text } = await page('/portal/cek-dpt');
    expect(text).toContain('<form class="self-check"');
    expect(text).not.toContain('method="get"');
  });

  it('offers CSV, the key and the verifier as one self-contained HTML file', async () => {
    const { text } = await page('/portal/unduh');
    expect(text).toContain('/v1/results/PPWP/export.csv?level=tps');
    expect(text).toMatch(/SHA-256 <code>[0-9a-f]{64}<\/code>/);
    const v = await page('/portal/unduh/verifier.html');
    expect(v.r.headers.get('content-disposition')).toContain('saksi-verifier.html');
    // No script or stylesheet from anywhere: everything inline.
    expect(v.text).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    expect(v.text).toContain('SaksiPortal.offline()');
    const csv = await s.get('/v1/results/PPWP/export.csv?level=tps');
    expect(csv.status).toBe(200);
  });
});
