/**
 * The photo store: bytes kept once under their SHA-256 (infra/db/migrations/
 * 007_photos.sql). Rows are only ever inserted; the table's triggers refuse
 * UPDATE, DELETE and TRUNCATE.
 */
import type { Sql } from '../../../ledger/index.ts';
import type { PhotoMediaType } from './rules.ts';

/** 64 lowercase hex digits: how a photo hash is written in paths and form payloads. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface PhotoInfo {
  sha256: string;
  size: number;
  mediaType: PhotoMediaType;
}

/**
 * What a photo is bound to: the TPS it was uploaded for (policy `photo.upload`
 * allowed the uploader for that TPS) and who uploaded it. Fixed at the first
 * upload and never changed (the table is append-only); a form may cite the photo
 * only for that TPS (the foreign key count_forms_photo_of_tps, api/domains/results/rules.ts PHOTO_OF_TPS).
 */
export interface PhotoBinding {
  tps: string;
  uploader: string;
}

const key = (hex: string) => Buffer.from(hex, 'hex');
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Whether a photo with this hash has been uploaded. For the form write, which
 * refuses a photo hash with no photo behind it; pass the write's transaction so the
 * answer and the write see the same snapshot. A string that is not a lowercase hex
 * SHA-256 names no photo: false.
 */
export async function photoExists(db: Sql, sha256Hex: string): Promise<boolean> {
  if (!SHA256_HEX.test(sha256Hex)) return false;
  const rows = await db.query('SELECT 1 FROM photos WHERE sha256 = $1', [key(sha256Hex)]);
  return rows.length > 0;
}

/**
 * The TPS and uploader a photo is bound to, or null if there is no such photo.
 * The row never changes once written, so the answer read outside a transaction
 * stays true inside one.
 */
export async function photoBinding(db: Sql, sha256Hex: string): Promise<PhotoBinding | null> {
  if (!SHA256_HEX.test(sha256Hex)) return null;
  const [row] = await db.query<{ first_tps: string; first_uploader: string }>(
    'SELECT first_tps, first_uploader FROM photos WHERE sha256 = $1',
    [key(sha256Hex)],
  );
  return row ? { tps: row.first_tps, uploader: row.first_uploader } : null;
}

/**
 * Size, type and binding of a stored photo, without its bytes (HEAD, conditional
 * GET, re-upload).
 */
export async function photoInfo(
  db: Sql,
  sha256Hex: string,
): Promise<(PhotoInfo & PhotoBinding) | null> {
  const [row] = await db.query<{
    size: number;
    media_type: PhotoMediaType;
    first_tps: string;
    first_uploader: string;
  }>('SELECT size, media_type, first_tps, first_uploader FROM photos WHERE sha256 = $1', [
    key(sha256Hex),
  ]);
  return row
    ? {
        sha256: sha256Hex,
        size: row.size,
        mediaType: row.media_type,
        tps: row.first_tps,
        uploader: row.first_uploader,
      }
    : null;
}

// Photo bytes cross the driver as hex text, encoded and decoded natively (Node's
// Buffer, PostgreSQL's encode/decode). PGlite turns a bytea parameter or column
// into hex one byte at a time in JavaScript: 4.7 s to send 5 MiB and 1 s to read
// it back, against 1.3 s and 0.3 s this way; PostgreSQL takes the same either way.

/** A stored photo with its bytes, or null. */
export async function readPhoto(
  db: Sql,
  sha256Hex: string,
): Promise<(PhotoInfo & { bytes: Buffer }) | null> {
  const [row] = await db.query<{ size: number; media_type: PhotoMediaType; hex: string }>(
    "SELECT size, media_type, encode(bytes, 'hex') AS hex FROM photos WHERE sha256 = $1",
    [key(sha256Hex)],
  );
  if (!row) return null;
  const bytes = Buffer.from(row.hex, 'hex');
  return { sha256: sha256Hex, size: row.size, mediaType: row.media_type, bytes };
}

/** How many photos were first uploaded for a TPS (the per-TPS quota). */
export async function photosOfTps(db: Sql, tps: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM photos WHERE first_tps = $1',
    [tps],
  );
  return Number(row?.n ?? 0);
}

/**
 * Stores verified bytes under their hash, bound to `tps` and `uploader`. The caller
 * has checked that `sha256Hex` is the SHA-256 of `bytes` and that they are a
 * well-formed image of `mediaType` (the table checks the hash again). Returns true if this call stored them, false if they were
 * already there — a concurrent identical upload included (ON CONFLICT).
 *
 * The conflict has no target on purpose: the table has two unique indexes on the
 * hash (the key, and photos_sha256_tps of migration 013 that the forms' foreign key
 * needs), and PostgreSQL checks a concurrent insert against each. With the target
 * `(sha256)` a racing twin that lost on photos_sha256_tps raised a unique violation
 * (a 500) instead of doing nothing. Both indexes lead with the hash, so any conflict
 * means these bytes are already stored.
 */
export async function storePhoto(
  db: Sql,
  p: PhotoInfo & { bytes: Uint8Array; uploader: string; tps: string },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO photos (sha256, media_type, size, bytes, first_uploader, first_tps)
     VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
    [key(p.sha256), p.mediaType, p.size, hex(p.bytes), p.uploader, p.tps],
  );
  return rows.length > 0;
}
