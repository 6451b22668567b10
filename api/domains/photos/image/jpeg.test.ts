/**
 * JPEG structure (ITU-T T.81 Annex B): every refusal with its typed code, and the
 * regression of issue #10 — a signature check took any bytes after FF D8 FF,
 * including a "JPEG" with no frame at all.
 */
import { describe, expect, it } from 'vitest';
import { imageErrorCode, jpegComment, testPhoto, tinyJpeg } from '../testing.ts';
import type { ImageErrorCode } from './errors.ts';
import { inspectImage } from './index.ts';

const inspect = (b: Uint8Array) => imageErrorCode(() => inspectImage(b, 'image/jpeg'));
const seg = (marker: number, body: readonly number[]) =>
  Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const DQT = seg(0xdb, [0, ...new Array<number>(64).fill(1)]);
const ONE_CODE = [1, ...new Array<number>(15).fill(0), 0];
const DHT = Buffer.concat([seg(0xc4, [0x00, ...ONE_CODE]), seg(0xc4, [0x10, ...ONE_CODE])]);
const sof = (marker: number, h: number, w: number, components = [[1, 0x11, 0]]) =>
  seg(marker, [8, h >> 8, h & 0xff, w >> 8, w & 0xff, components.length, ...components.flat()]);
const SOS = seg(0xda, [1, 1, 0x00, 0, 63, 0]);
const jpeg = (...parts: Uint8Array[]) => Buffer.concat([SOI, ...parts, EOI]);
const scan = Buffer.from([0x3f]);

describe('well-formed JPEG', () => {
  it('accepts the test photos, with comments and fill bytes', () => {
    expect(inspectImage(tinyJpeg(), 'image/jpeg')).toEqual({
      mediaType: 'image/jpeg',
      width: 8,
      height: 8,
      channels: 1,
      bytesPerSample: 1,
    });
    expect(inspect(testPhoto('image/jpeg', 200_000).bytes)).toBe('accepted');
    // B.1.1.2: fill bytes before a marker.
    expect(inspect(jpeg(Buffer.from([0xff, 0xff]), DQT, sof(0xc0, 8, 8), DHT, SOS, scan))).toBe(
      'accepted',
    );
  });

  it('walks entropy-coded data past stuffed bytes and restart markers to EOI', () => {
    const data = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd7, 0xff, 0xff]);
    expect(inspect(jpeg(DQT, sof(0xc0, 16, 16), DHT, SOS, data))).toBe('accepted');
    // Progressive: several scans, with tables between them.
    expect(inspect(jpeg(DQT, sof(0xc2, 8, 8), DHT, SOS, scan, DHT, SOS, scan))).toBe('accepted');
  });

  it('sizes colour and 12-bit frames', () => {
    const ycc = [
      [1, 0x22, 0],
      [2, 0x11, 1],
      [3, 0x11, 1],
    ];
    expect(
      inspectImage(jpeg(DQT, sof(0xc0, 600, 800, ycc), DHT, SOS, scan), 'image/jpeg'),
    ).toMatchObject({
      width: 800,
      height: 600,
      channels: 3,
    });
    const twelve = sof(0xc1, 8, 8);
    twelve[4] = 12;
    expect(inspectImage(jpeg(DQT, twelve, DHT, SOS, scan), 'image/jpeg').bytesPerSample).toBe(2);
  });
});

describe('refused JPEG', () => {
  it('a JPEG without a frame (issue #10)', () => {
    expect(inspect(jpeg(DQT, DHT, SOS, scan))).toBe('BAD_STRUCTURE');
    expect(inspect(jpeg())).toBe('BAD_STRUCTURE');
    expect(inspect(jpeg(DQT, sof(0xc0, 8, 8), DHT))).toBe('BAD_STRUCTURE'); // no scan
  });

  it('HTML behind a JPEG signature', () => {
    expect(inspect(Buffer.from('\xff\xd8\xff<html><script>alert(1)</script>', 'latin1'))).toBe(
      'BAD_STRUCTURE',
    );
  });

  it('every truncation', () => {
    const good = testPhoto('image/jpeg', 400).bytes;
    for (let n = 0; n < good.length; n++)
      expect(inspect(good.subarray(0, n)), `${n}`).toBe('TRUNCATED');
    // A segment length that runs past the end.
    expect(inspect(Buffer.concat([SOI, Buffer.from([0xff, 0xfe, 0x10, 0x00, 1, 2, 3])]))).toBe(
      'TRUNCATED',
    );
  });

  it('more than 10,000 segments', () => {
    const empty = jpegComment(new Uint8Array(0));
    expect(inspect(tinyJpeg(new Array(9_990).fill(empty)))).toBe('accepted');
    expect(inspect(tinyJpeg(new Array(10_000).fill(empty)))).toBe('BAD_STRUCTURE');
  });

  it('anything after EOI', () => {
    for (const tail of ['\0', '<script>alert(1)</script>'])
      expect(inspect(Buffer.concat([tinyJpeg(), Buffer.from(tail)])), tail).toBe('TRAILING_DATA');
    // Even a second complete image (a phone's appended preview).
    expect(inspect(Buffer.concat([tinyJpeg(), tinyJpeg()]))).toBe('TRAILING_DATA');
  });

  it('a 65,535 × 65,535 frame, before anything after the frame header is read', () => {
    expect(inspect(Buffer.concat([SOI, sof(0xc0, 65535, 65535), Buffer.from('junk')]))).toBe(
      'TOO_LARGE',
    );
  });

  it.each<[string, () => Buffer, ImageErrorCode]>([
    ['a second SOI', () => jpeg(SOI, DQT, sof(0xc0, 8, 8), DHT, SOS, scan), 'BAD_STRUCTURE'],
    [
      'a restart marker outside a scan',
      () => jpeg(Buffer.from([0xff, 0xd0]), DQT, sof(0xc0, 8, 8), DHT, SOS, scan),
      'BAD_STRUCTURE',
    ],
    [
      'a segment length below 2',
      () => Buffer.concat([SOI, Buffer.from([0xff, 0xfe, 0, 1]), EOI]),
      'BAD_STRUCTURE',
    ],
    [
      'a reserved marker',
      () => jpeg(seg(0x02, [0]), DQT, sof(0xc0, 8, 8), DHT, SOS, scan),
      'BAD_STRUCTURE',
    ],
    [
      'bytes between segments',
      () => jpeg(DQT, Buffer.from('x'), sof(0xc0, 8, 8), DHT, SOS, scan),
      'BAD_STRUCTURE',
    ],
    [
      'two frame headers',
      () => jpeg(DQT, sof(0xc0, 8, 8), sof(0xc0, 8, 8), DHT, SOS, scan),
      'BAD_STRUCTURE',
    ],
    ['a lossless frame (SOF3)', () => jpeg(DQT, sof(0xc3, 8, 8), DHT, SOS, scan), 'UNSUPPORTED'],
    [
      'an arithmetic-coded frame (SOF9)',
      () => jpeg(DQT, sof(0xc9, 8, 8), SOS, scan),
      'UNSUPPORTED',
    ],
    ['height 0, deferred to DNL', () => jpeg(DQT, sof(0xc0, 0, 8), DHT, SOS, scan), 'UNSUPPORTED'],
    ['width 0', () => jpeg(DQT, sof(0xc0, 8, 0), DHT, SOS, scan), 'BAD_HEADER'],
    [
      'precision 12 in a baseline frame',
      () => {
        const f = sof(0xc0, 8, 8);
        f[4] = 12;
        return jpeg(DQT, f, DHT, SOS, scan);
      },
      'BAD_HEADER',
    ],
    [
      'five components',
      () =>
        jpeg(
          DQT,
          sof(
            0xc0,
            8,
            8,
            [1, 2, 3, 4, 5].map((i) => [i, 0x11, 0]),
          ),
          DHT,
          SOS,
          scan,
        ),
      'BAD_HEADER',
    ],
    [
      'a frame length that does not fit its components',
      () => jpeg(DQT, seg(0xc0, [8, 0, 8, 0, 8, 2, 1, 0x11, 0]), DHT, SOS, scan),
      'BAD_HEADER',
    ],
    [
      'a repeated component id',
      () =>
        jpeg(
          DQT,
          sof(0xc0, 8, 8, [
            [1, 0x11, 0],
            [1, 0x11, 0],
          ]),
          DHT,
          SOS,
          scan,
        ),
      'BAD_HEADER',
    ],
    [
      'sampling factor 0',
      () => jpeg(DQT, sof(0xc0, 8, 8, [[1, 0x01, 0]]), DHT, SOS, scan),
      'BAD_HEADER',
    ],
    [
      'quantisation table 4',
      () => jpeg(DQT, sof(0xc0, 8, 8, [[1, 0x11, 4]]), DHT, SOS, scan),
      'BAD_HEADER',
    ],
    [
      'a scan of a component not in the frame',
      () => jpeg(DQT, sof(0xc0, 8, 8), DHT, seg(0xda, [1, 2, 0, 0, 63, 0]), scan),
      'BAD_HEADER',
    ],
    [
      'a scan header of the wrong length',
      () => jpeg(DQT, sof(0xc0, 8, 8), DHT, seg(0xda, [1, 1, 0, 0, 63]), scan),
      'BAD_HEADER',
    ],
    [
      'FF 00 outside a scan',
      () => jpeg(Buffer.from([0xff, 0x00]), DQT, sof(0xc0, 8, 8), DHT, SOS, scan),
      'BAD_STRUCTURE',
    ],
  ])('%s', (_what, make, code) => {
    expect(inspect(make())).toBe(code);
  });

  it('keeps comments anywhere before the end, but no segment after EOI', () => {
    expect(inspect(Buffer.concat([tinyJpeg([jpegComment(Buffer.from('hello'))])]))).toBe(
      'accepted',
    );
    expect(inspect(Buffer.concat([tinyJpeg(), jpegComment(Buffer.from('x'))]))).toBe(
      'TRAILING_DATA',
    );
  });
});
