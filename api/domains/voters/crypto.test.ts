// Envelope encryption of voter records (crypto.ts) with a real local keystore:
// sealed bytes open only with their key and only in their own row, and the NIK
// index is keyed (the same NIK gives another index under another keystore).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalKeystore } from '../../../keys/index.ts';
import { expectStoredDek, fixedKeyService, hex } from '../../../test/fixed-keys.ts';
import { openOpening, openPersonal, sealPersonal, VoterCryptoError, VoterKeys } from './crypto.ts';

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

// Bytes sealed by VoterKeys before it was folded into keys/envelope.ts
// (generated with that code from fixed keys): they still open, and the NIK
// index is the same value, so records already stored stay readable and findable.
describe('stored formats', () => {
  it('open what the earlier code sealed, and index a NIK as it did', async () => {
    const keys = new VoterKeys(fixedKeyService);
    expect((await keys.nikMac('3171015203900001')).toString('hex')).toBe(
      '903ed3cff9bda857e397f46ec1bfc269bd1af3b2f417cf54c95637f344fa74d3',
    );
    const dek = await expectStoredDek(keys, {
      indexed: '3171015203900001',
      macHex: '903ed3cff9bda857e397f46ec1bfc269bd1af3b2f417cf54c95637f344fa74d3',
      subject: 'voter:1',
      kekLabel: 'voters.kek.1',
      sealedHex:
        '777b109dadf2a4c4f29909ced40aaf8520fde7a6ed6f7208b680504ba1330bb696d24c2897cd7e1e4833d913505b3d8d760956f60be62f581a763cd0',
    });
    expect(
      openPersonal(
        dek,
        'voter:1',
        hex(
          '9a35b0a6460c7e0f9a57078c2a7ef9a9e2a5cbd74dfa196321c6b0414aa7e7019f9fe0bbca4e3ab175cb39bb20668dfaaacb5f850474',
        ),
      ),
    ).toBe('{"nik":"3171015203900001"}');
    expect(
      openOpening(
        dek,
        'voter:1',
        2,
        hex('f814d6ee542b83fdb707d51f541e67efe15e147b95a829304bdfe8c25756469734baecb95bd4e71a'),
      ),
    ).toBe('{"salt":"x"}');
  });
});
