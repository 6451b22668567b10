// The sequencer and the store on a real database (PGlite, and PostgreSQL when
// SAKSI_TEST_DB=postgres): contiguous indexes, byte-exact tiles and bundles, signed
// checkpoints, append-only tables, commit-order safety and leadership.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';
import { leafHash } from './hash.ts';
import { type NodeReader, treeRoot } from './merkle.ts';
import { ed25519Signer } from './note-sign.ts';
import { Sequencer } from './sequencer.ts';
import { LedgerStore } from './store/ledger-store.ts';
import { addPending } from './store/pending.ts';
import { encodeBundle, joinHashes, TreeEdge } from './tiles.ts';
import {
  formatVerifierKey,
  openCheckpoint,
  parseEntryBundle,
  toBase64,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from './verifier/index.ts';

const ORIGIN = 'test.saksi.local/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(7));
const vkey = formatVerifierKey(ORIGIN, signer.publicKey);
const entry = (i: number) => utf8(JSON.stringify({ i, pad: 'x'.repeat(i % 97) }));
const onPg = TEST_DB_KIND === 'postgres' ? it : it.skip;

let t: FreshDb;
beforeEach(async () => {
  t = await freshDb();
});
afterEach(async () => {
  await t.drop();
});

async function integrateAll(seq: Sequencer): Promise<void> {
  while ((await seq.integrateOnce()) > 0);
}

describe('sequencer', () => {
  it('integrates pending entries into a log that matches the reference tree byte for byte', async () => {
    const seq = new Sequencer(t.db, signer, { origin: ORIGIN, batchSize: 300 });
    await seq.acquire();
    const all: Uint8Array[] = [];
    for (const n of [1, 255, 1, 300, 700, 3]) {
      const batch = Array.from({ length: n }, (_, i) => entry(all.length + i));
      await t.db.transaction((tx) => addPending(tx, batch));
      all.push(...batch);
      await integrateAll(seq);
    }
    expect(seq.size).toBe(all.length);
    const store = new LedgerStore(t.db);
    const cp = (await store.checkpoint())!;
    const opened = openCheckpoint(cp.note, vkey);
    expect(opened.size).toBe(all.length);

    // The reference: the same leaves through TreeEdge alone.
    const ref = TreeEdge.empty();
    const refTiles = ref.append(all.map(leafHash));
    expect(toBase64(opened.rootHash)).toBe(toBase64(ref.root()));
    for (const tile of refTiles)
      expect(toBase64(await store.hashTile(tile.level, tile.index, 256))).toBe(toBase64(tile.data));
    for (let level = 0; level < 3; level++) {
      const p = ref.partialTile(level);
      if (p)
        expect(toBase64(await store.hashTile(level, p.index, p.width))).toBe(
          toBase64(joinHashes(p.hashes)),
        );
    }
    for (let b = 0; b * 256 < all.length; b++) {
      const width = Math.min(256, all.length - b * 256);
      const data = await store.bundle(b, width);
      expect(toBase64(data)).toBe(toBase64(encodeBundle(all.slice(b * 256, b * 256 + width))));
      expect(parseEntryBundle(data, width).length).toBe(width);
    }

    // Proofs from the store verify with the independent verifier.
    for (const i of [0, 1, 255, 256, 700, all.length - 1]) {
      const path = await store.inclusionProof(i, all.length);
      verifyInclusion(leafHash(all[i]!), i, all.length, path, opened.rootHash);
      expect((await store.entry(i)).entry).toEqual(all[i]);
    }
    const old = (await store.checkpointAt(256))!;
    verifyConsistency(
      256,
      all.length,
      old.root,
      opened.rootHash,
      await store.consistencyProof(256, all.length),
    );
    const reader: NodeReader = {
      nodes: (ids) => Promise.all(ids.map(async () => new Uint8Array(32))),
    };
    expect(await treeRoot(0, reader)).toHaveLength(32);
    await seq.stop();
  });

  it('restarts from the database and continues the same log', async () => {
    const a = new Sequencer(t.db, signer, { origin: ORIGIN });
    await a.acquire();
    await t.db.transaction((tx) =>
      addPending(
        tx,
        Array.from({ length: 600 }, (_, i) => entry(i)),
      ),
    );
    await integrateAll(a);
    await a.stop();
    const b = new Sequencer(t.db, signer, { origin: ORIGIN });
    await b.acquire();
    expect(b.size).toBe(600);
    await t.db.transaction((tx) =>
      addPending(
        tx,
        Array.from({ length: 100 }, (_, i) => entry(600 + i)),
      ),
    );
    await integrateAll(b);
    const ref = TreeEdge.empty();
    ref.append(Array.from({ length: 700 }, (_, i) => leafHash(entry(i))));
    const store = new LedgerStore(t.db);
    expect(toBase64((await store.checkpoint())!.root)).toBe(toBase64(ref.root()));
    expect(await store.bundle(2, 188)).toEqual(
      encodeBundle(Array.from({ length: 188 }, (_, i) => entry(512 + i))),
    );
    await b.stop();
  });

  it('refuses to continue a log under another origin', async () => {
    const a = new Sequencer(t.db, signer, { origin: ORIGIN });
    await a.acquire();
    await a.stop();
    const other = ed25519Signer('other.origin/log', new Uint8Array(32).fill(7));
    const b = new Sequencer(t.db, other, { origin: 'other.origin/log' });
    await expect(b.acquire()).rejects.toMatchObject({ code: 'ORIGIN_MISMATCH' });
    expect((await new LedgerStore(t.db).checkpoint())!.note.startsWith(`${ORIGIN}\n`)).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on every log table', async () => {
    const seq = new Sequencer(t.db, signer, { origin: ORIGIN });
    await seq.acquire();
    await t.db.transaction((tx) =>
      addPending(
        tx,
        Array.from({ length: 256 }, (_, i) => entry(i)),
      ),
    );
    await integrateAll(seq);
    const statements = [
      "UPDATE ledger_pending SET entry = '\\x00'",
      'DELETE FROM ledger_pending',
      'UPDATE ledger_entries SET idx = idx + 1000',
      'DELETE FROM ledger_entries',
      'UPDATE ledger_tiles SET root = data',
      'DELETE FROM ledger_tiles',
      'DELETE FROM ledger_bundles',
      "UPDATE ledger_checkpoints SET note = ''",
      'DELETE FROM ledger_checkpoints',
      'TRUNCATE ledger_checkpoints CASCADE',
      'TRUNCATE ledger_pending CASCADE',
    ];
    for (const s of statements) await expect(t.db.query(s), s).rejects.toThrow(/append-only/);
    expect((await new LedgerStore(t.db).checkpoint())!.size).toBe(256);
    await seq.stop();
  });

  it('refuses an entry over 65,535 bytes and an empty entry, storing nothing', async () => {
    await expect(
      t.db.transaction((tx) => addPending(tx, [entry(1), new Uint8Array(65_536)])),
    ).rejects.toThrow();
    await expect(t.db.transaction((tx) => addPending(tx, [new Uint8Array(0)]))).rejects.toThrow();
    expect(await t.db.query('SELECT id FROM ledger_pending')).toEqual([]);
  });

  onPg('never skips a row whose transaction commits after a later one', async () => {
    const seq = new Sequencer(t.db, signer, { origin: ORIGIN });
    await seq.acquire();
    const early = await t.db.session();
    await early.query('BEGIN');
    const [earlyId] = await addPending(early, [entry(0)]);
    await t.db.transaction((tx) => addPending(tx, [entry(1)])); // commits first, higher id
    expect(await seq.integrateOnce()).toBe(0); // the open transaction holds the line
    await early.query('COMMIT');
    await early.release();
    await integrateAll(seq);
    expect(seq.size).toBe(2);
    const idx = await new LedgerStore(t.db).indexesOf([earlyId!]);
    expect(idx.get(earlyId!)).toBe(0);
    await seq.stop();
  });

  onPg(
    'lets one sequencer lead; a second waits, then takes over where the first stopped',
    async () => {
      const a = new Sequencer(t.db, signer, { origin: ORIGIN });
      await a.acquire();
      const b = new Sequencer(t.db, signer, { origin: ORIGIN });
      let bLeads = false;
      const bAcquired = b.acquire(50).then(() => {
        bLeads = true;
      });
      await t.db.transaction((tx) => addPending(tx, [entry(0), entry(1)]));
      await integrateAll(a);
      await new Promise((r) => setTimeout(r, 200));
      expect(bLeads).toBe(false);
      await a.stop();
      await bAcquired;
      expect(b.size).toBe(2);
      await b.stop();
    },
  );

  onPg('a stale leader cannot fork the log (compare-and-swap on the checkpoint)', async () => {
    const a = new Sequencer(t.db, signer, { origin: ORIGIN, lockKey: 1 });
    const b = new Sequencer(t.db, signer, { origin: ORIGIN, lockKey: 2 }); // split leadership
    await a.acquire();
    await b.acquire();
    await t.db.transaction((tx) => addPending(tx, [entry(0)]));
    expect(await a.integrateOnce()).toBe(1);
    await expect(b.integrateOnce()).rejects.toThrow();
    const rows = await t.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM ledger_entries');
    expect(rows[0]!.n).toBe(1);
    await a.stop();
    await b.stop();
  });
});
