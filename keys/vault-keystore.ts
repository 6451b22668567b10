/**
 * The `vault` key service (ARCHITECTURE.md "Identity, policy, keys"): HashiCorp
 * Vault's Transit engine through node-vault. Private keys never leave Vault: this
 * process holds public keys and a token, and asks Vault to sign.
 *
 * Transit keys (names are `<keyPrefix><label>`, default prefix `saksi-`):
 *
 * - `saksi-log`, `saksi-token`: type ed25519, exportable=false,
 *   allow_plaintext_backup=false. A signer is pinned to the key version that was
 *   current when it was made: sign() sends `key_version`, strips the
 *   `vault:v<N>:` prefix, checks N, and verifies the signature locally against
 *   that version's public key before returning it (so a key deleted and recreated
 *   under the same name, or a Vault that signs with anything else, is caught
 *   before a checkpoint goes out). Rotation (`transit/keys/:name/rotate`) adds a
 *   version; every version's public key stays listed in `GET transit/keys/:name`,
 *   so checkpoints signed before a rotation stay verifiable.
 *
 * - `saksi-data`: type aes256-gcm96, non-exportable, used only for its HMAC key.
 *   dataKey(label) = Transit HMAC-SHA-256 of "saksi data key\n<label>" under
 *   version 1 of that key (`transit/hmac/saksi-data/sha2-256`, key_version 1).
 *   Chosen over a wrapped datakey (transit/datakey/wrapped + decrypt) because it
 *   needs no storage: every API node, on every start, derives the same 32 bytes
 *   from Vault alone, so there is no ciphertext file to lose, back up or share
 *   between nodes, and losing such a file cannot crypto-erase every salt. The
 *   Transit key itself never leaves Vault; pinning version 1 means rotating
 *   saksi-data does not change data keys (do not trim it or raise its
 *   min_encryption_version; infra/vault/RUNBOOK.md).
 *
 * Keys are created on first use when `createKeys` is true (development; needs
 * `update` on transit/keys/<name>); in production they are made by
 * infra/vault/setup.sh and `createKeys: false` makes a missing key an error
 * (VAULT_KEY_MISSING) instead of a silent new key.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  checkKeyName,
  checkLabel,
  checkRetirement,
  DATA_KEY_LABEL,
  KeyError,
  type KeyLabel,
  type KeyVersions,
  type PublicKeyInfo,
  type RotatingKeyService,
  type VersionedSigner,
} from './key-service.ts';
import { type TlsMaterial, type VaultBody, VaultError, VaultHttp } from './vault-http.ts';
import { readSecretFile, type VaultAuth, VaultToken } from './vault-token.ts';

export { VaultError, type VaultErrorCode } from './vault-http.ts';

/**
 * How to reach Vault and which keys to use. Secrets belong in files (`tokenFile`,
 * `approle.secretIdFile`); `token` and `approle.secretId` exist for tests and
 * development, and an options object holding them must not be logged.
 */
export interface VaultOptions {
  /** Vault's address, e.g. https://vault.kpu.go.id:8200 (VAULT_ADDR). */
  addr: string;
  /** A Vault token (VAULT_TOKEN; development). One of token, tokenFile, approle. */
  token?: string | undefined;
  /** File holding a Vault token (VAULT_TOKEN_FILE). */
  tokenFile?: string | undefined;
  /** AppRole login (production): role ID plus a secret ID, preferably from a file. */
  approle?:
    | {
        roleId: string;
        secretId?: string | undefined;
        /** Re-read at every login, so a new secret ID can be dropped in without a restart. */
        secretIdFile?: string | undefined;
        /** Where AppRole is enabled; default `approle`. */
        mount?: string | undefined;
      }
    | undefined;
  /** Vault Enterprise namespace (VAULT_NAMESPACE). */
  namespace?: string | undefined;
  /** Where Transit is enabled; default `transit`. */
  mount?: string | undefined;
  /** Prefix of the Transit key names; default `saksi-` (saksi-log, saksi-token, saksi-data). */
  keyPrefix?: string | undefined;
  /** Create missing keys (ed25519 / aes256-gcm96, non-exportable); default true. */
  createKeys?: boolean | undefined;
  tls?:
    | {
        /** PEM CA bundle that signed Vault's certificate (VAULT_CACERT). */
        caFile?: string | undefined;
        /** PEM client certificate and key for mutual TLS (VAULT_CLIENT_CERT, VAULT_CLIENT_KEY). */
        certFile?: string | undefined;
        keyFile?: string | undefined;
        /** Default true; false only for a throw-away development Vault. */
        rejectUnauthorized?: boolean | undefined;
      }
    | undefined;
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number | undefined;
}

const DATA_KEY_NAME = 'data';
const DATA_KEY_VERSION = 1;
const dataKeyInput = (label: string) => Buffer.from(`saksi data key\n${label}`, 'utf8');
const MOUNT_RE = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const PREFIX_RE = /^[a-z0-9][a-z0-9_.-]{0,31}$/;
const SIGNATURE_RE = /^vault:v([1-9][0-9]{0,8}):([A-Za-z0-9+/]{86}==)$/;
const MAC_RE = /^vault:v([1-9][0-9]{0,8}):([A-Za-z0-9+/]{43}=)$/;
const PUBLIC_KEY_RE = /^[A-Za-z0-9+/]{43}=$/;

/** Connects and authenticates (AppRole login, or a lookup of the given token). */
export async function openVaultKeyService(options: VaultOptions): Promise<VaultKeyService> {
  const o = checkOptions(options);
  const tls: TlsMaterial = {
    rejectUnauthorized: o.tls?.rejectUnauthorized !== false,
    ca: await readPem(o.tls?.caFile, 'CA certificate'),
    cert: await readPem(o.tls?.certFile, 'client certificate'),
    key: await readPem(o.tls?.keyFile, 'client key'),
  };
  const http = new VaultHttp({ addr: o.addr, namespace: o.namespace, timeoutMs: o.timeoutMs, tls });
  let auth: VaultAuth;
  if (o.approle) {
    const { roleId, secretId, secretIdFile } = o.approle;
    auth = {
      kind: 'approle',
      roleId,
      mount: o.approle.mount ?? 'approle',
      secretId: secretIdFile
        ? () => readSecretFile(secretIdFile, 'AppRole secret ID')
        : async () => secretId!,
    };
  } else {
    const token = o.tokenFile ? await readSecretFile(o.tokenFile, 'Vault token') : o.token!;
    auth = { kind: 'token', token };
  }
  const token = new VaultToken(http, auth);
  await token.start();
  return new VaultKeyService(http, token, o);
}

interface KeyState {
  type: string;
  latest: number;
  exportable: boolean;
  plaintextBackup: boolean;
  derived: boolean;
  /** Versions below it are refused for verification (and archived: not listed). */
  minDecryption: number;
  /** Versions below it are refused for signing; 0 = any version up to the latest. */
  minEncryption: number;
  /** ed25519 only: version → public key and creation time. */
  versions: Map<number, { publicKey: Uint8Array; createdAt: string }>;
}

type Checked = ReturnType<typeof checkOptions>;

const NO_KEY: Omit<KeyState, 'versions'> = {
  type: 'ed25519',
  latest: 0,
  minDecryption: 1,
  minEncryption: 0,
  exportable: false,
  plaintextBackup: false,
  derived: false,
};

export class VaultKeyService implements RotatingKeyService {
  readonly #http: VaultHttp;
  readonly #token: VaultToken;
  readonly #mount: string;
  readonly #prefix: string;
  readonly #createKeys: boolean;
  readonly #where: string;
  /** Public keys seen per key name and version: a version's key must never change. */
  readonly #seen = new Map<string, Map<number, string>>();
  /** Newest signer handed out per label (for health). */
  readonly #inUse = new Map<KeyLabel, VersionedSigner>();
  /** Signers that have signed at least once: health() probes these. */
  readonly #signed = new WeakSet<VersionedSigner>();
  readonly #dataKeys = new Map<string, Buffer>();
  readonly #ensuring = new Map<string, Promise<KeyState>>();

  /** Use openVaultKeyService, which checks the options and authenticates. */
  constructor(http: VaultHttp, token: VaultToken, o: Checked) {
    this.#http = http;
    this.#token = token;
    this.#mount = o.mount;
    this.#prefix = o.keyPrefix;
    this.#createKeys = o.createKeys;
    this.#where = `vault:${o.displayAddr}/${o.mount}/keys/${o.keyPrefix}*`;
  }

  /** `vault:<addr>/<mount>/keys/<prefix>*`: where the keys live; never a token. */
  describe(): string {
    return this.#where;
  }

  async signer(label: KeyLabel, name: string): Promise<VersionedSigner> {
    checkLabel(label);
    checkKeyName(name);
    const keyName = this.#prefix + label;
    const state = await this.#ensure(keyName, 'ed25519');
    const version = state.latest;
    const current = state.versions.get(version);
    if (!current)
      throw new VaultError('VAULT_BAD_RESPONSE', `${keyName} lists no public key for v${version}`);
    const signer: VersionedSigner = this.#makeSigner(
      label,
      keyName,
      name,
      version,
      current.publicKey,
      () => this.#signed.add(signer),
    );
    const previous = this.#inUse.get(label);
    if (!previous || previous.version <= version) this.#inUse.set(label, signer);
    return signer;
  }

  async dataKey(label: string): Promise<Uint8Array> {
    if (typeof label !== 'string' || !DATA_KEY_LABEL.test(label)) {
      throw new KeyError('INVALID_DATA_KEY_LABEL', `data-key label must match ${DATA_KEY_LABEL}`);
    }
    let key = this.#dataKeys.get(label);
    if (!key) {
      const keyName = this.#prefix + DATA_KEY_NAME;
      await this.#ensure(keyName, 'aes256-gcm96');
      const body = await this.#token.use((t) =>
        this.#http.write(
          `${this.#mount}/hmac/${keyName}/sha2-256`,
          { input: dataKeyInput(label).toString('base64'), key_version: DATA_KEY_VERSION },
          t,
          `the HMAC for data key ${label}`,
        ),
      );
      const m = MAC_RE.exec(String((body.data as VaultBody | null)?.hmac ?? ''));
      if (!m || Number(m[1]) !== DATA_KEY_VERSION)
        throw new VaultError(
          'VAULT_BAD_RESPONSE',
          `transit/hmac/${keyName} answered without a v1 HMAC`,
        );
      key = Buffer.from(m[2]!, 'base64');
      this.#dataKeys.set(label, key);
    }
    return Uint8Array.from(key);
  }

  async rotate(label: KeyLabel): Promise<PublicKeyInfo> {
    checkLabel(label);
    const keyName = this.#prefix + label;
    await this.#ensure(keyName, 'ed25519');
    await this.#token.use((t) =>
      this.#http.write(
        `${this.#mount}/keys/${keyName}/rotate`,
        {},
        t,
        `the rotation of ${keyName}`,
      ),
    );
    // Older Vaults answer 204; read the key back rather than trust the answer's shape.
    const state = await this.#read(keyName);
    if (!state) throw new VaultError('VAULT_BAD_RESPONSE', `${keyName} vanished after rotation`);
    checkSigningKey(keyName, state, true);
    return info(state, state.latest);
  }

  async publicKeys(label: KeyLabel): Promise<PublicKeyInfo[]> {
    checkLabel(label);
    const state = await this.#read(this.#prefix + label);
    if (!state) return [];
    checkSigningKey(this.#prefix + label, state, false);
    return [...state.versions.keys()]
      .filter((v) => v >= state.minDecryption)
      .sort((a, b) => a - b)
      .map((v) => info(state, v));
  }

  async versions(label: KeyLabel): Promise<KeyVersions> {
    checkLabel(label);
    return versionsOf(label, await this.#readSigningKey(this.#prefix + label));
  }

  /**
   * Retirement is Transit's own: `POST transit/keys/:name/config` with
   * `min_decryption_version` = version + 1 (Vault then refuses to verify with the
   * older versions and stops listing them) and `min_encryption_version` raised to
   * match (Vault refuses to sign with them). Needs `update` on that path
   * (infra/vault/RUNBOOK.md §4).
   */
  async retire(label: KeyLabel, version: number): Promise<KeyVersions> {
    checkLabel(label);
    const keyName = this.#prefix + label;
    const before = await this.#readSigningKey(keyName);
    checkRetirement(versionsOf(label, before), version);
    await this.#token.use((t) =>
      this.#http.write(
        `${this.#mount}/keys/${keyName}/config`,
        {
          min_decryption_version: version + 1,
          // Vault requires min_encryption ≥ min_decryption; never lower it.
          min_encryption_version: Math.max(before.minEncryption, version + 1),
        },
        t,
        `the retirement of ${keyName} v${version}`,
      ),
    );
    const after = await this.#read(keyName);
    if (!after) throw new VaultError('VAULT_BAD_RESPONSE', `${keyName} vanished after retirement`);
    if (after.minDecryption !== version + 1)
      throw new VaultError(
        'VAULT_BAD_RESPONSE',
        `${keyName} has min_decryption_version ${after.minDecryption} after it was set to ${version + 1}`,
      );
    return versionsOf(label, after);
  }

  /**
   * Vault is initialised and unsealed, the token is valid, and every label a
   * signer was made for still has that version as its latest; a signer that has
   * signed must still sign a probe that verifies under its pinned public key (one
   * made only to learn a public key, e.g. the log key on an API node whose policy
   * may not sign with it, is not probed).
   */
  async health(): Promise<{ ok: boolean; detail: string }> {
    const fail = (why: string) => ({ ok: false, detail: `${this.#where}: ${why}` });
    try {
      const h = await this.#http.health();
      if (h.initialized !== true) return fail('Vault is not initialised');
      if (h.sealed !== false) return fail('Vault is sealed');
      const version = typeof h.version === 'string' ? ` ${h.version}` : '';
      const token = await this.#token.check();
      if (!token.ok) return fail(token.detail);
      const parts: string[] = [];
      for (const [label, signer] of this.#inUse) {
        const keyName = this.#prefix + label;
        const state = await this.#read(keyName);
        if (!state) return fail(`${keyName} no longer exists`);
        checkSigningKey(keyName, state, true);
        if (state.latest !== signer.version)
          return fail(
            `${label} was rotated in Vault (v${state.latest}); this process still signs with v${signer.version} (restart to use the new version)`,
          );
        // sign() verifies the probe against the pinned public key itself.
        if (this.#signed.has(signer)) await signer.sign(randomBytes(32));
        parts.push(`${label} v${signer.version}`);
      }
      const signing = parts.length ? `; signing ${parts.join(', ')}` : '';
      return {
        ok: true,
        detail: `${this.#where}: Vault${version} unsealed; ${token.detail}${signing}; ${this.#dataKeys.size} data key(s)`,
      };
    } catch (e) {
      return fail(
        e instanceof VaultError || e instanceof KeyError ? e.message : 'unexpected error',
      );
    }
  }

  /** Stops token renewal and revokes an AppRole token; the service refuses work afterwards. */
  async close(): Promise<void> {
    await this.#token.close();
    for (const key of this.#dataKeys.values()) key.fill(0);
    this.#dataKeys.clear();
  }

  toJSON(): string {
    return this.describe();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `VaultKeyService <${this.describe()}>`;
  }

  // ---------------------------------------------------------------------------

  #makeSigner(
    label: KeyLabel,
    keyName: string,
    name: string,
    version: number,
    publicKey: Uint8Array,
    onSigned: () => void,
  ): VersionedSigner {
    const verifyKey: KeyObject = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    const path = `${this.#mount}/sign/${keyName}`;
    const what = `signing with ${keyName} v${version}`;
    return Object.freeze({
      name,
      label,
      version,
      publicKey: Uint8Array.from(publicKey),
      sign: async (message: Uint8Array): Promise<Uint8Array> => {
        if (!(message instanceof Uint8Array)) throw new TypeError('sign() needs a Uint8Array');
        // Pure Ed25519 (RFC 8032) over the message: Vault ignores hash_algorithm for ed25519.
        const body = await this.#token.use((t) =>
          this.#http.write(
            path,
            { input: Buffer.from(message).toString('base64'), key_version: version },
            t,
            what,
          ),
        );
        const data = body.data as VaultBody | null | undefined;
        const m = SIGNATURE_RE.exec(String(data?.signature ?? ''));
        if (!m) throw new VaultError('VAULT_BAD_RESPONSE', `${path} returned no Ed25519 signature`);
        const reported = data?.key_version;
        if (Number(m[1]) !== version || (reported !== undefined && reported !== version))
          throw new VaultError(
            'VAULT_BAD_RESPONSE',
            `${path} signed with v${m[1]} when asked for v${version}`,
          );
        const sig = Buffer.from(m[2]!, 'base64');
        if (!cryptoVerify(null, message, verifyKey, sig))
          throw new VaultError(
            'VAULT_KEY_INVALID',
            `Vault's signature does not verify under ${keyName} v${version}'s public key: the key was replaced in Vault`,
          );
        onSigned();
        return new Uint8Array(sig);
      },
    });
  }

  /** Reads a key, creating it first if it is missing and creation is allowed. One at a time per key. */
  #ensure(keyName: string, type: 'ed25519' | 'aes256-gcm96'): Promise<KeyState> {
    let pending = this.#ensuring.get(keyName);
    if (!pending) {
      pending = (async () => {
        let state = await this.#read(keyName);
        if (!state) {
          if (!this.#createKeys)
            throw new VaultError(
              'VAULT_KEY_MISSING',
              `Transit key ${this.#mount}/keys/${keyName} does not exist and createKeys is off: create it with infra/vault/setup.sh`,
            );
          await this.#token.use((t) =>
            this.#http.write(
              `${this.#mount}/keys/${keyName}`,
              { type, exportable: false, allow_plaintext_backup: false },
              t,
              `the creation of ${keyName}`,
            ),
          );
          state = await this.#read(keyName);
          if (!state)
            throw new VaultError('VAULT_BAD_RESPONSE', `${keyName} is missing after creation`);
        }
        if (type === 'ed25519') checkSigningKey(keyName, state, true);
        else checkDataKey(keyName, state);
        return state;
      })().finally(() => this.#ensuring.delete(keyName));
      this.#ensuring.set(keyName, pending);
    }
    return pending;
  }

  /** A signing key's state; a key that does not exist yet has no versions. */
  async #readSigningKey(keyName: string): Promise<KeyState> {
    const state = await this.#read(keyName);
    if (!state) return { ...NO_KEY, versions: new Map() };
    checkSigningKey(keyName, state, false);
    return state;
  }

  /** GET transit/keys/:name, validated; undefined if Vault has no such key. */
  async #read(keyName: string): Promise<KeyState | undefined> {
    const body = await this.#token.use((t) =>
      this.#http.read(`${this.#mount}/keys/${keyName}`, t, `reading ${keyName}`),
    );
    if (!body) return undefined;
    const state = parseKey(keyName, body.data);
    // A version's public key never changes; if it did, the key was deleted and
    // recreated, and signatures made with it no longer verify.
    const seen = this.#seen.get(keyName) ?? new Map<number, string>();
    this.#seen.set(keyName, seen);
    for (const [v, { publicKey }] of state.versions) {
      const b64 = Buffer.from(publicKey).toString('base64');
      const before = seen.get(v);
      if (before !== undefined && before !== b64)
        throw new VaultError(
          'VAULT_KEY_INVALID',
          `the public key of ${keyName} v${v} changed in Vault: the key was deleted and recreated, and what it signed before no longer verifies against it`,
        );
      seen.set(v, b64);
    }
    return state;
  }
}

// ---------------------------------------------------------------------------

/** `data` of GET transit/keys/:name (builtin/logical/transit/path_keys.go formatKeyPolicy). */
function parseKey(keyName: string, data: unknown): KeyState {
  const bad = (why: string) =>
    new VaultError('VAULT_BAD_RESPONSE', `GET transit/keys/${keyName}: ${why}`);
  if (typeof data !== 'object' || data === null) throw bad('no data');
  const d = data as VaultBody;
  const latest = d.latest_version;
  if (typeof d.type !== 'string') throw bad('no type');
  if (typeof latest !== 'number' || !Number.isSafeInteger(latest) || latest < 1)
    throw bad('no latest_version');
  if (typeof d.keys !== 'object' || d.keys === null) throw bad('no keys');
  const versions = new Map<number, { publicKey: Uint8Array; createdAt: string }>();
  if (d.type === 'ed25519') {
    for (const [v, entry] of Object.entries(d.keys as VaultBody)) {
      const n = Number(v);
      if (!/^[1-9][0-9]*$/.test(v) || n > latest) throw bad(`bad version ${JSON.stringify(v)}`);
      const e = entry as { public_key?: unknown; creation_time?: unknown } | null;
      const pk = e?.public_key;
      // An ed25519 key created with derived=true lists no public key without a context.
      if (typeof pk !== 'string' || !PUBLIC_KEY_RE.test(pk))
        throw bad(`v${v} has no Ed25519 public key`);
      versions.set(n, {
        publicKey: new Uint8Array(Buffer.from(pk, 'base64')),
        createdAt: utc(e?.creation_time, bad),
      });
    }
  }
  const minDecryption = d.min_decryption_version ?? 1;
  const minEncryption = d.min_encryption_version ?? 0;
  if (
    typeof minDecryption !== 'number' ||
    !Number.isSafeInteger(minDecryption) ||
    minDecryption < 1 ||
    minDecryption > latest
  )
    throw bad('bad min_decryption_version');
  if (
    typeof minEncryption !== 'number' ||
    !Number.isSafeInteger(minEncryption) ||
    minEncryption < 0 ||
    minEncryption > latest
  )
    throw bad('bad min_encryption_version');
  return {
    type: d.type,
    latest,
    minDecryption,
    minEncryption,
    exportable: d.exportable === true,
    plaintextBackup: d.allow_plaintext_backup === true,
    derived: d.derived === true,
    versions,
  };
}

/** Go's RFC 3339 time (any zone, up to nanoseconds) → RFC 3339 UTC with milliseconds. */
function utc(value: unknown, bad: (why: string) => VaultError): string {
  const m =
    typeof value === 'string'
      ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value)
      : null;
  if (!m) throw bad(`creation_time ${JSON.stringify(value)} is not RFC 3339`);
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}.${ms}${m[3]}`);
  if (Number.isNaN(t)) throw bad(`creation_time ${JSON.stringify(value)} is not a time`);
  return new Date(t).toISOString();
}

function checkSigningKey(keyName: string, s: KeyState, strict: boolean): void {
  const invalid = (why: string) =>
    new VaultError('VAULT_KEY_INVALID', `Transit key ${keyName} ${why}`);
  if (s.type !== 'ed25519') throw invalid(`is ${s.type}, not ed25519`);
  if (s.derived) throw invalid('is a derived key; Saksi needs one public key per version');
  if (!s.versions.has(s.latest)) throw invalid(`lists no public key for its latest v${s.latest}`);
  if (strict && (s.exportable || s.plaintextBackup))
    throw invalid(
      'is exportable or allows plaintext backup, so its private key can leave Vault; create a new key with exportable=false and allow_plaintext_backup=false (infra/vault/setup.sh)',
    );
}

function checkDataKey(keyName: string, s: KeyState): void {
  const invalid = (why: string) =>
    new VaultError('VAULT_KEY_INVALID', `Transit key ${keyName} ${why}`);
  if (s.type !== 'aes256-gcm96') throw invalid(`is ${s.type}, not aes256-gcm96`);
  if (s.exportable || s.plaintextBackup)
    throw invalid('is exportable or allows plaintext backup, so the data keys could leave Vault');
}

function versionsOf(label: KeyLabel, s: KeyState): KeyVersions {
  return { label, current: s.latest, retiredThrough: s.minDecryption - 1 };
}

function info(s: KeyState, version: number): PublicKeyInfo {
  const v = s.versions.get(version)!;
  return { version, publicKey: Uint8Array.from(v.publicKey), createdAt: v.createdAt };
}

function checkOptions(options: VaultOptions) {
  const fail = (why: string): never => {
    throw new VaultError('VAULT_CONFIG', why);
  };
  if (typeof options !== 'object' || options === null) fail('Vault options are missing');
  let url: URL | undefined;
  try {
    url = new URL(options.addr);
  } catch {
    fail('the Vault address is not a URL');
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    fail('the Vault address must be an http(s) URL');
  if (url!.username || url!.password || url!.search || url!.hash || url!.pathname !== '/')
    fail('the Vault address must be scheme://host[:port], with no credentials, path or query');
  const addr = url!.origin;
  const ways = [options.token, options.tokenFile, options.approle].filter((x) => x !== undefined);
  if (ways.length !== 1) fail('give exactly one of token, tokenFile or approle');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
    fail('the Vault token is empty');
  const approle = options.approle;
  if (approle) {
    if (typeof approle.roleId !== 'string' || approle.roleId === '')
      fail('the AppRole role ID is empty');
    if ((approle.secretId === undefined) === (approle.secretIdFile === undefined))
      fail('give exactly one of approle.secretId or approle.secretIdFile');
    if (approle.secretId !== undefined && approle.secretId === '')
      fail('the AppRole secret ID is empty');
    if (approle.mount !== undefined && !MOUNT_RE.test(approle.mount))
      fail('bad AppRole mount path');
  }
  const mount = options.mount ?? 'transit';
  if (!MOUNT_RE.test(mount)) fail(`bad Transit mount path ${JSON.stringify(mount)}`);
  const keyPrefix = options.keyPrefix ?? 'saksi-';
  if (!PREFIX_RE.test(keyPrefix)) fail(`bad key prefix ${JSON.stringify(keyPrefix)}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000)
    fail('timeoutMs must be an integer in 1..120000');
  const tls = options.tls;
  if (tls && (tls.certFile === undefined) !== (tls.keyFile === undefined))
    fail('a TLS client certificate needs its key, and the other way round');
  return {
    ...options,
    addr,
    displayAddr: addr,
    mount,
    keyPrefix,
    timeoutMs,
    createKeys: options.createKeys !== false,
  };
}

async function readPem(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (e) {
    throw new VaultError(
      'VAULT_CONFIG',
      `cannot read the ${what} file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
