/**
 * `saksi` — the operator contract's commands (CONTRACT.md). Each command returns
 * its exit code; usage errors exit 2.
 *
 * The list of commands and their flags is read from each command's declaration
 * (CommandSpec in ./args.ts), the same one its parser uses, so the usage text
 * cannot leave out a flag a command accepts.
 */
import { readFileSync } from 'node:fs';
import { type CommandSpec, type Io, synopsis, UsageError } from './args.ts';
import { AUDIT, auditCommand } from './commands/audit.ts';
import { DEMO_SEED, demoSeedCommand } from './commands/demo-seed.ts';
import { DEMO_TOKEN, demoTokenCommand } from './commands/demo-token.ts';
import { LEDGER_APPEND, ledgerAppendCommand } from './commands/ledger-append.ts';
import { LOADTEST, loadtestCommand } from './commands/loadtest.ts';
import { LOADTEST_FIXTURES, loadtestFixturesCommand } from './commands/loadtest-fixtures.ts';
import {
  REGISTRY_DEMO,
  REGISTRY_IMPORT,
  registryDemoCommand,
  registryImportCommand,
} from './commands/registry.ts';
import { resultsVerifyCommand } from './commands/results-verify.ts';
import { SERVE, serveCommand } from './commands/serve.ts';
import { verifyCommand } from './commands/verify.ts';
import { RESULTS_VERIFY, VERIFY } from './commands/verify-specs.ts';
import { VOTERS_IMPORT, votersImportCommand } from './commands/voters-import.ts';
import { VOTERS_VERIFY, votersVerifyCommand } from './commands/voters-verify.ts';
import {
  VOTERS_VERIFY_COUNTS,
  votersVerifyCountsCommand,
} from './commands/voters-verify-counts.ts';
import {
  WITNESS_KEYGEN,
  WITNESS_SERVE,
  witnessKeygenCommand,
  witnessServeCommand,
} from './commands/witness.ts';

export interface Command {
  spec: CommandSpec;
  run: (args: string[], io: Io) => Promise<number>;
}

/** Every command, in the order the usage lists them. */
export const COMMANDS: readonly Command[] = [
  { spec: SERVE, run: serveCommand },
  { spec: LEDGER_APPEND, run: ledgerAppendCommand },
  { spec: DEMO_TOKEN, run: demoTokenCommand },
  { spec: DEMO_SEED, run: demoSeedCommand },
  { spec: VERIFY, run: verifyCommand },
  { spec: RESULTS_VERIFY, run: resultsVerifyCommand },
  { spec: REGISTRY_IMPORT, run: registryImportCommand },
  { spec: REGISTRY_DEMO, run: registryDemoCommand },
  { spec: WITNESS_KEYGEN, run: witnessKeygenCommand },
  { spec: WITNESS_SERVE, run: witnessServeCommand },
  { spec: VOTERS_IMPORT, run: votersImportCommand },
  { spec: VOTERS_VERIFY, run: (args, io) => votersVerifyCommand(args, io) },
  { spec: VOTERS_VERIFY_COUNTS, run: votersVerifyCountsCommand },
  { spec: LOADTEST, run: loadtestCommand },
  { spec: LOADTEST_FIXTURES, run: loadtestFixturesCommand },
  { spec: AUDIT, run: auditCommand },
];

export function usage(): string {
  const list = COMMANDS.map(
    ({ spec }) =>
      `  ${synopsis(spec)}\n${spec.summary
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}`,
  ).join('\n');
  return `usage: saksi <command> [flags]      (saksi <command> --help: its flags in full)

${list}

  --version               print the version
`;
}

/** The package's version, from package.json beside the sources (no build step). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The command whose words begin argv, and the arguments after them. */
function find(argv: readonly string[]): { command: Command; args: string[] } | undefined {
  // The longest match: `loadtest fixtures …` is not `loadtest` with an argument.
  let found: { command: Command; args: string[] } | undefined;
  for (const command of COMMANDS) {
    const words = command.spec.command.split(' ');
    if (
      words.every((w, i) => argv[i] === w) &&
      (!found || words.length > argv.length - found.args.length)
    )
      found = { command, args: argv.slice(words.length) };
  }
  return found;
}

const stdio: Io = {
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [cmd] = argv;
  try {
    switch (cmd) {
      case undefined:
        io.stderr(usage());
        return 2;
      case '--version':
      case 'version':
        io.stdout(`saksi ${version()}`);
        return 0;
      case '--help':
      case 'help': {
        // `saksi help demo seed` is `saksi demo seed --help`.
        const topic = argv.length > 1 ? find(argv.slice(1)) : undefined;
        if (topic) return await topic.command.run(['--help'], io);
        if (argv.length > 1) break;
        io.stdout(usage());
        return 0;
      }
    }
    const found = find(argv);
    if (found) return await found.command.run(found.args, io);
    io.stderr(`saksi: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}\n\n${usage()}`);
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      const found = find(argv);
      const hint = found
        ? `usage: saksi ${synopsis(found.command.spec)}\n(saksi ${found.command.spec.command} --help for more)`
        : usage();
      io.stderr(`saksi: ${e.message}\n\n${hint}`);
      return 2;
    }
    io.stderr(`saksi: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
