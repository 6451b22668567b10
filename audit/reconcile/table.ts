/**
 * What one domain table declares for reconciliation (issue #13, control 2):
 * which log entries are its rows, how a row is keyed by the entry's subject and
 * seq, and the columns that must say what the entry says. One file per table in
 * this folder; ./index.ts lists them.
 */
import type { JsonObject } from '../../ledger/index.ts';

/** A log entry as the reconciliation reads it (RFC 8785 JSON, ARCHITECTURE.md "Entry"). */
export interface LoggedEntry {
  index: number;
  leafHash: Uint8Array;
  kind: string;
  subject: string;
  seq: number;
  actor: { id: string; role: string };
  reason?: string;
  payload?: JsonObject;
  public?: JsonObject;
  commitment?: string;
}

/** A row's columns, normalised to plain JSON for comparison. */
export type Columns = Record<string, unknown>;

export interface TableReconciler {
  table: string;
  /** The entries whose row lives in this table. */
  holds(kind: string): boolean;
  /** The row's key columns (its primary key), in order. */
  keys: readonly { column: string; type: 'text' | 'int4' }[];
  /** The key of the row an entry must have. */
  keyOf(e: LoggedEntry): (string | number)[];
  /**
   * The subject and version a row holds, from its key and, for a table that
   * names its version in another column, the `versionColumns` selected.
   */
  versionOf(
    key: readonly unknown[],
    row?: Record<string, unknown>,
  ): { subject: string; seq: number };
  /** Extra columns (alias `t`) rows → entries selects for `versionOf`, e.g. `t.seq`. */
  versionColumns?: string;
  /**
   * The leaf hash the row cites (SQL, alias `t`), when it is not `t.entry_hash`:
   * the audit tables cite their entry by pending row, resolved here through the
   * subject version it must be (null when the row cites another entry).
   */
  citedSql?: string;
  /**
   * A table updated in place that holds a subject's latest version only
   * (finance_participants): true when the row holds a later version than `e`,
   * whose columns are then not compared — the later entry's are.
   */
  superseded?(e: LoggedEntry, row: Record<string, unknown>): boolean;
  /** The columns to select (alias `t`), each normalised by `actual`. */
  columnsSql: string;
  /** What the entry says the row holds. */
  expected(e: LoggedEntry): Columns;
  /** The row as stored, in the same shape. */
  actual(row: Record<string, unknown>): Columns;
}

export const hex = (b: unknown): string | null =>
  b instanceof Uint8Array ? Buffer.from(b).toString('hex') : b == null ? null : String(b);

/** A timestamptz as UTC milliseconds (PGlite and pg both give a Date). */
export const millis = (t: unknown): number | null =>
  t == null ? null : t instanceof Date ? t.getTime() : Date.parse(String(t));

/** A jsonb or json text value, canonical (key order does not count). */
export const json = (v: unknown): string =>
  canonicalJson(typeof v === 'string' ? JSON.parse(v) : v);

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** The keys of a table whose primary key is (subject, seq). */
export const SUBJECT_KEYS = {
  keys: [
    { column: 'subject', type: 'text' },
    { column: 'seq', type: 'int4' },
  ],
  keyOf: (e: LoggedEntry) => [e.subject, e.seq],
  versionOf: (k: readonly unknown[]) => ({ subject: String(k[0]), seq: Number(k[1]) }),
} as const satisfies Pick<TableReconciler, 'keys' | 'keyOf' | 'versionOf'>;
