// Jumps in published totals (issue #15) end to end in headless Chromium: a
// demo server counts a few TPS in a normal progression, and the anomalies page
// finds no jump; then one TPS's form, adding up but claiming ten times a TPS's
// voters, is counted, and the page shows the jump at every level above it, with
// both log entries, and its Verifikasi checks them in the browser: ok. The
// log explorer then checks that the log only grew since the checkpoint taken
// before that form (given, and remembered by the browser), and says fail for
// a forged one, a fork and a rollback signed with the log's own key.
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signNote } from '../../ledger/index.ts';
import { formatCheckpointBody, parseCheckpointBody } from '../../ledger/verifier/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../../test/chromium.ts';
import { type PortalServer, portalServer } from '../../test/portal-server.ts';
import { forgeCheckpoint } from '../../test/tamper-proxy.ts';
import { DemoClient, DemoOfficers, formPhoto } from '../demo/index.ts';
import { signedForm } from '../domains/results/testing.ts';
import { parseTpsCsv } from './anomalies.ts';
import type { RecapVersion } from './jumps.ts';

let s: PortalServer;
let browser: Browser;

const get = async <T>(path: string): Promise<T> => {
  const r = await s.get(path);
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
};

const history = async (area: string) =>
  (await get<{ versions: RecapVersion[] }>(`/v1/results/PPWP/history/${area}`)).versions;

/** The anomalies page in a fresh context (the page is cacheable: no stale copy). */
async function anomalies() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${s.url}/portal/anomali/PPWP`);
  // Rendered on the server (the rule reads every history): printed, not asserted.
  const ms = Number(
    await page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd'),
  );
  console.log(`portal jumps: anomalies page interactive in ${ms.toFixed(0)} ms`);
  return { page, context, errors };
}

describe.skipIf(!haveChromium)('jumps in published totals, in a browser', () => {
  beforeAll(async () => {
    s = await portalServer(8);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('finds no jump in a normal progression, then the seeded one, verified: ok', {
    timeout: 120_000,
  }, async () => {
    // The normal progression: the nation's total published more than once as TPS came in.
    const before = await history('ID');
    expect(before.length).toBeGreaterThan(1);
    const first = await anomalies();
    // The rule ran over the nation and each area holding a counted TPS (not vacuously).
    expect(await first.page.locator('p.jumps-scope').textContent()).toMatch(/\(([6-9]|\d\d+) /);
    expect(await first.page.locator('li.jump').count()).toBe(0);
    await first.context.close();

    // A waiting TPS in a desa that has counted ones: its form adds up, for 2,000 voters.
    const csv = await (await s.get('/v1/results/PPWP/export.csv?level=tps')).text();
    const desas = [...new Set(parseTpsCsv(csv).map((r) => r.tps.slice(0, 10)))];
    let tps: string | undefined;
    for (const desa of desas.filter(Boolean)) {
      const a = await get<{ children: { code: string; status?: string }[] }>(
        `/v1/results/PPWP/areas/${desa}`,
      );
      tps = a.children.find((c) => c.status === 'waiting')?.code;
      if (tps) break;
    }
    expect(tps).toBeDefined();
    const cpBefore = await (await s.get('/log/checkpoint')).text();
    const client = new DemoClient(s.url);
    const kpps = await new DemoOfficers(client).get('KPPS', tps!);
    const photo = formPhoto(tps!, 'PPWP', 'jump');
    await client.request('PUT', `/v1/photos/${photo.sha256}?tps=${tps}`, {
      token: kpps.token,
      bytes: { data: photo.bytes, type: photo.mediaType },
      expect: [200, 201],
    });
    const form = {
      tps: tps!,
      contest: 'PPWP' as const,
      voters: { registered: { dpt: 2000, dptb: 0, dpk: 0 }, voted: { dpt: 1900, dptb: 0, dpk: 0 } },
      ballots: { received: 2000, used: 1900, unused: 100, spoiled: 0 },
      votes: { '1': 1800, '2': 50, '3': 40 },
      valid: 1890,
      invalid: 10,
      photo: photo.sha256,
    };
    const r = await client.request('POST', '/v1/results/forms', {
      token: kpps.token,
      json: signedForm(kpps.device, 'verified', form, 1),
      expect: [201],
    });
    expect(r.status).toBe(201);
    // Wait until the nation's total includes it, in the log.
    let after: RecapVersion[] = before;
    for (let i = 0; i < 300; i++) {
      after = await history('ID');
      const last = after.at(-1)!;
      if (last.valid >= before.at(-1)!.valid + 1890 && last.index !== null) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    const jumped = after.at(-1)!;
    expect(jumped.valid).toBe(before.at(-1)!.valid + 1890);
    for (let i = 0; i < 300; i++) {
      const cp = await (await s.get('/log/checkpoint')).text();
      if (Number(cp.split('\n')[1]) > jumped.index!) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }

    const second = await anomalies();
    const { page } = second;
    const jumps = page.locator('li.jump');
    // The jump at every level above the TPS, each in the step that counted it, and nothing else.
    const nodes = await jumps.evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-node')}:${e.getAttribute('data-to')}`),
    );
    const levels = [tps!.slice(0, 10), tps!.slice(0, 6), tps!.slice(0, 4), tps!.slice(0, 2), 'ID'];
    const expected: string[] = [];
    for (const area of levels) {
      const h = await history(area);
      const step = h.findIndex((v, i) => i > 0 && v.valid - h[i - 1]!.valid >= 1890);
      if (step > 0) expected.push(`${area}:${h[step]!.seq}`);
    }
    expect(expected).toContain(`ID:${jumped.seq}`);
    expect(nodes.sort()).toEqual(expected.sort());
    const nation = page.locator('li.jump[data-node="ID"]');
    expect(await nation.locator('li.votes').first().textContent()).toMatch(/^Suara sah: /);
    expect(await nation.locator('svg.chart').count()).toBe(1);
    // Its evidence: the two entries, in the log explorer and verified here.
    const links = await nation
      .locator('a.entry')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([
      `/portal/log?entry=${after.at(-2)!.index}`,
      `/portal/log?entry=${jumped.index}`,
    ]);
    const section = nation.locator('section.verify-jump');
    // This browser saw the log before the jump: the verification checks it only grew since.
    await page.evaluate(
      `localStorage.setItem(${JSON.stringify(`saksi-checkpoint:${cpBefore.split('\n')[0]}`)}, ${JSON.stringify(cpBefore)})`,
    );
    await section.locator('button').click();
    await page.waitForSelector('li.jump[data-node="ID"] section.verify-jump[data-verify]', {
      timeout: 30_000,
    });
    const steps = await section.locator('ol.steps li').allTextContents();
    expect(await section.getAttribute('data-verify'), steps.join('\n')).toBe('ok');
    expect(steps.join('\n')).toContain('signed by the pinned log key');
    expect(steps.join('\n')).toContain('are consecutive');
    expect(steps.join('\n')).toMatch(/the totals are the sum of its \d+ listed children/);
    expect(steps.join('\n')).toMatch(
      /since this browser last checked: the log only grew: tree \d+ is a prefix of tree \d+/,
    );
    console.log(
      `portal jumps: evidence verified in ${await section.getAttribute('data-verify-ms')} ms`,
    );

    // The log explorer: the checkpoint this browser verified last is filled in, and holds.
    await page.goto(`${s.url}/portal/log`);
    const growth = page.locator('section.verify-growth');
    expect(await growth.getAttribute('data-remembered')).toBe('true');
    const check = async (note: string | null) => {
      if (note !== null) await growth.locator('textarea').fill(note);
      await growth.locator('button').click();
      await page.waitForSelector('section.verify-growth[data-verify]', { timeout: 30_000 });
      const said = (await growth.locator('ol.steps li').allTextContents()).join('\n');
      return { verdict: await growth.getAttribute('data-verify'), said };
    };
    const remembered = await check(null);
    expect(remembered.verdict, remembered.said).toBe('ok');
    expect(remembered.said).toMatch(/since the given checkpoint: the log only grew/);
    // The checkpoint taken before the jump's form: a prefix of the latest.
    const given = await check(cpBefore);
    expect(given.verdict, given.said).toBe('ok');
    expect(given.said).toMatch(/tree \d+ is a prefix of tree \d+/);
    // Forged: not signed by the pinned key.
    const forged = await check(forgeCheckpoint(cpBefore));
    expect(forged.verdict).toBe('fail');
    expect(forged.said).toContain('the given checkpoint does not verify with the pinned log key');
    // Signed with the log's own key (an insider's split view): a fork, then a rollback.
    const body = parseCheckpointBody(`${cpBefore.split('\n\n')[0]!}\n`);
    const signer = s.server.runtime.logSigner;
    const fork = await signNote(
      formatCheckpointBody({ ...body, rootHash: new Uint8Array(32).fill(7) }),
      [signer],
    );
    const forkSaid = await check(fork);
    expect(forkSaid.verdict).toBe('fail');
    expect(forkSaid.said).toMatch(/since the given checkpoint: .*(CONSISTENCY|consisten|root)/i);
    const latestSize = Number((await (await s.get('/log/checkpoint')).text()).split('\n')[1]);
    const ahead = await signNote(formatCheckpointBody({ ...body, size: latestSize + 5 }), [signer]);
    const rollback = await check(ahead);
    expect(rollback.verdict).toBe('fail');
    expect(rollback.said).toContain('the log was rolled back');
    expect(second.errors).toEqual([]);
    await second.context.close();
  });
});
