/**
 * The independent recomputation (merkletreejs) against RFC 9162 §2.1.1 roots:
 * the tlog-go golden log at every published size, the empty tree, leaves given
 * out of order, and chunk edges (with the ledger's own root as the reference).
 */
import { describe, expect, it } from 'vitest';
import { type Hash, leafHash, nodeHash, splitPoint } from '../../ledger/index.ts';
import { loadVector } from '../../test/vectors.ts';
import { CHUNK, IndependentTree, leafHashOf } from './independent-root.ts';

const golden = loadVector('tlog-go/log.json') as {
  entries: string[];
  roots: { tree_size: number; root_hash: string }[];
};
const entries = golden.entries.map((e) => new TextEncoder().encode(e));

/** RFC 9162 §2.1.1 MTH by the ledger's own hashing, recursively: the reference. */
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function rootBy(size: number, order: (n: number) => number[]): Buffer {
  const tree = new IndependentTree(size);
  for (const i of order(size)) tree.add(i, leafHashOf(entries[i % entries.length]!));
  return tree.root();
}
const ascending = (n: number) => Array.from({ length: n }, (_, i) => i);
const shuffled = (n: number) =>
  ascending(n).sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101));

describe('RFC 9162 §2.1.1 root by merkletreejs', () => {
  it.each(golden.roots.map((r) => [r.tree_size, r.root_hash]))(
    'tlog-go golden root at size %i',
    (size, root) => {
      expect(rootBy(size as number, ascending).toString('base64')).toBe(root);
      expect(rootBy(size as number, shuffled).toString('base64')).toBe(root);
    },
  );

  it('the empty tree is SHA-256("")', () => {
    expect(new IndependentTree(0).root().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it.each([CHUNK, CHUNK + 1, 2 * CHUNK + 3])('matches the ledger across chunk edges (%i)', (n) => {
    const leaves = ascending(n).map((i) => leafHash(entries[i % entries.length]!));
    expect(rootBy(n, shuffled).equals(Buffer.from(mth(leaves)))).toBe(true);
  });

  it('refuses a missing, repeated or out-of-range leaf', () => {
    const t = new IndependentTree(2);
    t.add(0, leafHashOf(entries[0]!));
    expect(() => t.root()).toThrow(/1 of 2 leaves are missing/);
    expect(() => t.add(0, leafHashOf(entries[0]!))).toThrow(/twice/);
    expect(() => t.add(2, leafHashOf(entries[0]!))).toThrow(/outside/);
  });
});
