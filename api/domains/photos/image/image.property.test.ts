/**
 * Whatever the bytes, inspectImage returns or throws an ImageError with a known
 * code — never a RangeError, a TypeError or a hang — and an image it accepts
 * stays within the limits. Random bytes, random bytes behind each signature, and
 * valid images with bytes flipped, cut or appended.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PHOTO_MEDIA_TYPES } from '../rules.ts';
import { testPhoto, tinyJpeg, tinyPng, tinyWebp } from '../testing.ts';
import { ImageError, type ImageErrorCode } from './errors.ts';
import { type ImageLimits, inspectImage } from './index.ts';

const CODES: readonly ImageErrorCode[] = [
  'TRUNCATED',
  'BAD_CHECKSUM',
  'BAD_HEADER',
  'BAD_STRUCTURE',
  'TRAILING_DATA',
  'UNSUPPORTED',
  'TOO_LARGE',
];
const LIMITS: ImageLimits = { maxPixels: 4096, maxDecodedBytes: 16_384 };
const SEEDS = {
  'image/png': tinyPng(),
  'image/jpeg': tinyJpeg(),
  'image/webp': tinyWebp(),
} as const;
const SIGNATURES = {
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'image/webp': Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'),
} as const;

/** Returns normally only for an accepted image or a typed refusal. */
function typedOutcome(bytes: Uint8Array, type: (typeof PHOTO_MEDIA_TYPES)[number]): void {
  try {
    const info = inspectImage(bytes, type, LIMITS);
    expect(info.width * info.height).toBeLessThanOrEqual(LIMITS.maxPixels);
    expect(info.width * info.height * info.channels * info.bytesPerSample).toBeLessThanOrEqual(
      LIMITS.maxDecodedBytes,
    );
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    expect(CODES).toContain(e.code);
  }
}

const type = fc.constantFrom(...PHOTO_MEDIA_TYPES);

describe('inspectImage on hostile bytes', () => {
  it('random bytes: a typed outcome', () => {
    fc.assert(
      fc.property(type, fc.uint8Array({ maxLength: 512 }), (t, b) => typedOutcome(b, t)),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind each signature: a typed outcome', () => {
    fc.assert(
      fc.property(type, fc.uint8Array({ maxLength: 512 }), (t, b) =>
        typedOutcome(Buffer.concat([SIGNATURES[t], b]), t),
      ),
      { numRuns: 1000 },
    );
  });

  it('valid images with bytes changed: a typed outcome', () => {
    fc.assert(
      fc.property(
        type,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (t, edits) => {
          const b = Buffer.from(SEEDS[t]);
          for (const [at, v] of edits) b[at % b.length] = v;
          typedOutcome(b, t);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('valid images cut short: TRUNCATED; with bytes appended: TRAILING_DATA', () => {
    fc.assert(
      fc.property(
        type,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (t, cut, tail) => {
          const b = testPhoto(t, 400).bytes;
          expect(codeOf(b.subarray(0, cut % b.length), t)).toBe('TRUNCATED');
          expect(codeOf(Buffer.concat([b, tail]), t)).toBe('TRAILING_DATA');
        },
      ),
      { numRuns: 300 },
    );
  });
});

function codeOf(b: Uint8Array, t: (typeof PHOTO_MEDIA_TYPES)[number]): string {
  try {
    inspectImage(b, t);
    return 'accepted';
  } catch (e) {
    return e instanceof ImageError ? e.code : `untyped ${String(e)}`;
  }
}
