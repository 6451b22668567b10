/**
 * Reconciliation, second direction: every row has its log entry. Each table is
 * streamed in key order (keyset pagination, bounded memory); a row whose
 * subject version is not recorded, or is recorded with another leaf hash than
 * the row cites, was written without going through the log
 * (ROW_WITHOUT_ENTRY). Together with the first direction — every recorded
 * version's entry was found in the log and its row matched — every row is
 * accounted for by an entry.
 */
import type { Sql } from '../../ledger/index.ts';
import type { Finding } from '../types.ts';
import { keyString } from './entries-to-rows.ts';
import type { TableReconciler } from './table.ts';

const PAGE = 5000;

export async function rowsToEntries(
  sql: Sql,
  table: TableReconciler,
  findings: Finding[],
): Promise<number> {
  const keys = table.keys;
  const cols = keys.map((k) => `t.${k.column}`).join(', ');
  let after: unknown[] | null = null;
  let rows = 0;
  for (;;) {
    const page: Record<string, unknown>[] = await sql.query(
      `SELECT ${keys.map((k, i) => `t.${k.column} AS k${i}`).join(', ')}, ${table.citedSql ?? 't.entry_hash'} AS entry_hash${table.versionColumns ? `, ${table.versionColumns}` : ''}
         FROM ${table.table} t
        ${after ? `WHERE (${cols}) > (${keys.map((k, i) => `$${i + 1}::${k.type}`).join(', ')})` : ''}
        ORDER BY ${cols} LIMIT ${PAGE}`,
      after ?? [],
    );
    if (page.length === 0) return rows;
    rows += page.length;
    const versions = page.map((r) =>
      table.versionOf(
        keys.map((_, i) => r[`k${i}`]),
        r,
      ),
    );
    const recorded = await sql.query<{ subject: string; seq: number; leaf_hash: Uint8Array }>(
      `SELECT v.subject, v.seq, v.leaf_hash
         FROM unnest($1::text[], $2::int4[]) AS u(subject, seq)
         JOIN subject_versions v ON v.subject = u.subject AND v.seq = u.seq`,
      [versions.map((v) => v.subject), versions.map((v) => v.seq)],
    );
    const leafOf = new Map(recorded.map((v) => [`${v.seq}:${v.subject}`, v.leaf_hash]));
    page.forEach((r, i) => {
      const v = versions[i]!;
      const leaf = leafOf.get(`${v.seq}:${v.subject}`);
      const cited = Buffer.from((r.entry_hash as Uint8Array | null) ?? []);
      if (!leaf || !cited.equals(Buffer.from(leaf)))
        findings.push({
          code: 'ROW_WITHOUT_ENTRY',
          record: `${table.table} ${keyString(keys.map((_, j) => r[`k${j}`]))}`,
          message: leaf
            ? cited.length === 0
              ? `the row does not cite version ${v.seq} of ${v.subject}, ${Buffer.from(leaf).toString('base64')} in the log`
              : `the row cites entry ${cited.toString('base64')}, but version ${v.seq} of ${v.subject} is ${Buffer.from(leaf).toString('base64')} in the log`
            : `no log entry records version ${v.seq} of ${v.subject}`,
        });
    });
    const last = page.at(-1)!;
    after = keys.map((_, i) => last[`k${i}`]);
  }
}
