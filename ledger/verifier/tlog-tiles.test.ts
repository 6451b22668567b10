/**
 * C2SP tlog-tiles: tile paths, and verifyLog over the tlog-go golden tiles (made
 * with golang.org/x/mod/sumdb/tlog) and over logs built here with the writer's
 * node:crypto hashing, an implementation independent of the verifier's.
 */
import { describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.ts';
import { EMPTY_ROOT, leafHash as writerLeafHash, nodeHash as writerNodeHash } from '../hash.ts';
import { ed25519Signer, signNote, verifierKeyOf } from '../note-sign.ts';
import {
  formatCheckpointBody,
  formatEntryBundle,
  formatTileIndex,
  formatTilePath,
  fromBase64,
  parseTilePath,
  rootFromTiles,
  type TileRef,
  utf8,
  VerifyError,
  type VerifyErrorCode,
  type VerifyLogOptions,
  verifyLog,
} from './index.ts';

const load = loadVector;
const golden: {
  entries: string[];
  roots: { tree_size: number; root_hash: string }[];
  consistency: { old_size: number; old_root: string }[];
  tiles_at_size_600: { path: string; data: string }[];
  tiles_at_size_300: { path: string; data: string }[];
} = load('tlog-go/log.json');
const goldenNote: { cases: { note: string }[]; log_verifier_key: string } = load(
  'tlog-go/signed-note.json',
);
const ORIGIN = 'example.kpu.go.id/saksi/test-log';
const CHECKPOINT_600 = goldenNote.cases[0]!.note;
const ROOT_300 = fromBase64(golden.consistency.find((c) => c.old_size === 300)!.old_root);
const ROOT_600 = fromBase64(golden.roots.find((r) => r.tree_size === 600)!.root_hash);

async function expectCode(code: VerifyErrorCode, p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(VerifyError);
  expect((e as VerifyError).code, (e as Error).message).toBe(code);
}

type Files = Map<string, Uint8Array>;
const filesOf = (tiles: { path: string; data: string }[]): Files =>
  new Map(tiles.map((t) => [t.path, fromBase64(t.data)]));
const fetcherOf =
  (files: Files, fetched?: string[]) =>
  async (path: string): Promise<Uint8Array | null> => {
    fetched?.push(path);
    return files.get(path) ?? null;
  };
function goldenFiles(checkpoint = CHECKPOINT_600): Files {
  const files = filesOf(golden.tiles_at_size_600);
  files.set('checkpoint', utf8(checkpoint));
  return files;
}

describe('C2SP tlog-tiles paths', () => {
  it('groups indices in threes, every group but the last prefixed with x', () => {
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTilePath({ kind: 'hash', level: 0, index: 1234067, width: 256 })).toBe(
      'tile/0/x001/x234/067',
    );
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({
      kind: 'hash',
      level: 0,
      index: 1234067,
      width: 256,
    });
    expect(parseTilePath('tile/entries/x001/234.p/5')).toEqual({
      kind: 'entries',
      index: 1234,
      width: 5,
    });
  });

  it('round-trips format and parse', () => {
    const refs: TileRef[] = [];
    for (const index of [
      0,
      1,
      9,
      10,
      99,
      100,
      999,
      1000,
      1001,
      65535,
      1234067,
      999_999_999,
      2 ** 40,
    ])
      for (const width of [1, 2, 128, 255, 256]) {
        for (let level = 0; level <= 7; level++) refs.push({ kind: 'hash', level, index, width });
        refs.push({ kind: 'entries', index, width });
      }
    for (const ref of refs) expect(parseTilePath(formatTilePath(ref))).toEqual(ref);
  });

  it('parses every tlog-go tile path back to itself', () => {
    for (const t of [...golden.tiles_at_size_600, ...golden.tiles_at_size_300])
      expect(formatTilePath(parseTilePath(t.path))).toBe(t.path);
    expect(parseTilePath('tile/0/002.p/88')).toEqual({
      kind: 'hash',
      level: 0,
      index: 2,
      width: 88,
    });
    expect(parseTilePath('tile/1/000.p/2')).toEqual({ kind: 'hash', level: 1, index: 0, width: 2 });
  });

  it.each([
    'tile/0/x000/123',
    'tile/0/x000/x001/123',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/abc',
    'tile/0/000.p/01',
    'tile/0/000.p/',
    'tile/0/000.p',
    'tile/0/000.p/5/',
    'tile/8/000',
    'tile/9/000',
    'tile/10/000',
    'tile/00/000',
    'tile/-1/000',
    'tile//0/000',
    'tile/0//000',
    'tile/0/000/',
    '/tile/0/000',
    'tile/0/x001//000',
    'tile/0/00',
    'tile/0/0000',
    'tile/0/1',
    'tile/0/x1/000',
    'tile/0/X001/000',
    'tile/0/x001',
    'tile/0/x001/000/',
    'tile/0/000x',
    'tile/0/+00',
    'tile/0/ 000',
    'tile/0/000 ',
    'tile/entries',
    'tile/entries/',
    'tile/entry/000',
    'tile/0/../000',
    'TILE/0/000',
    'tile/0/000?x=1',
    'tile/0/x001/x002/x003/x004/x005/000',
    '',
  ])('refuses %j', (path) => {
    expect(() => parseTilePath(path)).toThrow(VerifyError);
  });

  it('refuses to format bad references', () => {
    expect(() => formatTilePath({ kind: 'hash', level: 0, index: 0, width: 0 })).toThrow(
      RangeError,
    );
    expect(() => formatTilePath({ kind: 'hash', level: 0, index: 0, width: 257 })).toThrow(
      RangeError,
    );
    expect(() => formatTilePath({ kind: 'hash', level: 0, index: -1, width: 1 })).toThrow(
      RangeError,
    );
    expect(() => formatTilePath({ kind: 'entries', index: 0.5, width: 1 })).toThrow(RangeError);
  });
});

describe('verifyLog over the tlog-go tiles at size 600', () => {
  it('verifies with the log key and fetches exactly the tiles of size 600', async () => {
    const fetched: string[] = [];
    const r = await verifyLog({
      fetch: fetcherOf(goldenFiles(), fetched),
      verifierKey: goldenNote.log_verifier_key,
    });
    expect(r).toMatchObject({ origin: ORIGIN, size: 600, entries: 600, tilesFetched: 7 });
    expect(r.rootHash).toEqual(ROOT_600);
    expect(r.checkpoint).toBe(CHECKPOINT_600);
    expect(new Set(fetched)).toEqual(
      new Set(['checkpoint', ...golden.tiles_at_size_600.map((t) => t.path)]),
    );
    expect(fetched).toHaveLength(8);
    const sizes = [...goldenFiles().values()].reduce((n, d) => n + d.length, 0);
    expect(r.bytes).toBe(sizes);
  });

  it('verifies with previous = the size-300 root, and every golden root', async () => {
    const files = goldenFiles();
    await verifyLog({
      fetch: fetcherOf(files),
      verifierKey: goldenNote.log_verifier_key,
      previous: { size: 300, rootHash: ROOT_300 },
    });
    for (const r of golden.roots)
      await verifyLog({
        fetch: fetcherOf(files),
        verifierKey: goldenNote.log_verifier_key,
        previous: { size: r.tree_size, rootHash: fromBase64(r.root_hash) },
      });
  });

  it('fails with a flipped byte anywhere in any tile or bundle', async () => {
    for (const t of golden.tiles_at_size_600) {
      const len = fromBase64(t.data).length;
      for (const pos of [0, 1, 2, 31, 32, Math.floor(len / 2), len - 1]) {
        const files = goldenFiles();
        const data = files.get(t.path)!.slice();
        data[pos]! ^= 0x01;
        files.set(t.path, data);
        const p = verifyLog({ fetch: fetcherOf(files), verifierKey: goldenNote.log_verifier_key });
        await expect(p, `${t.path}[${pos}]`).rejects.toBeInstanceOf(VerifyError);
      }
    }
  });

  it('fails when any tile or bundle is missing, or the checkpoint is', async () => {
    for (const path of ['checkpoint', ...golden.tiles_at_size_600.map((t) => t.path)]) {
      const files = goldenFiles();
      files.delete(path);
      await expectCode(
        'FETCH_FAILED',
        verifyLog({ fetch: fetcherOf(files), verifierKey: goldenNote.log_verifier_key }),
      );
    }
  });

  it('previous larger than the current size → LOG_SHRANK', async () => {
    await expectCode(
      'LOG_SHRANK',
      verifyLog({
        fetch: fetcherOf(goldenFiles()),
        verifierKey: goldenNote.log_verifier_key,
        previous: { size: 601, rootHash: ROOT_600 },
      }),
    );
  });

  it('previous with a different root → INCONSISTENT_LOG, at the same or a smaller size', async () => {
    for (const previous of [
      { size: 600, rootHash: ROOT_300 },
      { size: 300, rootHash: ROOT_600 },
      { size: 0, rootHash: ROOT_600 },
    ])
      await expectCode(
        'INCONSISTENT_LOG',
        verifyLog({
          fetch: fetcherOf(goldenFiles()),
          verifierKey: goldenNote.log_verifier_key,
          previous,
        }),
      );
  });

  it('refuses a checkpoint not signed by the given key', async () => {
    const other = ed25519Signer(ORIGIN, new Uint8Array(32).fill(4));
    await expectCode(
      'UNVERIFIED_NOTE',
      verifyLog({ fetch: fetcherOf(goldenFiles()), verifierKey: verifierKeyOf(other) }),
    );
  });

  it('refuses tiles of the wrong length and bundles with extra entries', async () => {
    let files = goldenFiles();
    files.set('tile/1/000.p/2', files.get('tile/1/000.p/2')!.subarray(0, 32));
    await expectCode(
      'MALFORMED_TILE',
      verifyLog({ fetch: fetcherOf(files), verifierKey: goldenNote.log_verifier_key }),
    );
    files = goldenFiles();
    const bundle = files.get('tile/entries/002.p/88')!;
    files.set('tile/entries/002.p/88', Uint8Array.from([...bundle, 0, 1, 0x41]));
    await expectCode(
      'MALFORMED_BUNDLE',
      verifyLog({ fetch: fetcherOf(files), verifierKey: goldenNote.log_verifier_key }),
    );
    files = goldenFiles();
    files.set('tile/entries/002.p/88', bundle.subarray(0, bundle.length - 1));
    await expectCode(
      'MALFORMED_BUNDLE',
      verifyLog({ fetch: fetcherOf(files), verifierKey: goldenNote.log_verifier_key }),
    );
  });

  it('turns fetch exceptions into FETCH_FAILED and refuses bad options', async () => {
    await expectCode(
      'FETCH_FAILED',
      verifyLog({
        fetch: async (p) => {
          if (p.startsWith('tile/0/')) throw new Error('connection reset');
          return goldenFiles().get(p) ?? null;
        },
        verifierKey: goldenNote.log_verifier_key,
      }),
    );
    const base: VerifyLogOptions = {
      fetch: fetcherOf(goldenFiles()),
      verifierKey: goldenNote.log_verifier_key,
    };
    for (const bad of [
      { ...base, fetch: undefined },
      { ...base, concurrency: 0 },
      { ...base, concurrency: 1.5 },
      { ...base, previous: { size: -1, rootHash: ROOT_300 } },
      { ...base, previous: { size: 300, rootHash: ROOT_300.subarray(1) } },
      { ...base, fetch: async () => 'text' },
    ])
      await expect(verifyLog(bad as VerifyLogOptions)).rejects.toBeInstanceOf(TypeError);
    await expectCode('MALFORMED_VERIFIER_KEY', verifyLog({ ...base, verifierKey: 'nonsense' }));
  });

  it('falls back to the full tile when a partial tile is gone (tlog-tiles "Partial Tiles")', async () => {
    // A checkpoint at size 300 served by a log that has since grown to 600 and
    // deleted the partial tiles of size 300 that became full.
    const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(6));
    const files = goldenFiles(
      await signNote(formatCheckpointBody({ origin: ORIGIN, size: 300, rootHash: ROOT_300 }), [
        signer,
      ]),
    );
    files.set('tile/1/000.p/1', filesOf(golden.tiles_at_size_300).get('tile/1/000.p/1')!);
    const fetched: string[] = [];
    const r = await verifyLog({
      fetch: fetcherOf(files, fetched),
      verifierKey: verifierKeyOf(signer),
    });
    expect(r.size).toBe(300);
    expect(fetched).toContain('tile/0/001.p/44');
    expect(fetched).toContain('tile/0/001');
    expect(fetched).toContain('tile/entries/001');
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await verifyLog({
      fetch: fetcherOf(goldenFiles()),
      verifierKey: goldenNote.log_verifier_key,
      onProgress: (p) => {
        expect(p.totalEntries).toBe(600);
        seen.push(p.entriesVerified);
      },
    });
    // One report per level-0 tile, counting up to the size.
    expect(seen).toHaveLength(3);
    expect(seen.at(-1)).toBe(600);
  });
});

/**
 * A log built the writer's way (node:crypto hashing): level-0 hashes from the
 * entries, each level-(L+1) hash the root of a full level-L tile. It can serve the
 * tiles of any tree size up to the size built (full tiles, and the one partial
 * tile per level of that size); bundles are made on request so that a million
 * entries need no million-element array.
 */
function buildLog(maxSize: number, entry: (i: number) => Uint8Array) {
  const levels: Uint8Array[] = [];
  let level = new Uint8Array(maxSize * 32);
  for (let i = 0; i < maxSize; i++) level.set(writerLeafHash(entry(i)), i * 32);
  const leaves = level;
  const perfect = (h: Uint8Array, start: number, n: number): Uint8Array =>
    n === 1
      ? h.subarray(start * 32, start * 32 + 32)
      : writerNodeHash(perfect(h, start, n / 2), perfect(h, start + n / 2, n / 2));
  while (level.length > 0) {
    levels.push(level);
    const full = Math.floor(level.length / 32 / 256);
    const next = new Uint8Array(full * 32);
    for (let i = 0; i < full; i++) next.set(perfect(level, i * 256, 256), i * 32);
    level = next;
  }
  // RFC 9162 §2.1.1 MTH, straight from the definition.
  const mth = (start: number, end: number): Uint8Array => {
    const n = end - start;
    if (n === 0) return new Uint8Array(EMPTY_ROOT);
    if (n === 1) return leaves.subarray(start * 32, start * 32 + 32);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return writerNodeHash(mth(start, start + k), mth(start + k, end));
  };
  const fetchAt =
    (size: number) =>
    async (path: string): Promise<Uint8Array | null> => {
      const t = parseTilePath(path);
      const level = t.kind === 'hash' ? t.level : 0;
      const hashes = levels[level];
      const count = Math.floor(size / 256 ** level);
      const full = Math.floor(count / 256);
      if (!hashes || count === 0) return null;
      if (t.width === 256 ? t.index >= full : t.index !== full || t.width !== count % 256)
        return null;
      const first = t.index * 256;
      if (t.kind === 'hash') return hashes.subarray(first * 32, (first + t.width) * 32);
      return formatEntryBundle(Array.from({ length: t.width }, (_, j) => entry(first + j)));
    };
  const hashesAt = (level: number, start: number, count: number) =>
    levels[level]!.subarray(start * 32, (start + count) * 32);
  return { fetchAt, hashesAt, rootAt: (n: number) => new Uint8Array(mth(0, n)) };
}

const signer = ed25519Signer('synthetic.example/log', new Uint8Array(32).fill(8));
const entryOf = (i: number) => utf8(`{"i":${i},"kind":"test.entry.created"}`);

async function serve(log: ReturnType<typeof buildLog>, size: number, rootHash = log.rootAt(size)) {
  const checkpoint = utf8(
    await signNote(formatCheckpointBody({ origin: signer.name, size, rootHash }), [signer]),
  );
  const fetch = log.fetchAt(size);
  return async (path: string) => (path === 'checkpoint' ? checkpoint : fetch(path));
}

describe('verifyLog over logs built with the writer hashing', () => {
  const big = buildLog(70_000, entryOf);

  it('rootFromTiles gives the RFC 9162 MTH for every size, from perfect subtrees', () => {
    const sizes = [...Array.from({ length: 521 }, (_, i) => i), 65535, 65536, 65537, 69999, 70000];
    for (let i = 0; i < 12; i++) sizes.push(1 + ((i * 7919 * 13) % 69_999));
    for (const size of sizes)
      expect(rootFromTiles(size, big.hashesAt), `size ${size}`).toEqual(big.rootAt(size));
  });

  it.each([0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, 70000])(
    'size %i verifies, alone and against an earlier size',
    async (size) => {
      const fetch = await serve(big, size);
      const r = await verifyLog({ fetch, verifierKey: verifierKeyOf(signer) });
      expect(r.size).toBe(size);
      expect(r.entries).toBe(size);
      expect(r.rootHash).toEqual(big.rootAt(size));
      for (const p of new Set([Math.floor(size / 2) + 1, size - 1]))
        if (p >= 0 && p <= size)
          await verifyLog({
            fetch,
            verifierKey: verifierKeyOf(signer),
            previous: { size: p, rootHash: big.rootAt(p) },
          });
    },
  );

  it('fetches exactly the tiles of the tlog-tiles size-70,000 example', async () => {
    const fetched: string[] = [];
    const fetch = await serve(big, 70_000);
    await verifyLog({
      fetch: (p) => {
        fetched.push(p);
        return fetch(p);
      },
      verifierKey: verifierKeyOf(signer),
    });
    const tiles = fetched.filter((p) => p !== 'checkpoint').map(parseTilePath);
    const count = (f: (t: TileRef) => boolean) => tiles.filter(f).length;
    expect(count((t) => t.kind === 'hash' && t.level === 0 && t.width === 256)).toBe(273);
    expect(fetched).toContain('tile/0/273.p/112');
    expect(count((t) => t.kind === 'entries' && t.width === 256)).toBe(273);
    expect(fetched).toContain('tile/entries/273.p/112');
    expect(fetched).toContain('tile/1/000');
    expect(fetched).toContain('tile/1/001.p/17');
    expect(fetched).toContain('tile/2/000.p/1');
    expect(tiles).toHaveLength(2 * 274 + 3);
  });

  it('a log that rewrote an old entry verifies alone but not against the old root', async () => {
    const rewritten = buildLog(1000, (i) =>
      i === 5 ? utf8('{"i":5,"kind":"forged"}') : entryOf(i),
    );
    const fetch = await serve(rewritten, 1000);
    await verifyLog({ fetch, verifierKey: verifierKeyOf(signer) });
    await expectCode(
      'INCONSISTENT_LOG',
      verifyLog({
        fetch,
        verifierKey: verifierKeyOf(signer),
        previous: { size: 300, rootHash: big.rootAt(300) },
      }),
    );
  });

  it('a checkpoint whose root the tiles do not give → ROOT_MISMATCH', async () => {
    const fetch = await serve(big, 1000, big.rootAt(999));
    await expectCode('ROOT_MISMATCH', verifyLog({ fetch, verifierKey: verifierKeyOf(signer) }));
  });

  it('keeps at most `concurrency` fetches in flight', async () => {
    const fetch = await serve(big, 20_000);
    for (const concurrency of [1, 3, undefined]) {
      let inFlight = 0;
      let max = 0;
      await verifyLog({
        concurrency,
        verifierKey: verifierKeyOf(signer),
        fetch: async (p) => {
          inFlight++;
          max = Math.max(max, inFlight);
          await new Promise((r) => setTimeout(r, 0));
          inFlight--;
          return fetch(p);
        },
      });
      expect(max).toBe(concurrency ?? 8);
    }
  });

  // How fast a million entries verify is measured by the benchmarks (bench:audit
  // times `saksi verify`), not asserted here; this checks the walk over three tile
  // levels fetches each tile once.
  it('verifies 300,000 entries across three tile levels, each tile fetched once', async () => {
    const size = 300_000;
    const log = buildLog(size, entryOf);
    const fetch = await serve(log, size);
    const previous = { size: 123_457, rootHash: log.rootAt(123_457) };
    const r = await verifyLog({ fetch, verifierKey: verifierKeyOf(signer), previous });
    expect(r.entries).toBe(size);
    // 1,171 full + 1 partial level-0 tiles and bundles, 4 full + 1 partial at
    // level 1, 1 partial at level 2.
    expect(r.tilesFetched).toBe(2 * 1172 + 5 + 1);
  });
});
