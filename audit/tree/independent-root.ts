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
import { hash } from 'node:crypto';
import { MerkleTree } from 'merkletreejs';

/** Leaves per chunk: 2^16 (2 MiB of hashes); a power of two, so chunks are perfect subtrees. */
export const CHUNK = 1 << 16;

const HASH_BYTES = 32;
const sha256 = (data: Uint8Array): Buffer => hash('sha256', data, 'buffer') as unknown as Buffer;

/**
 * One-shot hashing (crypto.hash) over a reused scratch buffer holding the
 * domain-separation prefix and the input: no hash object and no concatenation
 * allocated per leaf or node — at a million entries that allocation, not the
 * hashing, was the independent tree's cost.
 */
let scratch = Buffer.alloc(4096);
function prefixed(prefix: number, ...parts: Uint8Array[]): Buffer {
  let n = 1;
  for (const p of parts) n += p.byteLength;
  if (n > scratch.length) scratch = Buffer.alloc(Math.max(n, scratch.length * 2));
  scratch[0] = prefix;
  let at = 1;
  for (const p of parts) {
    scratch.set(p, at);
    at += p.byteLength;
  }
  return scratch.subarray(0, n);
}

/** RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 ‖ entry), computed here (not ledger/'s). */
export function leafHashOf(entry: Uint8Array): Buffer {
  return sha256(prefixed(0, entry));
}

/**
 * merkletreejs hands the concatenator's result straight to the hash function
 * (MerkleTree.createHashes: `hashFn(concatenator(combined))`), so the node's
 * 0x01 ‖ left ‖ right may live in the scratch buffer.
 */
const MERKLE_OPTIONS = {
  hashLeaves: false,
  sortPairs: false,
  duplicateOdd: false,
  concatenator: (parts: Buffer[]) => prefixed(1, ...parts),
};

/** The RFC 9162 root of these leaf hashes (at least one), by merkletreejs. */
export function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  // A copy: getRoot returns the tree's own buffer, and the scratch must not leak.
  return Buffer.from(new MerkleTree(leaves, sha256, MERKLE_OPTIONS).getRoot());
}

interface OpenChunk {
  /** The chunk's leaf hashes, contiguous; `leaves[i]` views slot i once filled. */
  hashes: Buffer;
  leaves: Buffer[];
  filled: number;
}

export class IndependentTree {
  readonly #size: number;
  readonly #open = new Map<number, OpenChunk>();
  readonly #roots: Buffer[];
  #added = 0;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('size must be >= 0');
    this.#size = size;
    this.#roots = new Array(Math.ceil(size / CHUNK));
  }

  /** Records the leaf hash at `index` (each index once). */
  add(index: number, leafHash: Uint8Array): void {
    if (leafHash.byteLength !== HASH_BYTES) throw new RangeError('a leaf hash has 32 bytes');
    const { chunk, at } = this.#slot(index);
    chunk.hashes.set(leafHash, at * HASH_BYTES);
    this.#filled(index, chunk, at);
  }

  /** Hashes the entry at `index` (RFC 9162 leaf hash, here) straight into its chunk; returns the leaf hash. */
  addEntry(index: number, entry: Uint8Array): Buffer {
    const { chunk, at } = this.#slot(index);
    const leaf = chunk.hashes.subarray(at * HASH_BYTES, at * HASH_BYTES + HASH_BYTES);
    leaf.set(leafHashOf(entry));
    this.#filled(index, chunk, at);
    return leaf;
  }

  #slot(index: number): { chunk: OpenChunk; at: number } {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size)
      throw new RangeError(`leaf ${index} is outside a tree of ${this.#size}`);
    const c = Math.floor(index / CHUNK);
    let chunk = this.#open.get(c);
    if (!chunk) {
      if (this.#roots[c]) throw new RangeError(`leaf ${index} given twice`);
      const width = Math.min(CHUNK, this.#size - c * CHUNK);
      chunk = { hashes: Buffer.alloc(width * HASH_BYTES), leaves: new Array(width), filled: 0 };
      this.#open.set(c, chunk);
    }
    const at = index - c * CHUNK;
    if (chunk.leaves[at]) throw new RangeError(`leaf ${index} given twice`);
    return { chunk, at };
  }

  #filled(index: number, chunk: OpenChunk, at: number): void {
    chunk.leaves[at] = chunk.hashes.subarray(at * HASH_BYTES, at * HASH_BYTES + HASH_BYTES);
    this.#added++;
    if (++chunk.filled === chunk.leaves.length) {
      const c = Math.floor(index / CHUNK);
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
