/**
 * Test photos: real, well-formed images of an exact size — a tiny picture (a 1×1
 * PNG, an 8×8 baseline JPEG, a 1×1 lossy WebP) followed by random bytes in a
 * chunk or segment that viewers skip (a private PNG chunk, JPEG comments, an
 * unknown WebP chunk), so that every call gives new bytes under a new hash. The
 * builders are exported for tests that break one part of an image on purpose.
 */
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { ImageError, type ImageErrorCode } from './image/errors.ts';
import { PNG_SIGNATURE } from './image/png.ts';
import { pngChunk } from './image/png-chunk.ts';
import type { PhotoMediaType } from './rules.ts';

export interface TestPhoto {
  bytes: Uint8Array<ArrayBuffer>;
  sha256: string;
  mediaType: PhotoMediaType;
}

export { pngChunk } from './image/png-chunk.ts';

/** IHDR data: 8-bit greyscale unless told otherwise. */
export function pngHeader(width: number, height: number, bitDepth = 8, colourType = 0): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h[8] = bitDepth;
  h[9] = colourType;
  return h;
}

/** IHDR and IDAT of a 1×1 grey PNG: one scanline, filter type 0, one grey sample. */
const PNG_1X1 = Buffer.concat([
  Buffer.from(PNG_SIGNATURE),
  pngChunk('IHDR', pngHeader(1, 1)),
  pngChunk('IDAT', deflateSync(Buffer.from([0, 128]))),
]);
const PNG_IEND = pngChunk('IEND', new Uint8Array(0));

/** A 1×1 grey PNG with `extra` chunks (already framed) before IEND. */
export function tinyPng(extra: readonly Uint8Array[] = []): Buffer {
  return Buffer.concat([PNG_1X1, ...extra, PNG_IEND]);
}

const jpegSegment = (marker: number, body: readonly number[]) =>
  Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
const ONE_CODE = [1, ...new Array<number>(15).fill(0)];
/** Everything of the tiny JPEG after SOI (built once: the bench makes one per TPS). */
const JPEG_8X8 = Buffer.concat([
  jpegSegment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
  jpegSegment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
  jpegSegment(0xc4, [0x00, ...ONE_CODE, 0x00]),
  jpegSegment(0xc4, [0x10, ...ONE_CODE, 0x00]),
  jpegSegment(0xda, [1, 1, 0x00, 0, 63, 0]),
  Buffer.from([0x3f, 0xff, 0xd9]),
]);

/**
 * An 8×8 grey baseline JPEG (ITU-T T.81): one quantisation table, one DC and one
 * AC Huffman table of a single 1-bit code each, and a scan of one block coded as
 * DC difference 0 and EOB — the bits 00, padded with ones. `afterSoi` segments
 * go right after SOI.
 */
export function tinyJpeg(afterSoi: readonly Uint8Array[] = []): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...afterSoi, JPEG_8X8]);
}

/** A JPEG comment segment (COM) holding `data` (at most 65,533 bytes). */
export function jpegComment(data: Uint8Array): Buffer {
  const head = Buffer.from([0xff, 0xfe, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** A RIFF chunk: FourCC, little-endian size, data, and a zero pad byte if odd. */
export function riffChunk(tag: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.write(tag, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
}

/** The "VP8 " payload of a 1×1 lossy WebP (a shown key frame). */
export const VP8_1X1 = Buffer.from('MAEAnQEqAQABAA7A/iWkAANwAAAAAA==', 'base64');

/** A WebP file of these chunks: "RIFF", the size of the rest, "WEBP", chunks. */
export function webpFile(chunks: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** VP8X data: flags and a canvas of `width` × `height`. */
export function vp8x(width: number, height: number, flags = 0): Buffer {
  const d = Buffer.alloc(10);
  d[0] = flags;
  d.writeUIntLE(width - 1, 4, 3);
  d.writeUIntLE(height - 1, 7, 3);
  return d;
}

/** An extended 1×1 WebP with `extra` chunks (already framed) after the image. */
export function tinyWebp(extra: readonly Uint8Array[] = []): Buffer {
  return webpFile([riffChunk('VP8X', vp8x(1, 1)), riffChunk('VP8 ', VP8_1X1), ...extra]);
}

/** The tiny image of `mediaType` grown to exactly `size` bytes with random filler. */
function padded(mediaType: PhotoMediaType, size: number): Buffer {
  const fail = (min: string) =>
    new RangeError(`no ${mediaType} test photo of ${size} bytes (${min})`);
  switch (mediaType) {
    case 'image/png': {
      const base = tinyPng().length;
      if (size === base) return tinyPng();
      if (size < base + 12) throw fail(`${base}, or at least ${base + 12}`);
      // Private ancillary chunk "teSt": viewers skip it (PNG §5.4).
      return tinyPng([pngChunk('teSt', randomBytes(size - base - 12))]);
    }
    case 'image/jpeg': {
      const base = tinyJpeg().length;
      if (size < base + 4 && size !== base) throw fail(`${base}, or at least ${base + 4}`);
      const comments: Buffer[] = [];
      for (let left = size - base; left > 0; ) {
        let n = Math.min(left, 65_537);
        if (left - n > 0 && left - n < 4) n -= 4;
        comments.push(jpegComment(randomBytes(n - 4)));
        left -= n;
      }
      return tinyJpeg(comments);
    }
    case 'image/webp': {
      const base = tinyWebp().length;
      if (size === base) return tinyWebp();
      if (size % 2 === 1 || size < base + 8)
        throw fail(`RIFF sizes are even; ${base}, or at least ${base + 8}`);
      return tinyWebp([riffChunk('teSt', randomBytes(size - base - 8))]);
    }
  }
}

export function testPhoto(mediaType: PhotoMediaType = 'image/jpeg', size = 2048): TestPhoto {
  return photoOf(padded(mediaType, size), mediaType);
}

/** Any bytes as a TestPhoto (with their hash), e.g. a deliberately broken image. */
export function photoOf(b: Uint8Array, mediaType: PhotoMediaType): TestPhoto {
  const bytes = new Uint8Array(b.length);
  bytes.set(b);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType };
}

/** The ImageError code `f` throws, or 'accepted'; any other throw fails the test. */
export function imageErrorCode(f: () => unknown): ImageErrorCode | 'accepted' {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (e instanceof ImageError) return e.code;
    throw e;
  }
}
