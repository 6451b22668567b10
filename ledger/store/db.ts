/**
 * One SQL interface over the two real stores: PostgreSQL through `pg` (production)
 * and PGlite, PostgreSQL compiled to WebAssembly (the embedded default). Both speak
 * the same dialect and run the same migrations (infra/db/migrations).
 */
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';

export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /**
   * `COPY target FROM … WITH (FORMAT binary)` of `data`, PostgreSQL's binary
   * COPY format (header, tuples, trailer): bulk loads (the voter import).
   * `target` is a table and its columns, never input. Both stores have it;
   * optional so that wrappers of a connection need not.
   */
  copyBinary?(target: string, data: Uint8Array): Promise<void>;
}

/** A connection that keeps session state (advisory locks) until released. */
export interface Session extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** A dedicated session; for PGlite (one connection) the database itself. */
  session(): Promise<Session>;
  close(): Promise<void>;
}

export interface DbConfig {
  /** postgres://… for PostgreSQL; absent for PGlite. */
  url?: string | undefined;
  /** PGlite data directory; absent for an in-memory PGlite. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number | undefined;
}

export async function openDb(config: DbConfig): Promise<Db> {
  return config.url ? openPostgres(config.url, config.poolSize ?? 10) : openPglite(config.dataDir);
}

// int8 as a JS number: every bigint we store (indexes, sizes, ids) stays below
// 2^53; parseSafe refuses anything that would lose precision.
function parseSafe(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${s} exceeds 2^53`);
  return n;
}
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? parseSafe
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function wrapClient(c: pg.PoolClient | pg.Pool): Sql {
  return {
    async query(text, params) {
      return (await c.query(text, params as unknown[])).rows;
    },
    async exec(text) {
      await c.query(text);
    },
    ...(c instanceof pg.Pool
      ? {}
      : {
          // A pooled client only: the COPY's rows belong to its transaction.
          async copyBinary(target: string, data: Uint8Array) {
            const stream = c.query(copyFromStdin(`COPY ${target} FROM STDIN WITH (FORMAT binary)`));
            await pipeline(
              (async function* () {
                yield data;
              })(),
              stream,
            );
          },
        }),
  };
}

async function clientTransaction<T>(
  client: pg.PoolClient,
  fn: (tx: Sql) => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await fn(wrapClient(client));
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function openPostgres(url: string, max: number): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    // A transaction left idle would hold back the sequencer (it only integrates
    // rows older than the oldest open transaction): cap how long one may idle.
    options: '-c idle_in_transaction_session_timeout=30000',
  });
  pool.on('error', () => undefined); // a dropped idle client is replaced on next use
  await pool.query('SELECT 1');
  const base = wrapClient(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        return await clientTransaction(client, fn);
      } finally {
        client.release();
      }
    },
    async session() {
      const client = await pool.connect();
      const s = wrapClient(client);
      return {
        query: s.query,
        exec: s.exec,
        transaction: (fn) => clientTransaction(client, fn),
        async release() {
          // Destroy rather than return to the pool: session state (advisory locks)
          // must not leak into the next borrower.
          client.release(true);
        },
      };
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const query: Sql['query'] = async (text, params) =>
    (await db.query(text, params as unknown[])).rows as never[];
  const exec: Sql['exec'] = async (text) => {
    await db.exec(text);
  };
  const transaction: Db['transaction'] = async (fn) => {
    // PGlite never waits on I/O: back-to-back transactions would form one long
    // microtask chain and starve timers and sockets (the sequencer's pause, HTTP).
    await new Promise<void>((r) => setImmediate(r));
    return db.transaction(async (tx) =>
      fn({
        query: async (text, params) => (await tx.query(text, params as unknown[])).rows as never[],
        exec: async (text) => {
          await tx.exec(text);
        },
        // PGlite reads a COPY's input from the query's blob, as /dev/blob.
        copyBinary: async (target, data) => {
          await tx.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT binary)`, [], {
            blob: new Blob([data]),
          });
        },
      }),
    );
  };
  return {
    kind: 'pglite',
    query,
    exec,
    transaction,
    async session() {
      return { query, exec, transaction, release: async () => undefined };
    },
    close: () => db.close(),
  };
}
