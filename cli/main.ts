/**
 * `saksi` — the operator contract's commands (CONTRACT.md). Each command returns
 * its exit code; usage errors exit 2.
 */
import { type Io, UsageError } from './args.ts';
import { demoSeedCommand } from './commands/demo-seed.ts';
import { demoTokenCommand } from './commands/demo-token.ts';
import { ledgerAppendCommand } from './commands/ledger-append.ts';
import { registryCommand } from './commands/registry.ts';
import { resultsVerifyCommand } from './commands/results-verify.ts';
import { serveCommand } from './commands/serve.ts';
import { verifyCommand } from './commands/verify.ts';

const USAGE = `usage: saksi <command> [flags]

  serve [--port P] [--host H] [--data DIR] [--origin NAME] [--demo [--demo-public]]
                          start the API (PGlite under DIR unless DATABASE_URL is set);
                          --demo listens on loopback only unless --demo-public
  ledger append [--data DIR] [--batch N]
                          append entry envelopes (JSON lines on stdin); prints the tree size
  demo token --url URL --role ROLE [--area CODE]
                          demo mode only: print a bearer token for a demo officer
  demo seed --url URL [--tps N|all] [--voters N] [--donors N]
                          demo mode only: submit signed count forms for N TPS over HTTP
                          and wait until they are counted (--voters/--donors: skipped,
                          those domains are not built yet)
  verify --log URL/log [--key VKEY] [--state FILE]
                          verify a log from its tiles; with --state, that it only grew
  results verify --url URL --contest C --tps CODE [--key VKEY]
                          prove a TPS's signed numbers are in every total up to the
                          nation and that every sum holds
  registry import [--areas F] [--dapil F] [--parties F] [--candidates F] [--pairs F] [--data DIR] [--reason TEXT]
                          import registry CSV files, each atomically, and log each load
  registry demo [--scale province|national] [--seed S] [--data DIR]
                          load a generated demo election into an empty registry
`;

const stdio: Io = {
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'verify':
        return await verifyCommand(rest, io);
      case 'demo':
        if (rest[0] === 'token') return await demoTokenCommand(rest.slice(1), io);
        if (rest[0] === 'seed') return await demoSeedCommand(rest.slice(1), io);
        break;
      case 'ledger':
        if (rest[0] === 'append') return await ledgerAppendCommand(rest.slice(1), io);
        break;
      case 'registry':
        return await registryCommand(rest, io);
      case 'results':
        if (rest[0] === 'verify') return await resultsVerifyCommand(rest.slice(1), io);
        break;
      case undefined:
      case 'help':
      case '--help':
        io.stdout(USAGE);
        return cmd === undefined ? 2 : 0;
    }
    io.stderr(`saksi: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}\n\n${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`saksi: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`saksi: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
