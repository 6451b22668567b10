/**
 * Vitest global setup: one run id for every test database of this run, and no
 * database left behind. A test database is named `saksi_test_<run>_<random>`
 * (test/fresh-db.ts), where <run> is the pid of the vitest process that owns it.
 * At the start, databases whose run has ended (its process is gone: a run that
 * was killed or crashed) are dropped; at the end, this run's own are dropped,
 * whether its tests passed or failed.
 */
import pg from 'pg';
import { PG_ADMIN_URL, TEST_DB_KIND, TEST_DB_PREFIX } from './fresh-db.ts';

const RUN = String(process.pid);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the test databases `pick` selects; returns their names. */
async function dropTestDatabases(pick: (run: number | null) => boolean): Promise<string[]> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string; busy: boolean }>(
      `SELECT d.datname, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) AS busy
         FROM pg_database d WHERE d.datname LIKE $1`,
      [`${TEST_DB_PREFIX}%`],
    );
    const dropped: string[] = [];
    for (const { datname, busy } of rows) {
      const m = /^saksi_test_(\d+)_[0-9a-f]+$/.exec(datname);
      // Names from before run ids: only when nobody is connected to them.
      const run = m ? Number(m[1]) : null;
      if (run === null && busy) continue;
      if (!pick(run)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      dropped.push(datname);
    }
    return dropped;
  } finally {
    await admin.end();
  }
}

export async function setup(): Promise<void> {
  process.env.SAKSI_TEST_RUN = RUN;
  if (TEST_DB_KIND !== 'postgres') return;
  await dropTestDatabases((run) => run === null || !alive(run));
}

export async function teardown(): Promise<void> {
  if (TEST_DB_KIND !== 'postgres') return;
  await dropTestDatabases((run) => run === Number(RUN));
}
