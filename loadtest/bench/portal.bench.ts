/**
 * The portal's performance in a real browser (issue #15 "Performance"): headless
 * Chromium (playwright-core, /usr/bin/chromium) against a demo server on
 * loopback. Measured, each N times, with the median and p95:
 *   - a TPS page until DOMContentLoaded (interactive: the verifier script is
 *     deferred and wired by then), and the area page of the nation;
 *   - one TPS number verified in the page (button click → data-verify), warm;
 *   - the baseline, in the same page and run: a plain JSON read of the TPS's
 *     form history (fetch + JSON.parse), so figures are stated as a ratio to it.
 * Targets from the issue: pages interactive < 1 s, one verification < 200 ms.
 * Prints a table and writes bench-results/portal.md and portal.json.
 *
 * Imports nothing from api/ directly: the server comes from test/portal-server.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../test/chromium.ts';
import { portalServer } from '../../test/portal-server.ts';

const N = Number(process.env.PORTAL_BENCH_N ?? 20);
const TPS = '3171011001001';
const OUT = join(import.meta.dirname, '../../bench-results');

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!,
  };
};

const s = await portalServer(4);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  const loads = async (path: string) => {
    const xs: number[] = [];
    for (let i = 0; i < N; i++) {
      await page.goto(`${s.url}${path}`);
      xs.push(
        Number(
          await page.evaluate(
            'performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd',
          ),
        ),
      );
    }
    return xs;
  };
  const tpsPage = await loads(`/portal/hasil/PPWP/${TPS}`);
  const nationPage = await loads('/portal/hasil/PPWP/ID');
  await page.goto(`${s.url}/portal/hasil/PPWP/${TPS}`);
  const verify: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < N + 2; i++) {
    await page.click('section.verify button');
    await page.waitForSelector('section.verify[data-verify]');
    const ms = Number(await page.getAttribute('section.verify', 'data-verify-ms'));
    const ok = await page.getAttribute('section.verify', 'data-verify');
    if (ok !== 'ok') throw new Error(`verification said ${ok}`);
    const base = Number(
      await page.evaluate(
        `(async () => { const t = performance.now(); await (await fetch('/v1/results/PPWP/tps/${TPS}', { cache: 'no-store' })).json(); return performance.now() - t; })()`,
      ),
    );
    if (i >= 2) {
      verify.push(ms); // the first two warm the JIT and the connection
      json.push(base);
    }
  }
  const b = stats(json).median;
  const rows = [
    ['TPS page interactive (DOMContentLoaded)', stats(tpsPage)],
    ['nation page interactive (DOMContentLoaded)', stats(nationPage)],
    ['verify one TPS number (in the page)', stats(verify)],
    ['baseline: JSON read of the TPS history', stats(json)],
  ] as const;
  const table = [
    `Portal in headless Chromium, ${N} runs each, ${new Date().toISOString()}`,
    '',
    '| measure | median ms | p95 ms | median ÷ baseline |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      ([name, v]) =>
        `| ${name} | ${v.median.toFixed(1)} | ${v.p95.toFixed(1)} | ${(v.median / b).toFixed(1)}× |`,
    ),
  ].join('\n');
  console.log(table);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'portal.md'), `${table}\n`);
  writeFileSync(
    join(OUT, 'portal.json'),
    `${JSON.stringify({ n: N, at: new Date().toISOString(), rows: Object.fromEntries(rows) }, null, 2)}\n`,
  );
} finally {
  await browser.close();
  await s.close();
}
