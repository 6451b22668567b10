/** Control 7 on load-test results.json files: held, a failed threshold, lost writes, stale, absent. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../types.ts';
import { feasibility } from './feasibility.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-feasibility-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2024-02-10T00:00:00Z');

function ctxWith(results: unknown): AuditContext {
  const d = mkdtempSync(join(dir, 'r-'));
  writeFileSync(join(d, 'results.json'), JSON.stringify(results));
  return { loadtestDir: d, now: () => NOW } as AuditContext;
}

const good = {
  scenario: 'election-night',
  startedAt: '2024-02-05T10:00:00Z',
  thresholds: [
    { name: 'http_req_duration{type:form} p(95)<500', limit: 500, actual: 120, passed: true },
  ],
  capacity: [
    { stage: 'election night: forms', cores: { api: 3, recap: 1, postgres: 2 }, apiNodes: 2 },
  ],
  log: { failures: [] },
  summary: { requests: 1000, errors: 0, lostWrites: 0, p99ms: 300, thresholdsPassed: true },
};

describe('control 7, feasibility', () => {
  it('passes when every threshold held and no write was lost', async () => {
    const out = await feasibility.run(ctxWith(good));
    expect(out.status, out.summary).toBe('pass');
    expect(out.evidence.capacity).toEqual(good.capacity);
  });

  it('fails naming the threshold that failed and the lost writes', async () => {
    const out = await feasibility.run(
      ctxWith({
        ...good,
        thresholds: [{ ...good.thresholds[0], actual: 900, passed: false }],
        summary: { ...good.summary, lostWrites: 2 },
      }),
    );
    expect(out.findings.map((f) => [f.code, f.record])).toEqual([
      ['THRESHOLD_FAILED', good.thresholds[0]!.name],
      ['WRITES_LOST', expect.stringMatching(/results\.json$/)],
    ]);
  });

  it('fails stale results', async () => {
    const out = await feasibility.run(ctxWith({ ...good, startedAt: '2023-10-01T00:00:00Z' }));
    expect(out.findings.map((f) => f.code)).toEqual(['RESULTS_STALE']);
  });

  it('fails unreadable results and skips without a directory', async () => {
    const out = await feasibility.run({
      loadtestDir: join(dir, 'none'),
      now: () => NOW,
    } as AuditContext);
    expect(out.findings.map((f) => f.code)).toEqual(['RESULTS_UNREADABLE']);
    expect((await feasibility.run({ now: () => NOW } as AuditContext)).status).toBe('skip');
  });
});
