/**
 * Personal data at rest (docs/voters.md "Keys and encryption"), with the
 * envelope keys every domain shares (keys/envelope.ts) under the voter
 * register's own labels:
 *
 * - the NIK index: HMAC-SHA-256(NIK) under the key service's `voters.nik-index`
 *   data key, so the database finds a NIK without holding one;
 * - envelope encryption: each record gets its own random AES-256 key (DEK); the
 *   personal fields and each version's opening are AES-256-GCM under it, and
 *   the DEK is sealed under `voters.kek.1`. Deleting one record's DEK and
 *   openings erases that record alone.
 *
 * Every ciphertext is bound to its row by its additional data (subject, and
 * version for openings), so sealed bytes moved to another row do not open.
 */

import type { KeyService } from '../../../keys/index.ts';
import { EnvelopeKeys, openValue, SealError, sealValue } from '../../../keys/index.ts';

export const NIK_INDEX_LABEL = 'voters.nik-index';
/** The key-encryption key new records are sealed under; a rotation bumps the number. */
export const CURRENT_KEK_LABEL = 'voters.kek.1';

/** A sealed value failed to open: wrong key, wrong row, or tampered bytes. */
export { openValue as open, SealError as VoterCryptoError, sealValue as seal };

const personalAad = (subject: string) => `saksi voter personal\n${subject}`;
const openingAad = (subject: string, seq: number) => `saksi voter opening\n${subject}\n${seq}`;

/** The voter domain's keys, fetched once from the key service. */
export class VoterKeys extends EnvelopeKeys {
  constructor(keys: KeyService) {
    super(keys, { index: NIK_INDEX_LABEL, kek: CURRENT_KEK_LABEL, dekAad: 'saksi voter dek' });
  }

  nikMac(nik: string): Promise<Buffer> {
    return this.mac(nik);
  }
}

/** `iv`: a fresh 12-byte IV from a batch's random draw (the import); drawn here if absent. */
export const sealPersonal = (dek: Uint8Array, subject: string, json: string, iv?: Uint8Array) =>
  sealValue(dek, Buffer.from(json, 'utf8'), personalAad(subject), iv);
export const openPersonal = (dek: Uint8Array, subject: string, sealed: Uint8Array) =>
  openValue(dek, sealed, personalAad(subject)).toString('utf8');
export const sealOpening = (
  dek: Uint8Array,
  subject: string,
  seq: number,
  json: string,
  iv?: Uint8Array,
) => sealValue(dek, Buffer.from(json, 'utf8'), openingAad(subject, seq), iv);
export const openOpening = (dek: Uint8Array, subject: string, seq: number, sealed: Uint8Array) =>
  openValue(dek, sealed, openingAad(subject, seq)).toString('utf8');
