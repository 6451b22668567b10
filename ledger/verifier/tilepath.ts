/**
 * C2SP tlog-tiles paths (https://c2sp.org/tlog-tiles), tile height 8.
 *
 *   tile/<L>/<N>[.p/<W>]        hash tile at level L, index N, partial width W
 *   tile/entries/<N>[.p/<W>]    entry bundle N
 *
 * <N> is written in groups of three decimal digits, every group but the last
 * prefixed with "x" (1234067 → x001/x234/067). W is 1..255; a full tile has no
 * suffix. Paths are attacker-controlled on the server side: parsing is strict and
 * accepts exactly one spelling per tile.
 */
import { VerifyError } from './errors.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Highest hash-tile level we accept; 2^(8·(L+1)) covers any 64-bit tree size. */
export const MAX_TILE_LEVEL = 7;

export type TileRef =
  | { kind: 'hash'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number };

export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad tile index ${index}`);
  let s = String(index % 1000).padStart(3, '0');
  let n = Math.floor(index / 1000);
  while (n > 0) {
    s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
    n = Math.floor(n / 1000);
  }
  return s;
}

export function formatTilePath(t: TileRef): string {
  if (!Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH)
    throw new RangeError(`bad tile width ${t.width}`);
  const base = `tile/${t.kind === 'entries' ? 'entries' : String(t.level)}/${formatTileIndex(t.index)}`;
  return t.width === TILE_WIDTH ? base : `${base}.p/${t.width}`;
}

const PATH_RE = /^tile\/(entries|[0-9])\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** Parses a tile path (without a leading "/" or prefix). Throws MALFORMED_TILE_PATH. */
export function parseTilePath(path: string): TileRef {
  const m = PATH_RE.exec(path);
  if (!m)
    throw new VerifyError(
      'MALFORMED_TILE_PATH',
      `not a tile path: ${JSON.stringify(path.slice(0, 80))}`,
    );
  const [, lvl, groups, lastGroup, w] = m;
  const parts = groups
    ? groups
        .split('/')
        .filter(Boolean)
        .map((g) => g.slice(1))
    : [];
  // "x000/123" would be a second spelling of "123": leading groups must be non-zero first.
  if (parts.length > 0 && parts[0] === '000')
    throw new VerifyError('MALFORMED_TILE_PATH', 'tile index has a leading zero group');
  if (parts.length > 4) throw new VerifyError('MALFORMED_TILE_PATH', 'tile index too large');
  let index = 0;
  for (const g of [...parts, lastGroup!]) index = index * 1000 + Number(g);
  const width = w === undefined ? TILE_WIDTH : Number(w);
  if (w !== undefined && width >= TILE_WIDTH)
    throw new VerifyError('MALFORMED_TILE_PATH', `partial width must be 1..255, got ${w}`);
  if (lvl === 'entries') return { kind: 'entries', index, width };
  const level = Number(lvl);
  if (level > MAX_TILE_LEVEL)
    throw new VerifyError('MALFORMED_TILE_PATH', `tile level ${level} too high`);
  return { kind: 'hash', level, index, width };
}

/**
 * The tiles a reader needs for a tree of `size` leaves at one level: full tiles
 * 0..k-1 and, if the level has a remainder, a partial tile of that width.
 * Level L stores the hashes of tree level 8L, of which there are size >> 8L.
 */
export function tileCountAtLevel(size: number, level: number): { full: number; partial: number } {
  const n = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  return { full: Math.floor(n / TILE_WIDTH), partial: n % TILE_WIDTH };
}
