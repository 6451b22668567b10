/**
 * `saksi loadtest fixtures --url URL --out FILE` (CONTRACT.md): signs the writes
 * of a k6 run ahead (k6 has no Ed25519) against a deployment in demo mode:
 * enrols a KPPS device per TPS and a PPK device per kecamatan, and writes every
 * chain's versions, signed, to FILE for loadtest/k6/ (SharedArray).
 *
 * Exit codes: 0 written; 1 the server refused or could not be reached; 2 usage.
 */
import { writeFile } from 'node:fs/promises';
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

export const LOADTEST_FIXTURES: CommandSpec = {
  command: 'loadtest fixtures',
  summary: 'sign the writes of a k6 load run ahead (k6 has no Ed25519) into a JSON file',
  flags: [
    {
      name: 'url',
      type: 'string',
      value: 'URL',
      required: true,
      description: 'the deployment k6 will load, started with --demo (devices are enrolled there)',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'the fixtures file (k6: -e FIXTURES=FILE)',
    },
    {
      name: 'tps',
      type: 'int',
      value: 'N',
      description:
        'TPS whose forms are written (default 40); one chain per contest held there,\nso about 5 N chains: keep them above the write rate times the slowest write, in seconds',
    },
    {
      name: 'versions',
      type: 'int',
      value: 'K',
      description: 'versions signed per chain (default 50): the run writes at most 5 N K forms',
    },
    {
      name: 'from',
      type: 'string',
      value: 'CODE',
      description: 'the first TPS code, in code order within its province (default 3175)',
    },
  ],
};

export async function loadtestFixturesCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(LOADTEST_FIXTURES, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  const tps = int(flags, 'tps') ?? 40;
  const versions = int(flags, 'versions') ?? 50;
  const from = str(flags, 'from') ?? '3175';
  if (tps < 1) throw new UsageError('--tps must be at least 1');
  if (versions < 1 || versions > 10_000) throw new UsageError('--versions must be in 1..10000');
  if (!/^[0-9]{2,13}$/.test(from)) throw new UsageError('--from must be an area code');
  const { SeedError } = await import('../../api/demo/index.ts');
  const { buildFixtures } = await import('../../loadtest/driver/index.ts');
  try {
    const f = await buildFixtures({
      url,
      tps,
      from,
      versions,
      onProgress: (n) => {
        if (n % 25 === 0) io.stderr(`saksi loadtest fixtures: ${n} chains signed…`);
      },
    });
    await writeFile(str(flags, 'out')!, JSON.stringify(f));
    const steps = f.chains.reduce((a, c) => a + c.steps.length, 0);
    io.stdout(
      `${f.chains.length} chains, ${steps} signed versions, ${f.officers.length} officers → ${str(flags, 'out')}`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof SeedError)) throw e;
    io.stderr(`saksi loadtest fixtures: ${e.message}`);
    return 1;
  }
}
