/**
 * `saksi ledger append` (CONTRACT.md): the import path for records that predate
 * Saksi. Reads entry envelopes as JSON lines on stdin, validates each one (the
 * same rules as every other write), appends them through the pending/sequencer
 * path in batches, waits until they are integrated, and prints the tree size.
 *
 * A batch is atomic: a bad line stops the import with its line number, and
 * nothing of its batch is appended (earlier batches, already committed, are
 * reported). With DATABASE_URL this runs beside a `saksi serve` on the same
 * PostgreSQL: whichever holds the sequencer lock integrates the entries.
 */
import { createInterface } from 'node:readline';
import { loadConfig, openRuntime } from '../../api/index.ts';
import { addPending, validateEntry } from '../../ledger/index.ts';
import { type CommandSpec, type Io, int, parseCommand, str, UsageError } from '../args.ts';

export const LEDGER_APPEND: CommandSpec = {
  command: 'ledger append',
  summary:
    'append entry envelopes (JSON lines on stdin) in atomic batches, wait until they are\nintegrated, print the tree size',
  flags: [
    {
      name: 'data',
      type: 'string',
      value: 'DIR',
      description:
        'data directory of the embedded database (default ./.saksi); it must not be in use\nby a running server. With DATABASE_URL it runs beside `saksi serve`',
    },
    {
      name: 'batch',
      type: 'int',
      value: 'N',
      description: 'entries per atomic batch (default 10000, at most 100000)',
    },
    {
      name: 'origin',
      type: 'string',
      value: 'NAME',
      description: "the log's origin (default saksi.localhost/log or SAKSI_LOG_ORIGIN)",
    },
    {
      name: 'timeout',
      type: 'int',
      value: 'S',
      description: 'longest wait, in seconds, for the log to integrate the entries (default 600)',
    },
  ],
  notes: 'A bad line stops the import with its line number; nothing of its batch is appended.',
};

export async function ledgerAppendCommand(
  argv: string[],
  io: Io,
  input?: AsyncIterable<string>,
): Promise<number> {
  const parsed = parseCommand(LEDGER_APPEND, argv, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const batchSize = int(flags, 'batch') ?? 10_000;
  if (batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch must be in 1..100000');
  const timeoutMs = (int(flags, 'timeout') ?? 600) * 1000;
  const config = loadConfig({ dataDir: str(flags, 'data'), origin: str(flags, 'origin') });
  const rt = await openRuntime(config);
  const leader = new AbortController();
  try {
    let lineNo = 0;
    let appended = 0;
    let lastId: number | undefined;
    let batch: Uint8Array[] = [];
    // Created only now: readline drops lines emitted before iteration starts, and
    // opening the database takes a while.
    const lines =
      input ?? createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    const flush = async () => {
      if (batch.length === 0) return;
      const ids = await rt.db.transaction((tx) => addPending(tx, batch));
      lastId = ids[ids.length - 1];
      appended += batch.length;
      batch = [];
    };
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        io.stderr(`line ${lineNo}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
        return stopped(io, appended);
      }
      const r = validateEntry(value);
      if (!r.ok) {
        io.stderr(
          `line ${lineNo}: invalid entry: ${r.errors.map((x) => `${x.path || '/'} ${x.message}`).join('; ')}`,
        );
        return stopped(io, appended);
      }
      batch.push(r.bytes);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    if (lastId !== undefined) {
      // Become the sequencer if nobody else is; either way wait for our last row
      // (rows are integrated in commit order, so the last one implies the rest).
      void rt.sequencer
        .acquire(500, leader.signal)
        .then(() => rt.sequencer.start((e) => io.stderr(`sequencer: ${String(e)}`)))
        .catch(() => undefined);
      await rt.store.waitIntegrated([lastId], timeoutMs, 50);
      // Integrated is not yet signed: the sequencer publishes its checkpoint just
      // after. Report the size of a checkpoint that includes our last entry.
      const [row] = await rt.db.query<{ idx: number }>(
        'SELECT idx FROM ledger_entries WHERE pending_id = $1',
        [lastId],
      );
      const idx = Number(row!.idx);
      for (const until = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 50))) {
        if (((await rt.store.checkpoint())?.size ?? 0) > idx || Date.now() > until) break;
      }
    }
    const size = (await rt.store.checkpoint())?.size ?? 0;
    io.stderr(`appended ${appended} entries`);
    io.stdout(String(size));
    return 0;
  } finally {
    leader.abort();
    await rt.close();
  }
}

function stopped(io: Io, appended: number): number {
  io.stderr(
    appended > 0
      ? `import stopped: ${appended} entries from earlier batches were appended; nothing from the bad line's batch`
      : 'import stopped: nothing appended',
  );
  return 1;
}
