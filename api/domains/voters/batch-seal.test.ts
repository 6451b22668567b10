// The import's batch randomness: what it seals with IVs cut from one draw opens
// with crypto.ts (same layout, same additional data), the pool never hands out
// the same bytes twice, and a batch of DEKs opens like `newDek`'s.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocalKeystore } from '../../../keys/index.ts';
import { RandomPool } from './batch-seal.ts';
import {
  open,
  openOpening,
  openPersonal,
  seal,
  sealOpening,
  sealPersonal,
  VoterCryptoError,
  VoterKeys,
} from './crypto.ts';

describe('sealing with batch randomness', () => {
  it('opens with crypto.ts, bound to its row like crypto.ts seals', () => {
    const pool = new RandomPool(256);
    const dek = randomBytes(32);
    const subject = `voter:${randomBytes(16).toString('hex')}`;
    const personal = sealPersonal(dek, subject, '{"name":"BUDI"}', pool.take(12));
    expect(openPersonal(dek, subject, personal)).toBe('{"name":"BUDI"}');
    expect(() => openPersonal(dek, 'voter:other', personal)).toThrow(VoterCryptoError);
    const opening = sealOpening(dek, subject, 3, '{"salt":"x"}', pool.take(12));
    expect(openOpening(dek, subject, 3, opening)).toBe('{"salt":"x"}');
    expect(() => openOpening(dek, subject, 2, opening)).toThrow(VoterCryptoError);
    // The IV given is the IV stored: iv ‖ ciphertext ‖ tag, as with one drawn inside.
    const a = seal(dek, Buffer.from('abc'), 'aad');
    const b = seal(dek, Buffer.from('abc'), 'aad', a.subarray(0, 12));
    expect(b.equals(a)).toBe(true);
    expect(open(dek, b, 'aad').toString()).toBe('abc');
    expect(() => seal(dek, Buffer.from('abc'), 'aad', Buffer.alloc(8))).toThrow(RangeError);
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

  it('gives a batch of distinct DEKs that open like newDek, and wipes them', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'saksi-batch-seal-'));
    try {
      const keys = new VoterKeys(await openLocalKeystore({ dir }));
      const subjects = ['voter:a', 'voter:b', 'voter:c'];
      const batch = await keys.newDeks(subjects);
      expect(batch.kekLabel).toBe('voters.kek.1');
      const copies = batch.deks.map((d) => Buffer.from(d.dek));
      expect(new Set(copies.map((c) => c.toString('hex'))).size).toBe(3);
      // Each IV once: the three seals start differently.
      expect(new Set(batch.deks.map((d) => d.sealed.subarray(0, 12).toString('hex'))).size).toBe(3);
      for (const [i, d] of batch.deks.entries()) {
        expect(d.sealed).toHaveLength(60);
        const opened = await keys.openDek(subjects[i]!, batch.kekLabel, d.sealed);
        expect(opened.equals(copies[i]!)).toBe(true);
        // Bound to its subject like newDek's.
        await expect(keys.openDek('voter:z', batch.kekLabel, d.sealed)).rejects.toThrow();
      }
      batch.wipe();
      for (const d of batch.deks) expect(d.dek.equals(Buffer.alloc(32))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
