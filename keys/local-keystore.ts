/**
 * The `local` key service (ARCHITECTURE.md "Identity, policy, keys"): Ed25519
 * signing keys and 32-byte data keys in `<dir>/keystore.json`, each sealed with
 * AES-256-GCM under a key-encryption key (KEK). Created on first start, reopened
 * with the same keys on every later start.
 *
 * Where the KEK lives decides what the encryption buys. By default it is
 * `<dir>/kek`, created beside the keystore: that protects a keystore copied on its
 * own (a backup, a support bundle) but not a stolen data directory. In production
 * the KEK comes from `kekFile` (SAKSI_KEK_FILE), on separate storage, and is never
 * created here.
 *
 * Private keys never leave this module: they live in KeyObjects held in private
 * fields, signing goes through node:crypto's native Ed25519 (the checkpoint hot
 * path), and no method returns or logs them.
 */
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import {
  checkKeyName,
  checkLabel,
  checkRetirement,
  DATA_KEY_LABEL,
  KEY_LABELS,
  KeyError,
  type KeyLabel,
  type KeyVersions,
  type PublicKeyInfo,
  type RotatingKeyService,
  type VersionedSigner,
} from './key-service.ts';
import {
  asKeyError,
  DEFAULT_KEK_FILE,
  ensurePrivateDir,
  KEK_BYTES,
  KEYSTORE_FILE,
  KEYSTORE_FORMAT,
  type KeystoreDoc,
  parseKek,
  parseKeystore,
  readPrivateFile,
  serializeKeystore,
  withKeystoreLock,
  writePrivateFileAtomic,
} from './keystore-file.ts';
import { seal, unseal } from './seal.ts';

export interface LocalKeystoreOptions {
  /** Directory holding keystore.json (and, by default, the KEK); created 0700. */
  dir: string;
  /**
   * File with the 32-byte KEK (raw or base64 text), mode 0600 or 0400. In production
   * set from SAKSI_KEK_FILE and kept on separate storage; it must already exist.
   * Default: `<dir>/kek`, created with the keystore on first start.
   */
  kekFile?: string | undefined;
}

const MAX_KEYSTORE_BYTES = 4 * 1024 * 1024;
const KEK_CHECK = Buffer.from('saksi keystore KEK check', 'utf8');
const AAD_KEK_CHECK = 'kek-check';
const aadSigning = (label: string, version: number, publicKey: string) =>
  `signing:${label}:v${version}:${publicKey}`;
const aadData = (label: string) => `data:${label}`;

interface SigningKey {
  version: number;
  createdAt: string;
  publicKey: Uint8Array;
  privateKey: KeyObject;
  /** Retired versions verify nothing and are never handed out to sign. */
  retired: boolean;
}

/** Opens the keystore in `dir`, creating it (and the default KEK) on first start. */
export async function openLocalKeystore(options: LocalKeystoreOptions): Promise<LocalKeystore> {
  const dir = resolve(options.dir);
  const path = join(dir, KEYSTORE_FILE);
  const kekPath = resolve(options.kekFile ?? join(dir, DEFAULT_KEK_FILE));
  await ensurePrivateDir(dir);
  const existing = await readPrivateFile(path, 'keystore', MAX_KEYSTORE_BYTES);
  const { kek, text } = existing
    ? { kek: await loadKek(kekPath, false), text: existing }
    : // First start, under the lock: two processes starting together must agree on
      // one keystore, not each keep keys the other then overwrites.
      await withKeystoreLock(dir, async () => {
        const k = await loadKek(kekPath, options.kekFile === undefined);
        const raced = await readPrivateFile(path, 'keystore', MAX_KEYSTORE_BYTES);
        if (raced) return { kek: k, text: raced };
        const doc = newKeystore(k);
        for (const label of KEY_LABELS) addSigningVersion(doc, k, label);
        const serialized = serializeKeystore(doc);
        await writePrivateFileAtomic(path, serialized, true).catch((e) => {
          throw asKeyError(e, `cannot create keystore ${path}`);
        });
        return { kek: k, text: Buffer.from(serialized) };
      });
  const s = text.toString('utf8');
  return new LocalKeystore(path, kekPath, kek, parseKeystore(s, path), s);
}

export class LocalKeystore implements RotatingKeyService {
  readonly #path: string;
  readonly #kekPath: string;
  readonly #kek: KeyObject;
  #signing = new Map<string, SigningKey[]>();
  #data = new Map<string, Buffer>();
  /** Serialises this process's mutations; the lock file serialises processes. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The file text last loaded: publicKeys() reloads only when the file changed. */
  #loaded: string;
  /** The version of the newest signer handed out per label: what health() checks. */
  readonly #inUse = new Map<string, number>();

  /** Use openLocalKeystore, which finds, creates and checks the files. */
  constructor(path: string, kekPath: string, kek: KeyObject, doc: KeystoreDoc, text = '') {
    this.#path = path;
    this.#kekPath = kekPath;
    this.#kek = kek;
    this.#load(doc);
    this.#loaded = text;
  }

  describe(): string {
    return `local:${this.#path}`;
  }

  async signer(label: KeyLabel, name: string): Promise<VersionedSigner> {
    checkLabel(label);
    checkKeyName(name);
    let versions = this.#signing.get(label);
    if (!versions) {
      // A label this keystore predates: create its first version now.
      await this.#mutate((doc) => {
        if (!doc.signing.has(label)) addSigningVersion(doc, this.#kek, label);
      });
      versions = this.#signing.get(label)!;
    }
    const current = versions.at(-1)!;
    this.#inUse.set(label, Math.max(this.#inUse.get(label) ?? 0, current.version));
    return makeSigner(label, name, current);
  }

  async dataKey(label: string): Promise<Uint8Array> {
    if (typeof label !== 'string' || !DATA_KEY_LABEL.test(label)) {
      throw new KeyError('INVALID_DATA_KEY_LABEL', `data-key label must match ${DATA_KEY_LABEL}`);
    }
    if (!this.#data.has(label)) {
      await this.#mutate((doc) => {
        if (doc.data.has(label)) return; // another process made it first: use theirs
        const key = randomBytes(32);
        doc.data.set(label, {
          createdAt: new Date().toISOString(),
          sealed: seal(this.#kek, key, aadData(label)),
        });
        key.fill(0);
      });
    }
    return Uint8Array.from(this.#data.get(label)!);
  }

  async rotate(label: KeyLabel): Promise<PublicKeyInfo> {
    checkLabel(label);
    await this.#mutate((doc) => addSigningVersion(doc, this.#kek, label));
    return publicInfo(this.#signing.get(label)!.at(-1)!);
  }

  async publicKeys(label: KeyLabel): Promise<PublicKeyInfo[]> {
    checkLabel(label);
    await this.#refresh();
    return (this.#signing.get(label) ?? []).filter((k) => !k.retired).map(publicInfo);
  }

  async versions(label: KeyLabel): Promise<KeyVersions> {
    checkLabel(label);
    await this.#refresh();
    return versionsOf(label, this.#signing.get(label) ?? []);
  }

  async retire(label: KeyLabel, version: number): Promise<KeyVersions> {
    checkLabel(label);
    await this.#mutate((doc) => {
      // Checked against the file as re-read under the lock, so two processes
      // retiring at once cannot both pass on stale state.
      const records = doc.signing.get(label) ?? [];
      checkRetirement(
        {
          label,
          current: records.length,
          retiredThrough: records.filter((r) => r.retiredAt !== undefined).length,
        },
        version,
      );
      const at = new Date().toISOString();
      for (const r of records.slice(0, version)) r.retiredAt ??= at;
    });
    return versionsOf(label, this.#signing.get(label)!);
  }

  /**
   * Re-reads the file (still private, still opened by this KEK, still holding the
   * current keys) and signs and verifies a probe with every current key.
   */
  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const text = await readPrivateFile(this.#path, 'keystore', MAX_KEYSTORE_BYTES);
      if (text === null)
        return { ok: false, detail: `${this.describe()}: keystore file is missing` };
      const doc = parseKeystore(text.toString('utf8'), this.#path);
      checkKek(doc, this.#kek, this.#path);
      // The KEK is needed again at the next start: missing or exposed is unhealthy now.
      const kek = await readPrivateFile(this.#kekPath, 'KEK file', 1024);
      if (kek === null) return { ok: false, detail: `${this.describe()}: KEK file is missing` };
      kek.fill(0);
      const probe = randomBytes(32);
      const parts: string[] = [];
      for (const [label, versions] of this.#signing) {
        const inUse = this.#inUse.get(label);
        const key = versions.find((k) => k.version === inUse) ?? versions.at(-1)!;
        const onDisk = doc.signing.get(label)?.at(-1);
        if (onDisk?.publicKey !== Buffer.from(key.publicKey).toString('base64')) {
          return {
            ok: false,
            detail: `${this.describe()}: ${label} was rotated on disk; this process still signs with v${key.version} (restart to use the new version)`,
          };
        }
        const sig = cryptoSign(null, probe, key.privateKey);
        if (!cryptoVerify(null, probe, createPublicKey(key.privateKey), sig)) {
          return {
            ok: false,
            detail: `${this.describe()}: ${label} v${key.version} failed a sign/verify probe`,
          };
        }
        parts.push(`${label} v${key.version}`);
      }
      return {
        ok: true,
        detail: `${this.describe()}: ${parts.join(', ')}; ${this.#data.size} data key(s)`,
      };
    } catch (e) {
      const message = e instanceof KeyError ? e.message : 'unexpected error';
      return { ok: false, detail: `${this.describe()}: ${message}` };
    }
  }

  toJSON(): string {
    return this.describe();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `LocalKeystore <${this.describe()}>`;
  }

  /** Decrypts every key of `doc` into memory (all or nothing). */
  #load(doc: KeystoreDoc): void {
    checkKek(doc, this.#kek, this.#path);
    const signing = new Map<string, SigningKey[]>();
    for (const [label, versions] of doc.signing) {
      signing.set(
        label,
        versions.map((r) => {
          const der = unseal(this.#kek, r.sealed, aadSigning(label, r.version, r.publicKey));
          if (!der) throw tampered(this.#path, `signing key ${label} v${r.version}`);
          let privateKey: KeyObject;
          try {
            privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
          } catch {
            throw tampered(this.#path, `signing key ${label} v${r.version}`);
          } finally {
            der.fill(0);
          }
          const publicKey = rawPublicKey(privateKey);
          if (
            privateKey.asymmetricKeyType !== 'ed25519' ||
            Buffer.from(publicKey).toString('base64') !== r.publicKey
          ) {
            throw tampered(this.#path, `signing key ${label} v${r.version}`);
          }
          return {
            version: r.version,
            createdAt: r.createdAt,
            publicKey,
            privateKey,
            retired: r.retiredAt !== undefined,
          };
        }),
      );
    }
    const data = new Map<string, Buffer>();
    for (const [label, r] of doc.data) {
      const key = unseal(this.#kek, r.sealed, aadData(label));
      if (key?.length !== 32) throw tampered(this.#path, `data key ${label}`);
      data.set(label, key);
    }
    for (const old of this.#data.values()) old.fill(0);
    this.#signing = signing;
    this.#data = data;
  }

  /**
   * Reloads the file if another process changed it (a rotation or a retirement
   * made by `saksi serve --workers` siblings or by `saksi ledger append`). The
   * write is an atomic rename, so the text read is one whole version of it.
   */
  async #refresh(): Promise<void> {
    const text = await readPrivateFile(this.#path, 'keystore', MAX_KEYSTORE_BYTES);
    if (text === null)
      throw new KeyError('KEYSTORE_CORRUPT', `keystore ${this.#path} has disappeared`);
    const s = text.toString('utf8');
    if (s === this.#loaded) return;
    this.#load(parseKeystore(s, this.#path));
    this.#loaded = s;
  }

  /**
   * Applies `change` to the current file contents — re-read under the lock, so
   * keys another process added meanwhile are kept — writes the result atomically
   * and reloads it.
   */
  #mutate(change: (doc: KeystoreDoc) => void): Promise<void> {
    const run = async () => {
      await withKeystoreLock(dirname(this.#path), async () => {
        const text = await readPrivateFile(this.#path, 'keystore', MAX_KEYSTORE_BYTES);
        if (text === null)
          throw new KeyError('KEYSTORE_CORRUPT', `keystore ${this.#path} has disappeared`);
        const doc = parseKeystore(text.toString('utf8'), this.#path);
        checkKek(doc, this.#kek, this.#path);
        change(doc);
        const serialized = serializeKeystore(doc);
        try {
          await writePrivateFileAtomic(this.#path, serialized);
        } catch (e) {
          throw asKeyError(e, `cannot write keystore ${this.#path}`);
        }
        this.#load(doc);
        this.#loaded = serialized;
      });
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

// ---------------------------------------------------------------------------

async function loadKek(path: string, mayCreate: boolean): Promise<KeyObject> {
  let bytes = await readPrivateFile(path, 'KEK file', 1024);
  if (bytes === null && mayCreate) {
    const fresh = randomBytes(KEK_BYTES);
    try {
      await writePrivateFileAtomic(path, fresh, true);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw asKeyError(e, `cannot create KEK file ${path}`);
    } finally {
      fresh.fill(0);
    }
    bytes = await readPrivateFile(path, 'KEK file', 1024);
  }
  if (bytes === null) {
    throw new KeyError(
      'KEYSTORE_KEK_MISSING',
      `KEK file ${path} does not exist; create it with 32 random bytes (head -c 32 /dev/urandom > ${path}; chmod 600 ${path}) or restore it from its backup`,
    );
  }
  const raw = parseKek(bytes, path);
  const kek = createSecretKey(raw);
  raw.fill(0);
  return kek;
}

function newKeystore(kek: KeyObject): KeystoreDoc {
  return {
    format: KEYSTORE_FORMAT,
    kekCheck: seal(kek, KEK_CHECK, AAD_KEK_CHECK),
    signing: new Map(),
    data: new Map(),
  };
}

function checkKek(doc: KeystoreDoc, kek: KeyObject, path: string): void {
  const check = unseal(kek, doc.kekCheck, AAD_KEK_CHECK);
  if (!check?.equals(KEK_CHECK)) {
    throw new KeyError(
      'KEYSTORE_KEK_MISMATCH',
      `the KEK does not open keystore ${path} (AES-GCM authentication failed): wrong KEK file, or the keystore's KEK check was damaged`,
    );
  }
}

function addSigningVersion(doc: KeystoreDoc, kek: KeyObject, label: string): void {
  const versions = doc.signing.get(label) ?? [];
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = Buffer.from(rawPublicKey(privateKey)).toString('base64');
  const version = versions.length + 1;
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  versions.push({
    version,
    publicKey,
    createdAt: new Date().toISOString(),
    sealed: seal(kek, der, aadSigning(label, version, publicKey)),
  });
  der.fill(0);
  doc.signing.set(label, versions);
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(x ?? '', 'base64url'));
}

function makeSigner(label: KeyLabel, name: string, key: SigningKey): VersionedSigner {
  const { privateKey, version } = key;
  return Object.freeze({
    name,
    label,
    version,
    publicKey: Uint8Array.from(key.publicKey),
    async sign(message: Uint8Array): Promise<Uint8Array> {
      if (!(message instanceof Uint8Array)) throw new TypeError('sign() needs a Uint8Array');
      // RFC 8032 Ed25519 (pure): node:crypto takes no digest algorithm for it.
      return new Uint8Array(cryptoSign(null, message, privateKey));
    },
  });
}

function versionsOf(label: KeyLabel, keys: readonly SigningKey[]): KeyVersions {
  return { label, current: keys.length, retiredThrough: keys.filter((k) => k.retired).length };
}

function publicInfo(k: SigningKey): PublicKeyInfo {
  return { version: k.version, publicKey: Uint8Array.from(k.publicKey), createdAt: k.createdAt };
}

function tampered(path: string, what: string): KeyError {
  return new KeyError(
    'KEYSTORE_CORRUPT',
    `${what} in keystore ${path} failed authentication: the file was modified or damaged`,
  );
}
