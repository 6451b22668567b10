/**
 * How large an image may say it is. Checked as soon as a header gives the
 * dimensions, before anything else is read, so a small file declaring a huge
 * image (a "decompression bomb": 100,000 × 100,000 pixels in a few kilobytes of
 * PNG) is refused before any decoder — an auditor's browser, a thumbnailer, the
 * photo reader — is asked to allocate for it.
 */
import { ImageError } from './errors.ts';

export interface ImageLimits {
  /** Width × height. */
  maxPixels: number;
  /** Width × height × channels × bytes per sample: the memory a decoder needs. */
  maxDecodedBytes: number;
}

/**
 * 50 megapixels: the largest phone sensors write 48–50 MP in full-resolution mode
 * (12 MP is the usual default), and a C.Hasil sheet is legible at a fraction of
 * that. 200 MB decoded = 50 MP of 8-bit RGBA, the most a browser or a decoder
 * library holds for one such photo; a 16-bit or four-channel image must be smaller
 * in pixels to fit.
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixels: 50_000_000,
  maxDecodedBytes: 200_000_000,
};

/** What a header declares, enough to size the decoded image. */
export interface ImageGeometry {
  width: number;
  height: number;
  /** Samples per decoded pixel (1 grey … 4 RGBA or CMYK). */
  channels: number;
  /** 1 for 8-bit samples (or fewer bits), 2 for 12- and 16-bit ones. */
  bytesPerSample: number;
}

/** The decoded size of `g`, or TOO_LARGE if it exceeds `limits`. */
export function checkGeometry(format: string, g: ImageGeometry, limits: ImageLimits): number {
  // Dimensions are at most 2^31 each, so these products are exact in a double.
  const pixels = g.width * g.height;
  const decoded = pixels * g.channels * g.bytesPerSample;
  if (pixels > limits.maxPixels)
    throw new ImageError(
      'TOO_LARGE',
      `${format}: ${g.width} × ${g.height} is ${pixels} pixels; at most ${limits.maxPixels} are allowed`,
    );
  if (decoded > limits.maxDecodedBytes)
    throw new ImageError(
      'TOO_LARGE',
      `${format}: ${g.width} × ${g.height} × ${g.channels} channels × ${g.bytesPerSample} bytes decodes to ${decoded} bytes; at most ${limits.maxDecodedBytes} are allowed`,
    );
  return decoded;
}
