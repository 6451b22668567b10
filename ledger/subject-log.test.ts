// The subject log (ledger/subject-log) on a real database (PGlite, and
// PostgreSQL when SAKSI_TEST_DB=postgres): the invariants every writer relies on —
// no gaps in a subject's versions, no twins, valid transitions, one spelling of
// `at`, a valid envelope — tested once here, including that a refused batch
// stores nothing; and the log reader (LogReader on LedgerStore) that everything
// outside ledger/ reads through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb } from '../test/fresh-db.ts';
import { base64, leafHash } from './hash.ts';
import { ed25519Signer } from './note-sign.ts';
import { Sequencer } from './sequencer.ts';
import { LedgerStore } from './store/ledger-store.ts';
import {
  appendVersions,
  canonicalAt,
  canonicalAtIssue,
  latestVersions,
  lockSubjects,
  SubjectLogError,
  SYSTEM_ACTOR,
  systemActor,
  type VersionDraft,
} from './subject-log/index.ts';
import { fromUtf8 } from './verifier/encoding.ts';

// One database for the file (a fresh one costs seconds on PGlite): each test
// uses its own subjects and counts rows relative to where it started.
let t: FreshDb;
let test = 0;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(async () => {
  await t.drop();
});

const AT = '2024-02-14T10:00:00Z';
const draft = (name: string, seq: number, extra: Partial<VersionDraft> = {}): VersionDraft =>
  ({
    kind: 'test.thing.recorded',
    subject: `t${test}:${name}`,
    seq,
    at: AT,
    actor: { id: 'kpps-1', role: 'KPPS' },
    payload: { n: seq },
    ...(seq > 1 ? { reason: 'correction' } : {}),
    ...extra,
  }) as VersionDraft;

const append = (drafts: VersionDraft[]) => t.db.transaction((tx) => appendVersions(tx, drafts));

async function rows(): Promise<{ pending: number; versions: number }> {
  const [r] = await t.db.query<{ pending: number; versions: number }>(
    `SELECT (SELECT count(*) FROM ledger_pending)::int AS pending,
            (SELECT count(*) FROM subject_versions)::int AS versions`,
  );
  return r!;
}

/** Expects the batch to be refused with `code` (blaming draft `item`) and to store nothing. */
async function refused(
  drafts: VersionDraft[],
  code: string,
  item?: number,
): Promise<SubjectLogError> {
  const before = await rows();
  const err = await append(drafts).then(
    () => {
      throw new Error('the batch was accepted');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SubjectLogError);
  const e = err as SubjectLogError;
  expect(e.code, e.message).toBe(code);
  if (item !== undefined) expect(e.item).toBe(item);
  expect(await rows()).toEqual(before);
  return e;
}

async function entryOf(pendingId: number): Promise<Record<string, unknown>> {
  const [p] = await t.db.query<{ entry: Uint8Array }>(
    'SELECT entry FROM ledger_pending WHERE id = $1',
    [pendingId],
  );
  return JSON.parse(fromUtf8(new Uint8Array(p!.entry)));
}

describe('canonical at', () => {
  it('is RFC 3339 UTC to the whole second, truncated, one spelling per second', () => {
    expect(canonicalAt(new Date('2024-02-14T10:00:00.999Z'))).toBe('2024-02-14T10:00:00Z');
    expect(canonicalAt(new Date('2024-02-29T23:59:59Z'))).toBe('2024-02-29T23:59:59Z');
    expect(canonicalAtIssue(canonicalAt())).toBeNull();
    for (const other of [
      '2024-02-14T10:00:00.000Z',
      '2024-02-14T10:00:00.5Z',
      '2024-02-14T17:00:00+07:00',
      '2024-02-14t10:00:00z',
      '2024-02-14 10:00:00Z',
      '2024-02-14T10:00Z',
      20240214,
      null,
    ])
      expect(canonicalAtIssue(other), String(other)).toMatch(/YYYY-MM-DDTHH:MM:SSZ/);
    expect(() => canonicalAt(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('system actor', () => {
  it('is one frozen definition; named variants keep the SYSTEM role', () => {
    expect(SYSTEM_ACTOR).toEqual({ id: 'saksi', role: 'SYSTEM' });
    expect(Object.isFrozen(SYSTEM_ACTOR)).toBe(true);
    expect(systemActor('saksi')).toBe(SYSTEM_ACTOR);
    expect(systemActor('demo-seed')).toEqual({ id: 'demo-seed', role: 'SYSTEM' });
  });
});

describe('appendVersions', () => {
  beforeAll(() => {
    test++;
  });

  it('appends version 1 with prev null, the canonical at stamped, and records the version', async () => {
    test++;
    const before = await rows();
    const [v] = await append([draft('a', 1, { at: undefined })]);
    expect(await rows()).toEqual({ pending: before.pending + 1, versions: before.versions + 1 });
    const entry = await entryOf(v!.pendingId);
    expect(entry).toMatchObject({ v: 1, seq: 1, prev: null, subject: `t${test}:a` });
    expect(canonicalAtIssue(entry.at)).toBeNull();
    const [stored] = await t.db.query<{ leaf_hash: Uint8Array; kind: string; pending_id: number }>(
      'SELECT leaf_hash, kind, pending_id FROM subject_versions WHERE subject = $1 AND seq = 1',
      [`t${test}:a`],
    );
    expect(Buffer.from(stored!.leaf_hash)).toEqual(Buffer.from(v!.leafHash));
    expect(stored!.kind).toBe('test.thing.recorded');
    expect(Number(stored!.pending_id)).toBe(v!.pendingId);
  });

  it('chains each version to the previous one, stored or earlier in the same batch', async () => {
    test++;
    const [v1] = await append([draft('a', 1)]);
    const [v2, v3, w1] = await append([draft('a', 2), draft('a', 3), draft('b', 1)]);
    expect((await entryOf(v2!.pendingId)).prev).toBe(base64(v1!.leafHash));
    expect((await entryOf(v3!.pendingId)).prev).toBe(base64(v2!.leafHash));
    expect((await entryOf(w1!.pendingId)).prev).toBeNull();
    // Pending ids follow the drafts' order (what the receipts rely on).
    expect(v2!.pendingId).toBeLessThan(v3!.pendingId);
    expect(v3!.pendingId).toBeLessThan(w1!.pendingId);
    const latest = await latestVersions(t.db, [`t${test}:a`, `t${test}:b`, `t${test}:none`]);
    expect(latest.get(`t${test}:a`)?.seq).toBe(3);
    expect(leafHash(latest.get(`t${test}:a`)!.entry)).toEqual(v3!.leafHash);
    expect(latest.get(`t${test}:b`)?.seq).toBe(1);
    expect(latest.has(`t${test}:none`)).toBe(false);
  });

  it('refuses a gap (no version seq − 1), with the whole batch', async () => {
    test++;
    await append([draft('a', 1)]);
    const e = await refused([draft('ok', 1), draft('a', 3)], 'NO_PREVIOUS_VERSION', 1);
    expect(e.message).toContain(`t${test}:a has no version 2`);
    await refused([draft('new', 2)], 'NO_PREVIOUS_VERSION', 0);
  });

  it('refuses a version that exists, stored or twice in one batch', async () => {
    test++;
    await append([draft('a', 1)]);
    const e = await refused([draft('ok', 1), draft('a', 1)], 'VERSION_EXISTS', 1);
    expect(e.message).toContain(`t${test}:a already has version 1`);
    await refused([draft('c', 1), draft('c', 1)], 'VERSION_EXISTS', 1);
    await refused([draft('a', 2), draft('a', 2)], 'VERSION_EXISTS', 1);
  });

  it('holds the state machine: a version follows only the kinds it names', async () => {
    test++;
    await append([draft('m', 1)]);
    const e = await refused(
      [draft('m', 2, { kind: 'test.thing.corrected', after: ['test.thing.verified'] })],
      'BAD_TRANSITION',
      0,
    );
    expect(e.message).toContain('cannot follow test.thing.recorded');
    await append([draft('m', 2, { kind: 'test.thing.corrected', after: ['test.thing.recorded'] })]);
    expect((await latestVersions(t.db, [`t${test}:m`])).get(`t${test}:m`)?.kind).toBe(
      'test.thing.corrected',
    );
  });

  it('refuses any other spelling of at, and invalid envelopes, storing nothing', async () => {
    test++;
    await append([draft('a', 1)]);
    for (const at of ['2024-02-14T10:00:00.000Z', '2024-02-14T17:00:00+07:00', 'yesterday']) {
      const e = await refused([draft('ok', 1), draft('x', 1, { at })], 'INVALID_ENTRY', 1);
      expect(e.issues.map((i) => i.path)).toContain('/at');
    }
    // The calendar is the envelope validator's: 30 February does not exist.
    await refused([draft('x', 1, { at: '2024-02-30T10:00:00Z' })], 'INVALID_ENTRY', 0);
    await refused([draft('x', 1, { kind: 'Not.A.Kind' })], 'INVALID_ENTRY', 0);
    await refused([draft('x', 0)], 'INVALID_ENTRY', 0);
    await refused([draft('x', 1.5)], 'INVALID_ENTRY', 0);
    // A correction must say why.
    await refused([draft('a', 2, { reason: undefined })], 'INVALID_ENTRY', 0);
    await refused([draft('x', 1, { actor: { id: 'someone', role: 'lower' } })], 'INVALID_ENTRY', 0);
    const big = { blob: 'x'.repeat(70_000) };
    await refused([draft('x', 1, { payload: big })], 'INVALID_ENTRY', 0);
  });

  it('checks the prev an import states against the previous version', async () => {
    test++;
    const [v1] = await append([draft('i', 1, { prev: null })]);
    await refused([draft('j', 1, { prev: base64(v1!.leafHash) })], 'PREV_MISMATCH', 0);
    await refused([draft('i', 2, { prev: base64(new Uint8Array(32)) })], 'PREV_MISMATCH', 0);
    const [v2] = await append([draft('i', 2, { prev: base64(v1!.leafHash) })]);
    expect((await entryOf(v2!.pendingId)).prev).toBe(base64(v1!.leafHash));
  });

  it('serialises writers of a subject that compute seq themselves (lockSubjects)', async () => {
    test++;
    const subject = `t${test}:locked`;
    // Each writer locks, reads the latest version and appends the next one; run
    // together (on PostgreSQL, in parallel sessions) none may pick a taken seq.
    const writer = () =>
      t.db.transaction(async (tx) => {
        await lockSubjects(tx, [subject, `t${test}:other`]);
        const seq = ((await latestVersions(tx, [subject])).get(subject)?.seq ?? 0) + 1;
        const d = draft('locked', seq);
        return appendVersions(tx, [d]);
      });
    await Promise.all(Array.from({ length: 5 }, writer));
    expect((await latestVersions(t.db, [subject])).get(subject)?.seq).toBe(5);
  });
});

describe('LogReader (LedgerStore)', () => {
  it('reads appended entries pending, then integrated, by pending id, index and leaf hash', async () => {
    test++;
    const store = new LedgerStore(t.db);
    const startSize = await store.integratedSize();
    const appendedBefore = await store.appendedCount();
    const made = await append([draft('r', 1), draft('r', 2), draft('s', 1)]);
    const ids = made.map((m) => m.pendingId);
    expect(await store.appendedCount()).toBe(appendedBefore + 3);

    const pending = await store.pendingEntries(ids);
    expect([...pending.values()].map((p) => p.index)).toEqual([null, null, null]);
    expect(leafHash(pending.get(ids[0]!)!.entry)).toEqual(made[0]!.leafHash);
    expect((await store.indexesOf(ids)).size).toBe(0);
    expect(await store.indexOfLeaf(made[0]!.leafHash)).toBeNull();

    const seq = new Sequencer(
      t.db,
      ed25519Signer('test.saksi.local/log', new Uint8Array(32).fill(7)),
      {
        origin: 'test.saksi.local/log',
      },
    );
    await seq.acquire();
    while ((await seq.integrateOnce()) > 0);
    await seq.stop();

    const size = await store.integratedSize();
    expect(size).toBeGreaterThanOrEqual(startSize + 3);
    const indexes = await store.waitIntegrated(ids, 5_000);
    const at = ids.map((id) => indexes.get(id)!);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    const again = await store.pendingEntries(ids);
    expect(ids.map((id) => again.get(id)!.index)).toEqual(at);
    expect(await store.indexOfLeaf(made[2]!.leafHash)).toBe(at[2]);
    const between = await store.integratedBetween(at[0]!, at[2]! + 1);
    expect(between.map((b) => b.pendingId)).toEqual(ids);
    expect(between.map((b) => b.index)).toEqual(at);
    expect(await store.integratedBetween(5, 5)).toEqual([]);
    const e = await store.entry(at[1]!);
    expect(e.leafHash).toEqual(made[1]!.leafHash);
    expect(await store.pendingEntries([])).toEqual(new Map());
    expect((await store.pendingEntries([987_654_321])).size).toBe(0);

    // Leaves by pending id: the receipts' hashes, once integrated.
    const leaves = await store.leavesOf([...ids, 987_654_321]);
    expect(leaves.size).toBe(3);
    expect(ids.map((id) => leaves.get(id)!.index)).toEqual(at);
    expect(ids.map((id) => leaves.get(id)!.leafHash)).toEqual(
      made.map((m) => new Uint8Array(m.leafHash)),
    );
    expect(await store.leavesOf([])).toEqual(new Map());
  });

  it('tells the shared commits of appended entries: entries and bytes per transaction', async () => {
    test++;
    const store = new LedgerStore(t.db);
    const one = await append([draft('u', 1), draft('v', 1)]);
    const two = await append([draft('w', 1)]);
    const ids = [...one, ...two].map((m) => m.pendingId);
    const entries = await store.pendingEntries(ids);
    const size = (id: number) => entries.get(id)!.entry.byteLength;
    const commits = await store.commitsOf([...ids, 987_654_321]);
    expect(commits.sort((a, b) => b.entries - a.entries)).toEqual([
      { entries: 2, bytes: size(ids[0]!) + size(ids[1]!) },
      { entries: 1, bytes: size(ids[2]!) },
    ]);
    expect(await store.commitsOf([ids[0]!, ids[2]!])).toHaveLength(2);
    expect(await store.commitsOf([])).toEqual([]);
  });
});
