/**
 * `saksi loadtest --url URL --scenario NAME --out DIR [--chaos]` (CONTRACT.md):
 * runs a load scenario (loadtest/scenarios/) with the Node driver against a
 * server in demo mode, verifying the log throughout, and writes `results.json`
 * and `report.html` (the readiness report) into DIR.
 *
 * Exit codes: 0 every threshold held, no write was lost and the log verified;
 * 1 a threshold failed (the report says which) or the server could not be
 * prepared; 2 usage error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

export const LOADTEST: CommandSpec = {
  command: 'loadtest',
  summary:
    'run a load scenario with the Node driver, verifying the log throughout;\nwrites results.json and report.html (the readiness report)',
  flags: [
    {
      name: 'url',
      type: 'string',
      value: 'URL',
      required: true,
      description: 'a server started with `saksi serve --demo` (officers log in with demo tokens)',
    },
    {
      name: 'scenario',
      type: 'string',
      value: 'NAME',
      required: true,
      description: 'smoke, election-night, observers, mixed or voter-check',
    },
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      description: 'where results.json and report.html go (default ./loadtest-results)',
    },
    {
      name: 'model',
      type: 'string',
      value: 'open|closed',
      description:
        "open: requests arrive at the scenario's rate whatever the answers do;\nclosed: VUs users each send when answered (default: the scenario's)",
    },
    {
      name: 'duration',
      type: 'int',
      value: 'S',
      description: "seconds of load (default: the scenario's)",
    },
    {
      name: 'rate',
      type: 'int',
      value: 'R',
      description: "open model: requests/s offered (default: the scenario's)",
    },
    {
      name: 'vus',
      type: 'int',
      value: 'N',
      description:
        "closed model: users; open model: most requests in flight (default: the scenario's)",
    },
    {
      name: 'tps',
      type: 'int',
      value: 'N',
      description: 'TPS whose forms are written, about 5 form chains each (default 20)',
    },
    {
      name: 'from',
      type: 'string',
      value: 'CODE',
      description: 'the first of those TPS, in code order within its province (default 3175)',
    },
    {
      name: 'server-pid',
      type: 'int',
      value: 'PID',
      description:
        'the `saksi serve` process (same machine): measure CPU per operation of it and\nits workers from /proc, and put the capacity model in the report',
    },
    {
      name: 'database',
      type: 'string',
      value: 'URL',
      description: "the server's PostgreSQL (DATABASE_URL): its backends' CPU too",
    },
    {
      name: 'calibrate',
      type: 'int',
      value: 'S',
      description: 'with --server-pid: seconds of each operation alone (default 10)',
    },
    {
      name: 'voters',
      type: 'int',
      value: 'N',
      description:
        'voter-check: demo voters registered before the run and checked (default 200);\nthe server needs SAKSI_RATE_SELF_CHECK raised (one source sends them all)',
    },
    {
      name: 'chaos',
      type: 'boolean',
      description:
        'with --server-pid of `saksi serve --workers N` (N ≥ 2): SIGKILL an API worker and\nthe sequencer at seeded times (one per 30 s, 2..20); requests with no answer are\nsent again with the same Idempotency-Key; give --database to find the sequencer',
    },
    {
      name: 'baseline',
      type: 'boolean',
      description:
        "with --database: start the plain Hono + pg write (loadtest/baseline/) on a free port\nagainst its database name + _baseline on the same PostgreSQL; after the load drive\nSaksi's writes and its writes the same way, each alone, and put them side by side",
    },
    { name: 'seed', type: 'int', value: 'S', description: 'seed of the request mix (default 1)' },
    {
      name: 'settle',
      type: 'int',
      value: 'S',
      description: 'longest wait after the load for every receipt to be integrated (default 60)',
    },
  ],
  notes: `Every 201 receipt must be found in the verified log afterwards (lostWrites 0);
every checkpoint polled during the run must be signed, no smaller than the last
and consistent with it. results.json holds per request type count, errors,
p50/p95/p99 and throughput per second, and summary {requests, errors,
lostWrites, p99ms, thresholdsPassed}. docs/loadtest.md explains the scenarios.`,
};

export async function loadtestCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(LOADTEST, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not an http or https URL`);
  }
  const { scenario, ScenarioError } = await import('../../loadtest/scenarios/index.ts');
  let s: ReturnType<typeof scenario>;
  try {
    s = scenario(str(flags, 'scenario')!);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
  const model = str(flags, 'model');
  if (model !== undefined && model !== 'open' && model !== 'closed')
    throw new UsageError('--model must be open or closed');
  const positive = (name: string) => {
    const v = int(flags, name);
    if (v !== undefined && v < 1) throw new UsageError(`--${name} must be at least 1`);
    return v;
  };
  const from = str(flags, 'from') ?? '3175';
  if (!/^[0-9]{2,13}$/.test(from)) throw new UsageError('--from must be an area code');
  const out = str(flags, 'out') ?? 'loadtest-results';
  const { runLoad, reportHtml, CpuSampler } = await import('../../loadtest/driver/index.ts');
  const serverPid = positive('server-pid');
  const database = str(flags, 'database');
  if (flags.chaos === true && serverPid === undefined)
    throw new UsageError('--chaos needs --server-pid (the `saksi serve --workers N` process)');
  if (flags.baseline === true && database === undefined)
    throw new UsageError('--baseline needs --database (the PostgreSQL the baseline writes to)');
  const { SeedError } = await import('../../api/demo/index.ts');
  const { baselineDatabase, startBaseline } = await import('../../loadtest/baseline/index.ts');
  const baseline =
    flags.baseline === true ? await startBaseline(await baselineDatabase(database!)) : undefined;
  const cpu =
    serverPid === undefined
      ? undefined
      : CpuSampler.create({ serverPid, ...(database ? { databaseUrl: database } : {}) });
  let results: Awaited<ReturnType<typeof runLoad>>;
  try {
    results = await runLoad({
      url,
      scenario: s,
      ...(model ? { model } : {}),
      ...opt('durationS', positive('duration')),
      ...opt('rate', positive('rate')),
      ...opt('vus', positive('vus')),
      tps: positive('tps') ?? 20,
      ...opt('voters', positive('voters')),
      ...(baseline ? { baseline } : {}),
      ...(flags.chaos === true ? { chaos: { primary: serverPid!, databaseUrl: database } } : {}),
      from,
      seed: int(flags, 'seed') ?? 1,
      settleMs: (positive('settle') ?? 60) * 1000,
      ...(serverPid === undefined
        ? {}
        : {
            cpu,
            calibrateS: positive('calibrate') ?? 10,
          }),
      onProgress: (line) => io.stderr(`saksi loadtest: ${line}`),
    });
  } catch (e) {
    if (!(e instanceof SeedError)) throw e;
    io.stderr(`saksi loadtest: ${e.message}`);
    return 1;
  } finally {
    await baseline?.stop();
    await cpu?.close();
  }
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(out, 'report.html'), reportHtml(results));
  const m = results.summary;
  io.stdout(
    `${s.name}: ${m.requests} requests, ${m.errors} errors, ${m.lostWrites} lost writes, p99 ${m.p99ms} ms; thresholds ${m.thresholdsPassed ? 'passed' : 'FAILED'} → ${join(out, 'report.html')}`,
  );
  const sb = results.sideBySide;
  if (sb)
    io.stdout(
      `  side by side: ledgered ${sb.ledgered.rate} writes/s (p99 ${sb.ledgered.p99} ms, ${sb.ledgered.cpuMsPerWrite?.total ?? '?'} ms CPU), plain ${sb.plain.rate} writes/s (p99 ${sb.plain.p99} ms, ${sb.plain.cpuMsPerWrite?.total ?? '?'} ms CPU); ledgered/plain rate ${sb.ratio.rate}, writes per core ${sb.ratio.writesPerCore ?? '?'}`,
    );
  for (const t of results.thresholds.filter((t) => !t.passed))
    io.stdout(`  ✗ ${t.name} (measured ${Math.round(t.actual * 1000) / 1000})`);
  for (const f of results.log.failures) io.stdout(`  ✗ ${f}`);
  if (results.chaos)
    io.stdout(
      `  chaos: ${results.chaos.kills.length} kills (${results.chaos.kills.map((k) => k.target).join(', ')}), ${results.chaos.resends} requests resent`,
    );
  return m.thresholdsPassed ? 0 : 1;
}

const opt = <K extends string>(k: K, v: number | undefined) =>
  (v === undefined ? {} : { [k]: v }) as Partial<Record<K, number>>;
