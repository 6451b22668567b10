/**
 * Login lockout per username, kept in the database so every API node sees it:
 * after `maxAttempts` failed logins within `windowMs`, the username is locked for
 * `lockMs` (OWASP Authentication Cheat Sheet, "Account lockout"). Unknown
 * usernames are counted the same way, so the answers do not reveal which exist.
 *
 * An attempt is counted when it starts, in one atomic upsert, and forgiven when it
 * succeeds: parallel guesses cannot slip past the limit while the first ones are
 * still being hashed.
 */
import type { Sql } from '../../ledger/index.ts';

export interface LockoutPolicy {
  maxAttempts: number;
  windowMs: number;
  lockMs: number;
}

export const LOCKOUT: LockoutPolicy = {
  maxAttempts: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const MS = "::float8 * interval '1 millisecond'";

/** Counts an attempt for `username` unless it is locked; says which. */
export async function beginAttempt(
  sql: Sql,
  username: string,
  now: Date,
  policy: LockoutPolicy = LOCKOUT,
): Promise<Attempt> {
  const at = now.toISOString();
  // $2 now, $3 window, $4 lock, $5 max attempts. A window that has passed starts
  // over; the attempt that reaches the maximum sets the lock (and is still
  // checked: a correct password then clears it).
  const fresh = `f.window_start <= $2::timestamptz - $3${MS}`;
  const attempts = `CASE WHEN ${fresh} THEN 1 ELSE f.attempts + 1 END`;
  const counted = await sql.query(
    `INSERT INTO login_failures AS f (username, attempts, window_start, locked_until)
     VALUES ($1, 1, $2::timestamptz, CASE WHEN $5::int <= 1 THEN $2::timestamptz + $4${MS} END)
     ON CONFLICT (username) DO UPDATE SET
       attempts = ${attempts},
       window_start = CASE WHEN ${fresh} THEN $2::timestamptz ELSE f.window_start END,
       locked_until = CASE WHEN ${attempts} >= $5::int THEN $2::timestamptz + $4${MS} END
     WHERE f.locked_until IS NULL OR f.locked_until <= $2::timestamptz
     RETURNING attempts`,
    [username, at, policy.windowMs, policy.lockMs, policy.maxAttempts],
  );
  if (counted.length > 0) return { allowed: true };
  const [row] = await sql.query<{ locked_until: Date | string }>(
    'SELECT locked_until FROM login_failures WHERE username = $1',
    [username],
  );
  const until = row ? new Date(row.locked_until).getTime() : now.getTime();
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)),
  };
}

/**
 * Forgets the attempts of `username` after a successful login, and rows whose
 * window and lock have both passed (they no longer change any answer).
 */
export async function clearAttempts(
  sql: Sql,
  username: string,
  now: Date,
  policy: LockoutPolicy = LOCKOUT,
): Promise<void> {
  await sql.query(
    `DELETE FROM login_failures WHERE username = $1
       OR (window_start <= $2::timestamptz - $3${MS}
           AND (locked_until IS NULL OR locked_until <= $2::timestamptz))`,
    [username, now.toISOString(), policy.windowMs],
  );
}
