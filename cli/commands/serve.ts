/**
 * `saksi serve` (CONTRACT.md): starts the API with its sequencer; prints the URL
 * and the log's verifier key; stops cleanly on SIGINT/SIGTERM.
 *
 * `--workers N` (PostgreSQL only) runs N API processes on one port with Node's
 * cluster module: API nodes are stateless, and one process tops out at one core.
 * Every worker contends for the sequencer lock; one leads, the others take over.
 * One more process runs only the recap publisher (api/recap-node.ts), so that it
 * is not queued behind requests; it is restarted if it dies. An API worker that
 * dies after it listened (a crash, an OOM kill) is restarted too: its in-flight
 * requests got no answer, and clients resend them with the same Idempotency-Key.
 * With SAKSI_NODE_ROLE=api the primary starts no recap process (a deployment
 * runs the publisher apart, infra/k8s/).
 *
 * `--demo` hands a bearer token for any role, ADMIN included, to anyone who can
 * reach the port (POST /v1/demo/token; SECURITY.md "Demo mode"): it listens on a
 * loopback address only, unless `--demo-public` says the exposure is meant.
 */
import cluster from 'node:cluster';
// Light on purpose: the port is checked before the rest of the API is loaded
// (seconds on a busy machine), which happens in the functions below.
import { isIPv4, isIPv6 } from 'node:net';
import { loadConfig, NODE_ROLE_VARIABLE, parseWitnesses } from '../../api/config.ts';
import type { DemoSeedSize } from '../../api/demo/index.ts';
import type { Config } from '../../api/index.ts';
import { assertCanListen } from '../../api/listen.ts';
import { type CommandSpec, type Io, int, list, parseCommand, str, UsageError } from '../args.ts';

export const SERVE: CommandSpec = {
  command: 'serve',
  summary:
    'start the API with its sequencer and recap publisher; print the URL and the log verifier key',
  flags: [
    {
      name: 'port',
      type: 'int',
      value: 'P',
      description: 'TCP port (default 8080 or PORT; 0: any free port)',
    },
    {
      name: 'host',
      type: 'string',
      value: 'H',
      description: 'interface to listen on (default 127.0.0.1 or SAKSI_HOST)',
    },
    {
      name: 'data',
      type: 'string',
      value: 'DIR',
      description:
        'PGlite database and local keystore (default ./.saksi or SAKSI_DATA); PostgreSQL\nwith DATABASE_URL, Vault Transit with VAULT_ADDR',
    },
    {
      name: 'origin',
      type: 'string',
      value: 'NAME',
      description:
        "the log's origin (default saksi.localhost/log or SAKSI_LOG_ORIGIN); a log keeps\nits origin for life",
    },
    {
      name: 'workers',
      type: 'int',
      value: 'N',
      description:
        'PostgreSQL only: N API processes on one port and one recap-publisher process\n(default 1, at most 64)',
    },
    {
      name: 'witness',
      type: 'string',
      value: 'VKEY=URL',
      repeatable: true,
      description:
        'a C2SP tlog-witness (its cosignature/v1 key and URL) to send each checkpoint\nto; /log/checkpoint carries the cosignatures gathered (or SAKSI_WITNESSES)',
    },
    {
      name: 'demo',
      type: 'boolean',
      description:
        'demo officers and tokens, the demo election loaded into an empty registry, and\nits count forms seeded in the background (SAKSI_DEMO_SEED=default|all|N|0);\nloopback hosts only, since a demo server hands an ADMIN token to anyone',
    },
    {
      name: 'demo-public',
      type: 'boolean',
      description: 'with --demo, listen on a non-loopback --host anyway',
    },
  ],
  notes: `Exit codes: 0 stopped by SIGINT/SIGTERM; 1 could not start (the port in use, the
data directory in use, a bad configuration: printed on stderr); 2 usage error.`,
};

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(SERVE, argv, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const witnessSpecs = list(parsed, 'witness');
  const config = loadConfig({
    ...(witnessSpecs.length ? { witnesses: parseWitnesses(witnessSpecs) } : {}),
    port: int(flags, 'port'),
    host: str(flags, 'host'),
    dataDir: str(flags, 'data'),
    origin: str(flags, 'origin'),
    demo: flags.demo === true,
  });
  if (flags['demo-public'] === true && !config.demo)
    throw new UsageError('--demo-public only means something with --demo');
  if (config.demo && flags['demo-public'] !== true && !isLoopbackHost(config.host))
    throw new UsageError(
      `--demo gives an ADMIN token to anyone who can reach the server; it listens on loopback only (--host ${config.host} is not). Add --demo-public to expose it anyway`,
    );
  const workers = int(flags, 'workers') ?? 1;
  if (workers < 1 || workers > 64) throw new UsageError('--workers must be in 1..64');
  if (workers > 1 && cluster.isPrimary) {
    if (!config.databaseUrl)
      throw new UsageError(
        '--workers needs DATABASE_URL: the embedded database belongs to one process',
      );
    // Fail before forking (and before opening the database) if nobody can listen.
    await assertCanListen(config.host, config.port);
    return runPrimary(config, workers, io);
  }
  if (config.nodeRole === 'recap') return inWorker(() => runRecap(config, io));
  const workerId = cluster.isWorker ? cluster.worker!.id : 1;
  // Only one process prints and seeds the demo; the others serve quietly.
  const quiet: Io = workerId === 1 ? io : { stdout: () => undefined, stderr: io.stderr };
  if (cluster.isPrimary) await assertCanListen(config.host, config.port);
  const seed: DemoSeedSize = config.demo && workerId === 1 ? config.demoSeed : 0;
  return inWorker(() => runNode(config, quiet, seed, config.nodeRole !== 'api'));
}

/**
 * Runs a node; if it fails in a cluster worker, lets go of the primary so that
 * the worker exits (its channel would keep it alive) and the primary sees it.
 */
async function inWorker(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (cluster.isWorker) cluster.worker?.disconnect();
    throw e;
  }
}

/**
 * Whether `host` only accepts connections from this machine: 127.0.0.0/8, ::1
 * (also IPv4-mapped) or the name localhost. `0.0.0.0` and `::` are every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return isLoopbackHost(mapped[1]!);
  return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(h) || h === '::1';
}

/** Which part a cluster worker plays: `api` (HTTP and the sequencer) or `recap`. */
const ROLE = NODE_ROLE_VARIABLE;

/** More API-process crashes than this in a minute stop `serve --workers` (exit 1). */
const MAX_RESTARTS_PER_MINUTE = 10;

async function runPrimary(config: Config, workers: number, io: Io): Promise<number> {
  // Create the keys once, before workers race to create them. With Vault the
  // keys live there (infra/vault/setup.sh creates them), not on this disk.
  if (!config.vault) {
    const { openLocalKeystore } = await import('../../keys/index.ts');
    const keys = await openLocalKeystore({ dir: config.dataDir, kekFile: config.kekFile });
    await keys.signer('log', config.origin);
  }
  // The first workers: one that cannot start stops the node (below).
  const initial = new Set<number>();
  for (let i = 0; i < workers; i++) initial.add(cluster.fork({ [ROLE]: 'api' }).id);
  // SAKSI_NODE_ROLE=api given to the primary: API processes only.
  const withRecap = config.nodeRole !== 'api';
  let recap = withRecap ? cluster.fork({ [ROLE]: 'recap' }) : undefined;
  let alive = workers + (withRecap ? 1 : 0);
  let stopping = false;
  let failed = false;
  const listening = new Set<number>();
  const restarts: number[] = [];
  cluster.on('listening', (w) => listening.add(w.id));
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  await new Promise<void>((resolve) => {
    cluster.on('exit', (w, code) => {
      if (w === recap && !stopping) {
        // The totals must not stop moving because one process died.
        io.stderr(`saksi: the recap process exited with code ${code}; restarting it`);
        recap = cluster.fork({ [ROLE]: 'recap' });
        return;
      }
      // An API process that never listened (the port in use, the database
      // unreachable) will fail again if restarted, and the others would fail
      // the same way: stop them all rather than serve with none or some.
      if (w !== recap && code !== 0 && !listening.has(w.id) && initial.has(w.id) && !stopping) {
        failed = true;
        io.stderr('saksi: an API process could not start; stopping');
        stop();
      } else if (w !== recap && !stopping) {
        // It served before (or replaced one that did), so it can again: keep N
        // processes on the port. If
        // it led the sequencer, its session ended with it and another process
        // takes the lock (ledger/sequencer.ts acquire).
        // A crash loop is not hidden: too many restarts in a minute stop the node.
        const now = Date.now();
        restarts.push(now);
        while (restarts[0]! < now - 60_000) restarts.shift();
        if (restarts.length <= MAX_RESTARTS_PER_MINUTE) {
          io.stderr(
            `saksi: an API process exited (${code ?? w.process.signalCode}); restarting it`,
          );
          cluster.fork({ [ROLE]: 'api' });
          return;
        }
        failed = true;
        io.stderr(`saksi: API processes crashed ${restarts.length} times in a minute; stopping`);
        stop();
      }
      alive--;
      if (alive === 0) resolve();
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return failed ? 1 : 0;
}

async function runRecap(config: Config, io: Io): Promise<number> {
  const { startRecapNode } = await import('../../api/recap-node.ts');
  const node = await startRecapNode(config, (m) => io.stderr(m));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await node.close();
  if (cluster.isWorker) cluster.worker?.disconnect();
  return 0;
}

async function runNode(
  config: Config,
  io: Io,
  demoSeedTps: DemoSeedSize,
  recap: boolean,
): Promise<number> {
  const { startServer } = await import('../../api/index.ts');
  const server = await startServer(config, (m) => io.stderr(m), { demoSeedTps, recap });
  const { runtime } = server;
  io.stdout(`saksi listening on ${server.url}`);
  io.stdout(
    `database: ${runtime.db.kind}${config.databaseUrl ? '' : ` (${config.dataDir})`}; keys: ${runtime.keys.describe()}`,
  );
  io.stdout(`log verifier key: ${runtime.verifierKey}`);
  io.stdout(`verify it: npx saksi verify --log ${server.url}/log --key '${runtime.verifierKey}'`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout('saksi: stopping');
  await server.close();
  // A worker's channel to the primary would keep it alive after its server closed
  // (and the primary waiting for it forever): let go of it.
  if (cluster.isWorker) cluster.worker?.disconnect();
  return 0;
}
