/**
 * A running API node: the runtime, its sequencer loop, and the HTTP listener.
 */
import type { ServerOptions as HttpServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import {
  type DemoSeeding,
  type DemoSeedSize,
  loadDemoElection,
  startDemoSeeding,
} from './demo/index.ts';
import { RecapPublisher } from './domains/results/index.ts';
import { VoterCountPublisher } from './domains/voters/index.ts';
import { listenError } from './listen.ts';
import { WitnessCollector } from './log/witnesses.ts';
import { openPlatform } from './platform/open.ts';
import { portalBundle } from './portal/index.ts';
import { openRuntime, type Runtime } from './runtime.ts';

export interface RunningServer {
  url: string;
  runtime: Runtime;
  /** Demo mode: the background seeding started with `demoSeedTps`. */
  demo?: DemoSeeding;
  close(): Promise<void>;
}

export interface ServerOptions {
  /**
   * Demo mode only: once listening, seed this many TPS of the demo province
   * (Infinity: all; 'default': three of its six kabupaten/kota) in the
   * background unless count forms exist. One process of a cluster seeds; the
   * others leave it out.
   */
  demoSeedTps?: DemoSeedSize;
  /**
   * Run the recap publisher in this process when it leads (default). `serve
   * --workers` runs it in a process of its own instead (./recap-node.ts).
   */
  recap?: boolean;
}

/**
 * Node's HTTP server options from the config: header, request and keep-alive
 * timeouts (config.ts says why each). Node checks the first two on a timer, every
 * `connectionsCheckingInterval` (30 s by default, which would let a slow client
 * overstay a 10 s limit threefold), so the timer runs every second.
 */
export function httpServerOptions(
  config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>,
): HttpServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
  };
}

export async function startServer(
  config: Config,
  log: (msg: string) => void = () => undefined,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const runtime = await openRuntime(config);
  const { db, keys, store, sequencer } = runtime;
  // Leadership: with PostgreSQL another node may hold the sequencer lock; this
  // node then serves reads and writes pending entries until it takes over.
  const leader = new AbortController();
  const leading = sequencer
    .acquire(1000, leader.signal)
    .then(() =>
      sequencer.start((e) => log(`sequencer: ${e instanceof Error ? e.message : String(e)}`)),
    )
    .catch((e) => {
      if (!leader.signal.aborted) log(`sequencer: ${e instanceof Error ? e.message : String(e)}`);
    });
  let platform: Awaited<ReturnType<typeof openPlatform>>;
  try {
    // `--demo` loads the demo election into an empty registry (CONTRACT.md).
    if (config.demo) await loadDemoElection(db, log);
    platform = await openPlatform(runtime);
  } catch (e) {
    leader.abort();
    await leading;
    await runtime.close();
    throw e;
  }
  // The recapitulation runs beside the sequencer, on the node that leads.
  const recap = new RecapPublisher(db, platform.deps.registry, {
    onPublished: () => sequencer.poke(),
    onError: (e) => log(`recap: ${e instanceof Error ? e.message : String(e)}`),
  });
  // Voter counts (api/domains/voters/counts.ts) likewise, when the register changed.
  const voterCounts = new VoterCountPublisher(db, {
    onPublished: () => sequencer.poke(),
    onError: (e) => log(`voter counts: ${e instanceof Error ? e.message : String(e)}`),
  });
  void leading.then(() => {
    if (!leader.signal.aborted && options.recap !== false) recap.start();
    if (!leader.signal.aborted && options.recap !== false) voterCounts.start();
  });
  // C2SP tlog-witness: each new checkpoint goes to the witnesses (docs/witness.md).
  const witnesses =
    config.witnesses.length > 0
      ? new WitnessCollector({
          store,
          witnesses: config.witnesses,
          timeoutMs: config.witnessTimeoutMs,
          onError: log,
        })
      : undefined;
  witnesses?.start();
  const app = createApp({
    platform: platform.deps,
    store,
    ...(witnesses ? { checkpoint: () => witnesses.current() } : {}),
    // The portal pins the configured witnesses: its verifier requires their cosignatures.
    witnessKeys: () => config.witnesses.map((w) => w.verifierKey),
    verifierKey: () => runtime.verifierKey,
    health: {
      database: async () => {
        await db.query('SELECT 1');
        return { ok: true, detail: db.kind };
      },
      keys: () => keys.health(),
      policies: async () => ({
        ok: true,
        detail: `policy set ${platform.engine.policySetHash.slice(0, 16)}…`,
      }),
    },
    log,
    logError: (e, id) =>
      log(`request ${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: httpServerOptions(config),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (e) {
    // Nothing listens, so nothing may keep running: a node that cannot serve but
    // holds the sequencer lock (and, with PGlite, the data directory's lock)
    // would stall every other node and a restart on a free port.
    leader.abort();
    await recap.stop();
    await witnesses?.stop();
    await voterCounts.stop();
    await leading;
    await runtime.close();
    throw listenError(e, config.host, config.port);
  }
  // The portal's browser script, built now rather than on its first reader (api/portal/bundle.ts).
  portalBundle().catch((e) => log(`portal: ${e instanceof Error ? e.message : String(e)}`));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const demo =
    config.demo && options.demoSeedTps
      ? startDemoSeeding({ url, db, tps: options.demoSeedTps, log })
      : undefined;
  return {
    url,
    runtime,
    ...(demo ? { demo } : {}),
    async close() {
      await demo?.stop();
      leader.abort();
      await recap.stop();
      await witnesses?.stop();
      await voterCounts.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        // Keep-alive clients would otherwise hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await leading;
      await runtime.close();
    },
  };
}
