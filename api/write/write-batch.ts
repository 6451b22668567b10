/**
 * The database half of the ledgered write, for a whole shared commit at once.
 *
 * A round trip per statement per request was most of the write's cost (issue #3,
 * "Where the time goes": the pg client alone was a third of the API's CPU). Here a
 * batch of N requests costs a fixed handful of statements whatever N is:
 *
 *   1. the previous versions of every correction, one SELECT (only if any);
 *   2. every entry into ledger_pending AND every subject version, one statement
 *      (a data-modifying CTE), so the subject-version primary key — the optimistic
 *      lock that refuses a replay or a concurrent write of the same version —
 *      is checked for the whole batch in the same round trip;
 *   3. every Idempotency-Key claim, one INSERT (only if any);
 *   4. every domain table's rows, one INSERT per table;
 *   5. the imperative `apply` hooks of the few definitions that need them.
 *
 * Any failure throws for the whole batch; the GroupCommitter then rolls back and
 * re-runs each job alone in its own savepoint, which reports the exact error of
 * the job that failed (group-commit.ts). So a job's own error is always found on
 * that single-job path, and the fast path only has to detect that something failed.
 */
import { type Sql, validateEntry } from '../../ledger/index.ts';
import { ApiError, badRequest } from '../errors.ts';

/** A row for a domain table, by column name (Uint8Array → bytea). */
export interface DomainRow {
  table: string;
  values: Record<string, string | number | boolean | null | Uint8Array>;
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
  kind: string;
  subject: string;
  seq: number;
  /** The entry envelope, given the previous version's leaf hash (base64) or null. */
  envelope(prev: string | null): object;
  /** Declarative domain rows: inserted with one statement per table per batch. */
  rows?(e: PendingEntry): DomainRow[];
  /** Imperative domain work (updates, lookups), run after the rows, in job order. */
  apply?(tx: Sql, e: PendingEntry): Promise<void>;
  idempotency?: { principal: string; key: string; requestHash: Uint8Array };
}

/** An Idempotency-Key was claimed first by a concurrent request. */
export class IdempotentReplay extends Error {}

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function writeBatch(tx: Sql, jobs: readonly LedgerJob[]): Promise<BatchReceipt[]> {
  // 1. Previous versions. A correction whose predecessor is earlier in this same
  //    batch takes it from there (it is not in the table yet).
  const madeHere = new Map<string, Uint8Array>();
  const key = (subject: string, seq: number) => `${seq}:${subject}`;
  const fromDb = await previousVersions(
    tx,
    jobs.filter((j) => j.seq > 1),
  );
  const built = jobs.map((j) => {
    const prev =
      j.seq === 1
        ? null
        : (madeHere.get(key(j.subject, j.seq - 1)) ?? fromDb.get(key(j.subject, j.seq - 1)));
    if (prev === undefined)
      throw new ApiError(
        409,
        'NO_PREVIOUS_VERSION',
        `${j.subject} has no version ${j.seq - 1} to correct`,
      );
    const checked = validateEntry(j.envelope(prev === null ? null : b64(prev)));
    if (!checked.ok)
      throw badRequest(
        'INVALID_ENTRY',
        checked.errors.map((e) => `${e.path} ${e.message}`).join('; '),
      );
    madeHere.set(key(j.subject, j.seq), checked.leafHash);
    return checked;
  });

  // 2. Pending entries and subject versions in one statement. The CTE numbers the
  //    new pending ids in insertion order (ids come from one sequence, in order,
  //    within this statement); ON CONFLICT DO NOTHING drops a version that exists
  //    (also one repeated within the batch), and the missing row says so.
  const inserted = await tx.query<{ pending_id: number }>(
    `WITH p AS (
       INSERT INTO ledger_pending (entry)
       SELECT e FROM unnest($1::bytea[]) WITH ORDINALITY AS u(e, ord) ORDER BY ord
       RETURNING id
     ), numbered AS (
       SELECT id, row_number() OVER (ORDER BY id) AS ord FROM p
     )
     INSERT INTO subject_versions (subject, seq, leaf_hash, pending_id)
     SELECT s.subject, s.seq, s.h, n.id
       FROM unnest($2::text[], $3::int4[], $4::bytea[]) WITH ORDINALITY AS s(subject, seq, h, ord)
       JOIN numbered n ON n.ord = s.ord
     ON CONFLICT DO NOTHING
     RETURNING pending_id`,
    [
      built.map((b) => b.bytes),
      jobs.map((j) => j.subject),
      jobs.map((j) => j.seq),
      built.map((b) => b.leafHash),
    ],
  );
  if (inserted.length !== jobs.length) {
    const first = jobs.length === 1 ? jobs[0]! : undefined;
    throw new ApiError(
      409,
      'VERSION_EXISTS',
      first
        ? `${first.subject} already has version ${first.seq} (a replay, or a concurrent write)`
        : 'a version in this batch already exists',
    );
  }
  const ids = inserted.map((r) => Number(r.pending_id)).sort((a, b) => a - b);
  const pending: PendingEntry[] = built.map((b, i) => ({
    entryHash: b.leafHash,
    pendingId: ids[i]!,
  }));
  const receipts: BatchReceipt[] = jobs.map((j, i) => ({
    kind: j.kind,
    subject: j.subject,
    seq: j.seq,
    entryHash: b64(pending[i]!.entryHash),
    pendingId: pending[i]!.pendingId,
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
  for (const [table, rows] of byTable) await insertRows(tx, table, rows);

  // 5. Imperative domain work.
  for (let i = 0; i < jobs.length; i++) await jobs[i]!.apply?.(tx, pending[i]!);
  return receipts;
}

async function previousVersions(
  tx: Sql,
  corrections: readonly LedgerJob[],
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (corrections.length === 0) return found;
  const rows = await tx.query<{ subject: string; seq: number; leaf_hash: Uint8Array }>(
    `SELECT v.subject, v.seq, v.leaf_hash
       FROM unnest($1::text[], $2::int4[]) AS u(subject, seq)
       JOIN subject_versions v ON v.subject = u.subject AND v.seq = u.seq`,
    [corrections.map((j) => j.subject), corrections.map((j) => j.seq - 1)],
  );
  for (const r of rows) found.set(`${r.seq}:${r.subject}`, r.leaf_hash);
  return found;
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
