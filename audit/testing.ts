/**
 * For the audit suite's tests: a real server on loopback in demo mode (PGlite,
 * or PostgreSQL with SAKSI_TEST_DB=postgres) with signed count forms, photos,
 * devices, TPS reports and registered voters written through the public API by
 * the demo seeder, the recap counting them — the data an audit reads.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoClient, seedDemo, seedDonors, seedVoters } from '../api/demo/index.ts';
import { loadConfig, type RunningServer, startServer } from '../api/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';
import { type AuditTarget, openAuditContext } from './context.ts';
import type { AuditContext } from './types.ts';

export interface AuditedServer {
  server: RunningServer;
  /** The server's data directory (its keystore). */
  dir: string;
  /** postgres://… of the server's database (PostgreSQL only). */
  databaseUrl: string | undefined;
  /** A fresh audit context against the server, with its database. */
  context(extra?: Partial<AuditTarget>): Promise<AuditContext>;
  /** Waits until the log has integrated every appended entry. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function auditedServer(
  options: {
    tps?: number;
    voters?: number;
    /** Campaign-finance contributions (and the accounts, reports, an opening) by the demo seeder. */
    donors?: number;
    origin?: string;
    /** Another audited server's data directory to copy first: the same log key (a fork). */
    keysFrom?: string;
  } = {},
): Promise<AuditedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'saksi-audit-'));
  if (options.keysFrom) cpSync(options.keysFrom, dir, { recursive: true });
  let fresh: FreshDb | undefined;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close(); // the server opens its own connections
  }
  const server = await startServer(
    loadConfig({
      dataDir: dir,
      port: 0,
      demo: true,
      origin: options.origin ?? 'audit.test/log',
      databaseUrl: fresh?.url,
    }),
  );
  if ((options.tps ?? 1) > 0)
    await seedDemo({ url: server.url, tps: options.tps ?? 1, waitTimeoutMs: 120_000 });
  if ((options.voters ?? 0) > 0) await seedVoters(new DemoClient(server.url), options.voters ?? 0);
  if ((options.donors ?? 0) > 0) await seedDonors(new DemoClient(server.url), options.donors ?? 0);
  const closers: (() => Promise<void>)[] = [];
  const settle = async () => {
    const { store } = server.runtime;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const appended = await store.appendedCount();
      const cp = await store.checkpoint();
      if ((cp?.size ?? 0) >= appended) return;
      if (Date.now() > deadline) throw new Error('the log did not integrate its entries in 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await settle();
  return {
    server,
    dir,
    databaseUrl: fresh?.url,
    async context(extra = {}) {
      const opened = await openAuditContext({
        url: server.url,
        db: server.runtime.db,
        keys: server.runtime.keys,
        verifierKey: server.runtime.verifierKey,
        ...extra,
      });
      closers.push(opened.close);
      return opened.ctx;
    },
    settle,
    async close() {
      for (const c of closers) await c();
      await server.close();
      if (fresh) await fresh.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
