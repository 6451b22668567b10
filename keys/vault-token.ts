/**
 * The Vault token of the `vault` backend and its lifetime
 * (https://developer.hashicorp.com/vault/docs/concepts/tokens):
 *
 * - a given token (`token`/`tokenFile`): checked with auth/token/lookup-self at
 *   start, renewed with auth/token/renew-self at two thirds of its TTL while
 *   Vault allows; a 403 is final (non-retryable), the operator must act;
 * - AppRole (`approle`): auth/approle/login at start; at two thirds of the lease
 *   the token is renewed, and once a renewal comes back short (the role's
 *   token_max_ttl is near) or fails, the process logs in again. The secret ID file
 *   is re-read at every login, so it can be replaced without a restart. A 403 on
 *   a request triggers one fresh login and one retry (the token may have been
 *   revoked or Vault restarted); a second 403 is final.
 *
 * Timers are unref'd and cleared by close(), which also revokes a token this
 * process minted (AppRole). The token never appears in an error, a detail string
 * or a log line.
 */
import { readFile } from 'node:fs/promises';
import { type VaultBody, VaultError, type VaultHttp } from './vault-http.ts';

export type VaultAuth =
  | { kind: 'token'; token: string }
  | { kind: 'approle'; roleId: string; secretId: () => Promise<string>; mount: string };

interface Lease {
  /** Seconds the token was given at its last login/renewal; 0 = never expires. */
  seconds: number;
  renewable: boolean;
  /** Date.now() when it was given. */
  at: number;
}

const RETRY_MS = 5_000;

export class VaultToken {
  readonly #http: VaultHttp;
  readonly #auth: VaultAuth;
  #token = '';
  #lease: Lease = { seconds: 0, renewable: false, at: 0 };
  /** Lease length of the last AppRole login, to notice renewals capped by token_max_ttl. */
  #loginSeconds = 0;
  #timer: NodeJS.Timeout | undefined;
  #login: Promise<void> | undefined;
  #lastError: VaultError | undefined;
  #closed = false;

  constructor(http: VaultHttp, auth: VaultAuth) {
    this.#http = http;
    this.#auth = auth;
  }

  /** Logs in (AppRole) or checks the given token, and schedules renewal. */
  async start(): Promise<void> {
    if (this.#auth.kind === 'approle') {
      await this.#relogin();
      return;
    }
    this.#token = this.#auth.token;
    const body = await this.#http.read('auth/token/lookup-self', this.#token, 'the token lookup');
    if (!body) throw new VaultError('VAULT_BAD_RESPONSE', 'auth/token/lookup-self answered 404');
    const data = body.data as VaultBody | null | undefined;
    const ttl = data?.ttl;
    if (typeof ttl !== 'number' || ttl < 0)
      throw new VaultError('VAULT_BAD_RESPONSE', 'auth/token/lookup-self has no numeric ttl');
    // ttl is whole seconds: 0 with an expire_time means "less than a second left",
    // 0 without one means the token never expires (a root token).
    const expires = typeof data?.expire_time === 'string';
    const seconds = expires ? Math.max(1, ttl) : ttl;
    this.#lease = { seconds, renewable: data?.renewable === true, at: Date.now() };
    this.#schedule();
  }

  /**
   * Runs `request` with the current token. With AppRole, a 403 from a token that
   * Vault no longer knows (lookup-self is refused too) leads to one fresh login
   * and one retry; a 403 from a live token is a policy denial and passes through,
   * so a policy mistake does not turn every request into a login.
   */
  async use<T>(request: (token: string) => Promise<T>): Promise<T> {
    if (this.#closed) throw new VaultError('VAULT_CLOSED', 'the Vault key service is closed');
    if (this.#login) await this.#login;
    const token = this.#token;
    try {
      return await request(token);
    } catch (e) {
      if (!(e instanceof VaultError) || e.code !== 'VAULT_PERMISSION_DENIED') throw e;
      if (this.#auth.kind !== 'approle' || this.#closed) throw e;
      if (this.#token === token) {
        const alive = await this.#http
          .read('auth/token/lookup-self', token, 'the token lookup')
          .then(
            () => true,
            (err: unknown) =>
              !(err instanceof VaultError && err.code === 'VAULT_PERMISSION_DENIED'),
          );
        if (alive) throw e;
        await this.#relogin();
      }
      return await request(this.#token);
    }
  }

  /** What an operator needs to know about the token; never the token itself. */
  async check(): Promise<{ ok: boolean; detail: string }> {
    const how = this.#auth.kind === 'approle' ? 'AppRole token' : 'token';
    try {
      const body = await this.use((t) =>
        this.#http.read('auth/token/lookup-self', t, 'the token lookup'),
      );
      const data = body?.data as VaultBody | null | undefined;
      const ttl = data?.ttl;
      if (typeof ttl !== 'number') return { ok: false, detail: `${how}: lookup-self has no ttl` };
      const renew = data?.renewable === true ? 'renewable' : 'not renewable';
      const left = ttl === 0 ? 'no expiry' : `ttl ${ttl}s, ${renew}`;
      const last = this.#lastError ? `; last renewal failed: ${this.#lastError.message}` : '';
      return { ok: true, detail: `${how} valid (${left})${last}` };
    } catch (e) {
      const message = e instanceof VaultError ? e.message : 'unexpected error';
      return { ok: false, detail: `${how}: ${message}` };
    }
  }

  /** Stops renewal and revokes a token this process minted. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#login?.catch(() => undefined);
    if (this.#auth.kind === 'approle' && this.#token !== '') {
      await this.#http
        .write('auth/token/revoke-self', {}, this.#token, 'the token revocation')
        .catch(() => undefined);
    }
    this.#token = '';
  }

  // ---------------------------------------------------------------------------

  /** One AppRole login at a time; concurrent callers wait for the same one. */
  #relogin(): Promise<void> {
    if (this.#auth.kind !== 'approle')
      return Promise.reject(new Error('only AppRole tokens log in again'));
    const auth = this.#auth;
    this.#login ??= (async () => {
      try {
        const secretId = await auth.secretId();
        const body = await this.#http
          .write(
            `auth/${auth.mount}/login`,
            { role_id: auth.roleId, secret_id: secretId },
            null,
            'the AppRole login',
          )
          .catch((e: unknown) => {
            // Vault answers a wrong role or secret ID with 400 "invalid role or secret ID".
            if (e instanceof VaultError && e.code === 'VAULT_BAD_REQUEST')
              throw new VaultError('VAULT_AUTH_FAILED', e.message, e.status);
            throw e;
          });
        this.#adopt(body, 'auth/approle/login', true);
      } finally {
        this.#login = undefined;
      }
    })();
    return this.#login;
  }

  /** Takes the `auth` block of a login or renewal answer. */
  #adopt(body: VaultBody, from: string, login: boolean): void {
    const auth = body.auth as VaultBody | null | undefined;
    const token = auth?.client_token;
    const seconds = auth?.lease_duration;
    if (typeof token !== 'string' || token === '' || typeof seconds !== 'number' || seconds < 0)
      throw new VaultError('VAULT_BAD_RESPONSE', `${from} did not return a token and lease`);
    this.#token = token;
    this.#lease = { seconds, renewable: auth?.renewable === true, at: Date.now() };
    if (login) this.#loginSeconds = seconds;
    this.#lastError = undefined;
    this.#schedule();
  }

  #schedule(delayMs?: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    const { seconds, renewable } = this.#lease;
    if (seconds === 0) return; // a token that never expires (e.g. a root token)
    if (!renewable && this.#auth.kind !== 'approle') return; // it expires; check() will say so
    const ms = delayMs ?? Math.max(250, Math.floor((seconds * 1000 * 2) / 3));
    this.#timer = setTimeout(() => void this.#refresh(), ms);
    this.#timer.unref();
  }

  async #refresh(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#lease.renewable) {
        const body = await this.#http.write(
          'auth/token/renew-self',
          {},
          this.#token,
          'the token renewal',
        );
        const before = this.#loginSeconds;
        this.#adopt(body, 'auth/token/renew-self', false);
        // A renewal cut short by the role's token_max_ttl: log in again in time.
        const short = this.#lease.seconds * 2 < before || !this.#lease.renewable;
        if (this.#auth.kind !== 'approle' || !short) return;
      }
      if (this.#auth.kind === 'approle') await this.#relogin();
    } catch (e) {
      this.#lastError =
        e instanceof VaultError ? e : new VaultError('VAULT_UNAVAILABLE', 'token renewal failed');
      if (this.#auth.kind === 'approle') {
        try {
          await this.#relogin();
          return;
        } catch (e2) {
          if (e2 instanceof VaultError) this.#lastError = e2;
        }
      }
      // Keep trying while the token may still be alive (or, for AppRole, forever).
      const left = this.#lease.at + this.#lease.seconds * 1000 - Date.now();
      if (this.#auth.kind === 'approle' || left > 0)
        this.#schedule(Math.max(250, Math.min(RETRY_MS, left / 2)));
    }
  }
}

/** Reads a secret (token or secret ID) from a file: trimmed, non-empty, at most 4 KiB. */
export async function readSecretFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new VaultError(
      'VAULT_CONFIG',
      `cannot read the ${what} file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const secret = text.trim();
  if (secret === '' || secret.length > 4096 || /\s/.test(secret))
    throw new VaultError('VAULT_CONFIG', `the ${what} file ${path} does not hold one ${what}`);
  return secret;
}
