// Donor identities at rest (crypto.ts on keys/envelope.ts): bytes sealed by
// FinanceKeys before it was folded into the shared envelope keys (generated
// with that code from fixed keys) still open, and the donor index is the same
// value, so contributions already stored stay readable and their caps found.
import { describe, expect, it } from 'vitest';
import { expectStoredDek, fixedKeyService, hex } from '../../../test/fixed-keys.ts';
import { FinanceKeys, openDonor, sealDonor } from './crypto.ts';

describe('finance keys', () => {
  it('open what the earlier code sealed, and index a donor as it did', async () => {
    const keys = new FinanceKeys(fixedKeyService);
    expect((await keys.donorMac('WNI', '3171015203900001')).toString('hex')).toBe(
      'efc38d171391477078cd9acf53a48f601f08d26bf87599952cd33322fa30937c',
    );
    const dek = await expectStoredDek(keys, {
      indexed: 'WNI\n3171015203900001',
      macHex: 'efc38d171391477078cd9acf53a48f601f08d26bf87599952cd33322fa30937c',
      subject: 'contribution:1',
      kekLabel: 'finance.kek.1',
      sealedHex:
        'be00f50f6eaf6527e87b3142baea3584b714a4c25aa832d7b233172632ec59a0aa809e7ddf922c466843994b6bd1bc7df54d2a5ef695cadbd230f4a0',
    });
    expect(
      openDonor(
        dek,
        'contribution:1',
        hex('e0bf180f55d2eabe81416b17a6606ff5451eed0697ce5de40f73d7a2e20573151d0d66530cd43c34'),
      ),
    ).toBe('{"name":"A"}');
  });

  it('seal under finance.kek.1, bound to the row; another row or domain does not open it', async () => {
    const keys = new FinanceKeys(fixedKeyService);
    const { dek, sealed, kekLabel } = await keys.newDek('contribution:2');
    expect(kekLabel).toBe('finance.kek.1');
    expect(await keys.openDek('contribution:2', kekLabel, sealed)).toEqual(dek);
    await expect(keys.openDek('contribution:3', kekLabel, sealed)).rejects.toThrow('does not open');
    const record = sealDonor(dek, 'contribution:2', '{"name":"B"}');
    expect(() => openDonor(dek, 'contribution:3', record)).toThrow('does not open');
  });
});
