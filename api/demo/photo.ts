/**
 * The demo's form photos: small, real PNG images (PNG 1.2, ISO/IEC 15948) —
 * a grey sheet with ruled lines and a pattern drawn from the form's identity —
 * so that every form cites a photo of its own that any image viewer opens. The
 * photo store checks the whole PNG structure (api/domains/photos/image/png.ts:
 * chunk CRCs, IHDR, IDAT, IEND last), and a real image keeps the demo honest for
 * whoever clicks the photo link.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../domains/photos/image/png-chunk.ts';

export interface DemoPhoto {
  bytes: Uint8Array<ArrayBuffer>;
  /** Lowercase hex SHA-256 of `bytes`: the photo's address (PUT /v1/photos/<sha256>). */
  sha256: string;
  mediaType: 'image/png';
}

const WIDTH = 96;
const HEIGHT = 48;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The photo of the C.Hasil sheet for `contest` at `tps`: deterministic, and
 * different for every (tps, contest, variant).
 */
export function formPhoto(tps: string, contest: string, variant = ''): DemoPhoto {
  const title = `C.Hasil ${contest} TPS ${tps}${variant ? ` ${variant}` : ''} (Saksi demo)`;
  const seed = createHash('sha256').update(title).digest();
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(WIDTH, 0);
  ihdr.writeUInt32BE(HEIGHT, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale; compression, filter and interlace stay 0
  // Each scanline: filter type 0 (None), then one byte per pixel.
  const raw = Buffer.alloc(HEIGHT * (WIDTH + 1));
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (WIDTH + 1);
    for (let x = 0; x < WIDTH; x++) {
      const ruled = y % 8 === 7 || x === 4 || x === WIDTH - 5;
      // A band of "handwriting" whose pattern is the title's hash.
      const bit = (seed[(x + y * 7) % 32]! >> ((x * 3 + y) % 8)) & 1;
      const ink = y % 8 > 1 && y % 8 < 6 && x > 8 && x < WIDTH - 8 && bit === 1;
      raw[row + 1 + x] = ruled ? 120 : ink ? 40 : 235;
    }
  }
  const text = Buffer.from(`Title\0${title}`, 'latin1');
  const png = Buffer.concat([
    SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', text),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
  const bytes = new Uint8Array(png.length);
  bytes.set(png);
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    mediaType: 'image/png',
  };
}
