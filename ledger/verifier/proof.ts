/**
 * Verification of Merkle inclusion and consistency proofs, exactly as RFC 9162
 * §2.1.3.2 and §2.1.4.2 describe them (the same algorithms as RFC 6962 §2.1.1-2,
 * written as loops over the path). Every argument may come from an untrusted log:
 * sizes and indices are checked to be safe non-negative integers and every hash
 * to be 32 bytes before any hashing.
 */
import { bytesEqual, toBase64 } from './encoding.ts';
import { VerifyError } from './errors.ts';
import { emptyRoot, HASH_SIZE, type Hash, nodeHash } from './hash.ts';

/** A path longer than this cannot belong to a tree of at most 2^64 leaves. */
const MAX_PATH = 64;

function fail(message: string): never {
  throw new VerifyError('BAD_PROOF', message);
}

function checkCount(name: string, n: unknown): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    fail(`${name} must be a non-negative safe integer, got ${String(n)}`);
}

function checkHash(name: string, h: unknown): asserts h is Hash {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE)
    fail(`${name} must be a ${HASH_SIZE}-byte Uint8Array`);
}

function checkPath(path: unknown): asserts path is readonly Hash[] {
  if (!Array.isArray(path)) fail('proof path must be an array of hashes');
  if (path.length > MAX_PATH) fail(`proof path has ${path.length} hashes, more than ${MAX_PATH}`);
  for (let i = 0; i < path.length; i++) checkHash(`proof path[${i}]`, path[i]);
}

// Sizes are safe integers (< 2^53), beyond the 32 bits JS bitwise operators
// handle, so shifts and parity use arithmetic.
const lsb = (n: number): boolean => n % 2 === 1;
const shr = (n: number): number => Math.floor(n / 2);

/**
 * RFC 9162 §2.1.3.2 steps 1-4: the root that `path` proves for the leaf hash at
 * `index` in a tree of `size` leaves. Throws BAD_PROOF if the path has the wrong
 * shape for that index and size (too short or too long).
 */
export function rootFromInclusion(
  leafHash: Hash,
  index: number,
  size: number,
  path: readonly Hash[],
): Hash {
  checkHash('leaf hash', leafHash);
  checkCount('leaf index', index);
  checkCount('tree size', size);
  checkPath(path);
  // Step 1.
  if (index >= size) fail(`leaf index ${index} is not below tree size ${size}`);
  // Steps 2-3.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // Step 4.
  for (const p of path) {
    if (sn === 0) fail(`inclusion path is longer than a tree of size ${size} needs`);
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this node is a left child with no right sibling.
      while (!lsb(fn) && fn !== 0) {
        fn = shr(fn);
        sn = shr(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  // Step 5, first half: the path must have reached the root.
  if (sn !== 0) fail(`inclusion path is shorter than a tree of size ${size} needs`);
  return r;
}

/** RFC 9162 §2.1.3.2: returns if `path` proves `leafHash` at `index` under `root`. */
export function verifyInclusion(
  leafHash: Hash,
  index: number,
  size: number,
  path: readonly Hash[],
  root: Hash,
): void {
  checkHash('root hash', root);
  const r = rootFromInclusion(leafHash, index, size, path);
  // Step 5, second half.
  if (!bytesEqual(r, root))
    fail(
      `inclusion proof for leaf ${index} in tree of size ${size} yields root ${toBase64(r)}, not ${toBase64(root)}`,
    );
}

/**
 * RFC 9162 §2.1.4.2: returns if `path` proves that the tree of `oldSize` leaves
 * with root `oldRoot` is a prefix of the tree of `newSize` leaves with `newRoot`.
 *
 * The RFC's algorithm starts at a non-empty path; the trivial cases it leaves to
 * §2.1.4.1 are handled first: equal sizes need an empty path and equal roots, and
 * the empty tree (whose root is SHA-256("") by §2.1.1) is a prefix of every tree.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  path: readonly Hash[],
): void {
  checkCount('old size', oldSize);
  checkCount('new size', newSize);
  checkHash('old root', oldRoot);
  checkHash('new root', newRoot);
  checkPath(path);
  if (oldSize > newSize) fail(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 && !bytesEqual(oldRoot, emptyRoot()))
    fail('the root of the empty tree must be SHA-256("")');
  if (newSize === 0 && !bytesEqual(newRoot, emptyRoot()))
    fail('the root of the empty tree must be SHA-256("")');
  if (oldSize === newSize) {
    if (path.length !== 0) fail('consistency proof between equal sizes must be empty');
    if (!bytesEqual(oldRoot, newRoot)) fail(`two different roots for tree size ${oldSize}`);
    return;
  }
  if (oldSize === 0) {
    if (path.length !== 0) fail('consistency proof from the empty tree must be empty');
    return;
  }
  // Step 1.
  if (path.length === 0) fail(`empty consistency proof from size ${oldSize} to ${newSize}`);
  // Step 2: when oldSize is a power of two, the old tree is a node of the new
  // one and the proof omits its hash, which is oldRoot.
  const proof = isPowerOfTwo(oldSize) ? [oldRoot, ...path] : path;
  // Step 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // Step 4.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // Step 5.
  let fr = proof[0]!;
  let sr = proof[0]!;
  // Step 6.
  for (let i = 1; i < proof.length; i++) {
    const c = proof[i]!;
    if (sn === 0) fail(`consistency proof is longer than sizes ${oldSize}→${newSize} need`);
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // Skip the levels where this node is a left child with no right sibling.
      while (!lsb(fn) && fn !== 0) {
        fn = shr(fn);
        sn = shr(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  // Step 7.
  if (sn !== 0) fail(`consistency proof is shorter than sizes ${oldSize}→${newSize} need`);
  if (!bytesEqual(fr, oldRoot))
    fail(`consistency proof yields old root ${toBase64(fr)}, not ${toBase64(oldRoot)}`);
  if (!bytesEqual(sr, newRoot))
    fail(`consistency proof yields new root ${toBase64(sr)}, not ${toBase64(newRoot)}`);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}
