/**
 * Donor identities at rest, with the voter register's building blocks
 * (api/domains/voters/crypto.ts: AES-256-GCM sealing bound to its row) and the
 * finance domain's own key-service labels (CONVENTIONS.md §7: one label per
 * derived key):
 *
 * - the donor index: HMAC-SHA-256(category ‖ id number) under
 *   `finance.donor-index`, so the cumulative cap finds a donor's earlier
 *   contributions without the database holding a NIK or NPWP;
 * - envelope encryption: each contribution gets its own AES-256 key (DEK) that
 *   seals its donor record and salt, and the DEK is sealed under `finance.kek.1`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KeyService } from '../../../keys/index.ts';
import { openSealed, seal } from '../voters/index.ts';

export const DONOR_INDEX_LABEL = 'finance.donor-index';
export const FINANCE_KEK_LABEL = 'finance.kek.1';

const dekAad = (subject: string) => `saksi donor dek\n${subject}`;
const recordAad = (subject: string) => `saksi donor record\n${subject}`;

export class FinanceKeys {
  readonly #keys: KeyService;
  readonly #cache = new Map<string, Promise<Uint8Array>>();

  constructor(keys: KeyService) {
    this.#keys = keys;
  }

  #key(label: string): Promise<Uint8Array> {
    let k = this.#cache.get(label);
    if (!k) {
      k = this.#keys.dataKey(label);
      k.catch(() => this.#cache.delete(label));
      this.#cache.set(label, k);
    }
    return k;
  }

  /** The keyed index of a donor: the same donor (category and id number) gives the same value. */
  async donorMac(category: string, idNumber: string): Promise<Buffer> {
    return createHmac('sha256', await this.#key(DONOR_INDEX_LABEL))
      .update(`${category}\n${idNumber}`, 'utf8')
      .digest();
  }

  async newDek(subject: string): Promise<{ dek: Buffer; sealed: Buffer; kekLabel: string }> {
    const dek = randomBytes(32);
    const kek = await this.#key(FINANCE_KEK_LABEL);
    return { dek, sealed: seal(kek, dek, dekAad(subject)), kekLabel: FINANCE_KEK_LABEL };
  }

  async openDek(subject: string, kekLabel: string, sealed: Uint8Array): Promise<Buffer> {
    return openSealed(await this.#key(kekLabel), sealed, dekAad(subject));
  }
}

export const sealDonor = (dek: Uint8Array, subject: string, json: string) =>
  seal(dek, Buffer.from(json, 'utf8'), recordAad(subject));
export const openDonor = (dek: Uint8Array, subject: string, sealed: Uint8Array) =>
  openSealed(dek, sealed, recordAad(subject)).toString('utf8');
