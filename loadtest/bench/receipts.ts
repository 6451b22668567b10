/**
 * Lost receipts: every 201 a benchmark received must end up in the log under
 * the leaf hash its receipt names. Read through LogReader (ledger/log-reader.ts),
 * as anything outside ledger/ must (test/log-tables-boundary.test.ts).
 */
import { base64, type LogReader } from '../../ledger/index.ts';
import { sleep } from './common.ts';

/** Receipts ([pendingId, entryHash]) not (yet) integrated under the receipt's hash. */
export async function waitIntegrated(
  log: LogReader,
  receipts: [number, string][],
  timeoutMs: number,
): Promise<[number, string][]> {
  let left = receipts;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const still: [number, string][] = [];
    for (let i = 0; i < left.length; i += 20_000) {
      const chunk = left.slice(i, i + 20_000);
      const found = await log.leavesOf(chunk.map((r) => r[0]));
      for (const r of chunk) {
        const leaf = found.get(r[0]);
        if (!leaf || base64(leaf.leafHash) !== r[1]) still.push(r);
      }
    }
    left = still;
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(250);
  }
}
