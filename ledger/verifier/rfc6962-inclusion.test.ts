/**
 * RFC 9162 §2.1.3 inclusion proofs (RFC 6962 §2.1.1): the CCTV vectors, the
 * tlog-go golden proofs, proofs generated for every (index, size ≤ 40) from the
 * §2.1.3.1 definition, and wrong-typed arguments.
 */
import { describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.ts';
import * as writer from '../hash.ts';
import {
  emptyRoot,
  fromBase64,
  leafHash,
  nodeHash,
  rootFromInclusion,
  rootOfHashes,
  utf8,
  VerifyError,
  verifyInclusion,
} from './index.ts';

const load = loadVector;
const b64 = (s: string) => fromBase64(s);

interface InclusionCase {
  leaf_hash: string;
  leaf_index: number;
  tree_size: number;
  root_hash: string;
  inclusion_path: string[];
  comment?: string;
}

const cctvValid: InclusionCase[] = load('rfc6962-cctv/inclusion-valid.json');
const cctvInvalid: InclusionCase[] = load('rfc6962-cctv/inclusion-invalid.json');
const tlogGo: InclusionCase[] = load('tlog-go/log.json').inclusion;
const merkleTree: { leaf_data: string; leaf_hash: string; root_hash: string }[] = load(
  'rfc6962-cctv/merkle_tree.json',
);

const run = (c: InclusionCase) =>
  verifyInclusion(
    b64(c.leaf_hash),
    c.leaf_index,
    c.tree_size,
    c.inclusion_path.map(b64),
    b64(c.root_hash),
  );

function expectBadProof(f: () => unknown) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe('BAD_PROOF');
    return;
  }
  throw new Error('expected BAD_PROOF');
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), as a reference independent of the verifier. */
function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n === 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m < k) return [...path(m, leaves.slice(0, k)), rootOfHashes(leaves.slice(k))];
  return [...path(m - k, leaves.slice(k)), rootOfHashes(leaves.slice(0, k))];
}

describe('RFC 9162 §2.1.1 hashing (CCTV merkle_tree.json)', () => {
  it('leaf hashes and roots after each append match, for the verifier and the writer', () => {
    const hashes: Uint8Array[] = [];
    for (const t of merkleTree) {
      const leaf = leafHash(utf8(t.leaf_data));
      expect(leaf).toEqual(b64(t.leaf_hash));
      expect(new Uint8Array(writer.leafHash(utf8(t.leaf_data)))).toEqual(leaf);
      hashes.push(leaf);
      expect(rootOfHashes(hashes)).toEqual(b64(t.root_hash));
    }
  });

  it('node hash and empty root agree with the writer', () => {
    const a = leafHash(utf8('a'));
    const b = leafHash(utf8('b'));
    expect(new Uint8Array(writer.nodeHash(a, b))).toEqual(nodeHash(a, b));
    expect(new Uint8Array(writer.EMPTY_ROOT)).toEqual(emptyRoot());
    expect(rootOfHashes([])).toEqual(emptyRoot());
  });

  it('nodeHash and leafHash refuse wrong types and sizes', () => {
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => nodeHash([] as unknown as Uint8Array, new Uint8Array(32))).toThrow(TypeError);
    expect(() => leafHash('a' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('RFC 9162 §2.1.3.2 inclusion verification', () => {
  it.each(cctvValid.map((c) => [`${c.leaf_index}/${c.tree_size}`, c] as const))(
    'accepts CCTV valid proof %s',
    (_, c) => {
      expect(() => run(c)).not.toThrow();
      expect(
        rootFromInclusion(b64(c.leaf_hash), c.leaf_index, c.tree_size, c.inclusion_path.map(b64)),
      ).toEqual(b64(c.root_hash));
    },
  );

  it.each(cctvInvalid.map((c, i) => [`#${i} ${c.comment}`, c] as const))(
    'rejects CCTV invalid proof %s',
    (_, c) => expectBadProof(() => run(c)),
  );

  it.each(tlogGo.map((c) => [`${c.leaf_index}/${c.tree_size}`, c] as const))(
    'accepts tlog-go proof %s, and rejects it for another leaf, index or root',
    (_, c) => {
      expect(() => run(c)).not.toThrow();
      const flipped = b64(c.leaf_hash);
      flipped[0]! ^= 1;
      expectBadProof(() =>
        verifyInclusion(
          flipped,
          c.leaf_index,
          c.tree_size,
          c.inclusion_path.map(b64),
          b64(c.root_hash),
        ),
      );
      expectBadProof(() => run({ ...c, leaf_index: c.leaf_index ^ 1 }));
      expectBadProof(() =>
        run({ ...c, root_hash: c.inclusion_path[0] ?? c.root_hash.replace(/^./, 'A') }),
      );
    },
  );

  it('accepts every generated proof for sizes 1..40 and rejects every mutation', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(utf8(`leaf ${i}`)));
    for (let n = 1; n <= leaves.length; n++) {
      const tree = leaves.slice(0, n);
      const root = rootOfHashes(tree);
      for (let m = 0; m < n; m++) {
        const p = path(m, tree);
        verifyInclusion(tree[m]!, m, n, p, root);
        expectBadProof(() => verifyInclusion(tree[m]!, m, n, [...p, root], root));
        if (p.length > 0) {
          expectBadProof(() => verifyInclusion(tree[m]!, m, n, p.slice(0, -1), root));
          const q = p.map((h) => h.slice());
          q[q.length - 1]![31]! ^= 0x80;
          expectBadProof(() => verifyInclusion(tree[m]!, m, n, q, root));
        }
        if (m + 1 < n) expectBadProof(() => verifyInclusion(tree[m]!, m + 1, n, p, root));
        // (n + 1 may verify: only the path's shape near the right edge depends on
        // the size, and it is the root, not the size, that a checkpoint signs.)
        const otherRoot = rootOfHashes([...tree.slice(0, -1), leafHash(utf8('other'))]);
        expectBadProof(() => verifyInclusion(tree[m]!, m, n, p, otherRoot));
      }
    }
  });

  it('refuses an index at or beyond the size, and the empty tree', () => {
    const h = leafHash(utf8('a'));
    expectBadProof(() => verifyInclusion(h, 1, 1, [], h));
    expectBadProof(() => verifyInclusion(h, 0, 0, [], h));
  });

  it('refuses wrong-typed arguments', () => {
    const h = leafHash(utf8('a'));
    const bad: unknown[][] = [
      [h, 0.5, 1, [], h],
      [h, -1, 1, [], h],
      [h, Number.NaN, 1, [], h],
      [h, 0, Number.POSITIVE_INFINITY, [], h],
      [h, 0, 2 ** 53, [], h],
      [h, '0', 1, [], h],
      [h, 0n, 1, [], h],
      [h, 0, 1, null, h],
      [h, 0, 1, 'path', h],
      [h, 0, 2, [new Uint8Array(31)], h],
      [h, 0, 2, [Array.from(h)], h],
      [h.subarray(1), 0, 1, [], h],
      [h, 0, 1, [], new Uint8Array(33)],
      [Array.from(h), 0, 1, [], h],
      [undefined, 0, 1, [], h],
      [h, 0, 1, Array.from({ length: 65 }, () => h), h],
    ];
    for (const args of bad)
      expectBadProof(() => (verifyInclusion as (...a: unknown[]) => void)(...args));
  });
});
