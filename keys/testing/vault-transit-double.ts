/**
 * TEST INFRASTRUCTURE: a CONTRACT DOUBLE of HashiCorp Vault's HTTP API, for the
 * tests of the `vault` key service (CONVENTIONS.md §12: no Vault server can run
 * here). Product code never imports anything under keys/testing/.
 *
 * A real node:http(s) server on 127.0.0.1 that implements, as Vault documents
 * them, exactly the endpoints the backend uses:
 *
 *   GET  /v1/sys/health                      (unauthenticated; 200 active, 503 sealed)
 *   POST /v1/auth/approle/login              (unauthenticated; role_id + secret_id → auth)
 *   GET  /v1/auth/token/lookup-self
 *   POST /v1/auth/token/renew-self           (capped at the token's max TTL)
 *   POST /v1/auth/token/revoke-self
 *   POST /v1/transit/keys/:name              (create/upsert: ed25519, aes256-gcm96)
 *   GET  /v1/transit/keys/:name              (404 {"errors":[]} when absent)
 *   POST /v1/transit/keys/:name/rotate
 *   POST /v1/transit/keys/:name/config      (min_decryption_version, min_encryption_version,
 *                                            deletion_allowed, exportable, allow_plaintext_backup,
 *                                            auto_rotate_period; path_keys_config.go)
 *   POST /v1/transit/sign/:name              (Ed25519, "vault:v<N>:<base64>", key_version)
 *   POST /v1/transit/verify/:name
 *   POST /v1/transit/hmac/:name(/:algorithm)
 *   GET  /v1/transit/export/:type/:name(/:version), GET /v1/transit/backup/:name
 *                                            (refused unless exportable; there only so
 *                                            tests can prove nobody asked)
 *
 * with Vault's envelope (`request_id`, `data`, `auth`, `warnings`, …), its error
 * format `{"errors":[…]}` and statuses (400, 403, 404, 405, 503), X-Vault-Token
 * checks (403 `{"errors":["permission denied"]}`), and ACL policies parsed from
 * the same HCL files that infra/vault/ installs in a real Vault (./vault-acl.ts).
 * Keys are real Ed25519 keys made with node:crypto inside the double; their
 * private halves never leave it, and the tests check every response for them.
 *
 * Differences from a real Vault that a test could notice: one in-memory
 * instance, no storage, no leases other than tokens, no derived or convergent
 * keys, no batch_input, error texts of Vault 1.15–1.17. Run the same suite
 * against a real `vault server -dev` with infra/vault/RUNBOOK.md.
 */
import {
  createHmac,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  allowed,
  type Capability,
  DEFAULT_POLICY,
  type PathRule,
  parsePolicyHcl,
} from './vault-acl.ts';

export interface VaultDoubleOptions {
  /** The root token (all capabilities, never expires). Default: random. */
  rootToken?: string;
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of HTTP; with
   * `clientCa`, require a client certificate signed by it (mutual TLS).
   */
  tls?: { key: string | Buffer; cert: string | Buffer; clientCa?: string | Buffer };
}

export interface InjectedFault {
  /** Which requests (path after /v1/, e.g. `transit/sign/saksi-log`): exact, or a RegExp. */
  path: string | RegExp;
  /** Answer with this status and `{"errors": errors}` instead of handling the request. */
  status?: number;
  errors?: string[];
  /** Wait this long first (with no status: then handle the request normally). */
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path after /v1/, without the query. */
  path: string;
  status: number;
}

interface Token {
  id: string;
  accessor: string;
  policies: string[];
  displayName: string;
  path: string;
  meta: Record<string, string> | null;
  renewable: boolean;
  /** TTL given at creation and on renewal without increment, in seconds (0 = none). */
  ttl: number;
  /** Hard limit from creation, in seconds (0 = none). */
  maxTtl: number;
  issuedAt: number;
  expiresAt: number | null;
}

interface AppRole {
  roleId: string;
  secretIds: Set<string>;
  policies: string[];
  tokenTtl: number;
  tokenMaxTtl: number;
}

type KeyType = 'ed25519' | 'aes256-gcm96';

interface KeyVersion {
  created: Date;
  hmacKey: Buffer;
  /** ed25519 only. */
  privateKey?: KeyObject;
  publicKey?: Buffer;
  /** aes256-gcm96 only. */
  aesKey?: Buffer;
}

interface TransitKey {
  name: string;
  type: KeyType;
  exportable: boolean;
  allowPlaintextBackup: boolean;
  versions: Map<number, KeyVersion>;
  latest: number;
  minDecryption: number;
  minEncryption: number;
  deletionAllowed: boolean;
  autoRotatePeriod: number;
}

class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
  ) {
    super(errors.join('; '));
  }
}

const bad = (message: string) => new VaultHttpError(400, [message]);
const DENIED = () => new VaultHttpError(403, ['permission denied']);
const UNSUPPORTED_PATH = () =>
  new VaultHttpError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
const UNSUPPORTED_OP = () =>
  new VaultHttpError(405, ['1 error occurred:\n\t* unsupported operation\n\n']);

/** Vault's framework.GenericNameRegex. */
const NAME = String.raw`\w(?:[\w.@-]*\w)?`;
const STRICT_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_BODY = 1 << 20;
const VERSION = '1.17.0+saksi-contract-double';

export class VaultTransitDouble {
  readonly rootToken: string;
  /** Every request, in order: what tests assert on (e.g. that nothing asked to export). */
  readonly requests: RecordedRequest[] = [];
  /** Every response body sent, so tests can check that no private key ever left. */
  readonly responseBodies: string[] = [];
  #url = '';
  readonly #tls: boolean;
  readonly #server: ReturnType<typeof createHttpServer>;
  readonly #tokens = new Map<string, Token>();
  readonly #policies = new Map<string, PathRule[]>([['default', DEFAULT_POLICY]]);
  readonly #roles = new Map<string, AppRole>();
  readonly #keys = new Map<string, TransitKey>();
  #faults: (InjectedFault & { left: number })[] = [];
  #sealed = false;

  constructor(options: VaultDoubleOptions = {}) {
    this.rootToken = options.rootToken ?? `hvs.${randomBytes(18).toString('base64url')}`;
    this.#tokens.set(this.rootToken, {
      id: this.rootToken,
      accessor: randomUUID(),
      policies: ['root'],
      displayName: 'root',
      path: 'auth/token/root',
      meta: null,
      renewable: false,
      ttl: 0,
      maxTtl: 0,
      issuedAt: Date.now(),
      expiresAt: null,
    });
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) this.#send(res, 500, { errors: ['internal error in the double'] });
      });
    };
    this.#tls = options.tls !== undefined;
    this.#server = options.tls
      ? createHttpsServer(
          {
            key: options.tls.key,
            cert: options.tls.cert,
            ...(options.tls.clientCa
              ? { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true }
              : {}),
          },
          handler,
        )
      : createHttpServer(handler);
  }

  /** Listens on 127.0.0.1, port 0. */
  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `${this.#tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  /** e.g. http://127.0.0.1:41234 — the VAULT_ADDR of this double. */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- operator side (what `vault policy write`, `vault write auth/approle/…` do) ----

  /** `vault policy write <name> <file>`, given the file's HCL text. */
  writePolicy(name: string, hcl: string): void {
    this.#policies.set(name, parsePolicyHcl(hcl));
  }

  /** `vault token create -policy=… -ttl=… [-explicit-max-ttl=…]`. */
  createToken(o: {
    policies: string[];
    ttl?: number;
    maxTtl?: number;
    renewable?: boolean;
  }): string {
    return this.#mint({
      policies: ['default', ...o.policies],
      displayName: 'token',
      path: 'auth/token/create',
      meta: null,
      renewable: o.renewable ?? true,
      ttl: o.ttl ?? 3600,
      maxTtl: o.maxTtl ?? 0,
    }).id;
  }

  /** `vault token revoke <token>`. */
  revokeToken(token: string): void {
    this.#tokens.delete(token);
  }

  /** `vault token revoke -mode=path <prefix>`: every token created under that path. */
  revokeTokensByPath(prefix: string): void {
    for (const t of [...this.#tokens.values()])
      if (t.path.startsWith(prefix)) this.#tokens.delete(t.id);
  }

  /** `vault write auth/approle/role/<name> token_policies=… token_ttl=… token_max_ttl=…`, then its role-id and a secret-id. */
  createAppRole(
    name: string,
    o: { policies: string[]; tokenTtl?: number; tokenMaxTtl?: number },
  ): { roleId: string; secretId: string } {
    const role: AppRole = {
      roleId: randomUUID(),
      secretIds: new Set([randomUUID()]),
      policies: o.policies,
      tokenTtl: o.tokenTtl ?? 3600,
      tokenMaxTtl: o.tokenMaxTtl ?? 0,
    };
    this.#roles.set(name, role);
    return { roleId: role.roleId, secretId: [...role.secretIds][0]! };
  }

  /** `vault write -f transit/keys/<name>/rotate` as an operator would. */
  rotateKey(name: string): void {
    const key = this.#keys.get(name);
    if (!key) throw new Error(`no key ${name}`);
    this.#rotate(key);
  }

  /** Deletes and recreates a key under the same name (what a careless operator might do). */
  replaceKey(name: string): void {
    const key = this.#keys.get(name);
    if (!key) throw new Error(`no key ${name}`);
    this.#keys.delete(name);
    this.#createKey(name, key.type, key.exportable, key.allowPlaintextBackup);
  }

  seal(): void {
    this.#sealed = true;
  }

  unseal(): void {
    this.#sealed = false;
  }

  /** Fails or delays the next matching request(s). */
  inject(fault: InjectedFault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** How many requests had a path matching `path` (exact string or RegExp). */
  count(path: string | RegExp): number {
    return this.requests.filter((r) => pathMatches(path, r.path)).length;
  }

  /** Every private key byte string the double holds, for leak checks (seeds, HMAC and AES keys). */
  secretsForLeakCheck(): Buffer[] {
    const out: Buffer[] = [];
    for (const key of this.#keys.values()) {
      for (const v of key.versions.values()) {
        out.push(v.hmacKey);
        if (v.aesKey) out.push(v.aesKey);
        if (v.privateKey) {
          const der = v.privateKey.export({ format: 'der', type: 'pkcs8' });
          out.push(der.subarray(der.length - 32));
        }
      }
    }
    return out;
  }

  // ---- the HTTP API ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/v1\//, '');
    const record: RecordedRequest = { method, path, status: 0 };
    this.requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      this.#send(res, status, body);
    };
    try {
      const raw = await readBody(req);
      for (const fault of this.#faults) {
        if (fault.left <= 0 || !pathMatches(fault.path, path)) continue;
        fault.left--;
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.status) throw new VaultHttpError(fault.status, fault.errors ?? []);
      }
      this.#faults = this.#faults.filter((f) => f.left > 0);
      if (!url.pathname.startsWith('/v1/')) throw UNSUPPORTED_PATH();
      if (path === 'sys/health') {
        if (method !== 'GET' && method !== 'HEAD') throw UNSUPPORTED_OP();
        return reply(this.#sealed ? 503 : 200, this.#health());
      }
      if (this.#sealed) throw new VaultHttpError(503, ['Vault is sealed']);
      const body = parseJson(raw);
      if (path === 'auth/approle/login') {
        if (method !== 'POST' && method !== 'PUT') throw UNSUPPORTED_OP();
        return reply(200, this.#login(body));
      }
      const token = this.#authenticate(req);
      const capability = capabilityFor(method, url);
      if (!this.#allowed(token, path, capability, body)) throw DENIED();
      const result = this.#route(method, path, body, token);
      if (result === null) {
        record.status = 204;
        res.writeHead(204).end();
        return;
      }
      reply(200, result);
    } catch (e) {
      if (e instanceof VaultHttpError) return reply(e.status, { errors: e.errors });
      throw e;
    }
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    this.responseBodies.push(text);
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  #authenticate(req: IncomingMessage): Token {
    const header = req.headers['x-vault-token'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const id = typeof header === 'string' ? header : bearer;
    const token = id ? this.#tokens.get(id) : undefined;
    if (!token) throw DENIED();
    if (token.expiresAt !== null && Date.now() >= token.expiresAt) {
      this.#tokens.delete(token.id);
      throw DENIED();
    }
    return token;
  }

  #allowed(
    token: Token,
    path: string,
    capability: Capability,
    body: Record<string, unknown>,
  ): boolean {
    if (token.policies.includes('root')) return true;
    const rules = token.policies.flatMap((p) => this.#policies.get(p) ?? []);
    return allowed(rules, path, capability, body);
  }

  #route(method: string, path: string, body: Record<string, unknown>, token: Token): unknown {
    const verb = method === 'POST' || method === 'PUT' ? 'POST' : method;
    for (const [re, methods, run] of this.#routes) {
      const m = re.exec(path);
      if (!m) continue;
      const handler = methods.includes(verb) ? run : undefined;
      if (!handler) throw UNSUPPORTED_OP();
      return handler(m, verb, body, token);
    }
    throw UNSUPPORTED_PATH();
  }

  /** [path pattern, methods, handler(match, method, body, token)] — null answers 204. */
  readonly #routes: [
    RegExp,
    string[],
    (m: RegExpExecArray, verb: string, body: Record<string, unknown>, token: Token) => unknown,
  ][] = [
    [/^auth\/token\/lookup-self$/, ['GET'], (_m, _v, _b, t) => envelope({ data: this.#lookup(t) })],
    [/^auth\/token\/renew-self$/, ['POST'], (_m, _v, b, t) => this.#renew(t, b)],
    [
      /^auth\/token\/revoke-self$/,
      ['POST'],
      (_m, _v, _b, t) => {
        this.#tokens.delete(t.id);
        return null;
      },
    ],
    [
      new RegExp(`^transit/keys/(${NAME})$`),
      ['GET', 'POST'],
      (m, verb, b) =>
        verb === 'GET'
          ? envelope({ data: this.#formatKey(this.#key(m[1]!, 404)) })
          : this.#writeKey(m[1]!, b),
    ],
    [
      new RegExp(`^transit/keys/(${NAME})/rotate$`),
      ['POST'],
      (m) => {
        const key = this.#keys.get(m[1]!);
        if (!key) throw bad('key not found');
        this.#rotate(key);
        return envelope({ data: this.#formatKey(key) });
      },
    ],
    [
      new RegExp(`^transit/keys/(${NAME})/config$`),
      ['POST'],
      (m, _v, b) => this.#configKey(m[1]!, b),
    ],
    [
      new RegExp(`^transit/sign/(${NAME})(?:/[\\w-]+)?$`),
      ['POST'],
      (m, _v, b) => this.#sign(m[1]!, b),
    ],
    [
      new RegExp(`^transit/verify/(${NAME})(?:/[\\w-]+)?$`),
      ['POST'],
      (m, _v, b) => this.#verify(m[1]!, b),
    ],
    [
      new RegExp(`^transit/hmac/(${NAME})(?:/([\\w-]+))?$`),
      ['POST'],
      (m, _v, b) => this.#hmac(m[1]!, m[2] ?? str(b.algorithm) ?? 'sha2-256', b),
    ],
    [
      new RegExp(`^transit/export/[\\w-]+/(${NAME})(?:/\\w+)?$`),
      ['GET'],
      (m) => {
        if (!this.#key(m[1]!, 400).exportable) throw bad('key is not exportable');
        throw new VaultHttpError(501, ['export is not implemented by the contract double']);
      },
    ],
    [
      new RegExp(`^transit/backup/(${NAME})$`),
      ['GET'],
      (m) => {
        if (!this.#key(m[1]!, 400).allowPlaintextBackup)
          throw bad('exporting is disallowed on the policy');
        throw new VaultHttpError(501, ['backup is not implemented by the contract double']);
      },
    ],
  ];

  #health(): Record<string, unknown> {
    return {
      initialized: true,
      sealed: this.#sealed,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(Date.now() / 1000),
      version: VERSION,
      cluster_name: 'vault-cluster-double',
      cluster_id: '00000000-0000-4000-8000-000000000000',
    };
  }

  // ---- auth ----

  #mint(t: Omit<Token, 'id' | 'accessor' | 'issuedAt' | 'expiresAt'>): Token {
    const now = Date.now();
    const token: Token = {
      ...t,
      id: `hvs.${randomBytes(18).toString('base64url')}`,
      accessor: randomUUID(),
      issuedAt: now,
      expiresAt: t.ttl > 0 ? now + t.ttl * 1000 : null,
    };
    this.#tokens.set(token.id, token);
    return token;
  }

  #login(body: Record<string, unknown>): unknown {
    const roleId = str(body.role_id);
    const secretId = str(body.secret_id);
    if (!roleId) throw bad('missing role_id');
    const entry = [...this.#roles.entries()].find(([, r]) => r.roleId === roleId);
    if (!entry || !secretId || !entry[1].secretIds.has(secretId))
      throw bad('invalid role or secret ID');
    const [name, role] = entry;
    const token = this.#mint({
      policies: ['default', ...role.policies],
      displayName: `approle`,
      path: 'auth/approle/login',
      meta: { role_name: name },
      renewable: true,
      ttl: role.tokenTtl,
      maxTtl: role.tokenMaxTtl,
    });
    return envelope({ auth: this.#authBlock(token, token.ttl) });
  }

  #authBlock(t: Token, leaseDuration: number): Record<string, unknown> {
    return {
      client_token: t.id,
      accessor: t.accessor,
      policies: t.policies,
      token_policies: t.policies,
      metadata: t.meta,
      lease_duration: leaseDuration,
      renewable: t.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    };
  }

  #renew(t: Token, body: Record<string, unknown>): unknown {
    if (!t.renewable) throw bad('lease is not renewable');
    const increment = typeof body.increment === 'number' ? body.increment : t.ttl;
    const now = Date.now();
    let ttl = increment;
    const warnings: string[] = [];
    if (t.maxTtl > 0) {
      const left = Math.floor((t.issuedAt + t.maxTtl * 1000 - now) / 1000);
      if (ttl > left) {
        ttl = Math.max(0, left);
        warnings.push(
          `TTL of "${increment}s" exceeded the effective max_ttl of "${ttl}s"; TTL value is capped accordingly`,
        );
      }
    }
    t.expiresAt = now + ttl * 1000;
    return envelope({ auth: this.#authBlock(t, ttl), warnings: warnings.length ? warnings : null });
  }

  #lookup(t: Token): Record<string, unknown> {
    const now = Date.now();
    return {
      accessor: t.accessor,
      creation_time: Math.floor(t.issuedAt / 1000),
      creation_ttl: t.ttl,
      display_name: t.displayName,
      entity_id: '',
      expire_time: t.expiresAt === null ? null : goTime(new Date(t.expiresAt)),
      explicit_max_ttl: t.maxTtl,
      id: t.id,
      issue_time: goTime(new Date(t.issuedAt)),
      meta: t.meta,
      num_uses: 0,
      orphan: true,
      path: t.path,
      policies: t.policies,
      renewable: t.renewable,
      ttl: t.expiresAt === null ? 0 : Math.max(0, Math.floor((t.expiresAt - now) / 1000)),
      type: 'service',
    };
  }

  // ---- transit ----

  #key(name: string, status: 400 | 404): TransitKey {
    const key = this.#keys.get(name);
    if (key) return key;
    throw status === 404 ? new VaultHttpError(404, []) : bad('key not found');
  }

  #writeKey(name: string, body: Record<string, unknown>): unknown {
    const type = str(body.type) ?? 'aes256-gcm96';
    if (body.derived === true || body.convergent_encryption === true)
      throw bad('the contract double does not implement derived keys');
    const existing = this.#keys.get(name);
    if (existing) {
      // Vault: an upsert on an existing key changes nothing and warns.
      return envelope({
        data: this.#formatKey(existing),
        warnings: [`key ${name} already existed`],
      });
    }
    if (type !== 'ed25519' && type !== 'aes256-gcm96') throw bad(`unknown key type ${type}`);
    const key = this.#createKey(
      name,
      type,
      body.exportable === true,
      body.allow_plaintext_backup === true,
    );
    return envelope({ data: this.#formatKey(key) });
  }

  /**
   * Vault's pathKeysConfigWrite (builtin/logical/transit/path_keys_config.go):
   * every check in its order, all or nothing, 400 with its texts.
   */
  #configKey(name: string, body: Record<string, unknown>): unknown {
    const key = this.#keys.get(name);
    if (!key) throw bad(`no existing key named ${name} could be found`);
    const next = { ...key };
    const warnings: string[] = [];
    const minDec = intField(body, 'min_decryption_version');
    if (minDec !== undefined) {
      if (minDec < 0) throw bad('min decryption version cannot be negative');
      let v = minDec;
      if (v === 0) {
        v = 1;
        warnings.push('since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1');
      }
      if (v !== key.minDecryption && v > key.latest)
        throw bad(`cannot set min decryption version of ${v}, latest key version is ${key.latest}`);
      next.minDecryption = v;
    }
    const minEnc = intField(body, 'min_encryption_version');
    if (minEnc !== undefined) {
      if (minEnc < 0) throw bad('min encryption version cannot be negative');
      if (minEnc !== key.minEncryption && minEnc > key.latest)
        throw bad(
          `cannot set min encryption version of ${minEnc}, latest key version is ${key.latest}`,
        );
      next.minEncryption = minEnc;
    }
    if (next.minEncryption > 0 && next.minEncryption < next.minDecryption)
      throw bad(
        `cannot set min encryption/decryption values; min encryption version of ${next.minEncryption} must be greater than or equal to min decryption version of ${next.minDecryption}`,
      );
    if (typeof body.deletion_allowed === 'boolean') next.deletionAllowed = body.deletion_allowed;
    // exportable and allow_plaintext_backup can be set, never unset.
    if (body.exportable === true) next.exportable = true;
    if (body.allow_plaintext_backup === true) next.allowPlaintextBackup = true;
    const period = intField(body, 'auto_rotate_period');
    if (period !== undefined) {
      if (period !== 0 && period < 3600)
        throw bad('auto rotate period must be 0 to disable or at least an hour');
      next.autoRotatePeriod = period;
    }
    Object.assign(key, next);
    return envelope({ data: this.#formatKey(key), warnings: warnings.length ? warnings : null });
  }

  #createKey(name: string, type: KeyType, exportable: boolean, backup: boolean): TransitKey {
    const key: TransitKey = {
      name,
      type,
      exportable,
      allowPlaintextBackup: backup,
      versions: new Map(),
      latest: 0,
      minDecryption: 1,
      minEncryption: 0,
      deletionAllowed: false,
      autoRotatePeriod: 0,
    };
    this.#rotate(key);
    this.#keys.set(name, key);
    return key;
  }

  #rotate(key: TransitKey): void {
    const v: KeyVersion = { created: new Date(), hmacKey: randomBytes(32) };
    if (key.type === 'ed25519') {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      v.privateKey = privateKey;
      v.publicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    } else {
      v.aesKey = randomBytes(32);
    }
    key.latest += 1;
    key.versions.set(key.latest, v);
  }

  /** Vault's formatKeyPolicy (builtin/logical/transit/path_keys.go). */
  #formatKey(k: TransitKey): Record<string, unknown> {
    const asymmetric = k.type === 'ed25519';
    const keys: Record<string, unknown> = {};
    for (const [n, v] of k.versions) {
      // keysutil handleArchiving: versions below min_decryption_version move to
      // the archive and leave the policy's key map, so Vault stops listing them.
      if (n < k.minDecryption) continue;
      keys[String(n)] = asymmetric
        ? {
            name: 'ed25519',
            public_key: v.publicKey!.toString('base64'),
            certificate_chain: '',
            creation_time: goTime(v.created),
          }
        : Math.floor(v.created.getTime() / 1000);
    }
    return {
      name: k.name,
      type: k.type,
      derived: false,
      deletion_allowed: k.deletionAllowed,
      min_available_version: 0,
      min_decryption_version: k.minDecryption,
      min_encryption_version: k.minEncryption,
      latest_version: k.latest,
      exportable: k.exportable,
      allow_plaintext_backup: k.allowPlaintextBackup,
      supports_encryption: !asymmetric,
      supports_decryption: !asymmetric,
      supports_signing: asymmetric,
      supports_derivation: true,
      auto_rotate_period: k.autoRotatePeriod,
      imported_key: false,
      keys,
    };
  }

  #version(key: TransitKey, raw: unknown, what: string): [number, KeyVersion] {
    const requested = raw === undefined ? 0 : Number(raw);
    if (!Number.isInteger(requested) || requested < 0)
      throw bad(`invalid key_version ${String(raw)}`);
    const n = requested === 0 ? key.latest : requested;
    if (n > key.latest)
      throw bad(`requested version for ${what} is higher than the latest key version`);
    if (key.minEncryption > 0 && n < key.minEncryption)
      throw bad(`requested version for ${what} is less than the minimum encryption key version`);
    return [n, key.versions.get(n)!];
  }

  #sign(name: string, body: Record<string, unknown>): unknown {
    const key = this.#keys.get(name);
    if (!key) throw bad('signing key not found');
    if (key.type !== 'ed25519') throw bad(`key type ${key.type} does not support signing`);
    const input = b64Field(body.input, 'input');
    const [n, v] = this.#version(key, body.key_version, 'signing');
    // RFC 8032 Ed25519 over the input itself: Vault ignores hash_algorithm for ed25519.
    const sig = cryptoSign(null, input, v.privateKey!);
    return envelope({
      data: { signature: `vault:v${n}:${sig.toString('base64')}`, key_version: n },
    });
  }

  #verify(name: string, body: Record<string, unknown>): unknown {
    const key = this.#keys.get(name);
    if (!key) throw bad('signature verification key not found');
    if (key.type !== 'ed25519') throw bad(`key type ${key.type} does not support verification`);
    const input = b64Field(body.input, 'input');
    const m = /^vault:v(\d+):(.+)$/.exec(str(body.signature) ?? '');
    if (!m) throw bad('invalid signature format');
    const n = Number(m[1]);
    // keysutil VerifySignatureWithOptions: both are user errors (400), not `valid: false`.
    if (n > key.latest) throw bad('invalid signature: version is too new');
    if (n < key.minDecryption)
      throw bad('ciphertext or signature version is disallowed by policy (too old)');
    const v = key.versions.get(n)!;
    const valid = cryptoVerify(
      null,
      input,
      createPublicKey(v.privateKey!),
      Buffer.from(m[2]!, 'base64'),
    );
    return envelope({ data: { valid } });
  }

  #hmac(name: string, algorithm: string, body: Record<string, unknown>): unknown {
    const key = this.#keys.get(name);
    if (!key) throw bad('HMAC key not found');
    const alg = { 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512' }[algorithm];
    if (!alg) throw bad(`unsupported algorithm ${algorithm}`);
    const input = b64Field(body.input, 'input');
    const [n, v] = this.#version(key, body.key_version, 'HMAC');
    const mac = createHmac(alg, v.hmacKey).update(input).digest('base64');
    return envelope({ data: { hmac: `vault:v${n}:${mac}` } });
  }
}

export async function startVaultTransitDouble(
  options: VaultDoubleOptions = {},
): Promise<VaultTransitDouble> {
  return new VaultTransitDouble(options).start();
}

// ---------------------------------------------------------------------------

function envelope(o: { data?: unknown; auth?: unknown; warnings?: string[] | null }) {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: o.data ?? null,
    wrap_info: null,
    warnings: o.warnings ?? null,
    auth: o.auth ?? null,
  };
}

/** Vault maps HTTP methods to ACL capabilities (POST/PUT: update, as no path here has an existence check). */
function capabilityFor(method: string, url: URL): Capability {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return url.searchParams.get('list') === 'true' ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    default:
      return 'update';
  }
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new VaultHttpError(413, ['request body too large']);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw bad(`failed to parse JSON input: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('failed to parse JSON input: not an object');
  return value as Record<string, unknown>;
}

/** framework.TypeInt: a JSON number or a decimal string; absent is undefined. */
function intField(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw bad(`error converting input ${JSON.stringify(v)} for field "${field}"`);
  return n;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function b64Field(v: unknown, field: string): Buffer {
  const s = str(v) ?? '';
  if (!STRICT_B64.test(s)) throw bad(`unable to decode ${field} as base64: illegal base64 data`);
  return Buffer.from(s, 'base64');
}

/**
 * Go's time.Time JSON form (RFC 3339 with nanoseconds) in the server's zone: the
 * double pretends to run in Jakarta (UTC+7) so clients must honour the offset.
 */
function goTime(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(0, 23)}456789+07:00`;
}
