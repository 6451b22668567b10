/**
 * Envelope encryption of personal data at rest, for every domain that keeps
 * some (the voter register's records, campaign finance's donors; docs/voters.md
 * "Keys and encryption", docs/finance.md):
 *
 * - a keyed index: HMAC-SHA-256 under the domain's index data key (e.g.
 *   `voters.nik-index`), so the database finds a person by their number
 *   without holding it (a dump cannot be reversed by enumerating plausible
 *   numbers without the key);
 * - envelope encryption: each record gets its own random AES-256 key (DEK); the
 *   personal fields are AES-256-GCM under it, and the DEK is sealed under a
 *   key-service data key whose label carries its version (`voters.kek.1`).
 *   Rotating the key-encryption key re-seals 32-byte DEKs, not records; deleting
 *   one record's DEK erases that record alone. The local keystore and Vault
 *   Transit both give data keys (./key-service.ts `dataKey`).
 *
 * Every ciphertext is bound to its row by its additional data (a domain's
 * prefix and the subject), so sealed bytes moved to another row do not open.
 * The domains pass their own labels and prefixes (CONVENTIONS.md §7: one label
 * per derived key); the bytes stored are exactly what each domain stored
 * before this class served both.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { KeyService } from './key-service.ts';

const IV = 12;
const TAG = 16;
const DEK = 32;

/** A sealed value failed to open: wrong key, wrong row, or tampered bytes. */
export class SealError extends Error {
  readonly code = 'UNSEALABLE' as const;
}

/**
 * AES-256-GCM (NIST SP 800-38D), 96-bit random IV: `iv ‖ ciphertext ‖ tag`.
 * `iv` is for batch writers that cut fresh IVs from one CSPRNG draw (each IV
 * used once: `newDeks`, the voter import's pool); absent, one is drawn here.
 */
export function sealValue(
  key: Uint8Array,
  plain: Uint8Array,
  aad: string,
  iv: Uint8Array = randomBytes(IV),
): Buffer {
  if (iv.length !== IV) throw new RangeError('AES-GCM IV must be 12 bytes');
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = c.update(plain);
  const last = c.final();
  const out = Buffer.allocUnsafe(IV + body.length + last.length + TAG);
  out.set(iv, 0);
  out.set(body, IV);
  out.set(last, IV + body.length);
  out.set(c.getAuthTag(), IV + body.length + last.length);
  return out;
}

export function openValue(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  if (sealed.length < IV + TAG) throw new SealError('sealed value too short');
  const b = Buffer.from(sealed);
  const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, IV));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(b.subarray(b.length - TAG));
  try {
    return Buffer.concat([d.update(b.subarray(IV, b.length - TAG)), d.final()]);
  } catch {
    throw new SealError('sealed value does not open');
  }
}

/** One domain's key names and the additional data its DEKs are sealed with. */
export interface EnvelopeLabels {
  /** The data key of the keyed index, e.g. `voters.nik-index`. */
  index: string;
  /** The key-encryption key new records are sealed under; a rotation bumps the number. */
  kek: string;
  /** The AAD prefix of a sealed DEK, followed by `\n` and the subject (e.g. `saksi voter dek`). */
  dekAad: string;
}

/** A domain's keys, each fetched once from the key service (a failed fetch is retried). */
export class EnvelopeKeys {
  readonly #keys: KeyService;
  readonly #cache = new Map<string, Promise<Uint8Array>>();

  constructor(
    keys: KeyService,
    readonly labels: EnvelopeLabels,
  ) {
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

  #dekAad(subject: string): string {
    return `${this.labels.dekAad}\n${subject}`;
  }

  /** HMAC-SHA-256 of `text` under the index key: the same text gives the same value. */
  async mac(text: string): Promise<Buffer> {
    return createHmac('sha256', await this.#key(this.labels.index))
      .update(text, 'utf8')
      .digest();
  }

  /** A new record key, sealed under the current key-encryption key. */
  async newDek(subject: string): Promise<{ dek: Buffer; sealed: Buffer; kekLabel: string }> {
    const dek = randomBytes(DEK);
    const kek = await this.#key(this.labels.kek);
    return { dek, sealed: sealValue(kek, dek, this.#dekAad(subject)), kekLabel: this.labels.kek };
  }

  /**
   * One new record key per subject, as `newDek` gives, for a batch: the keys and
   * their seals' IVs cut from one `randomBytes` call and the key-encryption key
   * fetched once. On OpenSSL 3 a `randomBytes` call costs microseconds whatever
   * its size (a DRBG lock per call): two per record were ~8% of the voter
   * import's CPU. The keys are slices of one buffer: `wipe()` zeroes them all.
   */
  async newDeks(
    subjects: readonly string[],
  ): Promise<{ deks: { dek: Buffer; sealed: Buffer }[]; kekLabel: string; wipe: () => void }> {
    const kek = await this.#key(this.labels.kek);
    const n = subjects.length;
    const random = randomBytes(n * (DEK + IV));
    const deks = subjects.map((subject, i) => {
      const dek = random.subarray(i * DEK, (i + 1) * DEK);
      const iv = random.subarray(n * DEK + i * IV, n * DEK + (i + 1) * IV);
      return { dek, sealed: sealValue(kek, dek, this.#dekAad(subject), iv) };
    });
    return { deks, kekLabel: this.labels.kek, wipe: () => random.fill(0) };
  }

  /** HMAC-SHA-256 of each text under the index key (`mac`, the key fetched once). */
  async macs(texts: readonly string[]): Promise<Buffer[]> {
    const key = await this.#key(this.labels.index);
    return texts.map((t) => createHmac('sha256', key).update(t, 'utf8').digest());
  }

  /** A record key sealed under `kekLabel` (any version, so records sealed before a rotation open). */
  async openDek(subject: string, kekLabel: string, sealed: Uint8Array): Promise<Buffer> {
    return openValue(await this.#key(kekLabel), sealed, this.#dekAad(subject));
  }
}
