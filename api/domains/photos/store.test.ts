/**
 * The photo table on its own: content addressing enforced by the database too,
 * append-only like the log, and `photoExists` as the form write will call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../../../test/fresh-db.ts';
import { photoExists } from './index.ts';
import { readPhoto, storePhoto } from './store.ts';
import { testPhoto } from './testing.ts';

let f: FreshDb;
const stored = testPhoto('image/png', 3000);

beforeAll(async () => {
  f = await freshDb();
  await storePhoto(f.db, {
    ...stored,
    size: stored.bytes.length,
    uploader: 'kpps-1',
    tps: '3171011001001',
  });
});
afterAll(() => f.drop());

describe('photos table', () => {
  it('stores the bytes once and gives them back exactly', async () => {
    const again = await storePhoto(f.db, {
      ...stored,
      size: stored.bytes.length,
      uploader: 'kpps-2',
      tps: '3171011001002',
    });
    expect(again).toBe(false);
    const p = await readPhoto(f.db, stored.sha256);
    expect(p?.mediaType).toBe('image/png');
    expect(Buffer.from(p!.bytes).equals(Buffer.from(stored.bytes))).toBe(true);
  });

  it('refuses bytes under a hash that is not theirs, whoever inserts them', async () => {
    const other = testPhoto('image/png', 3000);
    await expect(
      storePhoto(f.db, {
        ...other,
        sha256: testPhoto().sha256,
        size: other.bytes.length,
        uploader: 'x',
        tps: '3171011001001',
      }),
    ).rejects.toThrow(/check constraint/);
    await expect(
      storePhoto(f.db, { ...other, size: 1, uploader: 'x', tps: '3171011001001' }),
    ).rejects.toThrow(/check constraint/);
  });

  it.each([
    "UPDATE photos SET media_type = 'image/jpeg'",
    "UPDATE photos SET first_uploader = 'someone-else'",
    'DELETE FROM photos',
  ])('is append-only: %s is refused', async (sql) => {
    await expect(f.db.query(sql)).rejects.toThrow(/append-only/);
    expect(await photoExists(f.db, stored.sha256)).toBe(true);
  });

  it('is append-only: TRUNCATE is refused (by the trigger, or first by a table citing photos)', async () => {
    await expect(f.db.query('TRUNCATE photos')).rejects.toThrow(
      /append-only|referenced in a foreign key/,
    );
    const triggers = await f.db.query<{ tgname: string }>(
      "SELECT tgname FROM pg_trigger WHERE tgrelid = 'photos'::regclass AND NOT tgisinternal ORDER BY tgname",
    );
    expect(triggers.map((t) => t.tgname)).toEqual(['photos_no_change', 'photos_no_truncate']);
    expect(await photoExists(f.db, stored.sha256)).toBe(true);
  });
});

describe('photoExists', () => {
  it('answers inside a transaction, seeing the transaction’s own insert', async () => {
    const fresh = testPhoto();
    await expect(
      f.db.transaction(async (tx) => {
        expect(await photoExists(tx, fresh.sha256)).toBe(false);
        await storePhoto(tx, {
          ...fresh,
          size: fresh.bytes.length,
          uploader: 'x',
          tps: '3171011001001',
        });
        expect(await photoExists(tx, fresh.sha256)).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await photoExists(f.db, fresh.sha256)).toBe(false);
  });

  it('is false for anything that is not a lowercase hex SHA-256', async () => {
    for (const s of [
      stored.sha256.toUpperCase(),
      stored.sha256.slice(2),
      '',
      `sha256:${stored.sha256}`,
      "' OR 1=1 --",
    ])
      expect(await photoExists(f.db, s), s).toBe(false);
  });
});
