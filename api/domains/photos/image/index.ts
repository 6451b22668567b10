/**
 * Is this really an image of the type its signature claims? The structure of the
 * whole file is checked (image/png.ts, jpeg.ts, webp.ts) and its declared size
 * bounded (limits.ts), without decoding pixels: no native decoder runs on
 * untrusted bytes, and nothing is allocated by what the file declares.
 *
 * Hand-written on purpose: the three header formats are small, public and
 * stable, the checks are a few hundred lines with their spec sections beside
 * them, and a decoder library would bring native code (sharp/libvips) or a full
 * decoder's attack surface for the one thing not wanted here — decoding.
 */
import type { PhotoMediaType } from '../rules.ts';
import { inspectJpeg } from './jpeg.ts';
import type { ImageLimits } from './limits.ts';
import { DEFAULT_IMAGE_LIMITS } from './limits.ts';
import { inspectPng } from './png.ts';
import { inspectWebp } from './webp.ts';

export { ImageError, type ImageErrorCode } from './errors.ts';
export { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './limits.ts';

export interface ImageInfo {
  mediaType: PhotoMediaType;
  width: number;
  height: number;
  channels: number;
  bytesPerSample: number;
}

/**
 * The geometry of `bytes` as an image of `mediaType`, or an ImageError saying
 * what is wrong. `bytes` are attacker-controlled, every one of them; whatever
 * they hold, this returns or throws ImageError, nothing else.
 */
export function inspectImage(
  bytes: Uint8Array,
  mediaType: PhotoMediaType,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): ImageInfo {
  const h =
    mediaType === 'image/png'
      ? inspectPng(bytes, limits)
      : mediaType === 'image/jpeg'
        ? inspectJpeg(bytes, limits)
        : mediaType === 'image/webp'
          ? inspectWebp(bytes, limits)
          : unreachable(mediaType);
  return {
    mediaType,
    width: h.width,
    height: h.height,
    channels: h.channels,
    bytesPerSample: h.bytesPerSample,
  };
}

function unreachable(t: never): never {
  throw new TypeError(`no inspector for ${String(t)}`);
}
