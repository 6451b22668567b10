/**
 * `saksi serve` (CONTRACT.md): starts the API with its sequencer; prints the URL
 * and the log's verifier key; stops cleanly on SIGINT/SIGTERM.
 */
import { loadConfig, startServer } from '../../api/index.ts';
import { type Io, int, parseArgs, str, UsageError } from '../args.ts';
import { seedDemoLog } from '../demo-log.ts';

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    values: ['port', 'host', 'data', 'origin'],
    booleans: ['demo'],
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const config = loadConfig({
    port: int(flags, 'port'),
    host: str(flags, 'host'),
    dataDir: str(flags, 'data'),
    origin: str(flags, 'origin'),
    demo: flags.demo === true,
  });
  const server = await startServer(config, (m) => io.stderr(m));
  const { runtime } = server;
  if (config.demo) {
    const added = await seedDemoLog(runtime);
    if (added > 0) io.stdout(`demo: appended ${added} sample entries`);
  }
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
  return 0;
}
