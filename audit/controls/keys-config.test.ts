/**
 * Control 5 against a real server: ready, its security headers present, a clean
 * environment dump passes and one with a secret in clear fails naming only the
 * variable; on PostgreSQL, the application roles' privileges on log tables are
 * asked of the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { keysConfig } from './keys-config.ts';

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 0 });
}, 180_000);
afterAll(async () => s?.close());

describe('control 5, keys and configuration', () => {
  it('checks readiness, headers and the environment dump', async () => {
    const ctx = await s.context({ env: { PATH: '/usr/bin', SAKSI_KEYSTORE: '/etc/saksi/keys' } });
    const out = await keysConfig.run(ctx);
    const others = out.findings.filter(
      (f) => f.code !== 'ROLES_ABSENT' && f.code !== 'LOG_TABLE_WRITABLE',
    );
    expect(others).toEqual([]);
    expect((out.evidence.readyz as { status: number }).status).toBe(200);
    expect((out.evidence.headers as Record<string, string>)['x-content-type-options']).toBe(
      'nosniff',
    );
  });

  it('names a secret in clear in the environment, never its value', async () => {
    const ctx = await s.context({
      env: { VAULT_TOKEN: 'hvs.s3cr3t', DATABASE_URL: 'postgres://saksi:hunter2@db/saksi' },
    });
    const out = await keysConfig.run(ctx);
    const secrets = out.findings.filter((f) => f.code === 'SECRET_IN_ENVIRONMENT');
    expect(secrets.map((f) => f.record)).toEqual([
      'environment DATABASE_URL',
      'environment VAULT_TOKEN',
    ]);
    expect(JSON.stringify(out)).not.toMatch(/hunter2|s3cr3t/);
    expect(out.status).toBe('fail');
  });
});
