/**
 * Control 4 against a real server: the deployed policy set is the one activated
 * in the log; a copy with an extra, unscoped write permit is both a different
 * set (POLICY_HASH_MISMATCH) and an unscoped write (WRITE_WITHOUT_AREA_CONDITION).
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DIR } from '../../policies/index.ts';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { logIntegrity } from './log-integrity.ts';
import { checkPolicies, policies } from './policies.ts';

let s: AuditedServer;
let dir: string;
beforeAll(async () => {
  s = await auditedServer({ tps: 0 });
  dir = mkdtempSync(join(tmpdir(), 'saksi-policies-'));
}, 180_000);
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('control 4, policies', () => {
  it('passes: the deployed set loads, is the activated one, every write permit scoped', async () => {
    const ctx = await s.context();
    await logIntegrity.run(ctx);
    const out = await policies.run(ctx);
    expect(out.findings).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.evidence.deployedHash).toBe(out.evidence.loggedHash);
  });

  it('fails for a changed set with an unscoped write permit', async () => {
    cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
    appendFileSync(
      join(dir, 'results.cedar'),
      '\n@id("intruder")\npermit (\n  principal is Saksi::Officer,\n  action == Saksi::Action::"results.correct",\n  resource is Saksi::Area\n)\nwhen { principal.role == "KPPS" };\n',
    );
    const ctx = await s.context();
    await logIntegrity.run(ctx);
    const out = await checkPolicies(ctx, dir);
    expect(out.status).toBe('fail');
    expect(out.findings.map((f) => f.code).sort()).toEqual([
      'POLICY_HASH_MISMATCH',
      'WRITE_WITHOUT_AREA_CONDITION',
    ]);
  });

  it('fails for a log-wide write permit given to a role that is not national', async () => {
    rmSync(dir, { recursive: true, force: true });
    cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
    appendFileSync(
      join(dir, 'audit.cedar'),
      '\n@id("kpps-files-audits")\npermit (\n  principal is Saksi::Officer,\n  action == Saksi::Action::"audit.file",\n  resource is Saksi::Log\n)\nwhen { ["AUDITOR", "KPPS"].contains(principal.role) };\n',
    );
    const ctx = await s.context();
    await logIntegrity.run(ctx);
    const out = await checkPolicies(ctx, dir);
    expect(out.findings.filter((f) => f.code === 'WRITE_WITHOUT_AREA_CONDITION')).toHaveLength(1);
    expect(out.findings.find((f) => f.code === 'WRITE_WITHOUT_AREA_CONDITION')?.record).toMatch(
      /^audit\.cedar permit/,
    );
  });
});
