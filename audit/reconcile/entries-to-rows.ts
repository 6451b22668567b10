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
    const positions = await reader.integratedBetween(from, to);
    if (positions.length !== to - from) {
      const have = new Set(positions.map((p) => p.index));
      for (let i = from; i < to; i++)
        if (!have.has(i))
          findings.push({
            code: 'LOG_ENTRY_MISSING',
            record: `log entry ${i}`,
            message: `the published log has entry ${i}, the database does not`,
          });
    }
    const ids = positions.map((p) => p.pendingId);
    const [bytes, leaves] = await Promise.all([reader.pendingEntries(ids), reader.leavesOf(ids)]);
    const groups = new Map<TableReconciler, LoggedEntry[]>();
    for (const { index, pendingId } of positions) {
      stats.entries++;
      const entry = bytes.get(pendingId)?.entry;
      const leaf = leaves.get(pendingId)?.leafHash;
      if (!entry || !leaf) continue; // not reachable: integratedBetween found both
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
      const e = parse(index, leaf, entry);
      if (!e) continue;
      const table = tables.find((t) => t.holds(e.kind));
      if (!table) {
        stats.notReconciled[e.kind] = (stats.notReconciled[e.kind] ?? 0) + 1;
        continue;
      }
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
