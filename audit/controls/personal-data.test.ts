/**
 * Control 6 against a real server with registered voters: people re-derived
 * from the sealed voter table through the key service, none found in the log;
 * a source whose person's name is in the log is named (never the data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { personalData } from './personal-data.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 0, voters: 4 });
}, 180_000);
afterAll(async () => s?.close());

describe('control 6, personal data', () => {
  it('samples the registered voters and finds none of them in the log', async () => {
    const out = await personalData.run(await s.context());
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.evidence.sampled).toEqual({ voters: 4 });
  });

  it('names the entry and the record when a spelling is in the log, not the data', async () => {
    const ctx = await s.context();
    // A public entry of the log (the policy-set activation) stands in for a leak.
    const { SOURCES } = await import('../personal-data/index.ts');
    const saved = [...SOURCES];
    (SOURCES as unknown as unknown[]).splice(0, SOURCES.length, {
      name: 'drill',
      sample: async () => [
        { record: 'drill person-1', spellings: ['system.policy_set.activated'] },
      ],
    });
    try {
      const out = await personalData.run(ctx);
      expect(out.status).toBe('fail');
      expect(out.findings[0]).toMatchObject({
        code: 'PERSONAL_DATA_IN_LOG',
        message: 'holds personal data of drill person-1 in clear',
      });
      expect(out.findings[0]?.record).toMatch(/^log entry \d+$/);
    } finally {
      (SOURCES as unknown as unknown[]).splice(0, SOURCES.length, ...saved);
    }
  });
});
