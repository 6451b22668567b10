/**
 * Donor identities at rest, with the envelope keys every domain shares
 * (keys/envelope.ts: AES-256-GCM sealing bound to its row) under the finance
 * domain's own key-service labels (CONVENTIONS.md §7: one label per derived key):
 *
 * - the donor index: HMAC-SHA-256(category ‖ id number) under
 *   `finance.donor-index`, so the cumulative cap finds a donor's earlier
 *   contributions without the database holding a NIK or NPWP;
 * - envelope encryption: each contribution gets its own AES-256 key (DEK) that
 *   seals its donor record and salt, and the DEK is sealed under `finance.kek.1`.
 */
import { EnvelopeKeys, type KeyService, openValue, sealValue } from '../../../keys/index.ts';

export const DONOR_INDEX_LABEL = 'finance.donor-index';
export const FINANCE_KEK_LABEL = 'finance.kek.1';

const recordAad = (subject: string) => `saksi donor record\n${subject}`;

export class FinanceKeys extends EnvelopeKeys {
  constructor(keys: KeyService) {
    super(keys, { index: DONOR_INDEX_LABEL, kek: FINANCE_KEK_LABEL, dekAad: 'saksi donor dek' });
  }

  /** The keyed index of a donor: the same donor (category and id number) gives the same value. */
  donorMac(category: string, idNumber: string): Promise<Buffer> {
    return this.mac(`${category}\n${idNumber}`);
  }
}

export const sealDonor = (dek: Uint8Array, subject: string, json: string) =>
  sealValue(dek, Buffer.from(json, 'utf8'), recordAad(subject));
export const openDonor = (dek: Uint8Array, subject: string, sealed: Uint8Array) =>
  openValue(dek, sealed, recordAad(subject)).toString('utf8');
