/**
 * `saksi serve` (CONTRACT.md): starts the API with its sequencer; prints the URL
 * and the log's verifier key; stops cleanly on SIGINT/SIGTERM.
 *
 * `--workers N` (PostgreSQL only) runs N API processes on one port with Node's
 * cluster module: API nodes are stateless, and one process tops out at one core.
 * Every worker contends for the sequencer lock; one leads, the others take over.
 * One more process runs only the recap publisher (api/recap-node.ts), so that it
 * is not queued behind requests; it is restarted if it dies.
 *
 * `--demo` hands a bearer token for any role, ADMIN included, to anyone who can
 * reach the port (POST /v1/demo/token; SECURITY.md "Demo mode"): it listens on a
 * loopback address only, unless `--demo-public` says the exposure is meant.
 */
import cluster from 'node:cluster';
import { isIPv4, isIPv6 } from 'node:net';
import type { DemoSeedSize } from '../../api/demo/index.ts';
import { type Config, loadConfig, NODE_ROLE_VARIABLE, startServer } from '../../api/index.ts';
import { startRecapNode } from '../../api/recap-node.ts';
import { openLocalKeystore } from '../../keys/index.ts';
import { type Io, int, parseArgs, str, UsageError } from '../args.ts';

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    values: ['port', 'host', 'data', 'origin', 'workers'],
    booleans: ['demo', 'demo-public'],
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const config = loadConfig({
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
    return runPrimary(config, workers, io);
  }
  if (config.nodeRole === 'recap') return runRecap(config, io);
  const workerId = cluster.isWorker ? cluster.worker!.id : 1;
  // Only one process prints and seeds the demo; the others serve quietly.
  const quiet: Io = workerId === 1 ? io : { stdout: () => undefined, stderr: io.stderr };
  const seed: DemoSeedSize = config.demo && workerId === 1 ? config.demoSeed : 0;
  return runNode(config, quiet, seed, config.nodeRole !== 'api');
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

async function runPrimary(config: Config, workers: number, io: Io): Promise<number> {
  // Create the keys once, before workers race to create them.
  const keys = await openLocalKeystore({ dir: config.dataDir, kekFile: config.kekFile });
  await keys.signer('log', config.origin);
  for (let i = 0; i < workers; i++) cluster.fork({ [ROLE]: 'api' });
  let recap = cluster.fork({ [ROLE]: 'recap' });
  let alive = workers + 1;
  let stopping = false;
  await new Promise<void>((resolve) => {
    cluster.on('exit', (w, code) => {
      if (w === recap && !stopping) {
        // The totals must not stop moving because one process died.
        io.stderr(`saksi: the recap process exited with code ${code}; restarting it`);
        recap = cluster.fork({ [ROLE]: 'recap' });
        return;
      }
      alive--;
      if (code !== 0) io.stderr(`saksi: a worker exited with code ${code}`);
      if (alive === 0) resolve();
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function runRecap(config: Config, io: Io): Promise<number> {
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
