/** WebP structure (RFC 9649): every refusal with its typed code. */
import { describe, expect, it } from 'vitest';
import {
  imageErrorCode,
  riffChunk,
  testPhoto,
  tinyWebp,
  VP8_1X1,
  vp8x,
  webpFile,
} from '../testing.ts';
import type { ImageErrorCode } from './errors.ts';
import { inspectImage } from './index.ts';

const inspect = (b: Uint8Array) => imageErrorCode(() => inspectImage(b, 'image/webp'));
const b64 = (s: string) => Buffer.from(s, 'base64');
/** 1×1 lossless and lossy WebP files as browsers' feature tests embed them. */
const LOSSLESS = b64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==');
const LOSSY = b64('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA');
const VP8 = riffChunk('VP8 ', VP8_1X1);

describe('well-formed WebP', () => {
  it('accepts simple lossy and lossless files and extended ones', () => {
    expect(inspectImage(LOSSY, 'image/webp')).toMatchObject({ width: 1, height: 1, channels: 3 });
    expect(inspectImage(LOSSLESS, 'image/webp')).toMatchObject({
      width: 1,
      height: 1,
      channels: 4,
    });
    expect(inspect(tinyWebp())).toBe('accepted');
    expect(inspect(testPhoto('image/webp', 100_000).bytes)).toBe('accepted');
    // Extended with alpha, ICC, EXIF and an odd-sized chunk padded with 0.
    const alpha = webpFile([
      riffChunk('VP8X', vp8x(1, 1, 0x10 | 0x20 | 0x08)),
      riffChunk('ICCP', Buffer.alloc(5)),
      riffChunk('ALPH', Buffer.alloc(3)),
      VP8,
      riffChunk('EXIF', Buffer.from('Exif')),
    ]);
    expect(inspectImage(alpha, 'image/webp').channels).toBe(4);
  });
});

describe('refused WebP', () => {
  it('a RIFF size that is not the file’s: truncated, or trailing bytes', () => {
    const good = testPhoto('image/webp', 300).bytes;
    for (let n = 0; n < good.length; n++)
      expect(inspect(good.subarray(0, n)), `${n}`).toBe('TRUNCATED');
    expect(inspect(Buffer.concat([LOSSY, Buffer.from('<script>')]))).toBe('TRAILING_DATA');
  });

  it('more than 10,000 chunks', () => {
    const empty = riffChunk('teSt', new Uint8Array(0));
    expect(inspect(tinyWebp(new Array(9_990).fill(empty)))).toBe('accepted');
    expect(inspect(tinyWebp(new Array(10_000).fill(empty)))).toBe('BAD_STRUCTURE');
  });

  it('a chunk that runs past the RIFF data', () => {
    const f = Buffer.from(LOSSY);
    f.writeUInt32LE(1000, 16);
    expect(inspect(f)).toBe('TRUNCATED');
  });

  it('a 16,384 × 16,384 canvas, before the image chunk is read', () => {
    expect(
      inspect(
        webpFile([riffChunk('VP8X', vp8x(16384, 16384)), riffChunk('JUNK', Buffer.alloc(2))]),
      ),
    ).toBe('TOO_LARGE');
  });

  it.each<[string, () => Buffer, ImageErrorCode]>([
    [
      'HTML in a RIFF WEBP envelope',
      () => webpFile([riffChunk('HTML', Buffer.from('<html><script>x</script></html>'))]),
      'BAD_STRUCTURE',
    ],
    ['no chunk at all', () => webpFile([]), 'BAD_STRUCTURE'],
    [
      'a first chunk that is no image',
      () => webpFile([riffChunk('EXIF', Buffer.alloc(4))]),
      'BAD_STRUCTURE',
    ],
    [
      'a simple file with more chunks',
      () => webpFile([VP8, riffChunk('EXIF', Buffer.alloc(4))]),
      'BAD_STRUCTURE',
    ],
    [
      'non-zero padding',
      () => {
        const f = webpFile([
          riffChunk('VP8X', vp8x(1, 1)),
          VP8,
          riffChunk('XMP ', Buffer.alloc(1)),
        ]);
        f[f.length - 1] = 1;
        return f;
      },
      'BAD_STRUCTURE',
    ],
    [
      'an animation flag',
      () => webpFile([riffChunk('VP8X', vp8x(1, 1, 0x02)), VP8]),
      'UNSUPPORTED',
    ],
    [
      'an animation frame',
      () => webpFile([riffChunk('VP8X', vp8x(1, 1)), riffChunk('ANMF', Buffer.alloc(16))]),
      'UNSUPPORTED',
    ],
    [
      'an image that is not the canvas',
      () => webpFile([riffChunk('VP8X', vp8x(2, 1)), VP8]),
      'BAD_STRUCTURE',
    ],
    ['two images', () => webpFile([riffChunk('VP8X', vp8x(1, 1)), VP8, VP8]), 'BAD_STRUCTURE'],
    [
      'no image',
      () => webpFile([riffChunk('VP8X', vp8x(1, 1)), riffChunk('EXIF', Buffer.alloc(4))]),
      'BAD_STRUCTURE',
    ],
    [
      'ALPH after the image',
      () => webpFile([riffChunk('VP8X', vp8x(1, 1)), VP8, riffChunk('ALPH', Buffer.alloc(2))]),
      'BAD_STRUCTURE',
    ],
    ['a VP8X of 8 bytes', () => webpFile([riffChunk('VP8X', Buffer.alloc(8)), VP8]), 'BAD_HEADER'],
    [
      'a VP8 inter frame',
      () => {
        const d = Buffer.from(VP8_1X1);
        d[0]! |= 1;
        return webpFile([riffChunk('VP8 ', d)]);
      },
      'BAD_HEADER',
    ],
    [
      'a VP8 without its start code',
      () => {
        const d = Buffer.from(VP8_1X1);
        d[3] = 0;
        return webpFile([riffChunk('VP8 ', d)]);
      },
      'BAD_HEADER',
    ],
    [
      'a VP8 of width 0',
      () => {
        const d = Buffer.from(VP8_1X1);
        d.writeUInt16LE(0, 6);
        return webpFile([riffChunk('VP8 ', d)]);
      },
      'BAD_HEADER',
    ],
    [
      'a VP8 partition larger than its chunk',
      () => {
        const d = Buffer.from(VP8_1X1);
        d.writeUIntLE((1000 << 5) | 0x10, 0, 3);
        return webpFile([riffChunk('VP8 ', d)]);
      },
      'BAD_STRUCTURE',
    ],
    [
      'a VP8L without its signature',
      () => {
        const f = Buffer.from(LOSSLESS);
        f[20] = 0;
        return f;
      },
      'BAD_HEADER',
    ],
    [
      'a VP8L of version 1',
      () => {
        const f = Buffer.from(LOSSLESS);
        f[24]! |= 0x20;
        return f;
      },
      'BAD_HEADER',
    ],
  ])('%s', (_what, make, code) => {
    expect(inspect(make())).toBe(code);
  });
});
