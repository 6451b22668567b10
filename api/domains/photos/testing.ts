/** Test photos: a valid signature followed by random bytes (the store checks no more). */
import { createHash, randomBytes } from 'node:crypto';
import type { PhotoMediaType } from './media.ts';

const HEADS: Record<PhotoMediaType, Buffer> = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/webp': Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'),
};

export interface TestPhoto {
  bytes: Uint8Array<ArrayBuffer>;
  sha256: string;
  mediaType: PhotoMediaType;
}

export function testPhoto(mediaType: PhotoMediaType = 'image/jpeg', size = 2048): TestPhoto {
  const head = HEADS[mediaType];
  const bytes = new Uint8Array(size);
  bytes.set(head);
  bytes.set(randomBytes(size - head.length), head.length);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType };
}
