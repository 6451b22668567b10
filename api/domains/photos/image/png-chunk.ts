/**
 * Writing a PNG chunk (PNG §5.3: length, type, data, CRC-32 over type and data),
 * for the demo's form photos and the tests' images; the reader is ./png.ts.
 */
import { crc32 } from 'node:zlib';

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  // The CRC covers the type and the data, not the length.
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
