/**
 * Bounds-checked reads from untrusted bytes: reading past the end is a typed
 * TRUNCATED error, never a RangeError or an `undefined` that turns into NaN.
 */
import { ImageError } from './errors.ts';

/** What was being read, for the error message; a function when it costs a string to say. */
export type What = string | (() => string);

/**
 * Most chunks or segments one image may have. Real files have tens (a PNG's IDAT
 * run, a JPEG's tables and progressive scans); 5 MiB of empty chunks would be
 * hundreds of thousands, seconds of work for nothing.
 */
export const MAX_PARTS = 10_000;

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    /** Names the format in error messages ("PNG", "JPEG", "WebP"). */
    readonly format: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /** Throws TRUNCATED unless `n` bytes are there from `at` (`what` says what was being read). */
  need(at: number, n: number, what: What): void {
    if (at < 0 || n < 0 || at + n > this.bytes.length)
      throw new ImageError(
        'TRUNCATED',
        `${this.format}: the file ends inside ${typeof what === 'string' ? what : what()} (needs ${n} bytes at offset ${at}, has ${Math.max(0, this.bytes.length - at)})`,
      );
  }

  /** Throws BAD_STRUCTURE once a file has more than MAX_PARTS chunks or segments. */
  count(parts: number, unit: string): void {
    if (parts > MAX_PARTS)
      throw new ImageError(
        'BAD_STRUCTURE',
        `${this.format}: more than ${MAX_PARTS} ${unit}; no photo needs that many`,
      );
  }

  u8(at: number, what: What): number {
    this.need(at, 1, what);
    return this.bytes[at]!;
  }

  u16be(at: number, what: What): number {
    this.need(at, 2, what);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  u32be(at: number, what: What): number {
    this.need(at, 4, what);
    const b = this.bytes;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  u16le(at: number, what: What): number {
    this.need(at, 2, what);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }

  u24le(at: number, what: What): number {
    this.need(at, 3, what);
    const b = this.bytes;
    return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
  }

  u32le(at: number, what: What): number {
    this.need(at, 4, what);
    const b = this.bytes;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  }

  /** Four bytes as Latin-1 text (a PNG chunk type, a RIFF FourCC). */
  tag(at: number, what: What): string {
    this.need(at, 4, what);
    const b = this.bytes;
    return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
  }

  sub(at: number, n: number, what: What): Uint8Array {
    this.need(at, n, what);
    return this.bytes.subarray(at, at + n);
  }
}
