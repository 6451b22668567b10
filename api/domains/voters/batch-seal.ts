/**
 * Sealing at import rates (docs/voters.md "How a batch is written").
 *
 * On this machine's OpenSSL 3 each `randomBytes` call costs about 5 µs whatever
 * its size (a job object and a DRBG lock per call), and a record needs six
 * random values (subject, DEK, three IVs, salt): a quarter of the import's CPU.
 * `RandomPool` draws them from one `randomFillSync` of 64 KiB — the same
 * CSPRNG output, cut into slices that are never handed out twice (a refill
 * allocates a new buffer, so a slice still held is never overwritten).
 *
 * `sealWithIv` is crypto.ts's `seal` with the IV given by the caller (from the
 * pool): the same AES-256-GCM (NIST SP 800-38D, 96-bit random IV) and the same
 * `iv ‖ ciphertext ‖ tag` layout, so crypto.ts's `openPersonal` and
 * `openOpening` open what is sealed here; batch-seal.test.ts holds the two to
 * that, additional data included.
 */
import { createCipheriv, randomBytes, randomFillSync } from 'node:crypto';

/** A source of fresh random bytes. */
export interface Random {
  take(n: number): Buffer;
}

/** One `randomBytes` call per value: for single writes (the API). */
export const DIRECT_RANDOM: Random = { take: (n) => randomBytes(n) };

/** Random bytes from one CSPRNG fill per `chunk` bytes (import batches). */
export class RandomPool implements Random {
  #buf: Buffer = Buffer.alloc(0);
  #at = 0;
  readonly #chunk: number;

  constructor(chunk = 64 * 1024) {
    this.#chunk = chunk;
  }

  take(n: number): Buffer {
    if (this.#at + n > this.#buf.length) {
      // A new buffer, never a refill in place: slices handed out stay as they were.
      this.#buf = randomFillSync(Buffer.allocUnsafe(Math.max(this.#chunk, n)));
      this.#at = 0;
    }
    const out = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
}

const IV = 12;

/** AES-256-GCM with the caller's fresh 96-bit IV: `iv ‖ ciphertext ‖ tag` (crypto.ts `seal`). */
export function sealWithIv(
  key: Uint8Array,
  iv: Uint8Array,
  plain: Uint8Array,
  aad: string,
): Buffer {
  if (iv.length !== IV) throw new RangeError('AES-GCM IV must be 12 bytes');
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = c.update(plain);
  const last = c.final();
  return Buffer.concat([iv, body, last, c.getAuthTag()]);
}

// crypto.ts's additional data for these two seals (batch-seal.test.ts opens
// what is sealed here with crypto.ts's own `openPersonal` / `openOpening`).
const personalAad = (subject: string) => `saksi voter personal\n${subject}`;
const openingAad = (subject: string, seq: number) => `saksi voter opening\n${subject}\n${seq}`;

/** A record's canonical personal fields, sealed under its DEK (crypto.ts `sealPersonal`). */
export const sealPersonalWith = (r: Random, dek: Uint8Array, subject: string, json: string) =>
  sealWithIv(dek, r.take(IV), Buffer.from(json, 'utf8'), personalAad(subject));

/** A version's opening, sealed under its record's DEK (crypto.ts `sealOpening`). */
export const sealOpeningWith = (
  r: Random,
  dek: Uint8Array,
  subject: string,
  seq: number,
  json: string,
) => sealWithIv(dek, r.take(IV), Buffer.from(json, 'utf8'), openingAad(subject, seq));
