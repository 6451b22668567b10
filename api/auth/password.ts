/**
 * Password hashing with scrypt (RFC 7914) from node:crypto, stored as a
 * self-describing string `scrypt$N$r$p$salt$hash` (salt and hash base64url, no
 * padding) so that the parameters can be raised later without breaking old hashes.
 *
 * N = 2^15, r = 8, p = 1 (OWASP Password Storage Cheat Sheet's scrypt minimum)
 * costs 32 MiB and tens of milliseconds per hash; it runs on libuv's thread pool,
 * not on the event loop.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Bounds on parameters read back from the database, so that a corrupted or
 * planted hash cannot make one login cost gigabytes or minutes.
 */
const LIMITS = { minLogN: 14, maxLogN: 20, maxR: 32, maxP: 16 };

export class PasswordHashError extends Error {
  readonly code = 'BAD_PASSWORD_HASH';
}

function scryptAsync(
  password: string,
  salt: Uint8Array,
  p: { N: number; r: number; p: number },
): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly the
  // minimum here, so allow twice what the parameters need.
  const options: ScryptOptions = { ...p, maxmem: 256 * p.N * p.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/**
 * Hashes a password. Passwords are NFKC-normalised first (NIST SP 800-63B
 * §5.1.1.2), so the same characters typed on two keyboards give one hash.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const FORMAT =
  /^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function parseHash(stored: string) {
  const m = FORMAT.exec(stored);
  if (!m) throw new PasswordHashError('stored password hash is not scrypt$N$r$p$salt$hash');
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = Buffer.from(m[5]!, 'base64url');
  const logN = Math.log2(N);
  if (
    !Number.isInteger(logN) ||
    logN < LIMITS.minLogN ||
    logN > LIMITS.maxLogN ||
    r < 1 ||
    r > LIMITS.maxR ||
    p < 1 ||
    p > LIMITS.maxP ||
    salt.length < SALT_BYTES ||
    key.length !== KEY_BYTES
  )
    throw new PasswordHashError('stored password hash has parameters out of bounds');
  return { params: { N, r, p }, salt, key };
}

/**
 * Whether `password` matches `stored`, compared in constant time. Throws
 * PasswordHashError if `stored` is not a hash this module wrote (a database
 * fault, not a wrong password).
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const { params, salt, key } = parseHash(stored);
  const candidate = await scryptAsync(password, salt, params);
  return timingSafeEqual(candidate, key);
}
