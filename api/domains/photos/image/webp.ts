/**
 * WebP structure (RFC 9649), checked without decoding:
 *
 *   §2.4 the RIFF header: "RIFF", a little-endian file size that must be the
 *        file's length − 8 (more is truncation, less leaves trailing bytes), "WEBP";
 *   §2.3 every chunk: a FourCC, a size that stays inside the file, and a zero
 *        padding byte when the size is odd;
 *   §2.5 simple lossy: one "VP8 " chunk whose frame is a shown key frame with the
 *        start code 9D 01 2A and non-zero 14-bit dimensions (RFC 6386 §9.1);
 *   §2.6 simple lossless: one "VP8L" chunk with signature 0x2F, version 0 and its
 *        14-bit dimensions (§3.2 of the lossless bitstream);
 *   §2.7 extended: "VP8X" first (10 bytes: flags and a 24-bit canvas), then
 *        optional ICCP, ALPH, exactly one VP8 or VP8L of the canvas's size, EXIF,
 *        XMP and unknown chunks (which readers ignore).
 *
 * Animation (the VP8X flag, ANIM, ANMF) is refused: a form photo is one still image.
 */
import { ByteReader } from './bytes.ts';
import { ImageError } from './errors.ts';
import { checkGeometry, type ImageGeometry, type ImageLimits } from './limits.ts';

export interface WebpHeader extends ImageGeometry {
  encoding: 'lossy' | 'lossless';
}

interface Chunk {
  tag: string;
  at: number;
  size: number;
}

export function inspectWebp(bytes: Uint8Array, limits: ImageLimits): WebpHeader {
  const r = new ByteReader(bytes, 'WebP');
  if (r.tag(0, 'the RIFF header') !== 'RIFF' || r.tag(8, 'the RIFF header') !== 'WEBP')
    throw new ImageError('BAD_STRUCTURE', 'WebP: not a RIFF WEBP file');
  const riffSize = r.u32le(4, 'the RIFF header');
  if (riffSize + 8 > bytes.length)
    throw new ImageError(
      'TRUNCATED',
      `WebP: the RIFF header declares ${riffSize + 8} bytes, the file has ${bytes.length}`,
    );
  if (riffSize + 8 < bytes.length)
    throw new ImageError(
      'TRAILING_DATA',
      `WebP: ${bytes.length - riffSize - 8} bytes follow the RIFF data`,
    );
  const chunks = readChunks(r);
  const first = chunks[0];
  if (first === undefined) throw new ImageError('BAD_STRUCTURE', 'WebP: no chunk');
  if (first.tag === 'VP8 ' || first.tag === 'VP8L') {
    if (chunks.length !== 1)
      throw new ImageError(
        'BAD_STRUCTURE',
        `WebP: a simple ${first.tag.trim()} file with more chunks`,
      );
    const header = readBitstream(r, first, false);
    checkGeometry('WebP', header, limits);
    return header;
  }
  if (first.tag !== 'VP8X')
    throw new ImageError('BAD_STRUCTURE', `WebP: the first chunk is ${JSON.stringify(first.tag)}`);
  return readExtended(r, chunks, limits);
}

/** The chunks after "WEBP", each inside the file and padded as RIFF requires. */
function readChunks(r: ByteReader): Chunk[] {
  const chunks: Chunk[] = [];
  let at = 12;
  while (at < r.length) {
    r.count(chunks.length + 1, 'chunks');
    const tag = r.tag(at, 'a chunk header');
    const size = r.u32le(at + 4, 'a chunk header');
    r.need(at + 8, size, () => `chunk ${JSON.stringify(tag)} (${size} bytes declared)`);
    chunks.push({ tag, at: at + 8, size });
    at += 8 + size;
    if (size % 2 === 1) {
      if (r.u8(at, () => `the padding of ${JSON.stringify(tag)}`) !== 0)
        throw new ImageError(
          'BAD_STRUCTURE',
          `WebP: the padding of ${JSON.stringify(tag)} is not 0`,
        );
      at += 1;
    }
  }
  return chunks;
}

function readExtended(r: ByteReader, chunks: readonly Chunk[], limits: ImageLimits): WebpHeader {
  const vp8x = chunks[0]!;
  if (vp8x.size !== 10) throw new ImageError('BAD_HEADER', `WebP: VP8X of ${vp8x.size} bytes`);
  const flags = r.u8(vp8x.at, 'VP8X');
  if ((flags & 0x02) !== 0)
    throw new ImageError('UNSUPPORTED', 'WebP: animation; a form photo is one still image');
  const alphaFlag = (flags & 0x10) !== 0;
  const width = r.u24le(vp8x.at + 4, 'VP8X') + 1;
  const height = r.u24le(vp8x.at + 7, 'VP8X') + 1;
  // §2.7: the canvas's width × height must fit in 32 bits.
  if (width * height > 0xffffffff)
    throw new ImageError('BAD_HEADER', `WebP: a ${width} × ${height} canvas`);
  checkGeometry('WebP', { width, height, channels: alphaFlag ? 4 : 3, bytesPerSample: 1 }, limits);

  let image: WebpHeader | undefined;
  let alpha = false;
  for (const c of chunks.slice(1)) {
    switch (c.tag) {
      case 'VP8X':
        throw new ImageError('BAD_STRUCTURE', 'WebP: a second VP8X');
      case 'ANIM':
      case 'ANMF':
        throw new ImageError('UNSUPPORTED', 'WebP: animation; a form photo is one still image');
      case 'ALPH':
        if (alpha || image !== undefined)
          throw new ImageError('BAD_STRUCTURE', 'WebP: ALPH repeated or after the image');
        alpha = true;
        break;
      case 'VP8 ':
      case 'VP8L':
        if (image !== undefined)
          throw new ImageError('BAD_STRUCTURE', 'WebP: a second image chunk');
        image = readBitstream(r, c, alpha || alphaFlag);
        if (image.width !== width || image.height !== height)
          throw new ImageError(
            'BAD_STRUCTURE',
            `WebP: the image is ${image.width} × ${image.height}, the canvas ${width} × ${height}`,
          );
        break;
      default:
      // ICCP, EXIF, XMP and unknown chunks: §2.7 readers ignore what they do not use.
    }
  }
  if (image === undefined) throw new ImageError('BAD_STRUCTURE', 'WebP: no VP8 or VP8L chunk');
  return image;
}

/** The dimensions of a "VP8 " (RFC 6386 §9.1) or "VP8L" (RFC 9649 §3.2) bitstream. */
function readBitstream(r: ByteReader, c: Chunk, alpha: boolean): WebpHeader {
  if (c.tag === 'VP8L') {
    if (r.u8(c.at, 'the VP8L header') !== 0x2f)
      throw new ImageError('BAD_HEADER', 'WebP: the VP8L signature is not 0x2F');
    const bits = r.u32le(c.at + 1, 'the VP8L header');
    if (bits >>> 29 !== 0) throw new ImageError('BAD_HEADER', `WebP: VP8L version ${bits >>> 29}`);
    return {
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      channels: 4,
      bytesPerSample: 1,
      encoding: 'lossless',
    };
  }
  r.need(c.at, 10, 'the VP8 frame header');
  const tag = r.u24le(c.at, 'the VP8 frame header');
  const keyFrame = (tag & 1) === 0;
  const version = (tag >> 1) & 7;
  const shown = ((tag >> 4) & 1) === 1;
  const firstPartition = tag >>> 5;
  if (!keyFrame || version > 3 || !shown)
    throw new ImageError('BAD_HEADER', 'WebP: the VP8 frame is not a shown key frame');
  if (firstPartition > c.size - 10)
    throw new ImageError('BAD_STRUCTURE', 'WebP: the VP8 first partition is larger than its chunk');
  if (
    r.u8(c.at + 3, 'VP8') !== 0x9d ||
    r.u8(c.at + 4, 'VP8') !== 0x01 ||
    r.u8(c.at + 5, 'VP8') !== 0x2a
  )
    throw new ImageError('BAD_HEADER', 'WebP: no VP8 start code (9D 01 2A)');
  const width = r.u16le(c.at + 6, 'VP8') & 0x3fff;
  const height = r.u16le(c.at + 8, 'VP8') & 0x3fff;
  if (width === 0 || height === 0)
    throw new ImageError('BAD_HEADER', `WebP: a ${width} × ${height} VP8 frame`);
  return { width, height, channels: alpha ? 4 : 3, bytesPerSample: 1, encoding: 'lossy' };
}
