/**
 * A seeded pseudo-random generator for the demo election: sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator, as in PractRand), seeded from SHA-256 of a label and
 * the seed. Deterministic across platforms: only 32-bit integer arithmetic.
 * Not for anything secret.
 */
import { createHash } from 'node:crypto';

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(label: string, seed: number | string) {
    const h = createHash('sha256')
      .update(`${label}\n${typeof seed}:${String(seed)}`)
      .digest();
    this.#a = h.readUInt32LE(0);
    this.#b = h.readUInt32LE(4);
    this.#c = h.readUInt32LE(8);
    this.#d = h.readUInt32LE(12) | 1;
    for (let i = 0; i < 16; i++) this.#next();
  }

  #next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.#next() / 4294967296;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A positive weight with a long right tail (log-normal, σ = `spread`). */
  weight(spread = 0.5): number {
    // Box–Muller on two uniforms; 1 − u keeps log() away from 0.
    const u = 1 - this.float();
    const v = this.float();
    return Math.exp(spread * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}
