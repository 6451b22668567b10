/**
 * The `vault` backend's HTTP layer: node-vault's generic read/write against the
 * documented Vault API paths, with every failure turned into a VaultError that
 * says whether retrying can help (CONVENTIONS.md §5).
 *
 * node-vault quietly reads VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE, VAULT_PREFIX
 * and VAULT_SKIP_VERIFY from the environment and logs request bodies through the
 * `debug` module when DEBUG=node-vault is set. Here everything is explicit: the
 * address, namespace and TLS settings come from the options, the token is sent
 * per request by the caller, and node-vault's debug logger is a no-op so an AppRole
 * secret ID or a token can never reach a log. Errors carry Vault's messages and
 * the HTTP status, never the request (axios keeps the X-Vault-Token header in it).
 */
import nodeVault from 'node-vault';

export type VaultErrorCode =
  /** The options or the files they name are unusable (set at start-up, never retryable). */
  | 'VAULT_CONFIG'
  /** Network failure, timeout, 429, 5xx or a sealed Vault: retrying can help. */
  | 'VAULT_UNAVAILABLE'
  /** TLS verification of the Vault server failed. */
  | 'VAULT_TLS'
  /** AppRole login refused (wrong role ID or secret ID, or the secret ID expired). */
  | 'VAULT_AUTH_FAILED'
  /** 403: the token is invalid, expired or revoked, or its policy does not allow the request. */
  | 'VAULT_PERMISSION_DENIED'
  /** A transit key does not exist and may not be created here (createKeys: false). */
  | 'VAULT_KEY_MISSING'
  /** A transit key is unfit: wrong type, exportable, or its public key changed under us. */
  | 'VAULT_KEY_INVALID'
  /** Another 4xx: the request was wrong for this Vault. */
  | 'VAULT_BAD_REQUEST'
  /** Vault answered 2xx with something that is not what its API documents. */
  | 'VAULT_BAD_RESPONSE'
  /** The key service was closed. */
  | 'VAULT_CLOSED';

/** A typed `vault` backend failure: a code to switch on, and whether retrying can help. */
export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly retryable: boolean;
  /** The HTTP status Vault answered with, when it answered. */
  readonly status: number | undefined;
  constructor(code: VaultErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
    this.status = status;
    this.retryable = code === 'VAULT_UNAVAILABLE';
  }
}

export interface TlsMaterial {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  rejectUnauthorized: boolean;
}

export interface VaultHttpOptions {
  /** Vault's address, e.g. https://vault.kpu.go.id:8200 (no path). */
  addr: string;
  namespace?: string | undefined;
  timeoutMs: number;
  tls: TlsMaterial;
}

/** Vault's JSON response envelope; every field comes from the server. */
export type VaultBody = Record<string, unknown>;

export class VaultHttp {
  readonly #vault: ReturnType<typeof nodeVault>;
  readonly #timeoutMs: number;

  constructor(o: VaultHttpOptions) {
    this.#timeoutMs = o.timeoutMs;
    const vault = nodeVault({
      apiVersion: 'v1',
      endpoint: o.addr,
      debug: () => undefined,
      requestOptions: {
        timeout: o.timeoutMs,
        strictSSL: o.tls.rejectUnauthorized,
        ...(o.tls.ca ? { ca: o.tls.ca } : {}),
        ...(o.tls.cert ? { cert: o.tls.cert } : {}),
        ...(o.tls.key ? { key: o.tls.key } : {}),
      },
    });
    // Undo node-vault's environment fallbacks: the token travels per request, and
    // neither a namespace nor a path prefix may come from anywhere but the options.
    const internals = vault as unknown as { token: string; namespace?: string; pathPrefix: string };
    internals.token = '';
    internals.namespace = o.namespace;
    internals.pathPrefix = '';
    this.#vault = vault;
  }

  /** GET /v1/<path>; undefined when Vault answers 404. */
  async read(path: string, token: string | null, what: string): Promise<VaultBody | undefined> {
    try {
      return asBody(await this.#vault.read(path, { headers: headers(token) }), what);
    } catch (e) {
      const err = toVaultError(e, what, this.#timeoutMs);
      if (err.status === 404) return undefined;
      throw err;
    }
  }

  /** POST /v1/<path> with a JSON body; `{}` for a 204. */
  async write(path: string, data: object, token: string | null, what: string): Promise<VaultBody> {
    try {
      const body: unknown = await this.#vault.write(path, data, { headers: headers(token) });
      return body === '' || body === undefined ? {} : asBody(body, what);
    } catch (e) {
      throw toVaultError(e, what, this.#timeoutMs);
    }
  }

  /**
   * GET /v1/sys/health (unauthenticated). node-vault hands back the body whatever
   * the status (503 sealed, 429 standby, 501 uninitialised), so the caller reads
   * the fields, not the status.
   */
  async health(): Promise<VaultBody> {
    try {
      return asBody(await this.#vault.read('sys/health'), 'sys/health');
    } catch (e) {
      throw toVaultError(e, 'the health check', this.#timeoutMs);
    }
  }
}

function headers(token: string | null): Record<string, string> {
  return token === null ? {} : { 'X-Vault-Token': token };
}

function asBody(value: unknown, what: string): VaultBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new VaultError('VAULT_BAD_RESPONSE', `Vault's answer to ${what} is not a JSON object`);
  return value as VaultBody;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * node-vault rejects with ApiResponseError ({response: {statusCode, body}}) for a
 * non-2xx answer and with axios's error for a transport failure. Neither is kept
 * as `cause`: axios's carries the request headers, token included.
 */
export function toVaultError(e: unknown, what: string, timeoutMs: number): VaultError {
  if (e instanceof VaultError) return e;
  const response = (e as { response?: { statusCode?: unknown; body?: unknown } }).response;
  if (typeof response?.statusCode === 'number') {
    const status = response.statusCode;
    const said = vaultErrors(response.body);
    const detail = said ? `: ${said}` : '';
    if (status === 403)
      return new VaultError(
        'VAULT_PERMISSION_DENIED',
        `Vault refused ${what} (403${detail}): the token is invalid, expired or revoked, or its policy does not allow this`,
        status,
      );
    if (status === 429 || status >= 500)
      return new VaultError(
        'VAULT_UNAVAILABLE',
        `Vault could not serve ${what} (${status}${detail})`,
        status,
      );
    return new VaultError(
      'VAULT_BAD_REQUEST',
      `Vault rejected ${what} (${status}${detail})`,
      status,
    );
  }
  const code = String((e as { code?: unknown }).code ?? '');
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    /timeout/i.test(String((e as Error).message))
  )
    return new VaultError(
      'VAULT_UNAVAILABLE',
      `Vault did not answer ${what} within ${timeoutMs} ms`,
    );
  if (NETWORK_CODES.has(code))
    return new VaultError('VAULT_UNAVAILABLE', `cannot reach Vault for ${what} (${code})`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL|EPROTO/.test(code))
    return new VaultError('VAULT_TLS', `TLS verification of Vault failed for ${what} (${code})`);
  return new VaultError(
    'VAULT_UNAVAILABLE',
    `request to Vault for ${what} failed${code ? ` (${code})` : ''}`,
  );
}

/** Vault's `{"errors": ["…"]}`, joined and clipped (the strings come from the server). */
function vaultErrors(body: unknown): string {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return '';
  const text = errors
    .filter((x): x is string => typeof x === 'string')
    .map((s) =>
      s
        .replace(/\s+/g, ' ')
        .replace(/^\d+ errors? occurred: \* /, '')
        .trim(),
    )
    .filter((s) => s !== '')
    .join('; ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
