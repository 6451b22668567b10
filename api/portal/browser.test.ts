// The portal end to end in headless Chromium (issue #15 "Tests"): Debian's
// chromium driven by playwright-core. A reader follows links from `/` down to
// a TPS, presses Verifikasi, and the page says ok; then, through a proxy that
// serves a tampered form entry or a forged checkpoint, the same button says
// fail. Timings are printed (pages interactive, one verification), not
// asserted: `npm run bench:portal` measures them against a baseline.
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../../test/chromium.ts';
import { type PortalServer, portalServer } from '../../test/portal-server.ts';
import { type TamperProxy, tamperProxy } from '../../test/tamper-proxy.ts';

if (!haveChromium)
  console.warn(
    `portal browser tests SKIPPED: ${CHROMIUM} is missing (run scripts/install-browser.sh as root)`,
  );

let s: PortalServer;
let proxy: TamperProxy;
let browser: Browser;

describe.skipIf(!haveChromium)('the portal in a browser', () => {
  beforeAll(async () => {
    s = await portalServer(4);
    proxy = await tamperProxy(s.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await s?.close();
  });

  /** Milliseconds from navigation start to DOMContentLoaded (the script is deferred). */
  const interactive = async (page: Page) =>
    Number(
      await page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd'),
    );

  async function verify(page: Page): Promise<{ verdict: string; ms: number; steps: string[] }> {
    const section = page.locator('section.verify').first();
    await section.locator('button').click();
    await page.waitForSelector('section.verify[data-verify]', { timeout: 30_000 });
    return {
      verdict: (await section.getAttribute('data-verify'))!,
      ms: Number(await section.getAttribute('data-verify-ms')),
      steps: await section.locator('ol.steps li').allTextContents(),
    };
  }

  /** From `/`, the PPWP results, then each first counted child down to a TPS. */
  async function walkToTps(page: Page, base: string): Promise<number[]> {
    const times: number[] = [];
    await page.goto(`${base}/`);
    times.push(await interactive(page));
    await page.locator('a.contest', { hasText: 'Presiden' }).click();
    await page.waitForLoadState('domcontentloaded');
    times.push(await interactive(page));
    while (!/\/[0-9]{13}$/.test(new URL(page.url()).pathname)) {
      await page.locator('table.children tr:not(.waiting) td a').first().click();
      await page.waitForLoadState('domcontentloaded');
      times.push(await interactive(page));
    }
    return times;
  }

  it('follows links from / to a TPS and verifies its number: ok', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const times = await walkToTps(page, s.url);
    const v = await verify(page);
    console.log(
      `portal: pages interactive in ${times.map((t) => t.toFixed(0)).join(', ')} ms; TPS verified in ${v.ms.toFixed(1)} ms`,
    );
    expect(v.verdict, v.steps.join('\n')).toBe('ok');
    expect(v.steps.join('\n')).toContain('signed by the pinned log key');
    expect(v.steps.join('\n')).toContain('every sum holds');
    expect(v.steps.join('\n')).toContain('the log only grew');
    // An area's total verifies too (its chain passes through it).
    await page.goto(`${s.url}/portal/hasil/PPWP/31`);
    expect((await verify(page)).verdict).toBe('ok');
    expect(errors).toEqual([]); // nothing blocked by the CSP, no script error
    await page.close();
  });

  it('says fail for a tampered form entry, and for a forged checkpoint', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage();
    await walkToTps(page, proxy.url);
    proxy.mode = 'entry';
    try {
      const tampered = await verify(page);
      expect(tampered.verdict).toBe('fail');
      expect(tampered.steps.join('\n')).toMatch(/NOT_INCLUDED|BAD_DEVICE_SIGNATURE|SIGNATURE/);
      proxy.mode = 'checkpoint';
      const forged = await verify(page);
      expect(forged.verdict).toBe('fail');
      expect(forged.steps.join('\n')).toContain('checkpoint signature does not verify');
    } finally {
      proxy.mode = 'none';
    }
    expect((await verify(page)).verdict).toBe('ok');
    await page.close();
  });
});
