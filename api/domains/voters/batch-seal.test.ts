// batch-seal.ts: what the import seals with pooled randomness opens with
// crypto.ts's own functions (same layout, same additional data), and the pool
// never hands out the same bytes twice.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomPool, sealOpeningWith, sealPersonalWith, sealWithIv } from './batch-seal.ts';
import { open, openOpening, openPersonal, seal, VoterCryptoError } from './crypto.ts';

describe('sealing with pooled randomness', () => {
  it('opens with crypto.ts, bound to its row like crypto.ts seals', () => {
    const pool = new RandomPool(256);
    const dek = randomBytes(32);
    const subject = `voter:${randomBytes(16).toString('hex')}`;
    const personal = sealPersonalWith(pool, dek, subject, '{"name":"BUDI"}');
    expect(openPersonal(dek, subject, personal)).toBe('{"name":"BUDI"}');
    expect(() => openPersonal(dek, 'voter:other', personal)).toThrow(VoterCryptoError);
    const opening = sealOpeningWith(pool, dek, subject, 3, '{"salt":"x"}');
    expect(openOpening(dek, subject, 3, opening)).toBe('{"salt":"x"}');
    expect(() => openOpening(dek, subject, 2, opening)).toThrow(VoterCryptoError);
    // The same layout as crypto.ts `seal`: iv ‖ ciphertext ‖ tag.
    const a = seal(dek, Buffer.from('abc'), 'aad');
    const b = sealWithIv(dek, a.subarray(0, 12), Buffer.from('abc'), 'aad');
    expect(b.equals(a)).toBe(true);
    expect(open(dek, b, 'aad').toString()).toBe('abc');
    expect(() => sealWithIv(dek, Buffer.alloc(8), Buffer.from('abc'), 'aad')).toThrow(RangeError);
  });

  it('hands out slices that never overlap, across refills', () => {
    const pool = new RandomPool(100);
    const taken: Buffer[] = [];
    const copies: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      taken.push(pool.take(12));
      copies.push(Buffer.from(taken[i]!));
    }
    // A refill allocates anew: earlier slices keep the bytes they were handed out with.
    for (const [i, t] of taken.entries()) expect(t.equals(copies[i]!)).toBe(true);
    expect(new Set(copies.map((c) => c.toString('hex'))).size).toBe(50);
    expect(pool.take(500)).toHaveLength(500);
  });
});
