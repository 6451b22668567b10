/** Media types are proven by the bytes' signatures, never taken from the client. */
import { describe, expect, it } from 'vitest';
import { declaredMediaType, isPhotoMediaType, sniffMediaType } from './rules.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('sniffMediaType', () => {
  it('recognises JPEG, PNG and WebP by their signatures', () => {
    expect(sniffMediaType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(
      'image/png',
    );
    expect(sniffMediaType(ascii('RIFF\x24\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
  });

  it('refuses truncated signatures, other RIFF files and script-capable formats', () => {
    for (const b of [
      bytes(),
      bytes(0xff, 0xd8),
      bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a),
      ascii('RIFF\x24\x00\x00\x00WAVEfmt '), // audio in the same container
      ascii('RIFF\x24\x00\x00\x00WEB'),
      ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ascii('GIF89a'),
      ascii('<html><script>alert(1)</script>'),
      ascii('%PDF-1.7'),
    ])
      expect(sniffMediaType(b), Buffer.from(b).toString('latin1')).toBeNull();
  });
});

describe('declaredMediaType', () => {
  it('takes the type and subtype, case-insensitively, without parameters', () => {
    expect(declaredMediaType('image/jpeg')).toBe('image/jpeg');
    expect(declaredMediaType(' Image/PNG ; q=1')).toBe('image/png');
    expect(declaredMediaType(undefined)).toBeNull();
    expect(declaredMediaType('')).toBeNull();
    expect(declaredMediaType(';charset=utf-8')).toBeNull();
  });

  it('accepts only the photo types', () => {
    expect(isPhotoMediaType('image/webp')).toBe(true);
    for (const t of ['image/svg+xml', 'image/gif', 'text/html', 'application/octet-stream', ''])
      expect(isPhotoMediaType(t), t).toBe(false);
  });
});
