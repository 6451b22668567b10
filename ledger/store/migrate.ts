/**
 * Applies the SQL migrations in infra/db/migrations in name order, once each,
 * under an advisory lock so that several starting nodes do not race. A migration
 * that was applied and later edited is refused: history is not rewritten here
 * either.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const DIR = fileURLToPath(new URL('../../infra/db/migrations/', import.meta.url));
const MIGRATION_LOCK = 0x53414b53; // "SAKS"

export class MigrationError extends Error {
  readonly code = 'MIGRATION_CHANGED';
}

export async function migrate(db: Db): Promise<string[]> {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Map(
      (
        await tx.query<{ name: string; sha256: string }>(
          'SELECT name, sha256 FROM schema_migrations',
        )
      ).map((r) => [r.name, r.sha256]),
    );
    const applied: string[] = [];
    for (const f of files) {
      const sql = readFileSync(DIR + f, 'utf8');
      const sum = createHash('sha256').update(sql).digest('hex');
      const prior = done.get(f);
      if (prior !== undefined) {
        if (prior !== sum) throw new MigrationError(`migration ${f} changed after it was applied`);
        continue;
      }
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [f, sum]);
      applied.push(f);
    }
    return applied;
  });
}
