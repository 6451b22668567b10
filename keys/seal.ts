/**
 * Sealing key material under the key-encryption key (KEK) with AES-256-GCM
 * (NIST SP 800-38D). Every sealed value carries additional authenticated data
 * naming what it is (its label, and for signing keys the version and public key),
 * so a sealed key moved to another slot of the keystore fails authentication
 * instead of being used for the wrong purpose.
 */
import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';

/** SP 800-38D §8.2.2: random 96-bit IVs; a keystore seals a handful of values. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  /** Standard base64 of the 12-byte IV. */
  iv: string;
  /** Standard base64 of the ciphertext. */
  ct: string;
  /** Standard base64 of the 16-byte GCM tag. */
  tag: string;
}

/** Versioned prefix of every AAD, so a later format cannot be confused with this one. */
const AAD_PREFIX = 'saksi-keystore/1\n';

export function seal(kek: KeyObject, plaintext: Uint8Array, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(AAD_PREFIX + aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * The plaintext, or null if authentication fails (wrong KEK, changed ciphertext,
 * IV, tag or AAD). The caller decides which of those it means. The returned
 * buffer holds key material: zero it when done.
 */
export function unseal(kek: KeyObject, sealed: Sealed, aad: string): Buffer | null {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(AAD_PREFIX + aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
