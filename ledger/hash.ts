/**
 * RFC 9162 §2.1.1 hashing with SHA-256, on Node's native crypto (the writer's hot
 * path). The verifier has its own implementation on @noble/hashes; the tests make
 * the two agree.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function sha256(data: Uint8Array): Hash {
  return createHash('sha256').update(data).digest();
}

/** MTH({d(0)}) = SHA-256(0x00 ‖ d(0)). */
export function leafHash(entry: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256(""). */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** Standard base64 of bytes (hashes in JSON and receipts), with Node's native encoder. */
export function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}
