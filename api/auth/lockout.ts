/**
 * Login throttling, kept in the database so every API node sees it (issue #10).
 *
 * OWASP ASVS v4.0.3 §2.2.1 asks for anti-automation that stops credential
 * testing, brute force and account lockout attacks — a lockout per username lets
 * anyone lock any officer out with five requests, so there is none. Instead:
 *
 * - per (username, source address): the first `freeFailures` failures cost
 *   nothing; after that each failure makes the next attempt wait, twice as long
 *   each time, from `baseDelayMs` up to `maxDelayMs` (exponential backoff). An
 *   attempt during the wait is refused (429 + Retry-After) before its password is
 *   looked at. A pair is forgotten after `forgetMs` without a failure, or at a
 *   successful login. Only the source that failed has to wait: an attacker
 *   elsewhere cannot keep the officer out.
 * - per source across usernames: at most `maxSourceFailures` failures in
 *   `sourceWindowMs`, against password spraying (one password, many usernames).
 *
 * With the defaults a single source gets about 14 guesses at one username in
 * the first 17 minutes and 4 an hour after that (ASVS: at most 100 an hour), and
 * 50 failures across usernames per 15 minutes. Unknown usernames are counted the
 * same way, so the answers do not reveal which exist. Sources are TCP peers
 * (./source.ts).
 *
 * An attempt is counted when it starts, in one atomic upsert per counter, and
 * forgiven when it succeeds or is refused: parallel guesses cannot slip past the
 * limits while the first ones are still being hashed, and only attempts whose
 * password is checked count against a source.
 */
import type { Sql } from '../../ledger/index.ts';

export interface ThrottlePolicy {
  /** Failures of one username from one source before delays start. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** A (username, source) pair quiet this long starts over. */
  forgetMs: number;
  /** Failures from one source, across all usernames, per window. */
  maxSourceFailures: number;
  sourceWindowMs: number;
}

export const THROTTLE: ThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetMs: 60 * 60_000,
  maxSourceFailures: 50,
  sourceWindowMs: 15 * 60_000,
};

export type Attempt =
  | { allowed: true }
  | { allowed: false; scope: 'username' | 'source'; retryAfterSeconds: number };

/** How long the attempt after failure number `failures` must wait (0: none). */
export function delayAfter(failures: number, policy: ThrottlePolicy = THROTTLE): number {
  if (failures <= policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures - 1, 40);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
}

const MS = "::float8 * interval '1 millisecond'";
const seconds = (until: Date | string, now: Date) =>
  Math.max(1, Math.ceil((new Date(until).getTime() - now.getTime()) / 1000));

/**
 * Counts an attempt for `username` (null: one that cannot exist, counted for
 * the source only) from `source`, unless a limit refuses it; says which.
 */
export async function beginAttempt(
  sql: Sql,
  username: string | null,
  source: string,
  now: Date,
  policy: ThrottlePolicy = THROTTLE,
): Promise<Attempt> {
  const at = now.toISOString();
  // $1 source, $2 now, $3 window, $4 ceiling. A window that has passed starts over.
  const over = `s.window_start <= $2::timestamptz - $3${MS}`;
  const counted = await sql.query(
    `INSERT INTO login_source_failures AS s (source, failures, window_start)
     VALUES ($1, 1, $2::timestamptz)
     ON CONFLICT (source) DO UPDATE SET
       failures = CASE WHEN ${over} THEN 1 ELSE s.failures + 1 END,
       window_start = CASE WHEN ${over} THEN $2::timestamptz ELSE s.window_start END
     WHERE ${over} OR s.failures < $4::int
     RETURNING failures`,
    [source, at, policy.sourceWindowMs, policy.maxSourceFailures],
  );
  if (counted.length === 0) {
    const [row] = await sql.query<{ until: Date | string }>(
      `SELECT window_start + $2${MS} AS until FROM login_source_failures WHERE source = $1`,
      [source, policy.sourceWindowMs],
    );
    return { allowed: false, scope: 'source', retryAfterSeconds: seconds(row?.until ?? now, now) };
  }
  if (username === null) return { allowed: true };

  // $1 username, $2 source, $3 now, $4 forget, $5 free failures, $6 base, $7 max.
  // The failure this attempt would be sets the wait before the next one.
  const quiet = `f.last_failure <= $3::timestamptz - $4${MS}`;
  const failures = `CASE WHEN ${quiet} THEN 1 ELSE f.failures + 1 END`;
  const wait = (n: string) =>
    `CASE WHEN ${n} > $5::int THEN $3::timestamptz +
       least($7::float8, $6::float8 * power(2, least(${n} - $5::int - 1, 40)))${MS} END`;
  const pair = await sql.query(
    `INSERT INTO login_pair_failures AS f (username, source, failures, last_failure, blocked_until)
     VALUES ($1, $2, 1, $3::timestamptz, ${wait('1')})
     ON CONFLICT (username, source) DO UPDATE SET
       failures = ${failures},
       last_failure = $3::timestamptz,
       blocked_until = ${wait(`(${failures})`)}
     WHERE f.blocked_until IS NULL OR f.blocked_until <= $3::timestamptz
     RETURNING failures`,
    [
      username,
      source,
      at,
      policy.forgetMs,
      policy.freeFailures,
      policy.baseDelayMs,
      policy.maxDelayMs,
    ],
  );
  if (pair.length > 0) return { allowed: true };
  // Refused before its password was looked at: not a guess the source made, so
  // it does not count towards the source's ceiling.
  await sql.query(
    'UPDATE login_source_failures SET failures = failures - 1 WHERE source = $1 AND failures > 0',
    [source],
  );
  const [row] = await sql.query<{ blocked_until: Date | string }>(
    'SELECT blocked_until FROM login_pair_failures WHERE username = $1 AND source = $2',
    [username, source],
  );
  return {
    allowed: false,
    scope: 'username',
    retryAfterSeconds: seconds(row?.blocked_until ?? now, now),
  };
}

/**
 * After a successful login: forgets the pair, forgives the source the attempt
 * it was counted, and drops rows that no longer change any answer.
 */
export async function clearAttempts(
  sql: Sql,
  username: string,
  source: string,
  now: Date,
  policy: ThrottlePolicy = THROTTLE,
): Promise<void> {
  const at = now.toISOString();
  await sql.query(
    `DELETE FROM login_pair_failures WHERE (username = $1 AND source = $2)
       OR (last_failure <= $3::timestamptz - $4${MS}
           AND (blocked_until IS NULL OR blocked_until <= $3::timestamptz))`,
    [username, source, at, policy.forgetMs],
  );
  await sql.query(
    `UPDATE login_source_failures SET failures = failures - 1 WHERE source = $1 AND failures > 0`,
    [source],
  );
  await sql.query(
    `DELETE FROM login_source_failures WHERE window_start <= $1::timestamptz - $2${MS}`,
    [at, policy.sourceWindowMs],
  );
}
