/**
 * Username and password login for officers, answering with a bearer token.
 *
 * What an answer may reveal: nothing about whether a username exists. An unknown
 * username is checked against a dummy hash (same cost as a real one), is
 * throttled like a known one (./lockout.ts), and gets the same answer as a wrong
 * password. Only someone who knows the password learns that the officer is
 * suspended.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../ledger/index.ts';
import {
  MAX_PASSWORD_CHARS,
  type Officer,
  passwordLength,
  USERNAME,
} from '../domains/identity/rules.ts';
import { findCredentials } from '../domains/identity/store.ts';
import { beginAttempt, clearAttempts, THROTTLE, type ThrottlePolicy } from './lockout.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { IssuedToken, TokenService } from './tokens.ts';

export type LoginResult =
  | { ok: true; issued: IssuedToken; officer: Officer }
  | { ok: false; code: 'INVALID_CREDENTIALS' | 'SUSPENDED' }
  | { ok: false; code: 'THROTTLED'; scope: 'username' | 'source'; retryAfterSeconds: number };

export interface LoginDeps {
  db: Db;
  tokens: TokenService;
  throttle?: ThrottlePolicy;
  now?: () => number;
}

export class LoginService {
  readonly #deps: LoginDeps;
  readonly #now: () => number;
  readonly #dummy: Promise<string>;

  constructor(deps: LoginDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    // Made once, ahead of the first unknown username, so that one is not slower.
    this.#dummy = hashPassword(randomBytes(24).toString('base64url'));
    this.#dummy.catch(() => undefined);
  }

  /**
   * `username` and `password` come straight from the request body; `source` is
   * the client's address (./source.ts).
   */
  async login(username: string, password: string, source = 'unknown'): Promise<LoginResult> {
    const { db, tokens } = this.#deps;
    const policy = this.#deps.throttle ?? THROTTLE;
    const invalid: LoginResult = { ok: false, code: 'INVALID_CREDENTIALS' };
    const name = username.toLowerCase();
    const possible = USERNAME.test(name) && passwordLength(password) <= MAX_PASSWORD_CHARS;
    const now = new Date(this.#now());
    // A name that cannot exist still counts against its source (spraying).
    const attempt = await beginAttempt(db, possible ? name : null, source, now, policy);
    if (!attempt.allowed)
      return {
        ok: false,
        code: 'THROTTLED',
        scope: attempt.scope,
        retryAfterSeconds: attempt.retryAfterSeconds,
      };
    if (!possible) {
      // No such officer can exist; spend the same time as if one did.
      await verifyPassword(await this.#dummy, password.slice(0, MAX_PASSWORD_CHARS));
      return invalid;
    }
    const found = await findCredentials(db, name);
    const matches = await verifyPassword(found?.passwordHash ?? (await this.#dummy), password);
    if (!found || !matches) return invalid;
    await clearAttempts(db, name, source, now, policy);
    if (found.officer.suspended) return { ok: false, code: 'SUSPENDED' };
    return { ok: true, issued: await tokens.issue(found.officer), officer: found.officer };
  }
}
