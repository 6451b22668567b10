/**
 * `saksi voters import --file F` (or `saksi voters import F`): loads a voter
 * register from strict CSV (docs/voters.md "CSV format") through the subject
 * log, in atomic batches, one log entry per record; waits until the entries are
 * integrated and prints how many records were imported. A bad line stops the
 * import with `FILE:LINE: problem` and nothing of its batch is stored; running
 * the same command again resumes after the last committed batch
 * (api/domains/voters/import.ts). With DATABASE_URL it runs beside
 * `saksi serve` on the same PostgreSQL.
 *
 * Exit codes: 0 imported; 1 a bad line or a failure (printed); 2 usage error.
 */

import { refreshRegistry } from '../../api/domains/registry/index.ts';
import { importVoters, VoterKeys } from '../../api/domains/voters/index.ts';
import { loadConfig, openRuntime } from '../../api/index.ts';
import {
  type CommandSpec,
  INTEGRATION_TIMEOUT_FLAG,
  type Io,
  int,
  ORIGIN_FLAG,
  parseCommand,
  str,
  UsageError,
} from '../args.ts';

export const VOTERS_IMPORT: CommandSpec = {
  command: 'voters import',
  summary:
    'load a voter register from strict CSV in atomic batches (resumable), one log entry per\nrecord; wait until integrated, print the records imported',
  flags: [
    {
      name: 'file',
      type: 'string',
      value: 'F',
      required: true,
      description: 'the CSV file (docs/voters.md); also accepted as the one argument',
    },
    {
      name: 'data',
      type: 'string',
      value: 'DIR',
      description:
        'data directory of the embedded database (default ./.saksi); with DATABASE_URL it\nruns beside `saksi serve`',
    },
    {
      name: 'batch',
      type: 'int',
      value: 'N',
      description: 'records per atomic batch (default 2000, at most 50000)',
    },
    {
      name: 'restart',
      type: 'boolean',
      description: 'forget the saved progress of this file and start at its first line',
    },
    ORIGIN_FLAG,
    INTEGRATION_TIMEOUT_FLAG,
  ],
  notes:
    'A bad line stops the import as FILE:LINE: problem; nothing of its batch is stored.\nRun the same command again to resume after the last committed batch.',
};

export async function votersImportCommand(argv: string[], io: Io): Promise<number> {
  const args = argv[0] !== undefined && !argv[0].startsWith('-') ? ['--file', ...argv] : argv;
  const parsed = parseCommand(VOTERS_IMPORT, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const batchSize = int(flags, 'batch') ?? 2000;
  if (batchSize < 1 || batchSize > 50_000) throw new UsageError('--batch must be in 1..50000');
  const timeoutMs = (int(flags, 'timeout') ?? 600) * 1000;
  const config = loadConfig({ dataDir: str(flags, 'data'), origin: str(flags, 'origin') });
  const rt = await openRuntime(config);
  const leader = new AbortController();
  try {
    const registry = await refreshRegistry(rt.db);
    const result = await importVoters({
      db: rt.db,
      keys: new VoterKeys(rt.keys),
      registry,
      file: str(flags, 'file')!,
      batchSize,
      restart: flags.restart === true,
    });
    if (!result.ok) {
      io.stderr(result.error);
      io.stderr(
        result.records > 0
          ? `import stopped: ${result.records} records of earlier batches are stored; nothing of the bad line's batch. Fix the line and run the same command to resume.`
          : 'import stopped: nothing stored',
      );
      return 1;
    }
    if (result.lastPendingId !== null) {
      void rt.sequencer
        .acquire(500, leader.signal)
        .then(() => rt.sequencer.start((e) => io.stderr(`sequencer: ${String(e)}`)))
        .catch(() => undefined);
      await rt.store.waitIntegrated([result.lastPendingId], timeoutMs, 50);
    }
    if (result.skippedLines > 0)
      io.stderr(`resumed after line ${result.skippedLines + 1} (saved progress)`);
    io.stdout(String(result.records));
    return 0;
  } finally {
    leader.abort();
    await rt.close();
  }
}
