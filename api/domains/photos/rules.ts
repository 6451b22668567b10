/**
 * The image types a count-form photo may have, recognised by their signatures
 * ("magic bytes"), never by what the client says: the declared Content-Type must
 * agree with the bytes, and the stored type is the one the bytes prove.
 *
 * Signatures: JPEG — the SOI marker FF D8 and the next marker's FF (ITU-T T.81
 * Annex B); PNG — the 8-byte signature 89 50 4E 47 0D 0A 1A 0A (RFC 2083 §3.1);
 * WebP — a RIFF container: "RIFF", a 4-byte length, "WEBP" (RFC 9649).
 * SVG and other formats that can carry script are deliberately absent.
 *
 * A signature is only the first filter: the upload then checks the whole file's
 * structure and declared size (image/), since anything may follow eight bytes.
 */
export const PHOTO_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoMediaType = (typeof PHOTO_MEDIA_TYPES)[number];

export function isPhotoMediaType(value: string): value is PhotoMediaType {
  return (PHOTO_MEDIA_TYPES as readonly string[]).includes(value);
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

/** The type the bytes prove, or null if they are none of PHOTO_MEDIA_TYPES. */
export function sniffMediaType(bytes: Uint8Array): PhotoMediaType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return null;
}

/**
 * The media type of a Content-Type header, lower-cased and without parameters
 * (RFC 9110 §8.3.1: type and subtype are case-insensitive), or null if absent.
 */
export function declaredMediaType(header: string | undefined): string | null {
  if (header === undefined) return null;
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  return type === '' ? null : type;
}
