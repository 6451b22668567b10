/**
 * RFC 9162 §2.1.1 Merkle Tree Hash primitives with SHA-256, on @noble/hashes so
 * that the verifier runs unchanged in a browser (no node:crypto, no Buffer).
 * The writer has its own node:crypto implementation in ledger/hash.ts; the tests
 * make the two agree.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** SHA-256 of arbitrary bytes. */
export function sha256Bytes(data: Uint8Array): Hash {
  return sha256(data);
}

/** RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 ‖ d(0)). */
export function leafHash(entry: Uint8Array): Hash {
  if (!(entry instanceof Uint8Array)) throw new TypeError('leafHash expects a Uint8Array');
  const buf = new Uint8Array(entry.length + 1);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return sha256(buf);
}

// One scratch buffer for interior nodes: sha256() is synchronous, so no other
// caller can observe it half-written, and it saves an allocation per node (the
// log verifier hashes millions of them).
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** RFC 9162 §2.1.1: SHA-256(0x01 ‖ left ‖ right), for two 32-byte hashes. */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (!(left instanceof Uint8Array) || !(right instanceof Uint8Array))
    throw new TypeError('nodeHash expects two Uint8Arrays');
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    throw new RangeError('nodeHash expects two 32-byte hashes');
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string. */
export function emptyRoot(): Hash {
  return sha256(new Uint8Array(0));
}

/**
 * MTH of a list of leaf hashes (RFC 9162 §2.1.1), splitting at the largest power
 * of two smaller than n. Used for perfect subtrees inside a tile and in tests; the
 * log verifier never calls it on more than 256 hashes at a time.
 */
export function rootOfHashes(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return emptyRoot();
  return mth(hashes, 0, hashes.length);
}

function mth(h: readonly Hash[], start: number, end: number): Hash {
  const n = end - start;
  if (n === 1) return h[start]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(mth(h, start, start + k), mth(h, start + k, end));
}
