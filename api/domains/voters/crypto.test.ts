// Envelope encryption of voter records (crypto.ts) with a real local keystore:
// sealed bytes open only with their key and only in their own row, and the NIK
// index is keyed (the same NIK gives another index under another keystore).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalKeystore } from '../../../keys/index.ts';
import { openPersonal, sealPersonal, VoterCryptoError, VoterKeys } from './crypto.ts';

const dirs: string[] = [];
const keystore = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saksi-voters-'));
  dirs.push(dir);
  return openLocalKeystore({ dir });
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('voter keys', () => {
  it('index NIKs under a key-service key, not by a plain hash', async () => {
    const a = new VoterKeys(await keystore());
    const b = new VoterKeys(await keystore());
    const nik = '3171015203900001';
    expect(await a.nikMac(nik)).toEqual(await a.nikMac(nik));
    expect(await a.nikMac(nik)).not.toEqual(await b.nikMac(nik));
    expect(await a.nikMac(nik)).toHaveLength(32);
  });

  it('seal a record under its own key, wrapped by the key service, bound to its row', async () => {
    const keys = new VoterKeys(await keystore());
    const { dek, sealed, kekLabel } = await keys.newDek('voter:1');
    expect(kekLabel).toBe('voters.kek.1');
    const personal = sealPersonal(dek, 'voter:1', '{"nik":"3171015203900001"}');
    expect(personal.toString('latin1')).not.toContain('3171015203900001');
    const again = await keys.openDek('voter:1', kekLabel, sealed);
    expect(again).toEqual(dek);
    expect(openPersonal(again, 'voter:1', personal)).toBe('{"nik":"3171015203900001"}');
    // Moved to another row, or tampered with, it does not open.
    await expect(keys.openDek('voter:2', kekLabel, sealed)).rejects.toBeInstanceOf(
      VoterCryptoError,
    );
    expect(() => openPersonal(again, 'voter:2', personal)).toThrow(VoterCryptoError);
    const flipped = Buffer.from(personal);
    flipped[20]! ^= 1;
    expect(() => openPersonal(again, 'voter:1', flipped)).toThrow(VoterCryptoError);
  });
});
