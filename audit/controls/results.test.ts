/**
 * Control 3 against a real seeded server: every counted TPS form's chain to the
 * nation recomputed from the log with the observer's verifier; a recap that
 * counts an older version than the log's latest is named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { logIntegrity } from './log-integrity.ts';
import { results } from './results.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 2 });
}, 180_000);
afterAll(async () => s?.close());

describe('control 3, results recomputed', () => {
  it('verifies every counted form up to the nation', async () => {
    const ctx = await s.context();
    await logIntegrity.run(ctx);
    const out = await results.run(ctx);
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.evidence.chainsVerified).toBe(out.evidence.chainsChecked);
    expect(out.evidence.chainsVerified as number).toBeGreaterThan(2);
  });

  it('names a recap that does not count the latest version in the log', async () => {
    const ctx = await s.context();
    await logIntegrity.run(ctx);
    const [subject, versions] = [...ctx.published!.forms!].find(([, v]) =>
      v.some((x) => x.kind === 'results.chasil.verified'),
    )!;
    const top = Math.max(...versions.map((v) => v.seq));
    versions.push({ kind: 'results.chasil.corrected', seq: top + 1, index: 0, reason: 'x' });
    const out = await results.run(ctx);
    expect(out.findings).toEqual([
      expect.objectContaining({ code: 'RECAP_COUNTS_OLD_VERSION', record: subject }),
    ]);
  });

  it('is skipped without a verified log', async () => {
    const ctx = await s.context();
    expect((await results.run(ctx)).status).toBe('skip');
  });
});
