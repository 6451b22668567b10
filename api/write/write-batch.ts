/**
 * The database half of the ledgered write, for a whole shared commit at once.
 *
 * A round trip per statement per request was most of the write's cost (issue #3,
 * "Where the time goes": the pg client alone was a third of the API's CPU). Here a
 * batch of N requests costs a fixed handful of statements whatever N is:
 *
 *   1–2. the subject log (ledger/subject-log/append.ts) appends every entry and
 *      subject version: the previous versions of every correction in one SELECT
 *      (only if any), then entries and versions in one statement, so the
 *      subject-version primary key — the optimistic lock that refuses a replay or
 *      a concurrent write of the same version — is checked for the whole batch in
 *      the same round trip;
 *   3. every Idempotency-Key claim, one INSERT (only if any);
 *   4. every domain table's rows, one INSERT per table;
 *   5. the imperative `apply` hooks of the few definitions that need them.
 *
 * Any failure throws for the whole batch; the GroupCommitter then rolls back and
 * re-runs each job alone in its own savepoint, which reports the exact error of
 * the job that failed (group-commit.ts). So a job's own error is always found on
 * that single-job path, and the fast path only has to detect that something failed.
 */
import {
  appendVersions,
  base64,
  type JsonValue,
  type Sql,
  SubjectLogError,
  type VersionDraft,
} from '../../ledger/index.ts';
import { ApiError } from '../errors.ts';

/** A row for a domain table, by column name (Uint8Array → bytea, objects → json/jsonb). */
export interface DomainRow {
  table: string;
  values: Record<string, JsonValue | Uint8Array>;
}

/**
 * A constraint of a domain table that a request can break, and the 4xx it means
 * (e.g. a form citing a photo nobody uploaded: a foreign key). The database is the
 * check — no extra round trip per request — and this turns its refusal into the
 * request's own clear error.
 */
export interface ConstraintError {
  status: 400 | 404 | 409 | 422;
  code: string;
  message: string;
}

export interface BatchReceipt {
  kind: string;
  subject: string;
  seq: number;
  entryHash: string;
  pendingId: number;
}

/** What the shared commit learns about a job's entry once it is pending. */
export interface PendingEntry {
  entryHash: Uint8Array;
  pendingId: number;
}

export interface LedgerJob {
  /** The version to append; the subject log completes and checks it. */
  draft: VersionDraft;
  /** Declarative domain rows: inserted with one statement per table per batch. */
  rows?(e: PendingEntry): DomainRow[];
  /** Imperative domain work (updates, lookups), run after the rows, in job order. */
  apply?(tx: Sql, e: PendingEntry): Promise<void>;
  idempotency?: { principal: string; key: string; requestHash: Uint8Array };
  /** Named constraints of its domain rows whose violation is this request's fault. */
  constraints?: Readonly<Record<string, ConstraintError>>;
}

/** An Idempotency-Key was claimed first by a concurrent request. */
export class IdempotentReplay extends Error {}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function writeBatch(tx: Sql, jobs: readonly LedgerJob[]): Promise<BatchReceipt[]> {
  // 1–2. Entries and subject versions, through the one door into the log.
  let appended: Awaited<ReturnType<typeof appendVersions>>;
  try {
    appended = await appendVersions(
      tx,
      jobs.map((j) => j.draft),
    );
  } catch (e) {
    throw e instanceof SubjectLogError ? httpError(e, jobs.length) : e;
  }
  const pending: PendingEntry[] = appended.map((a) => ({
    entryHash: a.leafHash,
    pendingId: a.pendingId,
  }));
  const receipts: BatchReceipt[] = appended.map((a) => ({
    kind: a.kind,
    subject: a.subject,
    seq: a.seq,
    entryHash: base64(a.leafHash),
    pendingId: a.pendingId,
  }));

  // 3. Idempotency claims: the first request with a key wins; a concurrent twin
  //    finds the key taken and answers with the first receipt instead.
  const claims = jobs.flatMap((j, i) => (j.idempotency ? [{ c: j.idempotency, i }] : []));
  if (claims.length > 0) {
    const won = await tx.query(
      `INSERT INTO idempotency_keys (principal_id, key, request_hash, receipt)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[])
       ON CONFLICT DO NOTHING RETURNING key`,
      [
        claims.map(({ c }) => c.principal),
        claims.map(({ c }) => c.key),
        claims.map(({ c }) => c.requestHash),
        claims.map(({ i }) => JSON.stringify(receipts[i])),
      ],
    );
    if (won.length !== claims.length) throw new IdempotentReplay();
  }

  // 4. Domain rows, one statement per table.
  const byTable = new Map<string, DomainRow['values'][]>();
  jobs.forEach((j, i) => {
    for (const r of j.rows?.(pending[i]!) ?? []) {
      const list = byTable.get(r.table);
      if (list) list.push(r.values);
      else byTable.set(r.table, [r.values]);
    }
  });
  try {
    for (const [table, rows] of byTable) await insertRows(tx, table, rows);
    // 5. Imperative domain work.
    for (let i = 0; i < jobs.length; i++) await jobs[i]!.apply?.(tx, pending[i]!);
  } catch (e) {
    // Alone (the re-run of a failed batch), a named constraint is this job's fault.
    const name = (e as { constraint?: unknown }).constraint;
    const known = jobs.length === 1 && typeof name === 'string' && jobs[0]!.constraints?.[name];
    if (known) throw new ApiError(known.status, known.code, known.message);
    throw e;
  }
  return receipts;
}

/**
 * The subject log's refusal as the request's answer. In a batch of several the
 * GroupCommitter re-runs each job alone, so the answer a client sees is always
 * that of its own job (the single-job path).
 */
function httpError(e: SubjectLogError, batchSize: number): ApiError {
  switch (e.code) {
    case 'INVALID_ENTRY':
      return new ApiError(400, e.code, e.message);
    case 'VERSION_EXISTS':
      return new ApiError(
        409,
        e.code,
        batchSize === 1 ? e.message : 'a version in this batch already exists',
      );
    case 'NO_PREVIOUS_VERSION':
    case 'BAD_TRANSITION':
    case 'PREV_MISMATCH':
      return new ApiError(409, e.code, e.message);
    default: {
      const never: never = e.code;
      throw new Error(`unknown subject log error ${String(never)}`);
    }
  }
}

/**
 * Many rows into one table with one statement, whatever its columns: the rows go
 * as one JSON array and PostgreSQL casts each field to its column's type
 * (json_populate_recordset). Every row of a table must name the same columns.
 */
export async function insertRows(
  tx: Sql,
  table: string,
  rows: readonly DomainRow['values'][],
): Promise<void> {
  const columns = Object.keys(rows[0]!);
  for (const name of [table, ...columns])
    if (!IDENT.test(name)) throw new TypeError(`not a plain SQL identifier: ${name}`);
  const json = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      if (!(c in r)) throw new TypeError(`row for ${table} lacks column ${c}`);
      const v = r[c];
      // bytea's text input form.
      out[c] = v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : v;
    }
    return out;
  });
  const list = columns.join(', ');
  await tx.query(
    `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [JSON.stringify(json)],
  );
}
