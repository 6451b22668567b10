/**
 * RFC 9162 §2.1 Merkle Tree Hash, inclusion proofs (§2.1.3.1 PATH) and
 * consistency proofs (§2.1.4.1 PROOF/SUBPROOF), computed from perfect subtree
 * hashes ("nodes").
 *
 * Every algorithm here works in two steps: first a pure plan of which perfect
 * nodes it needs (no I/O), then one batched read of those nodes, then hashing.
 * That lets a tile-backed reader fetch each tile once per proof, and lets the
 * sequencer compute roots synchronously from its in-memory right edge.
 */
import { EMPTY_ROOT, type Hash, nodeHash } from './hash.ts';

/** A perfect subtree: 2^level leaves starting at leaf index·2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** A contiguous leaf range [start, start+size) whose MTH a proof needs. */
export interface LeafRange {
  start: number;
  size: number;
}

/** Reads perfect-subtree hashes, in the order asked. */
export interface NodeReader {
  nodes(ids: readonly NodeId[]): Promise<Hash[]>;
}

export function assertTreeSize(n: number, what = 'tree size'): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** The largest power of two strictly less than n (n ≥ 2): RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Decomposes an aligned range into perfect nodes, largest first. Ranges produced
 * by RFC 9162's recursion always start at a multiple of a power of two not smaller
 * than their largest part, so greedy decomposition yields aligned nodes.
 */
export function rangeNodes(r: LeafRange): NodeId[] {
  const out: NodeId[] = [];
  let start = r.start;
  let rest = r.size;
  while (rest > 0) {
    let level = 0;
    while (2 ** (level + 1) <= rest) level++;
    const width = 2 ** level;
    out.push({ level, index: start / width });
    start += width;
    rest -= width;
  }
  return out;
}

/** MTH of a range from its perfect nodes (largest first): a right fold. */
export function foldRange(nodes: readonly Hash[]): Hash {
  if (nodes.length === 0) return EMPTY_ROOT;
  let h = nodes[nodes.length - 1]!;
  for (let i = nodes.length - 2; i >= 0; i--) h = nodeHash(nodes[i]!, h);
  return h;
}

/** RFC 9162 §2.1.3.1: the subtrees whose hashes form PATH(m, D[0:n]), leaf first. */
export function inclusionPlan(m: number, n: number): LeafRange[] {
  assertTreeSize(n);
  if (!Number.isSafeInteger(m) || m < 0 || m >= n)
    throw new RangeError(`leaf index ${m} is not in a tree of size ${n}`);
  const out: LeafRange[] = [];
  let start = 0;
  let size = n;
  let idx = m;
  const stack: LeafRange[] = [];
  while (size > 1) {
    const k = splitPoint(size);
    if (idx < k) {
      stack.push({ start: start + k, size: size - k });
      size = k;
    } else {
      stack.push({ start, size: k });
      start += k;
      size -= k;
      idx -= k;
    }
  }
  // The recursion appends on the way out, so the deepest sibling comes first.
  for (let i = stack.length - 1; i >= 0; i--) out.push(stack[i]!);
  return out;
}

/** RFC 9162 §2.1.4.1: the subtrees whose hashes form PROOF(m, D[0:n]). */
export function consistencyPlan(m: number, n: number): LeafRange[] {
  assertTreeSize(n);
  if (!Number.isSafeInteger(m) || m < 0 || m > n)
    throw new RangeError(`cannot prove ${m} consistent with ${n}`);
  if (m === 0 || m === n) return [];
  const stack: LeafRange[] = [];
  let start = 0;
  let size = n;
  let mm = m;
  let complete = true; // SUBPROOF's b: the old tree is a complete subtree here
  for (;;) {
    if (mm === size) {
      if (!complete) stack.push({ start, size: mm });
      break;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      stack.push({ start: start + k, size: size - k });
      size = k;
    } else {
      stack.push({ start, size: k });
      start += k;
      size -= k;
      mm -= k;
      complete = false;
    }
  }
  const out: LeafRange[] = [];
  for (let i = stack.length - 1; i >= 0; i--) out.push(stack[i]!);
  return out;
}

/** Reads the nodes a list of ranges needs in one batch and folds each range. */
export async function hashRanges(
  ranges: readonly LeafRange[],
  reader: NodeReader,
  memo?: RangeMemo,
): Promise<Hash[]> {
  // A range that is not one perfect node is folded from several; its hash never
  // changes once its leaves exist, so a memo saves refolding the right edge.
  const known = ranges.map((r) =>
    memo && !isPerfect(r) ? memo.get(`${r.start}+${r.size}`) : undefined,
  );
  const perRange = ranges.map((r, i) => (known[i] ? [] : rangeNodes(r)));
  const flat = perRange.flat();
  const hashes = flat.length === 0 ? [] : await reader.nodes(flat);
  const out: Hash[] = [];
  let o = 0;
  perRange.forEach((nodes, i) => {
    const hit = known[i];
    if (hit) {
      out.push(hit);
      return;
    }
    const h = foldRange(hashes.slice(o, o + nodes.length));
    o += nodes.length;
    if (memo && !isPerfect(ranges[i]!)) memo.set(`${ranges[i]!.start}+${ranges[i]!.size}`, h);
    out.push(h);
  });
  return out;
}

/** Where composite range hashes are remembered (an LRU in the store). */
export interface RangeMemo {
  get(key: string): Hash | undefined;
  set(key: string, h: Hash): void;
}

function isPerfect(r: LeafRange): boolean {
  let p = 1;
  while (p < r.size) p *= 2;
  return p === r.size && r.start % r.size === 0;
}

export async function treeRoot(n: number, reader: NodeReader): Promise<Hash> {
  assertTreeSize(n);
  if (n === 0) return EMPTY_ROOT;
  const [root] = await hashRanges([{ start: 0, size: n }], reader);
  return root!;
}

export async function inclusionProof(
  m: number,
  n: number,
  reader: NodeReader,
  memo?: RangeMemo,
): Promise<Hash[]> {
  return hashRanges(inclusionPlan(m, n), reader, memo);
}

export async function consistencyProof(
  m: number,
  n: number,
  reader: NodeReader,
  memo?: RangeMemo,
): Promise<Hash[]> {
  return hashRanges(consistencyPlan(m, n), reader, memo);
}

/** MTH of a perfect run of hashes (length a power of two), bottom-up. */
export function perfectRoot(hashes: readonly Hash[]): Hash {
  let level = hashes.slice();
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0] ?? EMPTY_ROOT;
}
