// The shared commit's batched statements (write-batch.ts) with the GroupCommitter
// around them: what one request does wrong is refused alone, with its own error,
// while the rest of its batch commits; and nothing of a refused request is stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leafHash } from '../../ledger/index.ts';
import { type FreshDb, freshDb } from '../../test/fresh-db.ts';
import { ApiError } from '../errors.ts';
import { GroupCommitter } from './group-commit.ts';
import { type BatchReceipt, IdempotentReplay, type LedgerJob, writeBatch } from './write-batch.ts';

// One database for the file (a fresh one costs seconds on PGlite): each test
// counts rows relative to where it started and uses its own subjects.
let t: FreshDb;
let test = 0;
const TABLES = ['ledger_pending', 'subject_versions', 'tps_reports', 'idempotency_keys'];
const base = new Map<string, number>();
beforeAll(async () => {
  t = await freshDb();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  test++;
  for (const table of TABLES) base.set(table, await total(table));
});

const TPS = '3171011001001';
type JobExtra = Partial<Omit<LedgerJob, 'draft'>> & { after?: readonly string[]; kind?: string };
const job = (name: string, seq: number, extra: JobExtra = {}): LedgerJob => {
  const subject = `t${test}:${name}`;
  const { after, kind, ...rest } = extra;
  return {
    draft: {
      kind: kind ?? 'tps.report.submitted',
      subject,
      seq,
      at: '2024-02-14T10:00:00Z',
      actor: { id: 'kpps-1', role: 'KPPS' },
      payload: { n: seq },
      ...(seq > 1 ? { reason: 'correction' } : {}),
      ...(after ? { after } : {}),
    },
    rows: (e) => [
      {
        table: 'tps_reports',
        values: {
          subject,
          seq,
          tps: TPS,
          type: 'incident',
          occurred_at: '2024-02-14T10:00:00Z',
          description: `v${seq} ‘quoted’ "and" \\ escaped`,
          officer_id: 'kpps-1',
          entry_hash: e.entryHash,
        },
      },
    ],
    ...rest,
  };
};

/** Submits all jobs so that all but the first share one batch. */
async function runAll(jobs: LedgerJob[]) {
  const committer = new GroupCommitter(t.db, writeBatch, { concurrency: 1 });
  const sizes: number[] = [];
  committer.onBatch = (n) => sizes.push(n);
  const results = await Promise.allSettled(jobs.map((j) => committer.submit(j)));
  return { results, sizes };
}

const total = async (table: string) =>
  Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
/** Rows added to a table since the test began. */
const count = async (table: string) => (await total(table)) - base.get(table)!;

describe('writeBatch in a shared commit', () => {
  it('writes entries, versions and domain rows of many requests with a handful of statements', async () => {
    const { results, sizes } = await runAll(Array.from({ length: 50 }, (_, i) => job(`r${i}`, 1)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(await count('ledger_pending')).toBe(50);
    expect(await count('subject_versions')).toBe(50);
    expect(await count('tps_reports')).toBe(50);
    // Each receipt's pending id holds exactly its own entry, and the domain row its hash.
    for (const r of results) {
      const rc = (r as PromiseFulfilledResult<BatchReceipt>).value;
      const [p] = await t.db.query<{ entry: Uint8Array }>(
        'SELECT entry FROM ledger_pending WHERE id = $1',
        [rc.pendingId],
      );
      expect(Buffer.from(leafHash(p!.entry)).toString('base64')).toBe(rc.entryHash);
      const [row] = await t.db.query<{ entry_hash: Uint8Array; description: string }>(
        'SELECT entry_hash, description FROM tps_reports WHERE subject = $1',
        [rc.subject],
      );
      expect(Buffer.from(row!.entry_hash).toString('base64')).toBe(rc.entryHash);
      expect(row!.description).toBe('v1 ‘quoted’ "and" \\ escaped');
    }
  });

  it('refuses a replayed version alone, with its own error, and commits the rest', async () => {
    await runAll([job('s:a', 1)]);
    const { results } = await runAll([
      job('s:blocker', 1),
      job('s:b', 1),
      job('s:a', 1), // exists
      job('s:c', 1),
      job('s:c', 1), // twin within the batch
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    const err = (results[2] as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('VERSION_EXISTS');
    expect(err.message).toContain(`t${test}:s:a already has version 1`);
    expect((results[4] as PromiseRejectedResult).reason.code).toBe('VERSION_EXISTS');
    expect(await count('ledger_pending')).toBe(4);
    expect(await count('tps_reports')).toBe(4);
  });

  it('chains a correction to a version made earlier in the same batch', async () => {
    const { results } = await runAll([job('s:blocker', 1), job('s:x', 1), job('s:x', 2)]);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const v1 = (results[1] as PromiseFulfilledResult<BatchReceipt>).value;
    const v2 = (results[2] as PromiseFulfilledResult<BatchReceipt>).value;
    const [p] = await t.db.query<{ entry: Uint8Array }>(
      'SELECT entry FROM ledger_pending WHERE id = $1',
      [v2.pendingId],
    );
    expect(JSON.parse(Buffer.from(p!.entry).toString()).prev).toBe(v1.entryHash);
  });

  it('chains a correction to the stored version, and refuses one with no predecessor', async () => {
    const [first] = (await runAll([job('s:y', 1)])).results;
    const { results } = await runAll([job('s:blocker', 1), job('s:y', 2), job('s:z', 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('NO_PREVIOUS_VERSION');
    const [p] = await t.db.query<{ entry: Uint8Array }>(
      'SELECT entry FROM ledger_pending WHERE id = $1',
      [(results[1] as PromiseFulfilledResult<BatchReceipt>).value.pendingId],
    );
    expect(JSON.parse(Buffer.from(p!.entry).toString()).prev).toBe(
      (first as PromiseFulfilledResult<BatchReceipt>).value.entryHash,
    );
  });

  it('refuses a request whose domain rows break a constraint, alone', async () => {
    const bad = job('s:bad', 1);
    const badRows = bad.rows!;
    bad.rows = (e) => badRows(e).map((r) => ({ ...r, values: { ...r.values, tps: 'x' } }));
    const { results } = await runAll([job('s:blocker', 1), job('s:ok', 1), bad]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await count('ledger_pending')).toBe(2);
    expect(await count('subject_versions')).toBe(2);
  });

  it('turns a named constraint a request broke into its own clear error', async () => {
    const bad = job('s:named', 1, {
      constraints: {
        tps_reports_tps_check: { status: 422, code: 'BAD_TPS', message: 'no such TPS' },
      },
    });
    const badRows = bad.rows!;
    bad.rows = (e) => badRows(e).map((r) => ({ ...r, values: { ...r.values, tps: 'x' } }));
    const { results } = await runAll([job('s:blocker', 1), job('s:fine', 1), bad]);
    const err = (results[2] as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code]).toEqual([422, 'BAD_TPS']);
    expect(await count('ledger_pending')).toBe(2);
  });

  it('holds a state machine: a version follows only the kinds it names', async () => {
    await runAll([job('s:m', 1)]);
    const { results } = await runAll([
      job('s:blocker', 1),
      job('s:m', 2, { after: ['tps.report.read'] }),
    ]);
    const err = (results[1] as PromiseRejectedResult).reason;
    expect(err.code).toBe('BAD_TRANSITION');
    expect(err.message).toContain('cannot follow tps.report.submitted');
    const ok = await runAll([job('s:m', 2, { after: ['tps.report.submitted'] })]);
    expect(ok.results[0]!.status).toBe('fulfilled');
    const [v] = await t.db.query<{ kind: string }>(
      'SELECT kind FROM subject_versions WHERE subject = $1 AND seq = 2',
      [`t${test}:s:m`],
    );
    expect(v!.kind).toBe('tps.report.submitted');
  });

  it('lets the first of two requests with one Idempotency-Key win; the twin is a replay', async () => {
    const idem = { principal: 'kpps-1', key: `k${test}`, requestHash: new Uint8Array(32) };
    const { results } = await runAll([
      job('s:blocker', 1),
      job('s:i1', 1, { idempotency: idem }),
      job('s:i2', 1, { idempotency: idem }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotentReplay);
    expect(await count('idempotency_keys')).toBe(1);
    expect(await count('ledger_pending')).toBe(2);
  });

  it('refuses an entry that is not a valid envelope, and stores nothing of it', async () => {
    // The drafts' shape changed with the subject log (ledger/subject-log): an
    // invalid kind now stands for the invalid envelope this test used to build.
    const bad = job('s:e', 1, { kind: 'Not A Kind' });
    const { results } = await runAll([job('s:blocker', 1), bad]);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('INVALID_ENTRY');
    expect(await count('ledger_pending')).toBe(1);
  });
});
