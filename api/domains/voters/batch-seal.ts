/**
 * Random values at import rates (docs/voters.md "How a batch is written").
 *
 * On this machine's OpenSSL 3 each `randomBytes` call costs about 5–15 µs
 * whatever its size (a job object and a DRBG lock per call), and a record
 * needs six random values (subject, DEK, three IVs, salt). `RandomPool` draws
 * subjects, salts and the IVs of the personal and opening seals from one
 * `randomFillSync` of 64 KiB — the same CSPRNG output, cut into slices that are
 * never handed out twice (a refill allocates a new buffer, so a slice still
 * held is never overwritten); the DEKs and their seals' IVs come from one draw
 * per batch (keys/envelope.ts `newDeks`). The seals themselves are crypto.ts's,
 * given the IV (batch-seal.test.ts opens them with crypto.ts).
 */
import { randomBytes, randomFillSync } from 'node:crypto';

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
