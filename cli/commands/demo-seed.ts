/**
 * `saksi demo seed --url URL [--tps N] [--voters N] [--donors N]` (CONTRACT.md):
 * against a server started with `--demo`, submits signed count forms for N TPS
 * of the demo province through the public HTTP API, exactly as officers'
 * devices would (api/demo/seed.ts), waits until the log has
 * integrated them and the national recap counts them, and prints a summary.
 *
 * Exit codes: 0 seeded and counted; 1 the server refused, could not be reached,
 * or did not count the forms in time (printed on stderr); 2 usage error.
 */
import { SeedError, seedDemo, summaryLines } from '../../api/demo/index.ts';
import { type Io, int, parseArgs, str, UsageError } from '../args.ts';

const DEFAULT_TPS = 20;

const USAGE = `usage: saksi demo seed --url URL [--tps N|all] [--voters N] [--donors N]

  --url URL         a server started with \`saksi serve --demo\`, e.g. http://127.0.0.1:8080
  --tps N|all       TPS of the demo province to give count forms, in code order from
                    the demo TPS 3171011001001 on (default ${DEFAULT_TPS}); TPS that already
                    have their forms are passed over, so a second run adds the next N
  --voters N        voter registrations: that domain is not built yet; accepted and skipped
  --donors N        campaign contributions: that domain is not built yet; accepted and skipped
  --concurrency C   TPS submitted at once (default 6)
  --timeout S       longest wait, in seconds, for the national recap to count the forms (default 120)

Every TPS gets a KPPS demo officer with a freshly enrolled Ed25519 device, a
photo of each form, and the signed form of every contest held there: at every
third TPS a machine reading first (half of them misread), then the KPPS-verified
version; at one TPS in ten the KPPS form misreads a digit ("3" read as "8"),
is kept flagged, and the PPK of the kecamatan corrects it with a reason (every
other correction citing a case).
`;

export async function demoSeedCommand(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, {
    values: ['url', 'tps', 'voters', 'donors', 'concurrency', 'timeout'],
    booleans: ['help'],
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const url = str(flags, 'url');
  if (!url) throw new UsageError('--url is required');
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

  if (voters !== undefined)
    io.stderr(
      `saksi demo seed: --voters ${voters}: skipped, the voter-registration domain is not built yet`,
    );
  if (donors !== undefined)
    io.stderr(
      `saksi demo seed: --donors ${donors}: skipped, the campaign-finance domain is not built yet`,
    );

  let last = Date.now();
  try {
    const report = await seedDemo({
      url: base.href,
      tps,
      concurrency,
      waitTimeoutMs: timeout * 1000,
      onProgress: (p) => {
        if (Date.now() - last < 2_000) return;
        last = Date.now();
        io.stderr(
          `saksi demo seed: ${p.tps}${Number.isFinite(p.target) ? `/${p.target}` : ''} TPS, ${p.forms} forms…`,
        );
      },
    });
    for (const line of summaryLines(report)) io.stdout(line);
    return 0;
  } catch (e) {
    if (!(e instanceof SeedError)) throw e;
    io.stderr(`saksi demo seed: ${e.message}`);
    return 1;
  }
}
