/**
 * Screenshots of the portal's main pages for the README and docs/portal.md:
 * a demo server with a few TPS, headless Chromium (playwright-core,
 * /usr/bin/chromium) at a phone's width, PNGs into docs/portal/.
 * Run: node --import tsx scripts/portal-screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/chromium.ts';
import { portalServer } from '../test/portal-server.ts';

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
const s = await portalServer(6);
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
} finally {
  await browser.close();
  await s.close();
}
