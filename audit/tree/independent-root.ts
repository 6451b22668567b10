/**
 * The whole tree recomputed by a second, independent implementation of RFC 9162
 * §2.1.1 (issue #13, control 1): leaves hashed here with node:crypto, the tree
 * built by merkletreejs — neither shares code with ledger/ or its verifier, so a
 * bug in one is not silently repeated in the other.
 *
 * merkletreejs builds level by level, pairing left to right and carrying an odd
 * last node up unchanged (duplicateOdd false). For RFC 9162's tree — split at the
 * largest power of two below n — that gives the same root: every left subtree is
 * perfect, and a right edge carried up is exactly the smaller right subtree. Node
 * hashes are SHA-256(0x01 ‖ left ‖ right), the prefix added by the concatenator.
 *
 * Streaming with bounded memory: leaves arrive bundle by bundle (in any order)
 * and are collected into aligned chunks of CHUNK leaves; a complete chunk is
 * one perfect subtree, built at once and kept only as its root. The roots of the
 * chunks then form the top of the tree the same way (their count is n / CHUNK).
 * At most the chunks with leaves still in flight are held.
 */
import { createHash } from 'node:crypto';
import { MerkleTree } from 'merkletreejs';

/** Leaves per chunk: 2^16 (2 MiB of hashes); a power of two, so chunks are perfect subtrees. */
export const CHUNK = 1 << 16;

const NODE_PREFIX = Buffer.from([1]);
const LEAF_PREFIX = Buffer.from([0]);
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 ‖ entry), computed here (not ledger/'s). */
export function leafHashOf(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** The RFC 9162 root of these leaf hashes (at least one), by merkletreejs. */
export function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const tree = new MerkleTree(leaves, sha256, {
    hashLeaves: false,
    sortPairs: false,
    duplicateOdd: false,
    concatenator: (parts: Buffer[]) => Buffer.concat([NODE_PREFIX, ...parts]),
  });
  return tree.getRoot();
}

export class IndependentTree {
  readonly #size: number;
  readonly #open = new Map<number, { leaves: Buffer[]; filled: number }>();
  readonly #roots: Buffer[];
  #added = 0;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('size must be >= 0');
    this.#size = size;
    this.#roots = new Array(Math.ceil(size / CHUNK));
  }

  /** Records the leaf hash at `index` (each index once). */
  add(index: number, leafHash: Uint8Array): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size)
      throw new RangeError(`leaf ${index} is outside a tree of ${this.#size}`);
    const c = Math.floor(index / CHUNK);
    const width = Math.min(CHUNK, this.#size - c * CHUNK);
    let chunk = this.#open.get(c);
    if (!chunk) {
      chunk = { leaves: new Array(width), filled: 0 };
      this.#open.set(c, chunk);
    }
    const at = index - c * CHUNK;
    if (chunk.leaves[at]) throw new RangeError(`leaf ${index} given twice`);
    chunk.leaves[at] = Buffer.from(leafHash.buffer, leafHash.byteOffset, leafHash.byteLength);
    this.#added++;
    if (++chunk.filled === width) {
      this.#roots[c] = merkleRoot(chunk.leaves);
      this.#open.delete(c);
    }
  }

  /** The root once every leaf was added; SHA-256("") for the empty tree (RFC 9162 §2.1.1). */
  root(): Buffer {
    if (this.#added !== this.#size)
      throw new RangeError(`${this.#size - this.#added} of ${this.#size} leaves are missing`);
    if (this.#size === 0) return sha256(Buffer.alloc(0));
    return merkleRoot(this.#roots);
  }
}
