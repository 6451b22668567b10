/**
 * Typed failures of the image inspection (CONVENTIONS.md §5): a string-literal
 * `code` to switch on, the message for humans. Every one means the bytes are not
 * an image this store keeps; none is retryable (the same bytes fail the same way).
 */
export type ImageErrorCode =
  /** The bytes end inside a structure (a chunk, a segment, a header). */
  | 'TRUNCATED'
  /** A chunk's CRC-32 does not match its type and data (PNG §5.3). */
  | 'BAD_CHECKSUM'
  /** A header field is out of its range (bit depth, colour type, a zero dimension). */
  | 'BAD_HEADER'
  /** Chunks or segments are missing, repeated, out of order or overlapping. */
  | 'BAD_STRUCTURE'
  /** Bytes follow the image's end (IEND, EOI, the RIFF length): a polyglot's hiding place. */
  | 'TRAILING_DATA'
  /** Well-formed, but a variant no form photo needs (animation, lossless JPEG, …). */
  | 'UNSUPPORTED'
  /** The declared dimensions or decoded size exceed the limits (limits.ts). */
  | 'TOO_LARGE';

export class ImageError extends Error {
  readonly code: ImageErrorCode;
  /** Always false: the same bytes fail the same way every time. */
  readonly retryable = false;
  constructor(code: ImageErrorCode, message: string) {
    super(message);
    this.name = 'ImageError';
    this.code = code;
  }
}
