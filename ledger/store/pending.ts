/**
 * The one way entries enter the log: rows in ledger_pending, written inside the
 * caller's own transaction (so a domain write and its entry commit together).
 * The bytes must already be a valid entry (the caller validated and encoded it);
 * the database re-checks the C2SP size bound.
 */
import type { Sql } from './db.ts';

export async function addPending(tx: Sql, entries: readonly Uint8Array[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const rows = await tx.query<{ id: number; ord: number }>(
    `INSERT INTO ledger_pending (entry)
     SELECT e FROM unnest($1::bytea[]) WITH ORDINALITY AS u(e, ord) ORDER BY ord
     RETURNING id`,
    [entries],
  );
  // RETURNING follows insertion order, which ORDER BY ord fixed; ids come from one
  // sequence within this statement, so sorting them restores that order too.
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
