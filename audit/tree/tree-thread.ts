/**
 * The worker side of ./threaded-tree.ts: an IndependentTree fed batches of
 * entries; it writes each leaf hash into the shared array the auditor reads
 * (`leafAt`, for reconciliation) and answers the root when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndependentTree } from './independent-root.ts';

export interface EntryBatch {
  kind: 'entries';
  /** Log index of each entry. */
  indexes: Float64Array;
  /** Entry i is bytes[ends[i-1] .. ends[i]) (ends[-1] = 0). */
  ends: Uint32Array;
  bytes: Uint8Array;
}

export type ToTree = EntryBatch | { kind: 'root' };
export type FromTree =
  | { kind: 'done'; entries: number }
  | { kind: 'root'; root: Uint8Array }
  | { kind: 'error'; message: string };

const { size, leaves } = workerData as { size: number; leaves: SharedArrayBuffer };
const shared = new Uint8Array(leaves);
const tree = new IndependentTree(size);
let failed: string | null = null;

parentPort!.on('message', (m: ToTree) => {
  if (m.kind === 'root') {
    if (failed) return parentPort!.postMessage({ kind: 'error', message: failed } as FromTree);
    try {
      parentPort!.postMessage({ kind: 'root', root: tree.root() } as FromTree);
    } catch (e) {
      parentPort!.postMessage({ kind: 'error', message: (e as Error).message } as FromTree);
    }
    return;
  }
  let start = 0;
  for (let i = 0; i < m.indexes.length; i++) {
    const end = m.ends[i]!;
    const index = m.indexes[i]!;
    try {
      if (!failed) shared.set(tree.addEntry(index, m.bytes.subarray(start, end)), index * 32);
    } catch (e) {
      failed = (e as Error).message;
    }
    start = end;
  }
  parentPort!.postMessage({ kind: 'done', entries: m.indexes.length } as FromTree);
});
