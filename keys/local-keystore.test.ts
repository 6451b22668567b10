/**
 * The local keystore against the real file system: creation and reopening, file
 * modes, wrong and missing KEKs, tampering, rotation, data keys, concurrent
 * writers, and that no secret ever reaches the file in clear.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, createSecretKey, verify } from 'node:crypto';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyError, type KeyErrorCode, openLocalKeystore } from './index.ts';
import { withKeystoreLock } from './keystore-file.ts';
import { unseal } from './seal.ts';

let tmp: string;
let dir: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'saksi-keys-'));
  dir = join(tmp, 'data');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const keystorePath = () => join(dir, 'keystore.json');
const kekPath = () => join(dir, 'kek');
const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

async function expectKeyError(p: Promise<unknown>, code: KeyErrorCode, message?: RegExp) {
  const e = await p.then(
    () => {
      throw new Error(`expected KeyError ${code}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KeyError);
  expect((e as KeyError).code).toBe(code);
  if (message) expect((e as KeyError).message).toMatch(message);
}

function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  return verify(null, message, key, sig);
}

/** keystore.json as the tests poke at it. */
interface RawSealed {
  iv: string;
  ct: string;
  tag: string;
}
interface RawVersion {
  version: number;
  publicKey: string;
  createdAt?: string;
  sealed: RawSealed;
}
interface RawKeystore {
  [field: string]: unknown;
  kekCheck: RawSealed;
  signing: Record<string, RawVersion[]>;
  data: Record<string, { sealed: RawSealed }>;
}
const v1 = (d: RawKeystore, label: string): RawVersion => d.signing[label]![0]!;

async function editKeystore(edit: (doc: RawKeystore) => void): Promise<void> {
  const doc = JSON.parse(await readFile(keystorePath(), 'utf8')) as RawKeystore;
  edit(doc);
  await writeFile(keystorePath(), JSON.stringify(doc), { mode: 0o600 });
}

function flipBase64(s: string, byteIndex = 0): string {
  const b = Buffer.from(s, 'base64');
  b[byteIndex]! ^= 0x01;
  return b.toString('base64');
}

describe('first start and reopening', () => {
  it('creates the keystore and the KEK, mode 0600, in a 0700 directory', async () => {
    const ks = await openLocalKeystore({ dir });
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(keystorePath())).toBe(0o600);
    expect(await modeOf(kekPath())).toBe(0o600);
    expect((await readFile(kekPath())).length).toBe(32);
    expect(ks.describe()).toBe(`local:${keystorePath()}`);
    // No temporary or lock files are left behind.
    expect((await readdir(dir)).sort()).toEqual(['kek', 'keystore.json']);
  });

  it('reopens with the same keys', async () => {
    const a = await openLocalKeystore({ dir });
    const logA = await a.signer('log', 'saksi.kpu.go.id/log');
    const tokenA = await a.signer('token', 'saksi-token');
    const b = await openLocalKeystore({ dir });
    const logB = await b.signer('log', 'saksi.kpu.go.id/log');
    expect(logB.publicKey).toEqual(logA.publicKey);
    expect((await b.signer('token', 'saksi-token')).publicKey).toEqual(tokenA.publicKey);
    // One key per signed message type (CONVENTIONS.md §7).
    expect(tokenA.publicKey).not.toEqual(logA.publicKey);
  });

  it('two processes starting together agree on one keystore', async () => {
    const [a, b] = await Promise.all([openLocalKeystore({ dir }), openLocalKeystore({ dir })]);
    expect((await a.publicKeys('log'))[0]!.publicKey).toEqual(
      (await b.publicKeys('log'))[0]!.publicKey,
    );
  });

  it('keeps the KEK elsewhere when told to, and does not create one there', async () => {
    const kekFile = join(tmp, 'secrets', 'kek');
    await mkdir(join(tmp, 'secrets'), { mode: 0o700 });
    await expectKeyError(openLocalKeystore({ dir, kekFile }), 'KEYSTORE_KEK_MISSING', /head -c 32/);
    await writeFile(kekFile, Buffer.alloc(32, 7), { mode: 0o600 });
    const ks = await openLocalKeystore({ dir, kekFile });
    const pub = (await ks.signer('log', 'log')).publicKey;
    expect(await readdir(dir)).toEqual(['keystore.json']);
    expect(
      (await (await openLocalKeystore({ dir, kekFile })).signer('log', 'log')).publicKey,
    ).toEqual(pub);
  });

  it('accepts a KEK file written as base64 text', async () => {
    const kekFile = join(tmp, 'kek.b64');
    await writeFile(kekFile, `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o400 });
    const a = await openLocalKeystore({ dir, kekFile });
    const b = await openLocalKeystore({ dir, kekFile });
    expect((await b.publicKeys('log'))[0]!.publicKey).toEqual(
      (await a.publicKeys('log'))[0]!.publicKey,
    );
  });

  it('refuses a KEK file that is not 32 bytes', async () => {
    const kekFile = join(tmp, 'short');
    await writeFile(kekFile, Buffer.alloc(31, 1), { mode: 0o600 });
    await expectKeyError(
      openLocalKeystore({ dir, kekFile }),
      'KEYSTORE_KEK_INVALID',
      /32 random bytes/,
    );
  });

  it('refuses to start when the keystore exists but its default KEK is gone', async () => {
    await openLocalKeystore({ dir });
    await unlink(kekPath());
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_KEK_MISSING');
  });
});

describe('signing', () => {
  it('signs with native Ed25519; node:crypto verify accepts the signatures', async () => {
    const ks = await openLocalKeystore({ dir });
    const signer = await ks.signer('log', 'saksi.kpu.go.id/log');
    expect(signer.name).toBe('saksi.kpu.go.id/log');
    expect(signer.version).toBe(1);
    expect(signer.publicKey).toHaveLength(32);
    const msg = new TextEncoder().encode('saksi.kpu.go.id/log\n42\nAAAA\n');
    const sig = await signer.sign(msg);
    expect(sig).toHaveLength(64);
    expect(ed25519Verify(signer.publicKey, msg, sig)).toBe(true);
    expect(ed25519Verify(signer.publicKey, new Uint8Array([1, ...msg]), sig)).toBe(false);
    // RFC 8032 Ed25519 signatures are deterministic.
    expect(await signer.sign(msg)).toEqual(sig);
  });

  it('exposes no key material on the signer or the keystore', async () => {
    const ks = await openLocalKeystore({ dir });
    const signer = await ks.signer('token', 'saksi-token');
    expect(Object.keys(signer).sort()).toEqual(['label', 'name', 'publicKey', 'sign', 'version']);
    expect(Object.isFrozen(signer)).toBe(true);
    expect(JSON.stringify(ks)).toBe(JSON.stringify(ks.describe()));
    expect(inspect(ks, { showHidden: true, depth: 10 })).toBe(`LocalKeystore <${ks.describe()}>`);
  });

  it('refuses unknown labels and invalid signed-note key names', async () => {
    const ks = await openLocalKeystore({ dir });
    await expectKeyError(ks.signer('vote' as 'log', 'x'), 'UNKNOWN_KEY_LABEL');
    for (const name of ['', 'a b', 'a+b', 'a\nb', 42]) {
      await expectKeyError(ks.signer('log', name as string), 'INVALID_KEY_NAME');
    }
  });
});

describe('rotation', () => {
  it('adds a version, keeps the old public keys, and survives reopening', async () => {
    const ks = await openLocalKeystore({ dir });
    const v1 = await ks.signer('log', 'log');
    const info = await ks.rotate('log');
    expect(info.version).toBe(2);
    const v2 = await ks.signer('log', 'log');
    expect(v2.version).toBe(2);
    expect(v2.publicKey).toEqual(info.publicKey);
    expect(v2.publicKey).not.toEqual(v1.publicKey);

    const listed = await ks.publicKeys('log');
    expect(listed.map((k) => k.version)).toEqual([1, 2]);
    expect(listed[0]!.publicKey).toEqual(v1.publicKey);
    expect(listed[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // A signer stays bound to its version: old checkpoints stay verifiable.
    const msg = new Uint8Array([1, 2, 3]);
    expect(ed25519Verify(v1.publicKey, msg, await v1.sign(msg))).toBe(true);
    expect(ed25519Verify(v2.publicKey, msg, await v2.sign(msg))).toBe(true);

    // Other labels are untouched.
    expect((await ks.publicKeys('token')).map((k) => k.version)).toEqual([1]);

    const reopened = await openLocalKeystore({ dir });
    expect((await reopened.publicKeys('log')).map((k) => k.publicKey)).toEqual([
      v1.publicKey,
      v2.publicKey,
    ]);
    expect((await reopened.signer('log', 'log')).version).toBe(2);
  });

  it('retires old versions: unlisted, on disk, seen by another process; the rest refused with nothing changed', async () => {
    const ks = await openLocalKeystore({ dir });
    const other = await openLocalKeystore({ dir });
    const v1 = await ks.signer('token', 't');
    await ks.rotate('token');
    await ks.rotate('token');
    expect(await other.versions('token')).toEqual({
      label: 'token',
      current: 3,
      retiredThrough: 0,
    });
    const text = await readFile(keystorePath(), 'utf8');
    await expectKeyError(ks.retire('token', 3), 'KEY_VERSION_CURRENT', /rotate first/);
    await expectKeyError(ks.retire('token', 4), 'UNKNOWN_KEY_VERSION');
    await expectKeyError(ks.retire('token', 0), 'UNKNOWN_KEY_VERSION');
    await expectKeyError(ks.retire('token', 1.5), 'UNKNOWN_KEY_VERSION');
    expect(await readFile(keystorePath(), 'utf8')).toBe(text);

    expect(await ks.retire('token', 2)).toEqual({ label: 'token', current: 3, retiredThrough: 2 });
    await expectKeyError(ks.retire('token', 1), 'KEY_VERSION_RETIRED', /through v2/);
    // The watermark: v1 and v2 retired, v3 verifies; another process sees it at once.
    expect((await ks.publicKeys('token')).map((k) => k.version)).toEqual([3]);
    const seen = await other.publicKeys('token');
    expect(seen.map((k) => k.version)).toEqual([3]);
    expect(seen[0]!.publicKey).not.toEqual(v1.publicKey);
    expect((await other.versions('token')).retiredThrough).toBe(2);
    expect((await other.signer('token', 't')).version).toBe(3);
    // Other labels are untouched; the file keeps it across a restart.
    expect((await ks.publicKeys('log')).map((k) => k.version)).toEqual([1]);
    const doc = JSON.parse(await readFile(keystorePath(), 'utf8'));
    expect(doc.signing.token.map((r: { retiredAt?: string }) => typeof r.retiredAt)).toEqual([
      'string',
      'string',
      'undefined',
    ]);
    expect((await (await openLocalKeystore({ dir })).versions('token')).retiredThrough).toBe(2);
  });

  it('refuses a keystore file whose retirements are not a watermark', async () => {
    const ks = await openLocalKeystore({ dir });
    await ks.rotate('token');
    const good = await readFile(keystorePath(), 'utf8');
    const edited = async (retired: boolean[]) => {
      const doc = JSON.parse(good);
      doc.signing.token.forEach((r: { retiredAt?: string }, i: number) => {
        if (retired[i]) r.retiredAt = '2026-01-01T00:00:00.000Z';
      });
      await writeFile(keystorePath(), JSON.stringify(doc), { mode: 0o600 });
    };
    await edited([true, true]);
    await expectKeyError(
      openLocalKeystore({ dir }),
      'KEYSTORE_CORRUPT',
      /current version is retired/,
    );
    await edited([false, true]);
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_CORRUPT', /only the oldest/);
    await edited([true, false]);
    expect((await (await openLocalKeystore({ dir })).versions('token')).retiredThrough).toBe(1);
  });

  it('does not lose a rotation made by another process', async () => {
    const a = await openLocalKeystore({ dir });
    const b = await openLocalKeystore({ dir });
    await a.rotate('log');
    await b.dataKey('salts'); // b re-reads under the lock before writing
    await b.rotate('log');
    const reopened = await openLocalKeystore({ dir });
    expect((await reopened.publicKeys('log')).map((k) => k.version)).toEqual([1, 2, 3]);
    expect(await reopened.dataKey('salts')).toEqual(await b.dataKey('salts'));
  });
});

describe('data keys', () => {
  it('are 32 bytes, distinct per label, and stable across reopening', async () => {
    const a = await openLocalKeystore({ dir });
    const salts = await a.dataKey('salts');
    const tokens = await a.dataKey('token-cache');
    expect(salts).toHaveLength(32);
    expect(salts).not.toEqual(tokens);
    expect(await a.dataKey('salts')).toEqual(salts);
    const b = await openLocalKeystore({ dir });
    expect(await b.dataKey('salts')).toEqual(salts);
    expect(await b.dataKey('token-cache')).toEqual(tokens);
  });

  it('returns a copy', async () => {
    const ks = await openLocalKeystore({ dir });
    const k = await ks.dataKey('salts');
    const copy = Uint8Array.from(k);
    k.fill(0);
    expect(await ks.dataKey('salts')).toEqual(copy);
  });

  it('concurrent first requests get one key', async () => {
    const a = await openLocalKeystore({ dir });
    const b = await openLocalKeystore({ dir });
    const keys = await Promise.all([
      a.dataKey('x'),
      b.dataKey('x'),
      a.dataKey('x'),
      b.dataKey('y'),
    ]);
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
    const reopened = await openLocalKeystore({ dir });
    expect(await reopened.dataKey('x')).toEqual(keys[0]);
    expect(await reopened.dataKey('y')).toEqual(keys[3]);
  });

  it.each(['', 'Salts', '__proto__', '../x', 'a b', 'x'.repeat(65)])(
    'refuses label %j',
    async (label) => {
      const ks = await openLocalKeystore({ dir });
      await expectKeyError(ks.dataKey(label), 'INVALID_DATA_KEY_LABEL');
    },
  );
});

describe('refusals', () => {
  it.each([0o644, 0o640, 0o604, 0o660])('refuses a keystore file with mode %o', async (mode) => {
    await openLocalKeystore({ dir });
    await chmod(keystorePath(), mode);
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_INSECURE_MODE', /chmod 600/);
  });

  it.each([0o644, 0o640])('refuses a KEK file with mode %o', async (mode) => {
    await openLocalKeystore({ dir });
    await chmod(kekPath(), mode);
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_INSECURE_MODE', /KEK file/);
  });

  it('refuses a directory others can write to', async () => {
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o777);
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_INSECURE_MODE', /chmod 700/);
  });

  it('refuses a wrong KEK', async () => {
    await openLocalKeystore({ dir });
    await writeFile(kekPath(), Buffer.alloc(32, 0xaa), { mode: 0o600 });
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_KEK_MISMATCH', /AES-GCM/);
  });

  type Edit = [string, (doc: RawKeystore) => void, KeyErrorCode];
  const edits: Edit[] = [
    [
      'a flipped ciphertext byte',
      (d) => {
        v1(d, 'log').sealed.ct = flipBase64(v1(d, 'log').sealed.ct, 5);
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a flipped tag byte',
      (d) => {
        v1(d, 'token').sealed.tag = flipBase64(v1(d, 'token').sealed.tag);
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a flipped IV byte',
      (d) => {
        v1(d, 'log').sealed.iv = flipBase64(v1(d, 'log').sealed.iv);
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'log and token keys swapped',
      (d) => {
        [d.signing.log, d.signing.token] = [d.signing.token!, d.signing.log!];
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a substituted public key',
      (d) => {
        v1(d, 'log').publicKey = v1(d, 'token').publicKey;
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a renumbered version',
      (d) => {
        v1(d, 'log').version = 2;
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'an unexpected field',
      (d) => {
        d.note = 'hi';
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a missing field',
      (d) => {
        delete v1(d, 'log').createdAt;
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'non-canonical base64',
      (d) => {
        v1(d, 'log').sealed.iv += '\n';
      },
      'KEYSTORE_CORRUPT',
    ],
    [
      'a damaged KEK check',
      (d) => {
        d.kekCheck.ct = flipBase64(d.kekCheck.ct);
      },
      'KEYSTORE_KEK_MISMATCH',
    ],
  ];
  it.each(edits)('refuses %s', async (_, edit, code) => {
    await openLocalKeystore({ dir });
    await editKeystore(edit);
    await expectKeyError(openLocalKeystore({ dir }), code);
  });

  it('refuses a data key moved to another label', async () => {
    const ks = await openLocalKeystore({ dir });
    await ks.dataKey('salts');
    await ks.dataKey('other');
    await editKeystore((d) => {
      d.data.other!.sealed = d.data.salts!.sealed;
    });
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_CORRUPT', /data key other/);
  });

  it.each([
    ['truncated', (s: string) => s.slice(0, s.length / 2)],
    ['empty', () => ''],
    ['not an object', () => '[]'],
    ['another format', (s: string) => s.replace('saksi-keystore/1', 'saksi-keystore/9')],
  ])('refuses a %s file', async (_, damage) => {
    await openLocalKeystore({ dir });
    await writeFile(keystorePath(), damage(await readFile(keystorePath(), 'utf8')), {
      mode: 0o600,
    });
    await expectKeyError(openLocalKeystore({ dir }), 'KEYSTORE_CORRUPT', /is damaged/);
  });
});

describe('secrets stay sealed', () => {
  it('the keystore file contains neither the private keys nor the KEK, in any encoding', async () => {
    const ks = await openLocalKeystore({ dir });
    await ks.rotate('log');
    const dataKey = await ks.dataKey('salts');
    const file = await readFile(keystorePath());
    const text = file.toString('utf8');
    const kekBytes = await readFile(kekPath());
    const kek = createSecretKey(kekBytes);

    // Open the sealed keys the way the module does, to learn what must not leak.
    const doc = JSON.parse(text) as RawKeystore;
    const secrets: Buffer[] = [kekBytes, Buffer.from(dataKey)];
    for (const label of ['log', 'token']) {
      for (const r of doc.signing[label]!) {
        const der = unseal(kek, r.sealed, `signing:${label}:v${r.version}:${r.publicKey}`);
        expect(der).not.toBeNull();
        secrets.push(der!, der!.subarray(der!.length - 32)); // PKCS#8 and the RFC 8032 seed
        // The sealed key really is the signer's key.
        const priv = createPrivateKey({ key: der!, format: 'der', type: 'pkcs8' });
        const pub = createPublicKey(priv).export({ format: 'jwk' }).x;
        expect(Buffer.from(pub!, 'base64url').toString('base64')).toBe(r.publicKey);
      }
    }
    expect(secrets).toHaveLength(2 + 2 * 3);
    for (const secret of secrets) {
      expect(file.includes(secret)).toBe(false);
      for (const enc of ['base64', 'base64url', 'hex'] as const) {
        expect(text.includes(secret.toString(enc))).toBe(false);
      }
    }
  });

  it('health and describe report state, never secrets', async () => {
    const ks = await openLocalKeystore({ dir });
    const h = await ks.health();
    expect(h.ok).toBe(true);
    expect(h.detail).toMatch(/log v1, token v1/);
    const kekHex = (await readFile(kekPath())).toString('hex');
    expect(h.detail).not.toContain(kekHex);
    expect(ks.describe()).not.toContain(kekHex);
  });
});

describe('health', () => {
  it('notices a file made readable to others, a replaced KEK and a missing file', async () => {
    const ks = await openLocalKeystore({ dir });
    await chmod(keystorePath(), 0o644);
    expect(await ks.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/mode 0644/),
    });
    await chmod(keystorePath(), 0o600);
    expect((await ks.health()).ok).toBe(true);

    const other = join(tmp, 'other');
    const otherKs = await openLocalKeystore({ dir: other });
    await otherKs.health();
    await writeFile(keystorePath(), await readFile(join(other, 'keystore.json')), { mode: 0o600 });
    expect(await ks.health()).toMatchObject({ ok: false, detail: expect.stringMatching(/KEK/) });

    await unlink(keystorePath());
    expect(await ks.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/missing/),
    });
  });

  it('notices a rotation by another process and a missing KEK', async () => {
    const ks = await openLocalKeystore({ dir });
    await (await openLocalKeystore({ dir })).rotate('log');
    expect(await ks.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/log was rotated on disk; this process still signs with v1/),
    });
    const fresh = await openLocalKeystore({ dir });
    expect((await fresh.health()).detail).toMatch(/log v2, token v1/);
    await unlink(kekPath());
    expect(await fresh.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/KEK file is missing/),
    });
  });
});

describe('the keystore lock', () => {
  it('takes over a lock left by a process that has exited', async () => {
    await openLocalKeystore({ dir });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, 'keystore.lock'), String(dead), { mode: 0o600 });
    const ks = await openLocalKeystore({ dir });
    expect(await ks.dataKey('salts')).toHaveLength(32);
  });

  it('waits for a live holder, then reports KEYSTORE_LOCKED (retryable)', async () => {
    await mkdir(dir, { mode: 0o700 });
    let release!: () => void;
    const held = withKeystoreLock(dir, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    const e = await withKeystoreLock(dir, async () => 1, 150).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KeyError);
    expect((e as KeyError).code).toBe('KEYSTORE_LOCKED');
    expect((e as KeyError).retryable).toBe(true);
    release();
    await held;
    expect(await withKeystoreLock(dir, async () => 2, 150)).toBe(2);
  });
});
