/**
 * Writes a witness's per-log state over and over, for the crash test
 * (witness/state-crash.test.ts): the test SIGKILLs it at a moment of its
 * choosing and checks the state on disk is whole. Run as
 *
 *   node --import tsx test/crash/witness-state-child.ts <DIR>
 *
 * It prints `{"size":N}` on stdout after each write of size N returned (so that
 * state is durable), one line per write() call.
 */
import { WitnessStore } from '../../witness/state.ts';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: witness-state-child.ts <DIR>');
  process.exit(2);
}
const store = WitnessStore.open(dir);
let size = store.get('crash.test/log')?.size ?? 0;
// A large checkpoint makes each write span several pages, so a torn write would show.
const pad = 'x'.repeat(20_000);
for (;;) {
  size++;
  store.put({
    origin: 'crash.test/log',
    size,
    rootHash: Buffer.alloc(32, size % 256).toString('base64'),
    checkpoint: `crash.test/log\n${size}\n${pad}\n`,
    cosignature: `— w ${size}\n`,
  });
  process.stdout.write(`${JSON.stringify({ size })}\n`);
  await new Promise((r) => setImmediate(r));
}
