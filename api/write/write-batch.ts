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
import { base64, type JsonValue, type Sql, validateEntry } from '../../ledger/index.ts';
import { ApiError, badRequest } from '../errors.ts';

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
  /** For seq > 1: the kinds the previous version may have (a state machine). */
  after?: readonly string[];
  /** Named constraints of its domain rows whose violation is this request's fault. */
  constraints?: Readonly<Record<string, ConstraintError>>;
}

/** An Idempotency-Key was claimed first by a concurrent request. */
export class IdempotentReplay extends Error {}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Byte strings as one buffer, with 1-based offsets and lengths (for SQL substring). */
function pack(parts: readonly Uint8Array[]): {
  bytes: Buffer;
  offsets: number[];
  lengths: number[];
} {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const p of parts) {
    offsets.push(at);
    lengths.push(p.length);
    at += p.length;
  }
  return { bytes: Buffer.concat(parts), offsets, lengths };
}

export async function writeBatch(tx: Sql, jobs: readonly LedgerJob[]): Promise<BatchReceipt[]> {
  // 1. Previous versions. A correction whose predecessor is earlier in this same
  //    batch takes it from there (it is not in the table yet).
  const madeHere = new Map<string, Version>();
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
    if (prev !== null && j.after && !(prev.kind !== null && j.after.includes(prev.kind)))
      throw new ApiError(
        409,
        'BAD_TRANSITION',
        `${j.kind} cannot follow ${prev.kind ?? 'an unrecorded kind'} (version ${j.seq - 1} of ${j.subject}); it follows ${j.after.join(' or ')}`,
      );
    const checked = validateEntry(j.envelope(prev === null ? null : base64(prev.leafHash)));
    if (!checked.ok)
      throw badRequest(
        'INVALID_ENTRY',
        checked.errors.map((e) => `${e.path} ${e.message}`).join('; '),
      );
    madeHere.set(key(j.subject, j.seq), { leafHash: checked.leafHash, kind: j.kind });
    return checked;
  });

  // 2. Pending entries and subject versions in one statement. The CTE numbers the
  //    new pending ids in insertion order (ids come from one sequence, in order,
  //    within this statement); ON CONFLICT DO NOTHING drops a version that exists
  //    (also one repeated within the batch), and the missing row says so.
  //    The entries travel as one binary parameter cut by lengths, and the leaf
  //    hashes as another (32 bytes each): a bytea[] parameter is sent as hex text
  //    in an array literal, which doubled the bytes and made PostgreSQL parse it
  //    (bench:results: this statement was 29% of PostgreSQL's time).
  const packed = pack(built.map((b) => b.bytes));
  const inserted = await tx.query<{ pending_id: number }>(
    `WITH p AS (
       INSERT INTO ledger_pending (entry)
       SELECT substring($1::bytea FROM u.o FOR u.l)
         FROM unnest($6::int4[], $7::int4[]) WITH ORDINALITY AS u(o, l, ord) ORDER BY ord
       RETURNING id
     ), numbered AS (
       SELECT id, row_number() OVER (ORDER BY id) AS ord FROM p
     )
     INSERT INTO subject_versions (subject, seq, leaf_hash, pending_id, kind)
     SELECT s.subject, s.seq, substring($4::bytea FROM s.ord::int * 32 - 31 FOR 32), n.id, s.kind
       FROM unnest($2::text[], $3::int4[], $5::text[]) WITH ORDINALITY AS s(subject, seq, kind, ord)
       JOIN numbered n ON n.ord = s.ord
     ON CONFLICT DO NOTHING
     RETURNING pending_id`,
    [
      packed.bytes,
      jobs.map((j) => j.subject),
      jobs.map((j) => j.seq),
      pack(built.map((b) => b.leafHash)).bytes,
      jobs.map((j) => j.kind),
      packed.offsets,
      packed.lengths,
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
    entryHash: base64(pending[i]!.entryHash),
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

interface Version {
  leafHash: Uint8Array;
  /** The entry kind; null for versions written before kinds were recorded. */
  kind: string | null;
}

async function previousVersions(
  tx: Sql,
  corrections: readonly LedgerJob[],
): Promise<Map<string, Version>> {
  const found = new Map<string, Version>();
  if (corrections.length === 0) return found;
  const rows = await tx.query<{
    subject: string;
    seq: number;
    leaf_hash: Uint8Array;
    kind: string | null;
  }>(
    `SELECT v.subject, v.seq, v.leaf_hash, v.kind
       FROM unnest($1::text[], $2::int4[]) AS u(subject, seq)
       JOIN subject_versions v ON v.subject = u.subject AND v.seq = u.seq`,
    [corrections.map((j) => j.subject), corrections.map((j) => j.seq - 1)],
  );
  for (const r of rows) found.set(`${r.seq}:${r.subject}`, { leafHash: r.leaf_hash, kind: r.kind });
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
