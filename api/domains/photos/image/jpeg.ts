/**
 * JPEG structure (ITU-T T.81 | ISO/IEC 10918-1, Annex B, in the JFIF/Exif
 * interchange format), checked without decoding a block:
 *
 *   B.1.1.3 the file is SOI, then marker segments, then EOI — and nothing after;
 *   B.1.1.2 a marker is 0xFF (any number of fill 0xFF) and a code; every segment
 *           but SOI, EOI, RSTn and TEM carries a 2-byte length ≥ 2 that must stay
 *           inside the file;
 *   B.2.2   exactly one frame header (SOFn) with a sample precision, non-zero
 *           height and width, 1–4 components with unique ids, sampling factors
 *           1–4 and a quantisation table 0–3, and the length 8 + 3·Nf;
 *   B.2.3   each scan header (SOS) after the frame, with 1–4 of the frame's
 *           components and the length 6 + 2·Ns;
 *   B.1.1.5 after a scan header, entropy-coded data in which 0xFF is followed by
 *           0x00 (a stuffed byte) or RST0–7, until the next marker.
 *
 * Frames are limited to what cameras write and every viewer decodes: baseline
 * (SOF0), extended (SOF1) and progressive (SOF2) Huffman coding. Lossless,
 * hierarchical and arithmetic-coded JPEG are refused as UNSUPPORTED, as is a
 * height of 0 (the height deferred to a DNL marker, B.2.5). Bytes after EOI —
 * where a polyglot hides its script, and where some phones append a video or a
 * second image — are refused: the client sends the photo alone.
 */
import { ByteReader } from './bytes.ts';
import { ImageError } from './errors.ts';
import { checkGeometry, type ImageGeometry, type ImageLimits } from './limits.ts';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;
/** SOF0 baseline, SOF1 extended sequential, SOF2 progressive (Huffman). */
const SUPPORTED_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** The other SOFn (C3, C5–C7, C9–CB, CD–CF), DAC (CC), DNL (DC), DHP (DE), EXP (DF). */
const UNSUPPORTED = new Set([
  0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xdc, 0xde, 0xdf,
]);
/** Segments this check skips by their length: DHT, DQT, DRI, APP0–15, COM. */
const isSkipped = (m: number) =>
  m === 0xc4 || m === 0xdb || m === 0xdd || (m >= 0xe0 && m <= 0xef) || m === 0xfe;
const isRst = (m: number) => m >= 0xd0 && m <= 0xd7;

export interface JpegHeader extends ImageGeometry {
  /** The SOFn marker code (0xC0–0xC2). */
  frame: number;
  precision: number;
}

export function inspectJpeg(bytes: Uint8Array, limits: ImageLimits): JpegHeader {
  const r = new ByteReader(bytes, 'JPEG');
  if (r.u8(0, 'SOI') !== 0xff || r.u8(1, 'SOI') !== SOI)
    throw new ImageError('BAD_STRUCTURE', 'JPEG: the file does not start with SOI (FF D8)');
  let frame: { header: JpegHeader; ids: readonly number[] } | undefined;
  let scans = 0;
  let at = 2;
  for (let n = 1; ; n++) {
    r.count(n, 'segments');
    const { marker, start } = readMarker(r, at);
    if (marker === EOI) {
      if (frame === undefined || scans === 0)
        throw new ImageError('BAD_STRUCTURE', 'JPEG: EOI before a frame and a scan');
      if (start + 2 !== bytes.length)
        throw new ImageError('TRAILING_DATA', `JPEG: ${bytes.length - start - 2} bytes follow EOI`);
      return frame.header;
    }
    if (marker === SOI || isRst(marker) || marker === TEM)
      throw new ImageError(
        'BAD_STRUCTURE',
        `JPEG: marker FF ${hex(marker)} at offset ${start} outside its place`,
      );
    if (!SUPPORTED_FRAMES.has(marker) && marker !== SOS && !isSkipped(marker))
      throw new ImageError(
        UNSUPPORTED.has(marker) ? 'UNSUPPORTED' : 'BAD_STRUCTURE',
        UNSUPPORTED.has(marker)
          ? `JPEG: marker FF ${hex(marker)} (lossless, hierarchical, arithmetic-coded or DNL)`
          : `JPEG: reserved marker FF ${hex(marker)} at offset ${start}`,
      );
    const length = r.u16be(start + 2, () => `the length of segment FF ${hex(marker)}`);
    if (length < 2)
      throw new ImageError('BAD_STRUCTURE', `JPEG: segment FF ${hex(marker)} has length ${length}`);
    r.need(start + 4, length - 2, () => `segment FF ${hex(marker)} (${length} bytes declared)`);
    const body = start + 4;
    at = start + 2 + length;
    if (SUPPORTED_FRAMES.has(marker)) {
      if (frame !== undefined) throw new ImageError('BAD_STRUCTURE', 'JPEG: a second frame header');
      frame = readFrame(r, marker, body, length);
      checkGeometry('JPEG', frame.header, limits);
    } else if (marker === SOS) {
      if (frame === undefined)
        throw new ImageError('BAD_STRUCTURE', 'JPEG: a scan before the frame header');
      checkScan(r, body, length, frame.ids);
      scans++;
      at = skipEntropyCoded(r, at);
    }
  }
}

/** The marker at `at` (after any fill bytes) and the offset of its final 0xFF. */
function readMarker(r: ByteReader, at: number): { marker: number; start: number } {
  if (r.u8(at, 'a marker') !== 0xff)
    throw new ImageError('BAD_STRUCTURE', `JPEG: no marker at offset ${at}`);
  let i = at;
  // B.1.1.2: a marker may be preceded by any number of fill bytes 0xFF.
  while (r.u8(i + 1, 'a marker') === 0xff) i++;
  const marker = r.bytes[i + 1]!;
  if (marker === 0x00)
    throw new ImageError('BAD_STRUCTURE', `JPEG: FF 00 at offset ${i} outside a scan`);
  return { marker, start: i };
}

function readFrame(
  r: ByteReader,
  marker: number,
  at: number,
  length: number,
): { header: JpegHeader; ids: number[] } {
  const precision = r.u8(at, 'the frame header');
  const height = r.u16be(at + 1, 'the frame header');
  const width = r.u16be(at + 3, 'the frame header');
  const components = r.u8(at + 5, 'the frame header');
  // Table B.2: P is 8 for baseline, 8 or 12 for extended and progressive.
  if (precision !== 8 && !(precision === 12 && marker !== 0xc0))
    throw new ImageError('BAD_HEADER', `JPEG: sample precision ${precision}`);
  if (height === 0)
    throw new ImageError('UNSUPPORTED', 'JPEG: height 0 (deferred to a DNL marker)');
  if (width === 0) throw new ImageError('BAD_HEADER', 'JPEG: width 0');
  if (components < 1 || components > 4)
    throw new ImageError('BAD_HEADER', `JPEG: ${components} components`);
  if (length !== 8 + 3 * components)
    throw new ImageError(
      'BAD_HEADER',
      `JPEG: a frame header of ${components} components is ${8 + 3 * components} bytes, not ${length}`,
    );
  const ids: number[] = [];
  for (let c = 0; c < components; c++) {
    const o = at + 6 + 3 * c;
    const id = r.u8(o, 'a frame component');
    const sampling = r.u8(o + 1, 'a frame component');
    const table = r.u8(o + 2, 'a frame component');
    const h = sampling >> 4;
    const v = sampling & 0x0f;
    if (ids.includes(id) || h < 1 || h > 4 || v < 1 || v > 4 || table > 3)
      throw new ImageError(
        'BAD_HEADER',
        `JPEG: frame component ${c} (id ${id}, sampling ${h}×${v}, table ${table})`,
      );
    ids.push(id);
  }
  return {
    header: {
      width,
      height,
      channels: components,
      bytesPerSample: precision > 8 ? 2 : 1,
      frame: marker,
      precision,
    },
    ids,
  };
}

function checkScan(r: ByteReader, at: number, length: number, frameIds: readonly number[]): void {
  const n = r.u8(at, 'a scan header');
  if (n < 1 || n > 4 || length !== 6 + 2 * n)
    throw new ImageError('BAD_HEADER', `JPEG: a scan header of ${n} components in ${length} bytes`);
  for (let c = 0; c < n; c++) {
    const id = r.u8(at + 1 + 2 * c, 'a scan component');
    if (!frameIds.includes(id))
      throw new ImageError('BAD_HEADER', `JPEG: the scan names component ${id}, not in the frame`);
  }
}

/**
 * The offset of the first marker after the entropy-coded data that starts at
 * `at`: 0xFF followed by anything but 0x00 (stuffing) or RST0–7 (B.1.1.5).
 */
function skipEntropyCoded(r: ByteReader, at: number): number {
  const b = r.bytes;
  const end = b.length - 1;
  // A plain loop: 5 MiB of stuffed bytes is millions of 0xFF, and a native
  // search per byte costs far more than looking at each byte once.
  for (let i = at; i < end; i++) {
    if (b[i] !== 0xff) continue;
    const next = b[i + 1]!;
    if (next === 0x00 || isRst(next)) i++;
    else if (next !== 0xff) return i; // 0xFF 0xFF: a fill byte before a marker
  }
  throw new ImageError('TRUNCATED', 'JPEG: the file ends inside a scan, before EOI');
}

const hex = (m: number) => m.toString(16).toUpperCase().padStart(2, '0');
