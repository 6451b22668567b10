/**
 * A sequencer in its own process, for the crash test (ledger/sequencer-crash.test.ts):
 * the test SIGKILLs it mid-batch and starts it again, as an operator's supervisor
 * would after a crash. Run as
 *
 *   node --import tsx test/crash/sequencer-child.ts <DATABASE_URL> [batchSize] [intervalMs]
 *
 * It prints one JSON line per event on stdout: `ready` once it leads (with the size
 * it resumed from and the log's verifier key, so the parent need not share the
 * seed), `checkpoint` after each committed batch, `error` for a failed batch (the
 * loop reloads and carries on). SIGTERM stops it cleanly; SIGKILL is the point.
 */
import { ed25519Signer, openDb, Sequencer, verifierKeyOf } from '../../ledger/index.ts';

const [url, batchArg, intervalArg] = process.argv.slice(2);
if (!url?.startsWith('postgres')) {
  // PGlite is one process's memory: only PostgreSQL can outlive a killed sequencer.
  console.error('usage: sequencer-child.ts <postgres://…> [batchSize] [intervalMs]');
  process.exit(2);
}
const ORIGIN = 'crash.saksi.local/log';
// A fixed test seed: every restart must sign with the same log key, or the
// checkpoints before and after a crash would not verify under one key.
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(0x5a));

// stdout is a pipe: a line is written with one write() call, so a SIGKILL can cut
// the stream only between lines or at the tail, which the parent ignores.
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const db = await openDb({ url, poolSize: 2 });
const seq = new Sequencer(db, signer, {
  origin: ORIGIN,
  batchSize: Number(batchArg ?? 64),
  intervalMs: Number(intervalArg ?? 20),
  onCheckpoint: (c) => emit({ event: 'checkpoint', size: c.size, added: c.added }),
});
await seq.acquire(50);
emit({ event: 'ready', size: seq.size, vkey: verifierKeyOf(signer), pid: process.pid });
seq.start((e) => emit({ event: 'error', message: (e as Error)?.message ?? String(e) }));

process.once('SIGTERM', () => {
  void (async () => {
    await seq.stop();
    await db.close();
    emit({ event: 'stopped', size: seq.size });
    process.exit(0);
  })();
});
