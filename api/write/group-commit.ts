/**
 * Group commit: many concurrent requests share one database transaction, each
 * still atomic on its own. A lone commit costs more than a request's whole budget
 * (an fsync); sharing it is what lets the API take thousands of ledgered writes a
 * second (issue #3, "Benchmark").
 *
 * A job that throws is rejected alone and the others commit: the batch first runs
 * without savepoints, and only if a job fails is it re-run with a SAVEPOINT per
 * job (jobs are pure database work, so running one twice is safe).
 * If the COMMIT itself fails, every job of the batch is rejected as retryable —
 * nothing of any of them was stored.
 */
import type { Db, Sql } from '../../ledger/index.ts';

export interface GroupCommitOptions {
  /** Most jobs per shared transaction. */
  maxBatch?: number;
  /** Shared transactions in flight at once (each holds one connection). */
  concurrency?: number;
  /** Queued jobs beyond which new ones are refused (overload → 503). */
  maxQueue?: number;
}

export class CommitFailedError extends Error {
  readonly code = 'COMMIT_FAILED';
  readonly retryable = true;
}

export class OverloadedError extends Error {
  readonly code = 'OVERLOADED';
  readonly retryable = true;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A request failed on the fast path: the batch is retried with savepoints. */
class RequestFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('a request of the batch failed');
  }
}

interface Job<T> {
  run: (tx: Sql) => Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter {
  private readonly queue: Job<unknown>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  /** Sizes of committed batches, for metrics. */
  onBatch: ((size: number, ms: number) => void) | undefined;

  constructor(
    private readonly db: Db,
    opts: GroupCommitOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 256;
    // PGlite has one connection: batches run one after another there.
    this.concurrency = db.kind === 'pglite' ? 1 : (opts.concurrency ?? 4);
    this.maxQueue = opts.maxQueue ?? 20_000;
  }

  run<T>(run: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.queue.length >= this.maxQueue)
      return Promise.reject(new OverloadedError('write queue is full'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async commit(batch: Job<unknown>[]): Promise<void> {
    const started = performance.now();
    let outcomes: Outcome[];
    try {
      // Fast path, no savepoints: most batches hold no failing request, and a
      // savepoint costs two round trips per request. A batch where one request
      // fails is rolled back whole and run again with a savepoint per request,
      // so the failing one is rejected alone and the others still commit.
      outcomes = await this.attempt(batch, false);
    } catch (e) {
      try {
        if (!(e instanceof RequestFailed)) throw e;
        outcomes = await this.attempt(batch, true);
      } catch (e2) {
        const err = new CommitFailedError(
          `shared commit failed: ${e2 instanceof Error ? e2.message : String(e2)}`,
        );
        for (const job of batch) job.reject(err);
        return;
      }
    }
    this.onBatch?.(batch.length, performance.now() - started);
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }

  /** One shared transaction; with `isolate`, a savepoint around each request. */
  private attempt(batch: Job<unknown>[], isolate: boolean): Promise<Outcome[]> {
    return this.db.transaction(async (tx) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (isolate) await tx.query(`SAVEPOINT j${i}`);
        try {
          const value = await batch[i]!.run(tx);
          if (isolate) await tx.query(`RELEASE SAVEPOINT j${i}`);
          outcomes.push({ ok: true, value });
        } catch (error) {
          if (!isolate) throw new RequestFailed(error);
          await tx.query(`ROLLBACK TO SAVEPOINT j${i}`);
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    });
  }
}
