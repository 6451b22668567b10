// RFC 9162 §2.1 tree hashing and proof generation on the writer side, checked
// against the CCTV vectors, the Go toolchain's tlog golden data, and merkletreejs.
import fc from 'fast-check';
import { MerkleTree } from 'merkletreejs';
import { describe, expect, it } from 'vitest';
import { loadVector } from '../test/vectors.ts';
import { EMPTY_ROOT, type Hash, leafHash, nodeHash, sha256 } from './hash.ts';
import { consistencyProof, inclusionProof, type NodeReader, treeRoot } from './merkle.ts';
import { encodeBundle, joinHashes, TileNodeReader, type TileSource, TreeEdge } from './tiles.ts';
import { fromBase64, toBase64, utf8 } from './verifier/encoding.ts';
import { formatTilePath } from './verifier/tilepath.ts';

const load = loadVector;
const b64 = (h: Uint8Array) => toBase64(h);

/** Tiles of a tree built with TreeEdge, kept in memory: the test's own tile store. */
function buildTiles(leaves: Hash[]) {
  const edge = TreeEdge.empty();
  const full = new Map<string, Uint8Array>();
  for (const t of edge.append(leaves)) full.set(`${t.level}/${t.index}`, t.data);
  const source: TileSource = {
    async hashTile(level, index, width) {
      const f = full.get(`${level}/${index}`);
      if (f) return f.subarray(0, width * 32);
      const p = edge.partialTile(level);
      if (p && p.index === index && p.width >= width) return joinHashes(p.hashes.slice(0, width));
      throw new Error(`no tile ${level}/${index}/${width}`);
    },
  };
  return { edge, full, source };
}

/** A reader that hashes leaves directly: the slow, obviously-right reference. */
function directReader(leaves: Hash[]): NodeReader {
  const node = (level: number, index: number): Hash =>
    level === 0
      ? leaves[index]!
      : nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
  return { nodes: async (ids) => ids.map((id) => node(id.level, id.index)) };
}

describe('RFC 6962 CCTV vectors (writer)', () => {
  const tree: { leaf_data: string; leaf_hash: string; root_hash: string }[] = load(
    'rfc6962-cctv/merkle_tree.json',
  );
  const leaves = tree.map((t) => leafHash(utf8(t.leaf_data)));

  it('hashes leaves and computes every root', async () => {
    for (const [i, t] of tree.entries()) expect(b64(leaves[i]!)).toBe(t.leaf_hash);
    for (let n = 1; n <= tree.length; n++) {
      expect(b64(await treeRoot(n, directReader(leaves)))).toBe(tree[n - 1]!.root_hash);
      expect(
        b64(
          TreeEdge.restore(0, () => [])
            .clone()
            .root(),
        ),
      ).toBe(b64(EMPTY_ROOT));
      const { edge } = buildTiles(leaves.slice(0, n));
      expect(b64(edge.root())).toBe(tree[n - 1]!.root_hash);
    }
  });

  it('generates the valid inclusion and consistency proofs', async () => {
    const r = directReader(leaves);
    for (const v of load('rfc6962-cctv/inclusion-valid.json')) {
      const path = await inclusionProof(v.leaf_index, v.tree_size, r);
      expect(path.map(b64)).toEqual(v.inclusion_path);
    }
    for (const v of load('rfc6962-cctv/consistency-valid.json')) {
      const path = await consistencyProof(v.old_size, v.new_size, r);
      expect(path.map(b64)).toEqual(v.consistency_path);
    }
  });

  it('refuses impossible proof requests', async () => {
    const r = directReader(leaves);
    await expect(inclusionProof(3, 3, r)).rejects.toThrow(RangeError);
    await expect(inclusionProof(-1, 3, r)).rejects.toThrow(RangeError);
    await expect(inclusionProof(0.5, 3, r)).rejects.toThrow(RangeError);
    await expect(consistencyProof(4, 3, r)).rejects.toThrow(RangeError);
    await expect(treeRoot(-1, r)).rejects.toThrow(RangeError);
  });
});

describe('tlog-go golden data: roots, proofs, tiles and bundles byte for byte', () => {
  const log = load('tlog-go/log.json');
  const entries: Uint8Array[] = log.entries.map((e: string) => utf8(e));
  const leaves = entries.map(leafHash);

  for (const size of [300, 600]) {
    it(`produces every hash tile and entry bundle at size ${size}`, () => {
      const { edge, full } = buildTiles(leaves.slice(0, size));
      const mine = new Map<string, string>();
      for (const [k, data] of full) {
        const [level, index] = k.split('/').map(Number);
        mine.set(
          formatTilePath({ kind: 'hash', level: level!, index: index!, width: 256 }),
          b64(data),
        );
      }
      for (let level = 0; level < 4; level++) {
        const p = edge.partialTile(level);
        if (p) mine.set(formatTilePath({ kind: 'hash', level, ...p }), b64(joinHashes(p.hashes)));
      }
      for (let i = 0; i * 256 < size; i++) {
        const width = Math.min(256, size - i * 256);
        const bundle = encodeBundle(entries.slice(i * 256, i * 256 + width));
        mine.set(formatTilePath({ kind: 'entries', index: i, width }), b64(bundle));
      }
      const golden = new Map<string, string>(
        log[`tiles_at_size_${size}`].map((t: { path: string; data: string }) => [t.path, t.data]),
      );
      expect([...mine.keys()].sort()).toEqual([...golden.keys()].sort());
      for (const [path, data] of golden) expect(mine.get(path), path).toBe(data);
    });
  }

  it('computes every golden root from tiles and from the edge', async () => {
    for (const { tree_size, root_hash } of log.roots) {
      const { edge, source } = buildTiles(leaves.slice(0, tree_size));
      expect(b64(edge.root())).toBe(root_hash);
      expect(b64(await treeRoot(tree_size, new TileNodeReader(source, tree_size)))).toBe(root_hash);
    }
  });

  it('generates the golden inclusion and consistency proofs from tiles', async () => {
    const { source } = buildTiles(leaves);
    for (const v of log.inclusion) {
      const path = await inclusionProof(
        v.leaf_index,
        v.tree_size,
        new TileNodeReader(source, v.tree_size),
      );
      expect(path.map(b64)).toEqual(v.inclusion_path);
    }
    for (const v of log.consistency) {
      const path = await consistencyProof(
        v.old_size,
        v.new_size,
        new TileNodeReader(source, v.new_size),
      );
      expect(path.map(b64)).toEqual(v.consistency_path);
    }
  });
});

describe('differential: merkletreejs (RFC 6962 mode) and this implementation agree', () => {
  // merkletreejs with leaves pre-hashed (0x00 prefix) and nodes hashed with the
  // 0x01 prefix reproduces RFC 6962's unbalanced-tree rule (promote the lone
  // right node): an independent implementation to compare roots and audit paths.
  const rfcNode = (buf: Buffer) => Buffer.from(nodeHashFromConcat(buf));
  const nodeHashFromConcat = (buf: Buffer) => sha256(Buffer.concat([Buffer.from([1]), buf]));

  it('roots and audit paths over random tree sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 700 }), fc.nat(), async (n, seed) => {
        const leaves = Array.from({ length: n }, (_, i) => leafHash(utf8(`leaf ${seed} ${i}`)));
        const mt = new MerkleTree(
          leaves.map((l) => Buffer.from(l)),
          rfcNode,
          { hashLeaves: false, isBitcoinTree: false },
        );
        const { edge, source } = buildTiles(leaves);
        const root = edge.root();
        expect(Buffer.from(root).equals(mt.getRoot())).toBe(true);
        const reader = new TileNodeReader(source, n);
        const m = seed % n;
        const path = await inclusionProof(m, n, reader);
        const theirs = mt.getProof(Buffer.from(leaves[m]!)).map((p) => b64(p.data));
        expect(path.map(b64)).toEqual(theirs);
      }),
      { numRuns: 150 },
    );
  });
});

describe('TreeEdge', () => {
  it('restores from its partial tiles and continues identically', () => {
    const leaves = Array.from({ length: 70_000 }, (_, i) => sha256(utf8(String(i))));
    const a = TreeEdge.empty();
    a.append(leaves.slice(0, 66_000));
    const b = TreeEdge.restore(66_000, (level) => a.partialTile(level)?.hashes ?? []);
    const fa = a.append(leaves.slice(66_000));
    const fb = b.append(leaves.slice(66_000));
    expect(b64(a.root())).toBe(b64(b.root()));
    expect(fa.map((t) => `${t.level}/${t.index}`)).toEqual(fb.map((t) => `${t.level}/${t.index}`));
    expect(() => TreeEdge.restore(66_000, () => [])).toThrow(RangeError);
  });

  it('refuses oversize bundle entries', () => {
    expect(() => encodeBundle([new Uint8Array(65_536)])).toThrow(RangeError);
    expect(encodeBundle([new Uint8Array(65_535)]).length).toBe(65_537);
    expect(fromBase64(b64(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
