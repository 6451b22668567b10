/**
 * PNG structure (W3C PNG Specification, Third Edition = ISO/IEC 15948), checked
 * without decoding a pixel:
 *
 *   §5.2 the 8-byte signature;
 *   §5.3 every chunk: a length of at most 2^31 − 1 that stays inside the file, a
 *        type of four ASCII letters, and a CRC-32 over type and data that matches;
 *   §5.6 order: IHDR first, at most one PLTE before the first IDAT, the IDAT
 *        chunks consecutive, IEND last (empty) — and nothing after it;
 *   §11.2.1 IHDR: 13 bytes, non-zero width and height, a bit depth allowed for
 *        the colour type, compression 0, filter 0, interlace 0 or 1;
 *   §11.2.2 PLTE: required for colour type 3, forbidden for 0 and 4, 1–256 entries
 *        and no more than the bit depth can index;
 *   §5.4 an unknown critical chunk (upper-case first letter) is an error.
 *
 * Animated PNG (acTL) is refused: a form photo is one still image. The image data
 * is not inflated, but it must begin with a zlib header (RFC 1950 §2.2) and be long
 * enough to inflate to the declared size at all: DEFLATE expands at most 1032:1
 * (RFC 1951: a 258-byte match coded in 2 bits), so fewer compressed bytes than
 * (declared image bytes) / 1032 cannot be the image the header describes.
 */
import { crc32 } from 'node:zlib';
import { ByteReader } from './bytes.ts';
import { ImageError } from './errors.ts';
import { checkGeometry, type ImageGeometry, type ImageLimits } from './limits.ts';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** §11.2.1 Table 11.1: the bit depths each colour type allows. */
const BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16], // greyscale
  2: [8, 16], // truecolour
  3: [1, 2, 4, 8], // indexed
  4: [8, 16], // greyscale with alpha
  6: [8, 16], // truecolour with alpha
};
/** Samples per pixel as stored (an index is one sample). */
const STORED_SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Samples per pixel once decoded (an index becomes RGB). */
const DECODED_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

const MAX_CHUNK_LENGTH = 0x7fffffff;
const MAX_DEFLATE_RATIO = 1032;
const CHUNK_TYPE = /^[A-Za-z]{4}$/;

export interface PngHeader extends ImageGeometry {
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

export function inspectPng(bytes: Uint8Array, limits: ImageLimits): PngHeader {
  const r = new ByteReader(bytes, 'PNG');
  r.need(0, PNG_SIGNATURE.length, 'the signature');
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b))
    throw new ImageError('BAD_STRUCTURE', 'PNG: no PNG signature');

  let header: PngHeader | undefined;
  let palette = false;
  /** 'none' before the first IDAT, 'in' within the run, 'after' once it ended. */
  let idat: 'none' | 'in' | 'after' = 'none';
  let compressed = 0;
  const zlibHead: number[] = [];
  let at: number = PNG_SIGNATURE.length;
  for (let n = 1; ; n++) {
    r.count(n, 'chunks');
    const { type, data, next } = readChunk(r, at);
    if (header === undefined && type !== 'IHDR')
      throw new ImageError('BAD_STRUCTURE', `PNG: the first chunk is ${type}, not IHDR`);
    if (idat === 'in' && type !== 'IDAT') idat = 'after';
    switch (type) {
      case 'IHDR':
        if (header !== undefined) throw new ImageError('BAD_STRUCTURE', 'PNG: a second IHDR');
        header = readHeader(r, at + 8, data.length);
        checkGeometry('PNG', header, limits);
        break;
      case 'PLTE':
        if (palette || idat !== 'none')
          throw new ImageError('BAD_STRUCTURE', 'PNG: PLTE repeated or after the image data');
        checkPalette(header!, data.length);
        palette = true;
        break;
      case 'IDAT':
        if (idat === 'after')
          throw new ImageError('BAD_STRUCTURE', 'PNG: IDAT chunks are not consecutive');
        idat = 'in';
        compressed += data.length;
        for (let i = 0; i < data.length && zlibHead.length < 2; i++) zlibHead.push(data[i]!);
        break;
      case 'IEND':
        if (data.length !== 0) throw new ImageError('BAD_STRUCTURE', 'PNG: IEND is not empty');
        if (next !== bytes.length)
          throw new ImageError('TRAILING_DATA', `PNG: ${bytes.length - next} bytes follow IEND`);
        return finish(header!, palette, idat, compressed, zlibHead);
      case 'acTL':
        throw new ImageError(
          'UNSUPPORTED',
          'PNG: animated PNG (acTL); a form photo is one still image',
        );
      default:
        // §5.4: bit 5 of the first byte clear (upper case) = critical.
        if ((type.charCodeAt(0) & 0x20) === 0)
          throw new ImageError('UNSUPPORTED', `PNG: unknown critical chunk ${type}`);
    }
    at = next;
  }
}

/** One chunk at `at`: its type, its data, and where the next one starts. */
function readChunk(r: ByteReader, at: number): { type: string; data: Uint8Array; next: number } {
  if (at === r.length) throw new ImageError('TRUNCATED', 'PNG: the file ends before IEND');
  const length = r.u32be(at, 'a chunk length');
  const type = r.tag(at + 4, 'a chunk type');
  if (!CHUNK_TYPE.test(type))
    throw new ImageError(
      'BAD_STRUCTURE',
      `PNG: chunk type at offset ${at + 4} is not four letters`,
    );
  if (length > MAX_CHUNK_LENGTH)
    throw new ImageError('BAD_STRUCTURE', `PNG: ${type} declares ${length} bytes (over 2^31 − 1)`);
  const data = r.sub(at + 8, length, () => `${type} (${length} bytes declared)`);
  const stored = r.u32be(at + 8 + length, () => `the CRC of ${type}`);
  // §5.3: the CRC covers the type and the data, not the length.
  const actual = crc32(data, crc32(r.bytes.subarray(at + 4, at + 8)));
  if (stored !== actual)
    throw new ImageError(
      'BAD_CHECKSUM',
      `PNG: the CRC of ${type} at offset ${at} is ${hex(stored)}, its bytes give ${hex(actual)}`,
    );
  return { type, data, next: at + 12 + length };
}

function readHeader(r: ByteReader, at: number, length: number): PngHeader {
  if (length !== 13) throw new ImageError('BAD_HEADER', `PNG: IHDR is ${length} bytes, not 13`);
  const width = r.u32be(at, 'IHDR');
  const height = r.u32be(at + 4, 'IHDR');
  const [bitDepth, colourType, compression, filter, interlace] = r.sub(at + 8, 5, 'IHDR');
  if (width === 0 || height === 0 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH)
    throw new ImageError('BAD_HEADER', `PNG: ${width} × ${height} is not a valid size`);
  const depths = BIT_DEPTHS[colourType!];
  if (depths === undefined) throw new ImageError('BAD_HEADER', `PNG: colour type ${colourType}`);
  if (!depths.includes(bitDepth!))
    throw new ImageError('BAD_HEADER', `PNG: bit depth ${bitDepth} with colour type ${colourType}`);
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1))
    throw new ImageError(
      'BAD_HEADER',
      `PNG: compression ${compression}, filter ${filter}, interlace ${interlace}`,
    );
  return {
    width,
    height,
    channels: DECODED_CHANNELS[colourType!]!,
    bytesPerSample: bitDepth === 16 ? 2 : 1,
    bitDepth: bitDepth!,
    colourType: colourType!,
    interlaced: interlace === 1,
  };
}

function checkPalette(h: PngHeader, length: number): void {
  if (h.colourType === 0 || h.colourType === 4)
    throw new ImageError('BAD_STRUCTURE', `PNG: PLTE in a greyscale image`);
  const entries = length / 3;
  const max = h.colourType === 3 ? 2 ** h.bitDepth : 256;
  if (!Number.isInteger(entries) || entries < 1 || entries > Math.min(256, max))
    throw new ImageError('BAD_STRUCTURE', `PNG: PLTE of ${length} bytes`);
}

function finish(
  h: PngHeader,
  palette: boolean,
  idat: 'none' | 'in' | 'after',
  compressed: number,
  zlibHead: readonly number[],
): PngHeader {
  if (idat === 'none') throw new ImageError('BAD_STRUCTURE', 'PNG: no IDAT chunk');
  if (h.colourType === 3 && !palette)
    throw new ImageError('BAD_STRUCTURE', 'PNG: an indexed image without PLTE');
  // RFC 1950 §2.2: CM = 8 (deflate), CINFO ≤ 7, no preset dictionary (PNG §10.1),
  // and CMF·256 + FLG a multiple of 31.
  const [cmf, flg] = zlibHead;
  if (
    cmf === undefined ||
    flg === undefined ||
    (cmf & 0x0f) !== 8 ||
    cmf >> 4 > 7 ||
    (flg & 0x20) !== 0 ||
    ((cmf << 8) | flg) % 31 !== 0
  )
    throw new ImageError('BAD_STRUCTURE', 'PNG: the image data does not start with a zlib header');
  // The filtered scanlines hold at least width × height × bits-per-pixel / 8 bytes
  // (more with their filter bytes and, interlaced, per-pass rounding).
  const bitsPerPixel = STORED_SAMPLES[h.colourType]! * h.bitDepth;
  const minimum = (h.width * h.height * bitsPerPixel) / 8;
  if (minimum > compressed * MAX_DEFLATE_RATIO)
    throw new ImageError(
      'BAD_STRUCTURE',
      `PNG: ${compressed} bytes of image data cannot inflate to the ${Math.ceil(minimum)} a ${h.width} × ${h.height} image needs`,
    );
  return h;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
