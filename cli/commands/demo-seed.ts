/**
 * `saksi demo seed --url URL [--tps N] [--voters N] [--donors N]` (CONTRACT.md):
 * against a server started with `--demo`, submits signed count forms for N TPS
 * of the demo province through the public HTTP API, exactly as officers'
 * devices would (api/demo/seed.ts), waits until the log has
 * integrated them and the national recap counts them, and prints a summary.
 *
 * Exit codes: 0 seeded and counted; 1 the server refused, could not be reached,
 * or did not count the forms in time (printed on stderr); 2 usage error; 130
 * stopped by Ctrl-C (a rerun finishes what was started).
 *
 * The seeder is loaded only when it runs, so that --help answers at once.
 */
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

const DEFAULT_TPS = 20;

export const DEMO_SEED: CommandSpec = {
  command: 'demo seed',
  summary:
    "demo mode only: submit signed count forms for N TPS over HTTP, as officers' devices do,\nand wait until the national recap counts them",
  flags: [
    {
      name: 'url',
      type: 'string',
      value: 'URL',
      required: true,
      description: 'a server started with `saksi serve --demo`, e.g. http://127.0.0.1:8080',
    },
    {
      name: 'tps',
      type: 'string',
      value: 'N|all',
      description: `complete the first N TPS of the demo province in code order from the\ndemo TPS 3171011001001 on (default ${DEFAULT_TPS}); complete TPS are passed over and\nhalf-submitted ones finished, so a rerun after an interruption completes them`,
    },
    {
      name: 'voters',
      type: 'int',
      value: 'N',
      description:
        'also register N demo voters (DPS) at the TPS of kecamatan 317101 through\nPOST /v1/voters; ones already registered are passed over',
    },
    {
      name: 'donors',
      type: 'int',
      value: 'N',
      description:
        'also file N demo campaign contributions (every tenth from the third over its cap, the excess\nsurrendered), expenditures and the LADK/LPSDK/LPPDK reports through /v1/finance',
    },
    {
      name: 'concurrency',
      type: 'int',
      value: 'C',
      description: 'TPS submitted at once (default 6, at most 64)',
    },
    {
      name: 'timeout',
      type: 'int',
      value: 'S',
      description:
        'longest wait, in seconds, for the national recap to count the forms (default 120)',
    },
  ],
  notes: `Every TPS gets a KPPS demo officer with a freshly enrolled Ed25519 device, a
photo of each form, and the signed form of every contest held there: at every
third TPS a machine reading first (half of them misread), then the KPPS-verified
version; at one TPS in ten the KPPS form misreads a digit ("3" read as "8"),
is kept flagged, and the PPK of the kecamatan corrects it with a reason (every
other correction citing a case). A TPS is complete when every contest held there
is counted. Seeding is safe to run beside another seeder (or the server's own
start-up seeding): a version someone else just wrote is taken as done.`,
};

export async function demoSeedCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(DEMO_SEED, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--url must be http or https');
  const tpsFlag = str(flags, 'tps');
  const tps = tpsFlag === 'all' ? Number.POSITIVE_INFINITY : (int(flags, 'tps') ?? DEFAULT_TPS);
  const voters = int(flags, 'voters');
  const donors = int(flags, 'donors');
  const concurrency = int(flags, 'concurrency') ?? 6;
  if (concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be in 1..64');
  const timeout = int(flags, 'timeout') ?? 120;
  if (timeout < 1) throw new UsageError('--timeout must be at least 1 second');

  // Ctrl-C stops after the requests in flight (the server sees each through);
  // a second one ends the process at once (the default, once this is removed).
  const interrupt = new AbortController();
  const onSigint = () => {
    io.stderr('saksi demo seed: stopping after the requests in flight…');
    interrupt.abort();
  };
  process.once('SIGINT', onSigint);
  const { DemoClient, SeedError, seedDemo, seedDonors, seedVoters, summaryLines } = await import(
    '../../api/demo/index.ts'
  );
  let last = Date.now();
  try {
    const report = await seedDemo({
      url: base.href,
      tps,
      concurrency,
      waitTimeoutMs: timeout * 1000,
      signal: interrupt.signal,
      onProgress: (p) => {
        if (Date.now() - last < 2_000) return;
        last = Date.now();
        io.stderr(
          `saksi demo seed: ${p.tps}${Number.isFinite(p.target) ? `/${p.target}` : ''} TPS, ${p.forms} forms…`,
        );
      },
    });
    for (const line of summaryLines(report)) io.stdout(line);
    if (voters !== undefined && voters > 0) {
      const v = await seedVoters(new DemoClient(base.href, interrupt.signal), voters, concurrency);
      io.stdout(
        `voters: ${v.registered} registered, ${v.alreadyThere} already registered (kecamatan 317101)`,
      );
    }
    if (donors !== undefined && donors > 0) {
      const d = await seedDonors(new DemoClient(base.href, interrupt.signal), donors, concurrency);
      io.stdout(
        `donors: ${d.contributions} contributions (${d.breaches} over the cap, ${d.surrendered} excess surrendered), ${d.expenditures} expenditures, ${d.filings} reports filed, ${d.opened} donor opened by the auditor`,
      );
    }
    return 0;
  } catch (e) {
    if (!(e instanceof SeedError)) throw e;
    if (e.code === 'ABORTED') {
      io.stderr(
        'saksi demo seed: stopped; the same command again finishes the TPS that were started',
      );
      return 130;
    }
    io.stderr(`saksi demo seed: ${e.message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
