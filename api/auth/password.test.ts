// scrypt password hashes (RFC 7914 via node:crypto): the stored format, that
// verification holds for the right password only, that salts differ, and that a
// stored hash that is malformed or asks for absurd work is refused, not run.
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordHashError, SCRYPT_PARAMS, verifyPassword } from './password.ts';

describe('scrypt password hashes', () => {
  it('stores scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1, 16-byte salt, 32-byte key', async () => {
    const h = await hashPassword('correct horse battery staple');
    const parts = h.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(32);
    expect(SCRYPT_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('is RFC 7914 scrypt of the NFKC-normalised password under the stored salt', async () => {
    const h = await hashPassword('kata sandi rahasia');
    const [, , , , salt, key] = h.split('$');
    const expected = scryptSync('kata sandi rahasia', Buffer.from(salt!, 'base64url'), 32, {
      N: 32768,
      r: 8,
      p: 1,
      maxmem: 64 << 20,
    });
    expect(Buffer.from(key!, 'base64url').equals(expected)).toBe(true);
  });

  it('verifies the right password and refuses others', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(h, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword(h, '')).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password!'),
      hashPassword('same password!'),
    ]);
    expect(a).not.toBe(b);
  });

  it('treats canonically equivalent spellings as one password (NFKC)', async () => {
    const h = await hashPassword('caf\u00e9 au lait 2024');
    expect(await verifyPassword(h, 'cafe\u0301 au lait 2024')).toBe(true);
  });

  it('refuses stored hashes it did not write, or that ask for too much work', async () => {
    const good = await hashPassword('correct horse battery staple');
    const [, , , , salt, key] = good.split('$');
    const bad = [
      '',
      'plain',
      `bcrypt$32768$8$1$${salt}$${key}`,
      `scrypt$32768$8$1$${salt}`,
      `scrypt$30000$8$1$${salt}$${key}`, // N not a power of two
      `scrypt$1024$8$1$${salt}$${key}`, // too weak to be ours
      `scrypt$${2 ** 24}$8$1$${salt}$${key}`, // 16 GiB of memory
      `scrypt$32768$64$1$${salt}$${key}`,
      `scrypt$32768$8$99$${salt}$${key}`,
      `scrypt$32768$8$1$AAAA$${key}`, // 3-byte salt
      `scrypt$32768$8$1$${salt}$${key}AAAA`, // 35-byte key
      `scrypt$32768$8$1$${salt}$${key}=`,
    ];
    for (const stored of bad)
      await expect(verifyPassword(stored, 'x'), stored).rejects.toBeInstanceOf(PasswordHashError);
  });
});
