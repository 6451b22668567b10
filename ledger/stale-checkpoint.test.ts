// A server that answers with an older checkpoint than a client verified before
// (another API process, a cache, witnesses a round behind: docs/witness.md) is
// not evidence against the log when the older checkpoint is a prefix of the
// client's state: verifyLog says `stale` and the state is kept. An older
// checkpoint that is not a prefix — a second history signed by the same key —
// is INCONSISTENT_LOG; a log whose tree the client verified is no longer served
// at all is LOG_SHRANK.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../test/fresh-db.ts';
import { ed25519Signer } from './note-sign.ts';
import { Sequencer } from './sequencer.ts';
import { LedgerStore } from './store/ledger-store.ts';
import { addPending } from './store/pending.ts';
import {
  formatVerifierKey,
  type TileFetcher,
  utf8,
  VerifyError,
  verifyLog,
} from './verifier/index.ts';

const ORIGIN = 'stale.saksi.local/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));
const vkey = formatVerifierKey(ORIGIN, signer.publicKey);

let t: FreshDb;
let other: FreshDb;
/** The sequencers a test started: each holds its database's leader lock until stopped. */
const started: Sequencer[] = [];
beforeEach(async () => {
  t = await freshDb();
  other = await freshDb();
});
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  await t.drop();
  await other.drop();
});

/** A sequencer for `db` that leads and is stopped after the test. */
async function sequencer(db: FreshDb['db']): Promise<Sequencer> {
  const seq = new Sequencer(db, signer, { origin: ORIGIN, batchSize: 1000 });
  started.push(seq);
  await seq.acquire();
  return seq;
}

/** Appends `n` entries tagged `tag` and integrates them; returns the new checkpoint note. */
async function grow(db: FreshDb['db'], seq: Sequencer, n: number, tag: string): Promise<string> {
  const from = seq.size;
  const batch = Array.from({ length: n }, (_, i) => utf8(`${tag}-${from + i}`));
  await db.transaction((tx) => addPending(tx, batch));
  while ((await seq.integrateOnce()) > 0);
  return (await new LedgerStore(db).checkpoint())!.note;
}

/** The store's tiles and bundles, with `checkpoint` answered by `note`. */
const serving =
  (store: LedgerStore, note: string): TileFetcher =>
  async (path) =>
    path === 'checkpoint' ? utf8(note) : store.readPublished(path);

describe('an older checkpoint than the state', () => {
  it('that is a prefix of it is stale: nothing new, the state kept', async () => {
    const seq = await sequencer(t.db);
    const older = await grow(t.db, seq, 300, 'a');
    await grow(t.db, seq, 500, 'a');
    const store = new LedgerStore(t.db);
    const state = await verifyLog({ fetch: (p) => store.readPublished(p), verifierKey: vkey });
    expect(state.size).toBe(800);

    const r = await verifyLog({
      fetch: serving(store, older),
      verifierKey: vkey,
      previous: { size: state.size, rootHash: state.rootHash },
    });
    expect(r).toMatchObject({ stale: true, size: 300 });
  });

  it('from another history under the same key is INCONSISTENT_LOG', async () => {
    const seq = await sequencer(t.db);
    await grow(t.db, seq, 800, 'a');
    const store = new LedgerStore(t.db);
    const state = await verifyLog({ fetch: (p) => store.readPublished(p), verifierKey: vkey });
    // The same key signs a different 300 entries elsewhere: a fork.
    const forkSeq = await sequencer(other.db);
    const forked = await grow(other.db, forkSeq, 300, 'b');

    const e = await verifyLog({
      fetch: serving(store, forked),
      verifierKey: vkey,
      previous: { size: state.size, rootHash: state.rootHash },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe('INCONSISTENT_LOG');
  });

  it('from a log that no longer serves the tree verified before is LOG_SHRANK', async () => {
    const seq = await sequencer(t.db);
    await grow(t.db, seq, 800, 'a');
    const store = new LedgerStore(t.db);
    const state = await verifyLog({ fetch: (p) => store.readPublished(p), verifierKey: vkey });
    // A rebuilt log, shorter, with the same first entries and key: the tree of
    // the state is gone.
    const againSeq = await sequencer(other.db);
    const shorter = await grow(other.db, againSeq, 300, 'a');
    const rebuilt = new LedgerStore(other.db);

    const e = await verifyLog({
      fetch: serving(rebuilt, shorter),
      verifierKey: vkey,
      previous: { size: state.size, rootHash: state.rootHash },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe('LOG_SHRANK');
  });
});
