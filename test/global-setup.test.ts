/**
 * No test database is left behind (issue #10): a run's databases are dropped at
 * its end, and those of a run that was killed are dropped by the next run.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, TEST_DB_KIND } from './fresh-db.ts';
import { setup, teardown } from './global-setup.ts';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const exists = (name: string) =>
  admin(
    async (c) =>
      (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );

describe.skipIf(TEST_DB_KIND !== 'postgres')('test databases are cleaned up', () => {
  const run = process.env.SAKSI_TEST_RUN;
  afterAll(() => {
    process.env.SAKSI_TEST_RUN = run;
  });

  it("drops a killed run's databases at the start and keeps a live run's", async () => {
    // A pid that has certainly ended: a child process that has already exited.
    const dead = spawnSync('true').pid;
    const orphan = `saksi_test_${dead}_0123456789ab`;
    const live = `saksi_test_${process.ppid}_0123456789ab`;
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${orphan}`);
      await c.query(`CREATE DATABASE ${live}`);
    });
    await setup();
    expect(await exists(orphan)).toBe(false);
    expect(await exists(live)).toBe(true);
    await admin((c) => c.query(`DROP DATABASE ${live}`));
  });

  it("drops the run's own databases at its end", async () => {
    await setup(); // this worker's pid becomes the run id
    const own = `saksi_test_${process.pid}_0123456789ab`;
    await admin((c) => c.query(`CREATE DATABASE ${own}`));
    await teardown();
    expect(await exists(own)).toBe(false);
  });
});
