/**
 * The baseline as a process of its own, so that its CPU is measured apart
 * (`node --import tsx loadtest/baseline/server.ts --port N`):
 *
 *   DATABASE_URL               the PostgreSQL database it writes to
 *   SAKSI_BASELINE_PUBLIC_KEY  the Ed25519 public key tokens are checked with (PEM)
 *
 * One process, one node-postgres pool of 10 (Saksi's pool per process,
 * ledger/store/db.ts). Its backends are named `saksi-baseline`, and idle ones
 * are kept: a backend that exits takes its CPU figure with it
 * (loadtest/driver/cpu.ts reads CPU from /proc/<pid>/stat).
 */
import { createPublicKey } from 'node:crypto';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { baselineApp, CREATE_TABLE } from './app.ts';

const url = process.env.DATABASE_URL;
const pem = process.env.SAKSI_BASELINE_PUBLIC_KEY;
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
if (!url || !pem || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    'usage: DATABASE_URL=… SAKSI_BASELINE_PUBLIC_KEY=<PEM> node --import tsx loadtest/baseline/server.ts --port N',
  );
  process.exit(2);
}
const pool = new pg.Pool({
  connectionString: url,
  max: 10,
  idleTimeoutMillis: 0,
  application_name: 'saksi-baseline',
});
pool.on('error', () => undefined);
await pool.query(CREATE_TABLE);
const app = baselineApp({
  publicKey: createPublicKey(pem),
  query: (text, params) => pool.query(text, params as unknown[]),
});
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
const stop = () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by `saksi loadtest --baseline`: if that process dies without
// stopping it (killed), this one is re-parented; it then stops too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, 1000).unref();
