/**
 * Control 5 against a real server: ready, its security headers present, a clean
 * environment dump passes and one with a secret in clear fails naming only the
 * variable; on PostgreSQL, the application roles' privileges on log tables are
 * asked of the database.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClient, demoToken } from '../../api/demo/index.ts';
import {
  openLocalKeystore,
  openVaultKeyService,
  type RotatingKeyService,
} from '../../keys/index.ts';
import { startVaultTransitDouble } from '../../keys/testing/vault-transit-double.ts';
import { type AuditedServer, auditedServer } from '../testing.ts';
import type { Finding } from '../types.ts';
import { keysConfig } from './keys-config.ts';

let s: AuditedServer;
let backup: string;
beforeAll(async () => {
  s = await auditedServer({ tps: 0 });
  // The keystore as it is before any rotation: what an insider might restore.
  backup = mkdtempSync(join(tmpdir(), 'saksi-keys-backup-'));
  for (const f of ['keystore.json', 'kek']) copyFileSync(join(s.dir, f), join(backup, f));
}, 180_000);
afterAll(async () => {
  await s?.close();
  if (backup) rmSync(backup, { recursive: true, force: true });
});

const keyFindings = (fs: Finding[]) =>
  fs.filter((f) => /^(KEY_|RETIRED_KEY)/.test(f.code)).map((f) => `${f.code} ${f.record}`);
const DAY = 86_400_000;

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

  describe('key versions, ages, rotations and retirements as logged', () => {
    const keys = () => s.server.runtime.keys as RotatingKeyService;
    const admin = async () => (await demoToken(new DemoClient(s.server.url), 'ADMIN', 'ID')).token;
    const post = async (path: string, json: unknown) =>
      new DemoClient(s.server.url).request('POST', path, {
        token: await admin(),
        json,
        expect: [200],
      });

    it('passes: every signing version announced, none retired, none too old', async () => {
      const out = await keysConfig.run(await s.context());
      expect(keyFindings(out.findings)).toEqual([]);
      const token = (out.evidence.keyVersions as Record<string, Record<string, unknown>>).token!;
      expect(token).toMatchObject({ current: 1, retiredThrough: 0, retiredThroughInLog: 0 });
      expect(token.announcedAtIndex).toEqual(expect.any(Number));
      expect(token.ageDays).toBe(0);
    });

    it('reads versions and retirements from Vault Transit too (the contract double)', async () => {
      const double = await startVaultTransitDouble();
      const vault = await openVaultKeyService({ addr: double.url, token: double.rootToken });
      try {
        // Another key service than the server's: its keys were never announced.
        await vault.signer('log', 'audit.test/log');
        await vault.rotate('token');
        await vault.retire('token', 1);
        const out = await keysConfig.run(await s.context({ keys: vault }));
        expect(keyFindings(out.findings)).toEqual([
          'KEY_VERSION_NOT_LOGGED key log v1',
          'KEY_VERSION_NOT_LOGGED key token v2',
          'KEY_RETIREMENT_NOT_LOGGED key token v1–v1',
        ]);
      } finally {
        await vault.close();
        await double.close();
      }
    });

    it('a version rotated in the key service behind the log: KEY_VERSION_NOT_LOGGED', async () => {
      await keys().rotate('token');
      const out = await keysConfig.run(await s.context());
      expect(keyFindings(out.findings)).toEqual(['KEY_VERSION_NOT_LOGGED key token v2']);
      expect(out.status).toBe('fail');
    });

    it('rotated and retired through the API: passes again', async () => {
      await post('v1/keys/rotate', { label: 'token' });
      await post('v1/keys/retire', { label: 'token', version: 2 });
      await s.settle();
      const out = await keysConfig.run(await s.context());
      expect(keyFindings(out.findings)).toEqual([]);
      expect((out.evidence.keyVersions as Record<string, unknown>).token).toMatchObject({
        current: 3,
        retiredThrough: 2,
        retiredThroughInLog: 2,
      });
    });

    it('a keystore restored from before the retirement: RETIRED_KEY_IN_USE, KEY_RETIREMENT_NOT_APPLIED', async () => {
      const restored = await openLocalKeystore({ dir: backup });
      const out = await keysConfig.run(await s.context({ keys: restored }));
      expect(keyFindings(out.findings)).toEqual([
        'RETIRED_KEY_IN_USE key token v1',
        'KEY_RETIREMENT_NOT_APPLIED key token v1–v2',
      ]);
      expect(out.findings[out.findings.length - 1]?.message).toMatch(
        /^the log retired token through v2 \(entry \d+\), but the key service retired only through v0: those versions still verify$/,
      );
    });

    it('keys older than the maximum age: KEY_TOO_OLD (default 365 days, configurable)', async () => {
      const later = new Date(Date.now() + 400 * DAY);
      const ctx = await s.context();
      ctx.now = () => later;
      const out = await keysConfig.run(ctx);
      expect(keyFindings(out.findings)).toEqual([
        'KEY_TOO_OLD key log v1',
        'KEY_TOO_OLD key token v3',
      ]);
      ctx.keyMaxAgeDays = 500;
      expect(keyFindings((await keysConfig.run(ctx)).findings)).toEqual([]);
    });

    it('a retirement in the key service without its entry: KEY_RETIREMENT_NOT_LOGGED', async () => {
      await keys().rotate('token');
      await keys().retire('token', 3);
      const out = await keysConfig.run(await s.context());
      expect(keyFindings(out.findings)).toEqual([
        'KEY_VERSION_NOT_LOGGED key token v4',
        'KEY_RETIREMENT_NOT_LOGGED key token v3–v3',
      ]);
    });
  });
});
