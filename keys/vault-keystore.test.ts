/**
 * The `vault` key service (HashiCorp Vault Transit through node-vault).
 *
 * No Vault server can be installed here (CONVENTIONS.md §12), so these tests run
 * against a contract double (./testing/vault-transit-double.ts): a real HTTP(S)
 * server implementing the Transit, token and AppRole endpoints the backend uses,
 * as Vault documents them, with real Ed25519 keys and the ACL policies from
 * infra/vault/*.hcl. The tests that need no fault injection also run against a
 * real Vault when SAKSI_TEST_VAULT_ADDR and SAKSI_TEST_VAULT_TOKEN are set
 * (infra/vault/RUNBOOK.md, "Run the tests against a real Vault").
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signNote, verifierKeyOf } from '../ledger/index.ts';
import { formatCheckpointBody, openCheckpoint } from '../ledger/verifier/index.ts';
import { KeyError } from './index.ts';
import {
  startVaultTransitDouble,
  type VaultTransitDouble,
} from './testing/vault-transit-double.ts';
import { redactVaultOptions, vaultConfigFromEnv } from './vault-config.ts';
import {
  openVaultKeyService,
  VaultError,
  type VaultErrorCode,
  type VaultKeyService,
  type VaultOptions,
} from './vault-keystore.ts';

const POLICY_DIR = join(import.meta.dirname, '..', 'infra', 'vault');
const policy = (name: string) => readFile(join(POLICY_DIR, `${name}.hcl`), 'utf8');

function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  return verify(null, message, key, sig);
}

async function vaultError(p: Promise<unknown>, code: VaultErrorCode): Promise<VaultError> {
  const e = await p.then(
    () => {
      throw new Error(`expected VaultError ${code}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VaultError);
  expect((e as VaultError).code).toBe(code);
  return e as VaultError;
}

/** A raw Vault API call, as an operator's curl would make it. */
async function raw(
  addr: string,
  token: string,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${addr}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  addr: string;
  rootToken: string;
  /** Each test gets fresh keys: `<prefix>log`, `<prefix>token`, `<prefix>data`. */
  prefix: () => string;
}

/**
 * The behaviour every Vault must show, run against the double and, when
 * configured, a real Vault.
 */
function contractTests(target: () => Target) {
  const opened: VaultKeyService[] = [];
  let prefix: string;
  const open = async (extra: Partial<VaultOptions> = {}) => {
    const t = target();
    const ks = await openVaultKeyService({
      addr: t.addr,
      token: t.rootToken,
      keyPrefix: prefix,
      ...extra,
    });
    opened.push(ks);
    return ks;
  };
  beforeEach(() => {
    prefix = target().prefix();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ks) => ks.close()));
  });

  it('signs with the Vault key version it was made for; node:crypto verifies the signatures', async () => {
    const ks = await open();
    const signer = await ks.signer('log', 'saksi.kpu.go.id/log');
    expect(Object.keys(signer).sort()).toEqual(['label', 'name', 'publicKey', 'sign', 'version']);
    expect(Object.isFrozen(signer)).toBe(true);
    expect(signer).toMatchObject({ name: 'saksi.kpu.go.id/log', label: 'log', version: 1 });
    expect(signer.publicKey).toHaveLength(32);
    const msg = new TextEncoder().encode('saksi.kpu.go.id/log\n42\nAAAA\n');
    const sig = await signer.sign(msg);
    expect(sig).toBeInstanceOf(Uint8Array);
    expect(sig).toHaveLength(64);
    expect(ed25519Verify(signer.publicKey, msg, sig)).toBe(true);
    expect(ed25519Verify(signer.publicKey, new Uint8Array([1, ...msg]), sig)).toBe(false);
    // RFC 8032 Ed25519 is deterministic, in Vault too.
    expect(await signer.sign(msg)).toEqual(sig);
    // Vault's own verify endpoint agrees (the signature is Vault's, not ours).
    const t = target();
    const v = await raw(t.addr, t.rootToken, 'POST', `transit/verify/${prefix}log`, {
      input: Buffer.from(msg).toString('base64'),
      signature: `vault:v1:${Buffer.from(sig).toString('base64')}`,
    });
    expect(v.json.data).toMatchObject({ valid: true });
    await expect(signer.sign('text' as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });

  it('signs C2SP checkpoints that the ledger verifier opens with verifierKeyOf(signer)', async () => {
    const ks = await open();
    const signer = await ks.signer('log', 'saksi.kpu.go.id/log');
    const body = formatCheckpointBody({
      origin: 'saksi.kpu.go.id/log',
      size: 7,
      rootHash: randomBytes(32),
    });
    const note = await signNote(body, [signer]);
    const cp = openCheckpoint(note, verifierKeyOf(signer));
    expect(cp.size).toBe(7);
    expect(cp.origin).toBe('saksi.kpu.go.id/log');
    // A different key does not open it.
    const other = await ks.signer('token', 'saksi.kpu.go.id/log');
    expect(() => openCheckpoint(note, verifierKeyOf(other))).toThrow();
  });

  it('creates missing keys as non-exportable ed25519 keys, one per label', async () => {
    const ks = await open();
    const t = target();
    expect((await raw(t.addr, t.rootToken, 'GET', `transit/keys/${prefix}log`)).status).toBe(404);
    const log = await ks.signer('log', 'log');
    const token = await ks.signer('token', 'saksi-token');
    expect(token.publicKey).not.toEqual(log.publicKey);
    for (const label of ['log', 'token']) {
      const { status, json } = await raw(
        t.addr,
        t.rootToken,
        'GET',
        `transit/keys/${prefix}${label}`,
      );
      expect(status).toBe(200);
      expect(json.data).toMatchObject({
        type: 'ed25519',
        exportable: false,
        allow_plaintext_backup: false,
        derived: false,
        latest_version: 1,
      });
    }
    // Opening again finds the same keys rather than making new ones.
    const again = await open();
    expect((await again.signer('log', 'log')).publicKey).toEqual(log.publicKey);
  });

  it('rotation adds a version; old public keys stay listed and old signatures stay valid', async () => {
    const ks = await open();
    const v1 = await ks.signer('log', 'log');
    const msg = new Uint8Array([1, 2, 3]);
    const oldSig = await v1.sign(msg);
    const rotated = await ks.rotate('log');
    expect(rotated.version).toBe(2);
    expect(rotated.publicKey).not.toEqual(v1.publicKey);

    const v2 = await ks.signer('log', 'log');
    expect(v2.version).toBe(2);
    expect(v2.publicKey).toEqual(rotated.publicKey);
    expect(ed25519Verify(v2.publicKey, msg, await v2.sign(msg))).toBe(true);
    // The old signer is pinned to v1 (key_version), like the local keystore's.
    const again = await v1.sign(msg);
    expect(again).toEqual(oldSig);
    expect(ed25519Verify(v1.publicKey, msg, again)).toBe(true);

    const listed = await ks.publicKeys('log');
    expect(listed.map((k) => k.version)).toEqual([1, 2]);
    expect(listed[0]!.publicKey).toEqual(v1.publicKey);
    expect(listed[1]!.publicKey).toEqual(v2.publicKey);
    for (const k of listed) {
      // Vault's creation_time (any zone, nanoseconds) as RFC 3339 UTC.
      expect(k.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Math.abs(Date.parse(k.createdAt) - Date.now())).toBeLessThan(10 * 60_000);
    }
    // A checkpoint signed before the rotation still opens with the v1 verifier key.
    const body = formatCheckpointBody({ origin: 'log', size: 1, rootHash: randomBytes(32) });
    const before = await signNote(body, [v1]);
    expect(openCheckpoint(before, verifierKeyOf(v1)).size).toBe(1);
    // Other labels are untouched.
    expect(await ks.publicKeys('token')).toEqual([]);

    const reopened = await open();
    expect((await reopened.signer('log', 'log')).version).toBe(2);
  });

  it('reports a rotation made elsewhere in health(), like the local keystore', async () => {
    const ks = await open();
    await ks.signer('log', 'log');
    expect((await ks.health()).ok).toBe(true);
    const other = await open();
    await other.rotate('log');
    expect(await ks.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /log was rotated in Vault \(v2\); this process still signs with v1/,
      ),
    });
    await other.signer('log', 'log');
    expect(await other.health()).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/signing log v2/),
    });
  });

  it('retires old versions through min_decryption_version: Vault verifies and signs nothing with them', async () => {
    const t = target();
    const ks = await open();
    const v1 = await ks.signer('token', 't');
    const msg = new Uint8Array([7, 7, 7]);
    const oldSig = await v1.sign(msg);
    await ks.rotate('token');
    await ks.rotate('token');
    const name = `${prefix}token`;
    const before = await raw(t.addr, t.rootToken, 'GET', `transit/keys/${name}`);
    // Refused before anything is sent: the current version, one that does not exist.
    await expect(ks.retire('token', 3)).rejects.toMatchObject({ code: 'KEY_VERSION_CURRENT' });
    await expect(ks.retire('token', 9)).rejects.toMatchObject({ code: 'UNKNOWN_KEY_VERSION' });
    expect((await raw(t.addr, t.rootToken, 'GET', `transit/keys/${name}`)).json.data).toEqual(
      before.json.data,
    );

    expect(await ks.retire('token', 2)).toEqual({ label: 'token', current: 3, retiredThrough: 2 });
    await expect(ks.retire('token', 1)).rejects.toMatchObject({ code: 'KEY_VERSION_RETIRED' });
    expect((await ks.publicKeys('token')).map((k) => k.version)).toEqual([3]);
    expect(await (await open()).versions('token')).toEqual({
      label: 'token',
      current: 3,
      retiredThrough: 2,
    });
    const { json } = await raw(t.addr, t.rootToken, 'GET', `transit/keys/${name}`);
    expect(json.data).toMatchObject({ min_decryption_version: 3, min_encryption_version: 3 });
    expect(Object.keys((json.data as { keys: object }).keys)).toEqual(['3']);
    // Vault itself refuses the retired versions: verify is a 400, signing too.
    const verified = await raw(t.addr, t.rootToken, 'POST', `transit/verify/${name}`, {
      input: Buffer.from(msg).toString('base64'),
      signature: `vault:v1:${Buffer.from(oldSig).toString('base64')}`,
    });
    expect(verified.status).toBe(400);
    expect(verified.json.errors).toEqual([
      'ciphertext or signature version is disallowed by policy (too old)',
    ]);
    await expect(v1.sign(msg)).rejects.toBeInstanceOf(VaultError);
    expect((await ks.signer('token', 't')).version).toBe(3);
  });

  it('Transit key config refuses min_encryption below min_decryption and changes nothing', async () => {
    const t = target();
    const ks = await open();
    await ks.signer('token', 't');
    await ks.rotate('token');
    const name = `${prefix}token`;
    const r = await raw(t.addr, t.rootToken, 'POST', `transit/keys/${name}/config`, {
      min_decryption_version: 2,
      min_encryption_version: 1,
    });
    expect(r.status).toBe(400);
    expect(String((r.json.errors as string[])[0])).toMatch(
      /min encryption version of 1 must be greater than or equal to min decryption version of 2/,
    );
    const tooFar = await raw(t.addr, t.rootToken, 'POST', `transit/keys/${name}/config`, {
      min_decryption_version: 5,
    });
    expect(tooFar.status).toBe(400);
    expect(await ks.versions('token')).toEqual({ label: 'token', current: 2, retiredThrough: 0 });
  });

  it('data keys are 32 bytes, distinct per label, stable across reopening, and copies', async () => {
    const a = await open();
    const salts = await a.dataKey('salts');
    const cache = await a.dataKey('token-cache');
    expect(salts).toHaveLength(32);
    expect(salts).not.toEqual(cache);
    const b = await open();
    expect(await b.dataKey('salts')).toEqual(salts);
    expect(await b.dataKey('token-cache')).toEqual(cache);
    salts.fill(0);
    expect(await a.dataKey('salts')).toEqual(await b.dataKey('salts'));
    expect(await a.dataKey('salts')).not.toEqual(new Uint8Array(32));
    // Rotating the data-key key does not change data keys (they are pinned to v1).
    const t = target();
    await raw(t.addr, t.rootToken, 'POST', `transit/keys/${prefix}data/rotate`);
    const c = await open();
    expect(await c.dataKey('salts')).toEqual(await b.dataKey('salts'));
    const { json } = await raw(t.addr, t.rootToken, 'GET', `transit/keys/${prefix}data`);
    expect(json.data).toMatchObject({ type: 'aes256-gcm96', exportable: false });
  });

  it.each(['', 'Salts', '__proto__', '../x', 'a b', 'x'.repeat(65)])(
    'refuses data-key label %j',
    async (label) => {
      const ks = await open();
      await expect(ks.dataKey(label)).rejects.toMatchObject({ code: 'INVALID_DATA_KEY_LABEL' });
    },
  );

  it('refuses unknown labels and invalid signed-note key names', async () => {
    const ks = await open();
    await expect(ks.signer('vote' as 'log', 'x')).rejects.toBeInstanceOf(KeyError);
    await expect(ks.rotate('vote' as 'log')).rejects.toMatchObject({ code: 'UNKNOWN_KEY_LABEL' });
    for (const name of ['', 'a b', 'a+b', 'a\nb', 42]) {
      await expect(ks.signer('log', name as string)).rejects.toMatchObject({
        code: 'INVALID_KEY_NAME',
      });
    }
  });

  it('describe(), health(), JSON and inspect name the keys, never the token', async () => {
    const t = target();
    const ks = await open();
    await ks.signer('log', 'log');
    await ks.dataKey('salts');
    const where = ks.describe();
    expect(where).toBe(`vault:${new URL(t.addr).origin}/transit/keys/${prefix}*`);
    const h = await ks.health();
    expect(h.ok).toBe(true);
    expect(h.detail).toMatch(/unsealed; token valid .*signing log v1; 1 data key/);
    const shown = [
      where,
      h.detail,
      JSON.stringify(ks),
      inspect(ks, { showHidden: true, depth: 9 }),
    ];
    for (const s of shown) expect(s).not.toContain(t.rootToken);
    expect(inspect(ks, { showHidden: true, depth: 9 })).toBe(`VaultKeyService <${where}>`);
  });

  it('publicKeys() of a key that does not exist yet is empty and creates nothing', async () => {
    const ks = await open();
    expect(await ks.publicKeys('token')).toEqual([]);
    const t = target();
    expect((await raw(t.addr, t.rootToken, 'GET', `transit/keys/${prefix}token`)).status).toBe(404);
  });
}

// ---------------------------------------------------------------------------

describe('Vault Transit backend against the Vault HTTP API contract double', () => {
  let double: VaultTransitDouble;
  let tmp: string;
  const opened: VaultKeyService[] = [];
  const open = async (o: Partial<VaultOptions> = {}) => {
    const base: VaultOptions =
      o.approle || o.tokenFile
        ? { addr: double.url }
        : { addr: double.url, token: double.rootToken };
    const ks = await openVaultKeyService({ ...base, ...o });
    opened.push(ks);
    return ks;
  };
  let n = 0;

  beforeAll(async () => {
    double = await startVaultTransitDouble();
    tmp = await mkdtemp(join(tmpdir(), 'saksi-vault-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ks) => ks.close()));
    double.unseal();
  });
  afterAll(async () => {
    await double.close();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('the Vault contract', () => {
    contractTests(() => ({
      addr: double.url,
      rootToken: double.rootToken,
      prefix: () => `saksi-c${++n}-`,
    }));
  });

  it('never asks for a private key: no export or backup request, no key bytes in any response', async () => {
    const before = double.requests.length;
    const ks = await open({ keyPrefix: 'saksi-leak-' });
    const signer = await ks.signer('log', 'log');
    await signer.sign(new Uint8Array([9]));
    await ks.rotate('log');
    await ks.publicKeys('log');
    await (await ks.signer('token', 't')).sign(new Uint8Array([1]));
    const dataKey = await ks.dataKey('salts');
    await ks.health();
    const asked = double.requests.slice(before);
    expect(asked.length).toBeGreaterThan(8);
    expect(double.count(/^transit\/(export|backup)\//)).toBe(0);
    expect(
      asked.every((r) => /^(auth\/token\/|sys\/health$|transit\/(keys|sign|hmac)\/)/.test(r.path)),
    ).toBe(true);
    const secrets = double.secretsForLeakCheck();
    expect(secrets.length).toBeGreaterThan(0);
    const bodies = double.responseBodies.join('\n');
    for (const s of secrets) {
      for (const enc of ['base64', 'base64url', 'hex'] as const) {
        expect(bodies.includes(s.toString(enc))).toBe(false);
      }
    }
    // The data key is derived in Vault (HMAC), not a Transit key sent out.
    expect(secrets.some((s) => s.equals(Buffer.from(dataKey)))).toBe(false);
  });

  describe('AppRole', () => {
    async function role(name: string, policies: string[], ttl = 3600, maxTtl = 0) {
      const { roleId, secretId } = double.createAppRole(name, {
        policies,
        tokenTtl: ttl,
        tokenMaxTtl: maxTtl,
      });
      const secretIdFile = join(tmp, `${name}.secret-id`);
      await writeFile(secretIdFile, `${secretId}\n`, { mode: 0o600 });
      return { roleId, secretIdFile };
    }

    beforeAll(async () => {
      double.writePolicy('saksi-sequencer', await policy('saksi-sequencer'));
      double.writePolicy('saksi-api', await policy('saksi-api'));
      // The keys exist already, as infra/vault/setup.sh leaves them.
      const setup = await open({ keyPrefix: 'saksi-' });
      await setup.signer('log', 'log');
      await setup.signer('token', 'token');
      await setup.dataKey('setup');
    });

    it('logs in, renews the token before it expires, and logs in again near token_max_ttl', async () => {
      const approle = await role('renewing', ['saksi-sequencer'], 1, 3);
      const logins = double.count('auth/approle/login');
      const ks = await open({ approle, createKeys: false });
      const signer = await ks.signer('log', 'saksi.kpu.go.id/log');
      expect(double.count('auth/approle/login')).toBe(logins + 1);
      // Lease 1 s: renewal at ~0.67 s; past the 3 s max TTL, a fresh login.
      await tick(3_600);
      expect(double.count('auth/token/renew-self')).toBeGreaterThanOrEqual(2);
      expect(double.count('auth/approle/login')).toBeGreaterThanOrEqual(logins + 2);
      const msg = new Uint8Array([7, 7]);
      expect(ed25519Verify(signer.publicKey, msg, await signer.sign(msg))).toBe(true);
      expect((await ks.health()).ok).toBe(true);
      await ks.close();
      expect(double.count('auth/token/revoke-self')).toBeGreaterThanOrEqual(1);
      await vaultError(signer.sign(msg), 'VAULT_CLOSED');
      // close() cleared the timer: no further renewals.
      const renewals = double.count('auth/token/renew-self');
      await tick(1_000);
      expect(double.count('auth/token/renew-self')).toBe(renewals);
    });

    it('logs in again once when Vault refuses a revoked AppRole token', async () => {
      const approle = await role('revoked', ['saksi-sequencer']);
      const ks = await open({ approle, createKeys: false });
      const signer = await ks.signer('log', 'log');
      const logins = double.count('auth/approle/login');
      // `vault token revoke -mode=path auth/approle/login`, as after a leak.
      double.revokeTokensByPath('auth/approle/login');
      expect(await signer.sign(new Uint8Array([1]))).toHaveLength(64);
      expect(double.count('auth/approle/login')).toBe(logins + 1);
      // A 403 for a live token is the policy speaking: final, and no new login.
      double.inject({ path: 'transit/sign/saksi-log', status: 403, errors: ['permission denied'] });
      const e = await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_PERMISSION_DENIED');
      expect(e.retryable).toBe(false);
      expect(double.count('auth/approle/login')).toBe(logins + 1);
    });

    it('a wrong secret ID is a clear, non-retryable VAULT_AUTH_FAILED at start', async () => {
      const { roleId } = await role('wrong', ['saksi-api']);
      const bad = join(tmp, 'bad.secret-id');
      await writeFile(bad, 'not-the-secret-id\n', { mode: 0o600 });
      const e = await vaultError(
        open({ approle: { roleId, secretIdFile: bad } }),
        'VAULT_AUTH_FAILED',
      );
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/invalid role or secret ID/);
      expect(e.message).not.toContain('not-the-secret-id');
    });

    it('the saksi-api policy signs tokens and derives data keys, but cannot sign with the log key', async () => {
      const ks = await open({ approle: await role('api', ['saksi-api']), createKeys: false });
      const token = await ks.signer('token', 'saksi-token');
      expect(await token.sign(new Uint8Array([1]))).toHaveLength(64);
      expect(await ks.dataKey('setup')).toHaveLength(32);
      expect((await ks.publicKeys('log')).length).toBeGreaterThanOrEqual(1);
      // Reading the log key's public key is allowed; signing with it is not.
      const log = await ks.signer('log', 'saksi.kpu.go.id/log');
      const e = await vaultError(log.sign(new Uint8Array([1])), 'VAULT_PERMISSION_DENIED');
      expect(e.retryable).toBe(false);
      expect(e.status).toBe(403);
      expect(e.message).toMatch(/signing with saksi-log v\d+ \(403: permission denied\)/);
      await vaultError(ks.rotate('token'), 'VAULT_PERMISSION_DENIED');
      // Health probes only signers that have signed: knowing the log key is fine here.
      expect(await ks.health()).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/AppRole token valid .*signing token v1, log v\d+/),
      });
    });

    it('the saksi-api policy retires token-key versions and can change nothing else in a config', async () => {
      const ks = await open({ approle: await role('retirer', ['saksi-api']), createKeys: false });
      const operator = await open({ keyPrefix: 'saksi-' }); // saksi-key-admin rotates
      await operator.rotate('token');
      const { current } = await ks.versions('token');
      expect(await ks.retire('token', current - 1)).toMatchObject({ retiredThrough: current - 1 });
      expect((await ks.signer('token', 'saksi-token')).version).toBe(current);
      // allowed_parameters: the watermarks only, and only on the token key.
      const { token } = await (async () => {
        const r = await fetch(`${double.url}/v1/auth/approle/login`, {
          method: 'POST',
          body: JSON.stringify({
            role_id: (await role('raw', ['saksi-api'])).roleId,
            secret_id: (await readFile(join(tmp, 'raw.secret-id'), 'utf8')).trim(),
          }),
        });
        return {
          token: ((await r.json()) as { auth: { client_token: string } }).auth.client_token,
        };
      })();
      for (const [path, body] of [
        ['transit/keys/saksi-token/config', { exportable: true }],
        ['transit/keys/saksi-token/config', { min_decryption_version: 1, deletion_allowed: true }],
        ['transit/keys/saksi-log/config', { min_decryption_version: 1 }],
      ] as const) {
        const r = await raw(double.url, token, 'POST', path, body);
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(403);
      }
      const { json } = await raw(double.url, double.rootToken, 'GET', 'transit/keys/saksi-token');
      expect(json.data).toMatchObject({ exportable: false, deletion_allowed: false });
      await operator.rotate('log');
      const log = await ks.versions('log');
      await vaultError(ks.retire('log', log.current - 1), 'VAULT_PERMISSION_DENIED');
    });

    it('the saksi-sequencer policy signs with the log key and nothing else', async () => {
      const ks = await open({ approle: await role('seq', ['saksi-sequencer']), createKeys: false });
      const log = await ks.signer('log', 'log');
      expect(await log.sign(new Uint8Array([1]))).toHaveLength(64);
      await vaultError(ks.signer('token', 'token'), 'VAULT_PERMISSION_DENIED');
      await vaultError(ks.dataKey('setup'), 'VAULT_PERMISSION_DENIED');
      await vaultError(ks.rotate('log'), 'VAULT_PERMISSION_DENIED');
    });

    it('no service policy may create keys: a missing key is an error, not a new key', async () => {
      const ks = await open({
        approle: await role('creator', ['saksi-sequencer']),
        keyPrefix: 'saksi-absent-',
      });
      // createKeys defaults to true, but the policy cannot even read the key.
      await vaultError(ks.signer('log', 'log'), 'VAULT_PERMISSION_DENIED');
      const strict = await open({ keyPrefix: 'saksi-absent-', createKeys: false });
      const e = await vaultError(strict.signer('log', 'log'), 'VAULT_KEY_MISSING');
      expect(e.message).toMatch(/transit\/keys\/saksi-absent-log does not exist.*setup\.sh/);
      const creations = double.requests.filter(
        (r) => r.method === 'POST' && r.path.startsWith('transit/keys/saksi-absent-'),
      );
      expect(creations).toEqual([]);
    });
  });

  describe('failures', () => {
    it('a revoked token is a clear, non-retryable error that does not show the token', async () => {
      const token = double.createToken({ policies: ['root'] });
      const ks = await open({ token, keyPrefix: 'saksi-revoked-' });
      const signer = await ks.signer('log', 'log');
      double.revokeToken(token);
      const e = await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_PERMISSION_DENIED');
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/token is invalid, expired or revoked/);
      for (const s of [e.message, e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 9 })])
        expect(s).not.toContain(token);
      const h = await ks.health();
      expect(h).toMatchObject({ ok: false, detail: expect.stringMatching(/403/) });
      expect(h.detail).not.toContain(token);
      // At start, too.
      await vaultError(open({ token }), 'VAULT_PERMISSION_DENIED');
    });

    it('reads the token from a file and renews a renewable token', async () => {
      const token = double.createToken({ policies: ['root'], ttl: 2 });
      const tokenFile = join(tmp, 'token');
      await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
      const renewals = double.count('auth/token/renew-self');
      const ks = await open({ tokenFile, keyPrefix: 'saksi-file-' });
      await tick(1_500);
      expect(double.count('auth/token/renew-self')).toBeGreaterThan(renewals);
      expect(await (await ks.signer('log', 'log')).sign(new Uint8Array([1]))).toHaveLength(64);
    });

    it('a 503 from Vault is retryable, and the next request succeeds', async () => {
      const ks = await open({ keyPrefix: 'saksi-503-' });
      const signer = await ks.signer('log', 'log');
      double.inject({
        path: 'transit/sign/saksi-503-log',
        status: 503,
        errors: ['Vault is sealed'],
      });
      const e = await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_UNAVAILABLE');
      expect(e.retryable).toBe(true);
      expect(e.status).toBe(503);
      expect(e.message).toMatch(/503: Vault is sealed/);
      expect(await signer.sign(new Uint8Array([1]))).toHaveLength(64);
      double.inject({
        path: 'transit/sign/saksi-503-log',
        status: 500,
        errors: ['internal error'],
      });
      expect(
        (await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_UNAVAILABLE')).retryable,
      ).toBe(true);
      double.inject({ path: 'transit/sign/saksi-503-log', status: 400, errors: ['bad input'] });
      expect(
        (await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_BAD_REQUEST')).retryable,
      ).toBe(false);
    });

    it('a slow Vault times out as a retryable error', async () => {
      const ks = await open({ keyPrefix: 'saksi-slow-', timeoutMs: 200 });
      const signer = await ks.signer('log', 'log');
      double.inject({ path: 'transit/sign/saksi-slow-log', delayMs: 600 });
      const e = await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_UNAVAILABLE');
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/within 200 ms/);
      await tick(500);
    });

    it('an unreachable Vault is retryable', async () => {
      const gone = await startVaultTransitDouble();
      const url = gone.url;
      await gone.close();
      const e = await vaultError(
        openVaultKeyService({ addr: url, token: 'x' }),
        'VAULT_UNAVAILABLE',
      );
      expect(e.message).toMatch(/ECONNREFUSED/);
    });

    it('health() is not ok while Vault is sealed, and ok again once unsealed', async () => {
      const ks = await open({ keyPrefix: 'saksi-seal-' });
      await ks.signer('log', 'log');
      double.seal();
      expect(await ks.health()).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/sealed/),
      });
      const e = await vaultError(ks.publicKeys('log'), 'VAULT_UNAVAILABLE');
      expect(e).toMatchObject({ retryable: true, status: 503 });
      double.unseal();
      expect((await ks.health()).ok).toBe(true);
    });

    it('health() probes each signer that has signed, and notices a policy that stopped allowing it', async () => {
      await (await open({ keyPrefix: 'saksi-probe-' })).signer('log', 'log');
      const rules = (caps: string) => `
        path "transit/keys/saksi-probe-log" { capabilities = ["read"] }
        path "transit/sign/saksi-probe-log" { capabilities = [${caps}] }`;
      double.writePolicy('probe', rules('"update"'));
      const token = double.createToken({ policies: ['probe'] });
      const ks = await open({ token, keyPrefix: 'saksi-probe-', createKeys: false });
      const signer = await ks.signer('log', 'log');
      const signs = () => double.count('transit/sign/saksi-probe-log');
      expect((await ks.health()).ok).toBe(true);
      expect(signs()).toBe(0); // made, never used: not probed
      await signer.sign(new Uint8Array([1]));
      expect((await ks.health()).ok).toBe(true);
      expect(signs()).toBe(2); // the signature, then the probe
      double.writePolicy('probe', rules(''));
      expect(await ks.health()).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/signing with saksi-probe-log v1 \(403/),
      });
    });

    it('refuses an exportable key: its private key could leave Vault', async () => {
      await raw(double.url, double.rootToken, 'POST', 'transit/keys/saksi-exp-log', {
        type: 'ed25519',
        exportable: true,
      });
      const ks = await open({ keyPrefix: 'saksi-exp-' });
      const e = await vaultError(ks.signer('log', 'log'), 'VAULT_KEY_INVALID');
      expect(e.message).toMatch(/exportable.*can leave Vault/);
    });

    it('refuses a key of the wrong type', async () => {
      await raw(double.url, double.rootToken, 'POST', 'transit/keys/saksi-aes-log', {
        type: 'aes256-gcm96',
      });
      const ks = await open({ keyPrefix: 'saksi-aes-' });
      await vaultError(ks.signer('log', 'log'), 'VAULT_KEY_INVALID');
    });

    it('notices a key deleted and recreated under the same name', async () => {
      const ks = await open({ keyPrefix: 'saksi-swap-' });
      const signer = await ks.signer('log', 'log');
      double.replaceKey('saksi-swap-log');
      const e = await vaultError(signer.sign(new Uint8Array([1])), 'VAULT_KEY_INVALID');
      expect(e.message).toMatch(/replaced/);
      await vaultError(ks.publicKeys('log'), 'VAULT_KEY_INVALID');
      expect((await ks.health()).ok).toBe(false);
    });

    it('checks its options', async () => {
      const cases: [Partial<VaultOptions>, RegExp][] = [
        [{ addr: 'vault:8200' }, /http\(s\) URL/],
        [{ addr: 'http://u:p@127.0.0.1:8200' }, /no credentials/],
        [{ addr: 'http://127.0.0.1:8200/v1' }, /no credentials, path/],
        [{ token: undefined }, /exactly one of token, tokenFile or approle/],
        [{ tokenFile: '/nonexistent' }, /exactly one/],
        [{ mount: '/transit/' }, /mount/],
        [{ keyPrefix: 'Saksi/' }, /prefix/],
        [{ timeoutMs: 0 }, /timeoutMs/],
        [{ tls: { certFile: '/x' } }, /client certificate needs its key/],
        [{ tls: { caFile: join(tmp, 'missing.pem') } }, /cannot read the CA certificate file/],
      ];
      for (const [o, re] of cases) {
        const e = await vaultError(
          openVaultKeyService({ addr: double.url, token: double.rootToken, ...o } as VaultOptions),
          'VAULT_CONFIG',
        );
        expect(e.message).toMatch(re);
      }
      await vaultError(
        openVaultKeyService({ addr: double.url, tokenFile: join(tmp, 'missing') }),
        'VAULT_CONFIG',
      );
      await vaultError(
        openVaultKeyService({ addr: double.url, approle: { roleId: 'r' } }),
        'VAULT_CONFIG',
      );
    });
  });
});

describe('Vault Transit backend over TLS against the Vault HTTP API contract double', () => {
  const haveOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  let dir: string;
  let double: VaultTransitDouble;
  const pem = (f: string) => join(dir, f);

  beforeAll(async () => {
    if (!haveOpenssl) return;
    dir = await mkdtemp(join(tmpdir(), 'saksi-vault-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=saksi test CA',
      '-days',
      '1',
    );
    await writeFile(pem('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    for (const who of ['server', 'client']) {
      ssl('req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
      ssl(
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${who}.crt`,
        '-days',
        '1',
        '-extfile',
        'san.ext',
      );
    }
    double = await startVaultTransitDouble({
      tls: {
        key: await readFile(pem('server.key')),
        cert: await readFile(pem('server.crt')),
        clientCa: await readFile(pem('ca.crt')),
      },
    });
  });
  afterAll(async () => {
    if (!haveOpenssl) return;
    await double.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(haveOpenssl)(
    'trusts Vault through the CA file and presents the client certificate',
    async () => {
      const tls = {
        caFile: pem('ca.crt'),
        certFile: pem('client.crt'),
        keyFile: pem('client.key'),
      };
      const ks = await openVaultKeyService({ addr: double.url, token: double.rootToken, tls });
      const signer = await ks.signer('log', 'log');
      expect(await signer.sign(new Uint8Array([1]))).toHaveLength(64);
      expect((await ks.health()).ok).toBe(true);
      await ks.close();
    },
  );

  it.runIf(haveOpenssl)(
    'refuses a Vault whose certificate it cannot verify (non-retryable)',
    async () => {
      const tls = { certFile: pem('client.crt'), keyFile: pem('client.key') };
      const e = await vaultError(
        openVaultKeyService({ addr: double.url, token: double.rootToken, tls }),
        'VAULT_TLS',
      );
      expect(e.retryable).toBe(false);
    },
  );

  it.runIf(haveOpenssl)(
    'is refused without a client certificate when Vault requires one',
    async () => {
      const e = await openVaultKeyService({
        addr: double.url,
        token: double.rootToken,
        tls: { caFile: pem('ca.crt') },
      }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(VaultError);
      expect(['VAULT_TLS', 'VAULT_UNAVAILABLE']).toContain((e as VaultError).code);
    },
  );
});

const REAL_ADDR = process.env.SAKSI_TEST_VAULT_ADDR;
const REAL_TOKEN = process.env.SAKSI_TEST_VAULT_TOKEN;

describe.runIf(REAL_ADDR && REAL_TOKEN)(
  'Vault Transit backend against a real Vault (SAKSI_TEST_VAULT_ADDR)',
  () => {
    // Fresh key names per run: a dev Vault keeps keys until it restarts.
    const run = randomBytes(3).toString('hex');
    let n = 0;
    contractTests(() => ({
      addr: REAL_ADDR!,
      rootToken: REAL_TOKEN!,
      prefix: () => `saksi-t${run}-${++n}-`,
    }));
  },
);

describe('vaultConfigFromEnv', () => {
  it('is undefined without VAULT_ADDR', () => {
    expect(vaultConfigFromEnv({})).toBeUndefined();
    expect(vaultConfigFromEnv({ VAULT_TOKEN: 'x' })).toBeUndefined();
  });

  it('reads AppRole with the secret ID from a file, and keys are not created', () => {
    expect(
      vaultConfigFromEnv({
        VAULT_ADDR: 'https://vault.kpu.go.id:8200',
        VAULT_ROLE_ID: 'role',
        VAULT_SECRET_ID_FILE: '/run/secrets/saksi-secret-id',
        VAULT_TOKEN: 'root-token-left-in-the-shell',
        VAULT_CACERT: '/etc/saksi/vault-ca.pem',
        SAKSI_VAULT_MOUNT: 'kpu-transit',
        SAKSI_VAULT_KEY_PREFIX: 'pemilu-',
      }),
    ).toEqual({
      addr: 'https://vault.kpu.go.id:8200',
      approle: { roleId: 'role', secretIdFile: '/run/secrets/saksi-secret-id' },
      tls: { caFile: '/etc/saksi/vault-ca.pem', certFile: undefined, keyFile: undefined },
      mount: 'kpu-transit',
      keyPrefix: 'pemilu-',
      createKeys: false,
    });
  });

  it('reads a token file, or a token (development), and mutual TLS files', () => {
    expect(
      vaultConfigFromEnv({
        VAULT_ADDR: 'http://127.0.0.1:8200',
        VAULT_TOKEN_FILE: '/run/secrets/vault-token',
        VAULT_CLIENT_CERT: '/c.pem',
        VAULT_CLIENT_KEY: '/k.pem',
        VAULT_NAMESPACE: 'kpu',
        SAKSI_VAULT_CREATE_KEYS: 'false',
      }),
    ).toEqual({
      addr: 'http://127.0.0.1:8200',
      tokenFile: '/run/secrets/vault-token',
      tls: { caFile: undefined, certFile: '/c.pem', keyFile: '/k.pem' },
      namespace: 'kpu',
      createKeys: false,
    });
    const dev = vaultConfigFromEnv({ VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 'root' })!;
    expect(dev).toEqual({ addr: 'http://127.0.0.1:8200', token: 'root', createKeys: true });
    expect(JSON.stringify(redactVaultOptions(dev))).not.toContain('root"');
    expect(redactVaultOptions(dev).token).toBe('[redacted]');
  });

  it.each([
    [{ VAULT_SECRET_ID: 's' }, /VAULT_SECRET_ID_FILE/],
    [{ VAULT_ROLE_ID: 'r' }, /both VAULT_ROLE_ID and VAULT_SECRET_ID_FILE/],
    [{ VAULT_SECRET_ID_FILE: '/f' }, /both/],
    [{ VAULT_ROLE_ID: 'r', VAULT_SECRET_ID_FILE: '/f', VAULT_TOKEN_FILE: '/t' }, /not both/],
    [{}, /no credentials/],
    [{ VAULT_TOKEN: 't', VAULT_CLIENT_CERT: '/c' }, /go together/],
    [{ VAULT_TOKEN: 't', SAKSI_VAULT_CREATE_KEYS: 'yes' }, /true or false/],
  ])('refuses %j', (env, re) => {
    expect(() => vaultConfigFromEnv({ VAULT_ADDR: 'http://127.0.0.1:8200', ...env })).toThrow(re);
  });
});
