/**
 * Stored-format vectors of the envelope keys (keys/envelope.ts): a key service
 * whose data key for each label is fixed, so bytes sealed once by earlier code
 * (the vectors in the domains' crypto tests) open again, and a check that a
 * domain's keys still index and unseal them as that code did.
 */
import { expect } from 'vitest';
import type { EnvelopeKeys, KeyService } from '../keys/index.ts';

const fixed = (label: string) => new Uint8Array(32).map((_, i) => (i * 7 + label.length) & 255);

/** Only `dataKey` is used by EnvelopeKeys; each label's key is fixed. */
export const fixedKeyService = {
  dataKey: async (label: string) => fixed(label),
} as unknown as KeyService;

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/**
 * The keyed index of `indexed` is `macHex`, and the DEK sealed for `subject`
 * under `kekLabel` (`sealedHex`) opens to the vectors' DEK (32 bytes of 9):
 * returns it, for the record's own vectors.
 */
export async function expectStoredDek(
  keys: EnvelopeKeys,
  v: { indexed: string; macHex: string; subject: string; kekLabel: string; sealedHex: string },
): Promise<Buffer> {
  expect((await keys.mac(v.indexed)).toString('hex')).toBe(v.macHex);
  const dek = await keys.openDek(v.subject, v.kekLabel, hex(v.sealedHex));
  expect(dek).toEqual(Buffer.alloc(32, 9));
  return dek;
}
