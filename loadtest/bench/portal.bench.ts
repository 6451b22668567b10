/**
 * The portal's performance in a real browser (issue #15 "Performance"): headless
 * Chromium (playwright-core, /usr/bin/chromium) against a demo server on
 * loopback. Measured, each N times, with the median and p95:
 *   - a TPS page until DOMContentLoaded (interactive: the verifier script is
 *     deferred and wired by then), the area page of the nation, and the
 *     nation's anomalies page (rendered on the server: the CSV, the register
 *     counts, the jump rule over every area's recap history);
 *   - each load with the browser's cache disabled (CDP), so every one is a
 *     request the server answers (the pages are cacheable for 10 s: without
 *     this, most loads would be served from the browser's cache);
 *   - one TPS number verified in the page (button click → data-verify), warm;
 *   - the baseline, in the same page and run: a plain JSON read of the TPS's
 *     form history (fetch + JSON.parse), so figures are stated as a ratio to it.
 * Targets from the issue: pages interactive < 1 s, one verification < 200 ms.
 * Prints a table and writes bench-results/portal.md and portal.json.
 *
 * Imports nothing from api/ directly: the server comes from test/portal-server.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  // CPU of this process per load: the server (in-process) and playwright's driver, not Chromium's.
  const cpu: Record<string, number> = {};
  const loads = async (path: string) => {
    const xs: number[] = [];
    const before = process.cpuUsage();
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
    const used = process.cpuUsage(before);
    cpu[path] = (used.user + used.system) / 1000 / N;
    return xs;
  };
  const tpsPage = await loads(`/portal/hasil/PPWP/${TPS}`);
  const nationPage = await loads('/portal/hasil/PPWP/ID');
  const anomaliesPage = await loads('/portal/anomali/PPWP');
  const checked = {
    areas: Number(await page.getAttribute('p.jumps-checked', 'data-areas')),
    tps: (await page.textContent('main'))?.match(/(\d+) TPS · CSV/)?.[1],
  };
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
  const row = (
    x: number[],
    path?: string,
  ): { median: number; p95: number; cpuMsPerLoad?: number } =>
    path ? { ...stats(x), cpuMsPerLoad: cpu[path]! } : stats(x);
  const rows = [
    ['TPS page interactive (DOMContentLoaded)', row(tpsPage, `/portal/hasil/PPWP/${TPS}`)],
    ['nation page interactive (DOMContentLoaded)', row(nationPage, '/portal/hasil/PPWP/ID')],
    ['anomalies page interactive (DOMContentLoaded)', row(anomaliesPage, '/portal/anomali/PPWP')],
    ['verify one TPS number (in the page)', row(verify)],
    ['baseline: JSON read of the TPS history', row(json)],
  ] as const;
  const load = loadavg().map((x) => x.toFixed(2));
  const table = [
    `Portal in headless Chromium, ${N} runs each, browser cache disabled, ${new Date().toISOString()}, load average ${load.join(' ')}`,
    `(anomalies page: ${checked.tps} TPS, the jump rule over ${checked.areas} areas' recap histories;`,
    'CPU: this process per load — the server, in-process, and playwright’s driver; not Chromium’s)',
    '',
    '| measure | median ms | p95 ms | median ÷ baseline | CPU ms per load |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ([name, v]) =>
        `| ${name} | ${v.median.toFixed(1)} | ${v.p95.toFixed(1)} | ${(v.median / b).toFixed(1)}× | ${v.cpuMsPerLoad?.toFixed(1) ?? ''} |`,
    ),
  ].join('\n');
  console.log(table);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'portal.md'), `${table}\n`);
  writeFileSync(
    join(OUT, 'portal.json'),
    `${JSON.stringify({ n: N, at: new Date().toISOString(), load, anomalies: checked, rows: Object.fromEntries(rows) }, null, 2)}\n`,
  );
} finally {
  await browser.close();
  await s.close();
}
