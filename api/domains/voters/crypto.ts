/**
 * Personal data at rest (docs/voters.md "Keys and encryption"):
 *
 * - the NIK index: HMAC-SHA-256(NIK) under the key service's `voters.nik-index`
 *   data key, so the database finds a NIK without holding one (a dump cannot be
 *   reversed by enumerating the ~10^10 plausible NIKs without the key);
 * - envelope encryption: each record gets its own random AES-256 key (DEK); the
 *   personal fields and each version's opening are AES-256-GCM under it, and
 *   the DEK is sealed (AES-256-GCM) under a key-service data key whose label
 *   carries its version (`voters.kek.1`). Rotating the key-encryption key
 *   re-seals 32-byte DEKs, not records; deleting one record's DEK and openings
 *   erases that record alone. The local keystore and Vault Transit both give
 *   data keys (keys/key-service.ts `dataKey`).
 *
 * Every ciphertext is bound to its row by its additional data (subject, and
 * version for openings), so sealed bytes moved to another row do not open.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { KeyService } from '../../../keys/index.ts';

export const NIK_INDEX_LABEL = 'voters.nik-index';
/** The key-encryption key new records are sealed under; a rotation bumps the number. */
export const CURRENT_KEK_LABEL = 'voters.kek.1';

const IV = 12;
const TAG = 16;

/** A sealed value failed to open: wrong key, wrong row, or tampered bytes. */
export class VoterCryptoError extends Error {
  readonly code = 'UNSEALABLE' as const;
}

/** AES-256-GCM (NIST SP 800-38D), 96-bit random IV: `iv ‖ ciphertext ‖ tag`. */
export function seal(key: Uint8Array, plain: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  if (sealed.length < IV + TAG) throw new VoterCryptoError('sealed value too short');
  const b = Buffer.from(sealed);
  const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, IV));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(b.subarray(b.length - TAG));
  try {
    return Buffer.concat([d.update(b.subarray(IV, b.length - TAG)), d.final()]);
  } catch {
    throw new VoterCryptoError('sealed value does not open');
  }
}

const dekAad = (subject: string) => `saksi voter dek\n${subject}`;
const personalAad = (subject: string) => `saksi voter personal\n${subject}`;
const openingAad = (subject: string, seq: number) => `saksi voter opening\n${subject}\n${seq}`;

/** The voter domain's keys, fetched once from the key service. */
export class VoterKeys {
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

  async nikMac(nik: string): Promise<Buffer> {
    return createHmac('sha256', await this.#key(NIK_INDEX_LABEL))
      .update(nik, 'utf8')
      .digest();
  }

  /** A new record key, sealed under the current key-encryption key. */
  async newDek(subject: string): Promise<{ dek: Buffer; sealed: Buffer; kekLabel: string }> {
    const dek = randomBytes(32);
    const kek = await this.#key(CURRENT_KEK_LABEL);
    return { dek, sealed: seal(kek, dek, dekAad(subject)), kekLabel: CURRENT_KEK_LABEL };
  }

  async openDek(subject: string, kekLabel: string, sealed: Uint8Array): Promise<Buffer> {
    return open(await this.#key(kekLabel), sealed, dekAad(subject));
  }
}

export const sealPersonal = (dek: Uint8Array, subject: string, json: string) =>
  seal(dek, Buffer.from(json, 'utf8'), personalAad(subject));
export const openPersonal = (dek: Uint8Array, subject: string, sealed: Uint8Array) =>
  open(dek, sealed, personalAad(subject)).toString('utf8');
export const sealOpening = (dek: Uint8Array, subject: string, seq: number, json: string) =>
  seal(dek, Buffer.from(json, 'utf8'), openingAad(subject, seq));
export const openOpening = (dek: Uint8Array, subject: string, seq: number, sealed: Uint8Array) =>
  open(dek, sealed, openingAad(subject, seq)).toString('utf8');
