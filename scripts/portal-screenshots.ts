/**
 * Screenshots of the portal's main pages for the README and docs/portal.md:
 * a demo server with a few TPS, headless Chromium (playwright-core,
 * /usr/bin/chromium) at a phone's width, PNGs into docs/portal/. Last, one
 * TPS form that adds up but claims ten times a TPS's voters is counted (as in
 * api/portal/jumps.browser.test.ts), and the anomalies page's jump at the
 * nation's total is shot after its Verifikasi (`anomalies-jump`).
 * Run: node --import tsx scripts/portal-screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DemoClient, DemoOfficers, formPhoto } from '../api/demo/index.ts';
import { signedForm } from '../api/domains/results/testing.ts';
import { parseTpsCsv } from '../api/portal/anomalies.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/chromium.ts';
import { type PortalServer, portalServer } from '../test/portal-server.ts';

const OUT = join(import.meta.dirname, '../docs/portal');
const TPS = '3171011001001';
const PAGES: [string, string][] = [
  ['home', '/'],
  ['results-nation', '/portal/hasil/PPWP/ID'],
  ['results-kota', '/portal/hasil/PPWP/3171'],
  ['tps', `/portal/hasil/PPWP/${TPS}`],
  ['seats', '/portal/kursi/DPR'],
  ['anomalies', '/portal/anomali/PPWP'],
  ['log', '/portal/log?entry=3'],
  ['downloads', '/portal/unduh'],
];

mkdirSync(OUT, { recursive: true });
const s = await portalServer(8);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 412, height: 900 } });
  for (const [name, path] of PAGES) {
    await page.goto(`${s.url}${path}`);
    if (name === 'tps') {
      await page.click('section.verify button');
      await page.waitForSelector('section.verify[data-verify]');
    }
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
    console.log(`docs/portal/${name}.png`);
  }
  await seedJump(s);
  // A fresh context: the page shot above is in the browser's cache (cacheable for 10 s).
  const fresh = await browser.newPage({ viewport: { width: 412, height: 900 } });
  await fresh.goto(`${s.url}/portal/anomali/PPWP`);
  const jump = fresh.locator('li.jump[data-node="ID"]');
  await jump.locator('section.verify-jump button').click();
  await fresh.waitForSelector('li.jump[data-node="ID"] section.verify-jump[data-verify]');
  await jump.screenshot({ path: join(OUT, 'anomalies-jump.png') });
  console.log('docs/portal/anomalies-jump.png');
} finally {
  await browser.close();
  await s.close();
}

/** A waiting TPS's form that adds up, for 2,000 voters; back once the nation's total holds it, in the log. */
async function seedJump(s: PortalServer): Promise<void> {
  const json = async <T>(path: string) => (await (await s.get(path)).json()) as T;
  type History = { versions: { valid: number; index: number | null }[] };
  const before = (await json<History>('/v1/results/PPWP/history/ID')).versions.at(-1)!.valid;
  // A waiting TPS in a desa that has counted ones.
  const csv = await (await s.get('/v1/results/PPWP/export.csv?level=tps')).text();
  let tps: string | undefined;
  for (const desa of new Set(parseTpsCsv(csv).map((r) => r.tps.slice(0, 10)))) {
    const a = await json<{ children: { code: string; status?: string }[] }>(
      `/v1/results/PPWP/areas/${desa}`,
    );
    tps = a.children.find((c) => c.status === 'waiting')?.code;
    if (tps) break;
  }
  if (!tps) throw new Error('no waiting TPS beside a counted one');
  const client = new DemoClient(s.url);
  const kpps = await new DemoOfficers(client).get('KPPS', tps);
  const photo = formPhoto(tps, 'PPWP', 'jump');
  await client.request('PUT', `/v1/photos/${photo.sha256}?tps=${tps}`, {
    token: kpps.token,
    bytes: { data: photo.bytes, type: photo.mediaType },
    expect: [200, 201],
  });
  const form = {
    tps,
    contest: 'PPWP' as const,
    voters: { registered: { dpt: 2000, dptb: 0, dpk: 0 }, voted: { dpt: 1900, dptb: 0, dpk: 0 } },
    ballots: { received: 2000, used: 1900, unused: 100, spoiled: 0 },
    votes: { '1': 1800, '2': 50, '3': 40 },
    valid: 1890,
    invalid: 10,
    photo: photo.sha256,
  };
  await client.request('POST', '/v1/results/forms', {
    token: kpps.token,
    json: signedForm(kpps.device, 'verified', form, 1),
    expect: [201],
  });
  for (let i = 0; i < 300; i++) {
    const last = (await json<History>('/v1/results/PPWP/history/ID')).versions.at(-1)!;
    const size = Number((await (await s.get('/log/checkpoint')).text()).split('\n')[1]);
    if (last.valid >= before + 1890 && last.index !== null && size > last.index) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the jump was not published in 30 s');
}
