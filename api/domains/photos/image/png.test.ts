/**
 * PNG structure (PNG Third Edition §5, §11.2): every refusal with its typed code,
 * and the regressions of issue #10 — an HTML file behind a PNG signature and a
 * 100,000 × 100,000 PNG were accepted by a signature check.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formPhoto } from '../../../demo/photo.ts';
import { imageErrorCode, pngChunk, pngHeader, testPhoto, tinyPng } from '../testing.ts';
import type { ImageErrorCode } from './errors.ts';
import { inspectImage } from './index.ts';
import { DEFAULT_IMAGE_LIMITS } from './limits.ts';
import { PNG_SIGNATURE } from './png.ts';

const SIG = Buffer.from(PNG_SIGNATURE);
const IEND = pngChunk('IEND', new Uint8Array(0));
const idat = (raw: Uint8Array) => pngChunk('IDAT', deflateSync(raw));
const png = (...chunks: Uint8Array[]) => Buffer.concat([SIG, ...chunks]);

const inspect = (b: Uint8Array) => imageErrorCode(() => inspectImage(b, 'image/png'));

describe('well-formed PNG', () => {
  it('accepts the test photos, the demo form photo and a palette image', () => {
    expect(inspectImage(tinyPng(), 'image/png')).toMatchObject({ width: 1, height: 1 });
    expect(inspect(testPhoto('image/png', 70_000).bytes)).toBe('accepted');
    expect(inspectImage(formPhoto('3171011001001', 'PPWP').bytes, 'image/png')).toEqual({
      mediaType: 'image/png',
      width: 96,
      height: 48,
      channels: 1,
      bytesPerSample: 1,
    });
    const indexed = png(
      pngChunk('IHDR', pngHeader(2, 1, 1, 3)),
      pngChunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255])),
      idat(Buffer.from([0, 0x40])),
      IEND,
    );
    expect(inspectImage(indexed, 'image/png')).toMatchObject({ channels: 3 });
  });
});

describe('refused PNG', () => {
  it('an HTML file behind a PNG signature: no chunk structure (issue #10)', () => {
    const html = Buffer.concat([SIG, Buffer.from('<html><script>alert(1)</script></html>')]);
    expect(inspect(html)).toBe('BAD_STRUCTURE');
    // Even dressed as a chunk, it is an unknown critical one with a wrong CRC.
    const dressed = Buffer.concat([
      tinyPng().subarray(0, -12),
      Buffer.from('\0\0\0\x04HTML<p>!1234'),
    ]);
    expect(inspect(dressed)).toBe('BAD_CHECKSUM');
  });

  it('a 100,000 × 100,000 PNG, before anything after its header is read (issue #10)', () => {
    const bomb = png(
      pngChunk('IHDR', pngHeader(100_000, 100_000)),
      idat(new Uint8Array(1000)),
      IEND,
    );
    expect(inspect(bomb)).toBe('TOO_LARGE');
    // Refused from IHDR alone: what follows is never looked at.
    expect(inspect(png(pngChunk('IHDR', pngHeader(100_000, 100_000)), Buffer.from('junk')))).toBe(
      'TOO_LARGE',
    );
  });

  it('bounds the decoded size too: 16-bit RGBA at 25 MP is 200 MB, one more column is not', () => {
    const data = (w: number, h: number) =>
      png(
        pngChunk('IHDR', pngHeader(w, h, 16, 6)),
        // A zlib header and enough bytes to inflate that far (never inflated).
        pngChunk('IDAT', Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.alloc(200_000)])),
        IEND,
      );
    expect(inspect(data(5000, 5000))).toBe('accepted');
    expect(inspect(data(5001, 5000))).toBe('TOO_LARGE');
    expect(
      imageErrorCode(() =>
        inspectImage(data(5000, 5000), 'image/png', { ...DEFAULT_IMAGE_LIMITS, maxPixels: 1e6 }),
      ),
    ).toBe('TOO_LARGE');
  });

  it('a bad CRC on IHDR, or on any later chunk', () => {
    const good = tinyPng();
    const ihdrCrc = 8 + 8 + 13;
    const badIhdr = Buffer.from(good);
    badIhdr.writeUInt8(badIhdr[ihdrCrc]! ^ 1, ihdrCrc);
    expect(inspect(badIhdr)).toBe('BAD_CHECKSUM');
    const badIdatData = Buffer.from(good);
    badIdatData.writeUInt8(badIdatData[41]! ^ 0x10, 41); // IDAT's first data byte
    expect(inspect(badIdatData)).toBe('BAD_CHECKSUM');
  });

  it('every truncation, chunk boundaries included', () => {
    const good = testPhoto('image/png', 200).bytes;
    for (let n = 0; n < good.length; n++)
      expect(inspect(good.subarray(0, n)), `${n}`).toBe('TRUNCATED');
    // A chunk length that runs past the end.
    const long = Buffer.from(good);
    long.writeUInt32BE(5000, 8 + 25);
    expect(inspect(long)).toBe('TRUNCATED');
  });

  it('more than 10,000 chunks (seconds of work in 5 MiB of empty chunks)', () => {
    const empty = pngChunk('teSt', new Uint8Array(0));
    expect(inspect(tinyPng(new Array(9_996).fill(empty)))).toBe('accepted');
    expect(inspect(tinyPng(new Array(10_000).fill(empty)))).toBe('BAD_STRUCTURE');
  });

  it('anything after IEND', () => {
    for (const tail of ['\0', 'x', '<script>alert(1)</script>'])
      expect(inspect(Buffer.concat([tinyPng(), Buffer.from(tail)])), tail).toBe('TRAILING_DATA');
  });

  it.each<[string, () => Buffer, ImageErrorCode]>([
    [
      'IHDR not first',
      () => png(idat(Buffer.from([0, 1])), pngChunk('IHDR', pngHeader(1, 1)), IEND),
      'BAD_STRUCTURE',
    ],
    [
      'a second IHDR',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          pngChunk('IHDR', pngHeader(1, 1)),
          idat(Buffer.from([0, 1])),
          IEND,
        ),
      'BAD_STRUCTURE',
    ],
    ['no IDAT', () => png(pngChunk('IHDR', pngHeader(1, 1)), IEND), 'BAD_STRUCTURE'],
    [
      'IDAT chunks apart',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          idat(Buffer.from([0, 1])),
          pngChunk('tEXt', Buffer.from('a\0b')),
          idat(Buffer.from([0, 1])),
          IEND,
        ),
      'BAD_STRUCTURE',
    ],
    [
      'IEND with data',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          idat(Buffer.from([0, 1])),
          pngChunk('IEND', Buffer.from([0])),
        ),
      'BAD_STRUCTURE',
    ],
    [
      'a chunk type that is not letters',
      () => png(pngChunk('IHDR', pngHeader(1, 1)), pngChunk('ID<T', Buffer.from([0])), IEND),
      'BAD_STRUCTURE',
    ],
    [
      'an unknown critical chunk',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          pngChunk('HTML', Buffer.from('<p>')),
          idat(Buffer.from([0, 1])),
          IEND,
        ),
      'UNSUPPORTED',
    ],
    [
      'an animated PNG',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          pngChunk('acTL', Buffer.alloc(8)),
          idat(Buffer.from([0, 1])),
          IEND,
        ),
      'UNSUPPORTED',
    ],
    [
      'IHDR of 12 bytes',
      () => png(pngChunk('IHDR', pngHeader(1, 1).subarray(0, 12)), idat(Buffer.from([0, 1])), IEND),
      'BAD_HEADER',
    ],
    [
      'width 0',
      () => png(pngChunk('IHDR', pngHeader(0, 1)), idat(Buffer.from([0])), IEND),
      'BAD_HEADER',
    ],
    [
      'bit depth 3',
      () => png(pngChunk('IHDR', pngHeader(1, 1, 3, 0)), idat(Buffer.from([0, 1])), IEND),
      'BAD_HEADER',
    ],
    [
      'colour type 5',
      () => png(pngChunk('IHDR', pngHeader(1, 1, 8, 5)), idat(Buffer.from([0, 1])), IEND),
      'BAD_HEADER',
    ],
    [
      'RGB at 4 bits',
      () => png(pngChunk('IHDR', pngHeader(1, 1, 4, 2)), idat(Buffer.from([0, 1])), IEND),
      'BAD_HEADER',
    ],
    [
      'interlace method 2',
      () => {
        const h = pngHeader(1, 1);
        h[12] = 2;
        return png(pngChunk('IHDR', h), idat(Buffer.from([0, 1])), IEND);
      },
      'BAD_HEADER',
    ],
    [
      'an indexed image without PLTE',
      () => png(pngChunk('IHDR', pngHeader(1, 1, 8, 3)), idat(Buffer.from([0, 0])), IEND),
      'BAD_STRUCTURE',
    ],
    [
      'PLTE in a greyscale image',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1)),
          pngChunk('PLTE', Buffer.alloc(3)),
          idat(Buffer.from([0, 0])),
          IEND,
        ),
      'BAD_STRUCTURE',
    ],
    [
      'a PLTE larger than 1-bit indexes reach',
      () =>
        png(
          pngChunk('IHDR', pngHeader(1, 1, 1, 3)),
          pngChunk('PLTE', Buffer.alloc(9)),
          idat(Buffer.from([0, 0])),
          IEND,
        ),
      'BAD_STRUCTURE',
    ],
    [
      'image data that is not zlib',
      () => png(pngChunk('IHDR', pngHeader(1, 1)), pngChunk('IDAT', Buffer.from('<html>')), IEND),
      'BAD_STRUCTURE',
    ],
    [
      'too little image data for its size',
      () => png(pngChunk('IHDR', pngHeader(4000, 4000)), idat(Buffer.alloc(10)), IEND),
      'BAD_STRUCTURE',
    ],
  ])('%s', (_what, make, code) => {
    expect(inspect(make())).toBe(code);
  });
});
