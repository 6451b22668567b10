/**
 * "The log only grew": an older tree (its size and root, from a checkpoint
 * already verified) checked against the latest verified checkpoint with the
 * log's consistency proof (RFC 9162 §2.1.4). A rollback (the older tree larger)
 * or a fork (two roots for one size, or a proof that does not hold) is a fail.
 *
 * The browser also remembers the last checkpoint it verified (localStorage,
 * per log origin), so a returning reader can check in the log explorer that
 * the log only grew since their last visit: each reader becomes a small
 * witness, without trusting the server's word about its own past.
 */
import {
  bytesEqual,
  fromBase64,
  type OpenedCheckpoint,
  verifyConsistency,
} from '../ledger/verifier/index.ts';
import { getJson } from './fetch-json.ts';
import { type Steps, why } from './steps.ts';

export interface Tree {
  size: number;
  rootHash: Uint8Array;
}

/** Adds one step: `older` is a prefix of `latest` (what failed, otherwise). */
export async function proveGrowth(
  base: string,
  older: Tree,
  latest: OpenedCheckpoint,
  steps: Steps,
  label: string,
): Promise<boolean> {
  try {
    if (older.size > latest.size)
      throw new Error(
        `tree ${older.size} is larger than the latest checkpoint ${latest.size}: the log was rolled back`,
      );
    if (older.size === latest.size && !bytesEqual(older.rootHash, latest.rootHash))
      throw new Error(`two different roots for size ${older.size}: the log forked`);
    let path: Uint8Array[] = [];
    if (older.size < latest.size && older.size > 0) {
      const c = await getJson<{ path?: unknown }>(
        `${base}/v1/proofs/consistency?from=${older.size}&to=${latest.size}`,
      );
      if (!Array.isArray(c.path)) throw new Error('consistency answer has no path');
      path = c.path.map((h) => fromBase64(String(h)));
    }
    verifyConsistency(older.size, latest.size, older.rootHash, latest.rootHash, path);
    steps.add(
      'ok',
      `${label}: the log only grew: ${
        older.size === latest.size
          ? `tree ${older.size} is the latest tree (nothing appended since)`
          : `tree ${older.size} is a prefix of tree ${latest.size}`
      }`,
    );
    return true;
  } catch (e) {
    steps.add('fail', `${label}: ${why(e)}`);
    return false;
  }
}

const KEY = 'saksi-checkpoint:';

/** Keeps a verified checkpoint's text as this browser's last seen one for its origin. */
export function rememberCheckpoint(origin: string, note: string): void {
  try {
    globalThis.localStorage?.setItem(KEY + origin, note);
  } catch {
    // Storage off (a private window, the offline file): nothing is remembered.
  }
}

/** The checkpoint this browser last verified for `origin`, if any (untrusted until opened). */
export function rememberedCheckpoint(origin: string): string | null {
  try {
    return globalThis.localStorage?.getItem(KEY + origin) ?? null;
  } catch {
    return null;
  }
}
