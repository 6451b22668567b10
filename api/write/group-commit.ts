/**
 * Group commit: many concurrent requests share one database transaction, each
 * still atomic on its own. A lone commit costs more than a request's whole budget
 * (an fsync); sharing it is what lets the API take thousands of ledgered writes a
 * second (issue #3, "Benchmark").
 *
 * The executor runs a whole batch at once (one multi-row statement per table,
 * write-batch.ts) and either succeeds for every job or throws. When it throws, the
 * batch is rolled back and re-run with a SAVEPOINT around each job executed alone,
 * so a failing job is rejected with its own error and the others still commit
 * (jobs are pure database work, so running one twice is safe).
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

/** The batch failed on the fast path: it is retried with savepoints. */
class BatchFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('a request of the batch failed');
  }
}

/** Runs jobs in one transaction: a result per job, in order, or a throw for all. */
export type BatchExecutor<J, R> = (tx: Sql, jobs: readonly J[]) => Promise<R[]>;

interface Queued<J, R> {
  job: J;
  resolve: (v: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<J, R> {
  private readonly queue: Queued<J, R>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  /** Sizes of committed batches, for metrics. */
  onBatch: ((size: number, ms: number) => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly exec: BatchExecutor<J, R>,
    opts: GroupCommitOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 256;
    // PGlite has one connection: batches run one after another there.
    this.concurrency = db.kind === 'pglite' ? 1 : (opts.concurrency ?? 4);
    this.maxQueue = opts.maxQueue ?? 20_000;
  }

  submit(job: J): Promise<R> {
    if (this.queue.length >= this.maxQueue)
      return Promise.reject(new OverloadedError('write queue is full'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
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

  private async commit(batch: Queued<J, R>[]): Promise<void> {
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
        if (!(e instanceof BatchFailed)) throw e;
        // A batch of one was rolled back; its error is its own.
        if (batch.length === 1) outcomes = [{ ok: false, error: e.cause }];
        else outcomes = await this.attempt(batch, true);
      } catch (e2) {
        const err = new CommitFailedError(
          `shared commit failed: ${e2 instanceof Error ? e2.message : String(e2)}`,
        );
        for (const job of batch) job.reject(err);
        return;
      }
    }
    this.onBatch?.(batch.length, performance.now() - started);
    batch.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) q.resolve(o.value as R);
      else q.reject(o.error);
    });
  }

  /**
   * One shared transaction: the whole batch through the executor at once, or with
   * `isolate` each job alone inside its own savepoint.
   */
  private attempt(batch: Queued<J, R>[], isolate: boolean): Promise<Outcome[]> {
    return this.db.transaction(async (tx) => {
      if (!isolate) {
        let values: R[];
        try {
          values = await this.exec(
            tx,
            batch.map((q) => q.job),
          );
        } catch (error) {
          throw new BatchFailed(error);
        }
        return values.map((value) => ({ ok: true, value }) as Outcome);
      }
      const outcomes: Outcome[] = [];
      for (let i = 0; i < batch.length; i++) {
        await tx.query(`SAVEPOINT j${i}`);
        try {
          const [value] = await this.exec(tx, [batch[i]!.job]);
          await tx.query(`RELEASE SAVEPOINT j${i}`);
          outcomes.push({ ok: true, value });
        } catch (error) {
          await tx.query(`ROLLBACK TO SAVEPOINT j${i}`);
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    });
  }
}
