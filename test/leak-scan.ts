/**
 * The scanners of the leak tests (voters, issue #11; campaign finance, issue
 * #12): each seeds its personal data, then looks for every spelling of it in
 * what the platform logged, in every log entry as served and in every column
 * that is not ciphertext. What the tests look for differs; how they look is
 * here, once.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import type { Db } from '../ledger/index.ts';
import type { PlatformApp } from './platform-app.ts';

/** Answers a request of the app in-process (`app.request`). */
type Request = (path: string) => Response | Promise<Response>;

/** A name no other text holds: two random syllable words. */
export function randomName(): string {
  const syl = ['ka', 'ri', 'wu', 'lan', 'dar', 'mi', 'so', 'te', 'jo', 'ya', 'ngu', 'pe'];
  const word = () =>
    Array.from(randomBytes(3), (b) => syl[b % syl.length])
      .join('')
      .replace(/^./, (c) => c.toUpperCase());
  return `${word()} ${word()}qz`;
}

/** A log destination that keeps every line the platform writes, to be scanned. */
export function logCapture(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, sink };
}

export type FindIn = (where: string, text: string, found: string[]) => void;

/**
 * A scanner for the needles `needles()` gives (each at least 8 characters) and
 * their hex, as bytea prints: one pass over a text, looking each 8-character
 * window up among the needles' first 8 characters. The needles are read at the
 * first scan, once the test has seeded them.
 */
export function needleScanner(needles: () => Iterable<string>): FindIn {
  let index: Map<string, string[]> | null = null;
  return (where, text, found) => {
    if (!index) {
      index = new Map();
      for (const n of needles())
        for (const s of [n, Buffer.from(n).toString('hex')]) {
          const k = s.slice(0, 8);
          index.set(k, [...(index.get(k) ?? []), s]);
        }
    }
    for (let i = 0; i + 8 <= text.length; i++) {
      const hits = index.get(text.slice(i, i + 8));
      if (hits) for (const s of hits) if (text.startsWith(s, i)) found.push(`${where}: ${s}`);
    }
  };
}

/** Every log entry of a tree of `size`, as served in the entry bundles (C2SP tlog-tiles). */
export async function scanEntryBundles(
  request: Request,
  size: number,
  findIn: FindIn,
): Promise<string[]> {
  const found: string[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const full = (n + 1) * 256 <= size;
    const path = full
      ? `/log/tile/entries/${tilePath(n)}`
      : `/log/tile/entries/${tilePath(n)}.p/${size - n * 256}`;
    const r = await request(path);
    expect(r.status, path).toBe(200);
    findIn(path, Buffer.from(await r.arrayBuffer()).toString('latin1'), found);
  }
  return found;
}

/**
 * Every column of every table but the `sealed` ones (`table.column`), each
 * table's rows as text; returns the columns scanned per table, for the test to
 * state which of its own table's columns are in the clear.
 */
export async function scanColumns(
  db: Db,
  sealed: ReadonlySet<string>,
  findIn: FindIn,
): Promise<{ columns: Map<string, string[]>; found: string[] }> {
  const all = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const columns = new Map<string, string[]>();
  for (const c of all) {
    if (sealed.has(`${c.table_name}.${c.column_name}`)) continue;
    columns.set(c.table_name, [...(columns.get(c.table_name) ?? []), c.column_name]);
  }
  const found: string[] = [];
  for (const [table, cols] of columns) {
    const rows = await db.query<{ t: string }>(
      `SELECT concat_ws('|', ${cols.map((c) => `"${c}"::text`).join(', ')}) AS t FROM "${table}"`,
    );
    findIn(table, rows.map((r) => r.t).join('\n'), found);
  }
  return { columns, found };
}

/**
 * The scans every leak test makes, as tests of the calling `describe`: every
 * log entry as served in the entry bundles, everything the platform logged
 * during the run, and every column that is not ciphertext (`sealed` left out),
 * with `table`'s clear columns exactly `clear`.
 */
export function commonLeakScans(
  platform: () => PlatformApp,
  o: {
    logged: readonly string[];
    sealed: ReadonlySet<string>;
    findIn: FindIn;
    table: string;
    clear: readonly string[];
  },
): void {
  it('every log entry, as served in the entry bundles', async () => {
    const p = platform();
    const size = (await p.rt.store.checkpoint())!.size;
    expect(await scanEntryBundles((path) => p.app.request(path), size, o.findIn)).toEqual([]);
  });

  it('everything the platform logged during the run', () => {
    const found: string[] = [];
    o.findIn('log output', o.logged.join(''), found);
    expect(found).toEqual([]);
  });

  it('every column that is not ciphertext, in every table', async () => {
    const { columns, found } = await scanColumns(platform().fresh.db, o.sealed, o.findIn);
    expect(columns.get(o.table)).toEqual(o.clear);
    expect(found).toEqual([]);
  });
}

/** C2SP tlog-tiles: the tile index N as path elements of three digits, x-prefixed but the last. */
export function tilePath(n: number): string {
  const parts: string[] = [];
  let v = n;
  do {
    parts.unshift(String(v % 1000).padStart(3, '0'));
    v = Math.floor(v / 1000);
  } while (v > 0);
  return parts.map((x, i) => (i < parts.length - 1 ? `x${x}` : x)).join('/');
}
