/**
 * A fresh, migrated database for one test: an in-memory PGlite by default, or a
 * new database on the real PostgreSQL when SAKSI_TEST_DB=postgres (`npm test`
 * runs the whole suite both ways). Every test gets its own database, so test
 * files run in parallel without sharing a log.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, migrate, openDb } from '../ledger/index.ts';

export const TEST_DB_KIND: 'pglite' | 'postgres' =
  process.env.SAKSI_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
export const PG_ADMIN_URL =
  process.env.SAKSI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Every test database's name starts with this (test/global-setup.ts drops them). */
export const TEST_DB_PREFIX = 'saksi_test_';

/** A new test database name: the run's id (global setup) and a random part. */
export function testDbName(): string {
  const run = process.env.SAKSI_TEST_RUN ?? String(process.pid);
  return `${TEST_DB_PREFIX}${run}_${randomBytes(6).toString('hex')}`;
}

export interface FreshDb {
  db: Db;
  /** The connection URL (postgres only), for child processes. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function freshDb(): Promise<FreshDb> {
  if (TEST_DB_KIND === 'pglite') {
    const db = await openDb({});
    await migrate(db);
    return { db, url: undefined, drop: () => db.close() };
  }
  const name = testDbName();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await openDb({ url });
  await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
