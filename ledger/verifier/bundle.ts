/**
 * C2SP tlog-tiles "Log entries": an entry bundle is a sequence of entries, each a
 * big-endian uint16 length followed by that many bytes. Bundles come from the log
 * and are untrusted: a truncated length or body, trailing bytes, or a count other
 * than the one the tile path promises are all MALFORMED_BUNDLE.
 */
import { VerifyError } from './errors.ts';

/** Largest entry a bundle can carry (uint16 length). */
export const MAX_ENTRY_SIZE = 0xffff;

/**
 * Splits a bundle into its entries (views into `data`, not copies). With
 * `expectedCount`, the bundle must hold exactly that many entries.
 */
export function parseEntryBundle(data: Uint8Array, expectedCount?: number): Uint8Array[] {
  if (!(data instanceof Uint8Array)) throw new TypeError('entry bundle must be a Uint8Array');
  if (expectedCount !== undefined && (!Number.isSafeInteger(expectedCount) || expectedCount < 0))
    throw new TypeError(`bad expected entry count ${String(expectedCount)}`);
  const entries: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    if (expectedCount !== undefined && entries.length === expectedCount)
      throw new VerifyError(
        'MALFORMED_BUNDLE',
        `entry bundle has ${data.length - off} bytes after its ${expectedCount} entries`,
      );
    if (off + 2 > data.length)
      throw new VerifyError(
        'MALFORMED_BUNDLE',
        `entry bundle truncated in the length of entry ${entries.length}`,
      );
    const len = (data[off]! << 8) | data[off + 1]!;
    off += 2;
    if (off + len > data.length)
      throw new VerifyError(
        'MALFORMED_BUNDLE',
        `entry bundle truncated: entry ${entries.length} claims ${len} bytes, ${data.length - off} remain`,
      );
    entries.push(data.subarray(off, off + len));
    off += len;
  }
  if (expectedCount !== undefined && entries.length !== expectedCount)
    throw new VerifyError(
      'MALFORMED_BUNDLE',
      `entry bundle has ${entries.length} entries, expected ${expectedCount}`,
    );
  return entries;
}

/** Encodes entries as a bundle (for tests and for the writer). */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const e of entries) {
    if (!(e instanceof Uint8Array)) throw new TypeError('entries must be Uint8Arrays');
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`entry of ${e.length} bytes exceeds 65535`);
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const e of entries) {
    out[off] = e.length >> 8;
    out[off + 1] = e.length & 0xff;
    out.set(e, off + 2);
    off += 2 + e.length;
  }
  return out;
}
