/**
 * Control 2 on an honest seeded server: every entry has its row and every row
 * its entry, in every reconciled table; skipped without a database. The
 * tamperings themselves are the drills (../tamper-drills.test.ts, PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { logIntegrity } from './log-integrity.ts';
import { reconciliation } from './reconciliation.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 1, voters: 3 });
}, 180_000);
afterAll(async () => s?.close());

describe('control 2, reconciliation', () => {
  it('passes on the honest log, against the published leaf hashes', async () => {
    const ctx = await s.context();
    expect((await logIntegrity.run(ctx)).status).toBe('pass');
    const out = await reconciliation.run(ctx);
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.evidence.againstPublished).toBe(true);
    const reconciled = out.evidence.entriesReconciled as Record<string, number>;
    expect(reconciled.count_forms).toBeGreaterThan(0);
    expect(reconciled.recaps).toBeGreaterThan(0);
    expect(reconciled.voter_changes).toBe(3);
    const rows = out.evidence.rowsChecked as Record<string, number>;
    expect(rows.count_forms).toBe(reconciled.count_forms);
    expect(rows.voter_changes).toBe(3);
  });

  it('is skipped without a database', async () => {
    const ctx = await s.context();
    delete ctx.db;
    delete ctx.reader;
    const out = await reconciliation.run(ctx);
    expect(out.status).toBe('skip');
  });
});
