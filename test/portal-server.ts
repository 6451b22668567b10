/**
 * A real `saksi serve --demo` on loopback with a few TPS seeded (a flagged
 * machine reading and its correction among them), for the portal's page tests,
 * browser tests and benchmark: the portal is exercised against the same
 * server an observer would open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunningServer, startServer } from '../api/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from './fresh-db.ts';

export interface PortalServer {
  server: RunningServer;
  url: string;
  /** GET a path of the server. */
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function portalServer(tps = 4): Promise<PortalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'saksi-portal-'));
  let fresh: FreshDb | undefined;
  let databaseUrl: string | undefined;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close(); // the server opens its own connections
    databaseUrl = fresh.url;
  }
  const level = process.env.SAKSI_LOG_LEVEL;
  process.env.SAKSI_LOG_LEVEL = 'warn';
  const config = loadConfig({
    dataDir: dir,
    port: 0,
    demo: true,
    origin: 'portal.test/log',
    databaseUrl,
  });
  const server = await startServer(config, () => undefined, { demoSeedTps: tps });
  await server.demo?.done;
  return {
    server,
    url: server.url,
    get: (path, init) => fetch(`${server.url}${path}`, init),
    async close() {
      await server.close();
      if (level === undefined) delete process.env.SAKSI_LOG_LEVEL;
      else process.env.SAKSI_LOG_LEVEL = level;
      await fresh?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
