/**
 * `saksi ledger append` (CONTRACT.md): the import path for records that predate
 * Saksi. Reads entry envelopes as JSON lines on stdin, validates each one (the
 * same rules as every other write), appends them through the subject log in
 * batches — so an imported version, like any other, must be the next one of its
 * subject, name the previous version's leaf hash as `prev`, and write `at` in
 * the canonical form (ledger/subject-log) — waits until they are integrated, and
 * prints the tree size.
 *
 * A batch is atomic: a bad line stops the import with its line number, and
 * nothing of its batch is appended (earlier batches, already committed, are
 * reported). With DATABASE_URL this runs beside a `saksi serve` on the same
 * PostgreSQL: whichever holds the sequencer lock integrates the entries.
 */
import { createInterface } from 'node:readline';
import { loadConfig, openRuntime } from '../../api/index.ts';
import {
  appendVersions,
  canonicalAtIssue,
  type EntryEnvelope,
  SubjectLogError,
  type VersionDraft,
  validateEntry,
} from '../../ledger/index.ts';
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
    ORIGIN_FLAG,
    INTEGRATION_TIMEOUT_FLAG,
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
    let batch: VersionDraft[] = [];
    let batchLines: number[] = [];
    // Created only now: readline drops lines emitted before iteration starts, and
    // opening the database takes a while.
    const lines =
      input ?? createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    /** Appends the batch; on a refusal, the line to blame and why. */
    const flush = async (): Promise<string | null> => {
      if (batch.length === 0) return null;
      try {
        const appendedNow = await rt.db.transaction((tx) => appendVersions(tx, batch));
        lastId = appendedNow[appendedNow.length - 1]!.pendingId;
      } catch (e) {
        if (!(e instanceof SubjectLogError)) throw e;
        const where =
          e.item === undefined
            ? `lines ${batchLines[0]}–${batchLines[batchLines.length - 1]}`
            : `line ${batchLines[e.item]}`;
        return `${where}: ${e.code}: ${e.message}`;
      }
      appended += batch.length;
      batch = [];
      batchLines = [];
      return null;
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
      const atIssue = r.ok ? canonicalAtIssue(r.entry.at) : null;
      if (!r.ok || atIssue) {
        const issues = r.ok ? [{ path: '/at', message: atIssue! }] : r.errors;
        io.stderr(
          `line ${lineNo}: invalid entry: ${issues.map((x) => `${x.path || '/'} ${x.message}`).join('; ')}`,
        );
        return stopped(io, appended);
      }
      batch.push(draftOf(r.entry));
      batchLines.push(lineNo);
      if (batch.length >= batchSize) {
        const refused = await flush();
        if (refused) {
          io.stderr(refused);
          return stopped(io, appended);
        }
      }
    }
    const refused = await flush();
    if (refused) {
      io.stderr(refused);
      return stopped(io, appended);
    }
    if (lastId !== undefined) {
      // Become the sequencer if nobody else is; either way wait for our last row
      // (rows are integrated in commit order, so the last one implies the rest).
      void rt.sequencer
        .acquire(500, leader.signal)
        .then(() => rt.sequencer.start((e) => io.stderr(`sequencer: ${String(e)}`)))
        .catch(() => undefined);
      const found = await rt.store.waitIntegrated([lastId], timeoutMs, 50);
      // Integrated is not yet signed: the sequencer publishes its checkpoint just
      // after. Report the size of a checkpoint that includes our last entry.
      const idx = found.get(lastId)!;
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

/** The envelope as the subject log's draft: it re-derives the same bytes, checking seq and prev. */
function draftOf(e: EntryEnvelope): VersionDraft {
  const common = {
    kind: e.kind,
    subject: e.subject,
    seq: e.seq,
    prev: e.prev,
    at: e.at,
    actor: e.actor,
    reason: e.reason,
    ref: e.ref,
  };
  return e.payload === undefined
    ? { ...common, commitment: e.commitment, public: e.public }
    : { ...common, payload: e.payload };
}
