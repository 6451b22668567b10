/**
 * Reconciliation, first direction: every log entry has its row, equal in
 * content. The log is streamed from the database through LogReader in batches
 * of BATCH indexes (bounded memory), and each entry is checked three ways:
 *  - its bytes still hash to the leaf hash the database recorded when it was
 *    sequenced (RFC 9162 §2.1.1) — else the log table was edited (LOG_ENTRY_EDITED);
 *  - that leaf hash is the one the published tiles hold at its index — else the
 *    database and what was published disagree (DATABASE_LOG_DIFFERS);
 *  - its domain row exists (ROW_MISSING) and says the same (ROW_DIFFERS, naming
 *    the column).
 */

import type { LogReader, Sql } from '../../ledger/index.ts';
import { bytesEqual } from '../../ledger/verifier/index.ts';
import { leafHashOf } from '../tree/independent-root.ts';
import type { Finding, PublishedLog } from '../types.ts';
import type { Columns, LoggedEntry, TableReconciler } from './table.ts';

export const BATCH = 2048;
const PARALLEL = 4;

export interface EntriesToRowsStats {
  entries: number;
  reconciled: Record<string, number>;
  /** Entries of kinds no table holds (system entries, enrolments…), by kind. */
  notReconciled: Record<string, number>;
}

export async function entriesToRows(opts: {
  sql: Sql;
  reader: LogReader;
  size: number;
  published?: PublishedLog;
  tables: readonly TableReconciler[];
  findings: Finding[];
  progress?: (done: number) => void;
}): Promise<EntriesToRowsStats> {
  const { reader, size, tables, findings } = opts;
  const stats: EntriesToRowsStats = { entries: 0, reconciled: {}, notReconciled: {} };
  // Batches are independent: a few in flight keep the database busy while
  // this process hashes and compares (bounded: PARALLEL × BATCH entries held).
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < size) {
      const from = next;
      next = Math.min(size, next + BATCH);
      await reconcileBatch(from, next);
    }
  };
  const reconcileBatch = async (from: number, to: number) => {
    // One round trip: index, recorded leaf hash and stored bytes together.
    const stored = await reader.integratedEntries(from, to);
    if (stored.length !== to - from) {
      const have = new Set(stored.map((p) => p.index));
      for (let i = from; i < to; i++)
        if (!have.has(i))
          findings.push({
            code: 'LOG_ENTRY_MISSING',
            record: `log entry ${i}`,
            message: `the published log has entry ${i}, the database does not`,
          });
    }
    const groups = new Map<TableReconciler, LoggedEntry[]>();
    for (const { index, leafHash: leaf, entry } of stored) {
      stats.entries++;
      if (!bytesEqual(leafHashOf(entry), leaf)) {
        findings.push({
          code: 'LOG_ENTRY_EDITED',
          record: `log entry ${index}`,
          message: `the stored bytes of log entry ${index} no longer hash to its leaf hash ${Buffer.from(leaf).toString('base64')}: the log table was edited`,
        });
        continue;
      }
      if (opts.published && index < opts.published.size) {
        if (!bytesEqual(leaf, opts.published.leafAt(index)))
          findings.push({
            code: 'DATABASE_LOG_DIFFERS',
            record: `log entry ${index}`,
            message: `the database holds another entry at index ${index} than the published log`,
          });
      }
      // Only the entries a table holds are parsed in full; the others are
      // counted by kind, read from the canonical bytes (kindOf).
      const kind = kindOf(entry);
      const table = kind === null ? undefined : tables.find((t) => t.holds(kind));
      if (!table) {
        const k = kind ?? parse(index, leaf, entry)?.kind ?? '(not a subject version)';
        stats.notReconciled[k] = (stats.notReconciled[k] ?? 0) + 1;
        continue;
      }
      const e = parse(index, leaf, entry);
      if (!e || e.kind !== kind) continue;
      stats.reconciled[table.table] = (stats.reconciled[table.table] ?? 0) + 1;
      const group = groups.get(table);
      if (group) group.push(e);
      else groups.set(table, [e]);
    }
    for (const [table, entries] of groups) await compareRows(opts.sql, table, entries, findings);
    done += to - from;
    opts.progress?.(done);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return stats;
}

const KIND_KEY = Buffer.from('"kind":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The entry's kind, read from its bytes without parsing them: entries are RFC
 * 8785 canonical JSON (ledger/entry.ts), keys sorted, so the top-level "kind"
 * follows only "actor" ({id, role}), "at" and "commitment", none of which holds
 * a "kind" key — the first `"kind":"` is the envelope's (a string value cannot
 * contain that sequence unescaped). Null when absent or escaped: the entry is
 * then parsed.
 */
export function kindOf(entry: Uint8Array): string | null {
  const bytes = Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength);
  const at = bytes.indexOf(KIND_KEY);
  if (at < 0) return null;
  const start = at + KIND_KEY.length;
  const end = bytes.indexOf(QUOTE, start);
  if (end < 0 || bytes.subarray(start, end).includes(BACKSLASH)) return null;
  return bytes.toString('utf8', start, end);
}

/** The entry's envelope fields; null for an entry that is not a subject's version. */
function parse(index: number, leafHash: Uint8Array, bytes: Uint8Array): LoggedEntry | null {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof v?.kind !== 'string' || typeof v.subject !== 'string' || typeof v.seq !== 'number')
    return null;
  return { ...(v as unknown as LoggedEntry), index, leafHash };
}

/** One query per table per batch: the rows these entries must have. */
async function compareRows(
  sql: Sql,
  table: TableReconciler,
  entries: LoggedEntry[],
  findings: Finding[],
): Promise<void> {
  const keys = table.keys;
  const arrays = keys.map((_, i) => entries.map((e) => table.keyOf(e)[i]));
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT ${keys.map((k, i) => `t.${k.column} AS k${i}`).join(', ')}, ${table.columnsSql}
       FROM ${table.table} t
       JOIN unnest(${keys.map((k, i) => `$${i + 1}::${k.type}[]`).join(', ')})
         AS u(${keys.map((_, i) => `k${i}`).join(', ')})
         ON ${keys.map((k, i) => `t.${k.column} = u.k${i}`).join(' AND ')}`,
    arrays,
  );
  const byKey = new Map(rows.map((r) => [keyString(keys.map((_, i) => r[`k${i}`])), r]));
  for (const e of entries) {
    const key = table.keyOf(e);
    const record = `${table.table} ${keyString(key)}`;
    const row = byKey.get(keyString(key));
    if (!row) {
      findings.push({
        code: 'ROW_MISSING',
        record,
        message: `log entry ${e.index} (${e.kind}) has no row in ${table.table}`,
      });
      continue;
    }
    if (table.superseded?.(e, row)) continue;
    const differs = differingColumns(table.expected(e), table.actual(row));
    if (differs.length > 0)
      findings.push({
        code: 'ROW_DIFFERS',
        record,
        message: `${table.table} ${differs.join(', ')} differ${differs.length === 1 ? 's' : ''} from log entry ${e.index}`,
      });
  }
}

export const keyString = (key: readonly unknown[]): string => key.map(String).join('/');

function differingColumns(want: Columns, got: Columns): string[] {
  return Object.keys(want).filter((c) => JSON.stringify(want[c]) !== JSON.stringify(got[c]));
}
