/**
 * The independent recomputation (./independent-root.ts) on a worker thread, fed
 * in the same pass as `saksi verify`'s code checks the bundles: the verifier
 * (pure-JS hashing, browser-safe) keeps the main thread busy, and the second
 * implementation's hashing — a leaf hash and a node hash per entry — runs beside
 * it instead of after it. The leaf hashes land in a SharedArrayBuffer (32 bytes
 * per entry) that reconciliation reads as the published leaves.
 *
 * Memory stays bounded: entries are copied into batches of BATCH_BYTES; the
 * auditor's tile fetcher waits (`drained`) while more than MAX_IN_FLIGHT
 * batches are queued for the worker. Small logs (below WORKER_FROM), a single
 * core, or a worker that cannot be created: the same tree on the main thread.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IndependentTree } from './independent-root.ts';
import type { EntryBatch, FromTree } from './tree-thread.ts';

const BATCH_BYTES = 1 << 20;
const BATCH_ENTRIES = 4096;
const MAX_IN_FLIGHT = 8;

export interface LeafSink {
  /** Hands the entry at `index` to the tree (bytes are copied; the caller may reuse them). */
  add(index: number, entry: Uint8Array): void;
  /** Resolves once few enough batches are queued: call before fetching more. */
  drained(): Promise<void>;
  /** Every leaf given; the root (rejects with the tree's reason otherwise). */
  root(): Promise<Buffer>;
  /** The leaf hash at `index` (valid after `root`). */
  leafAt(index: number): Uint8Array;
  close(): Promise<void>;
}

/**
 * Logs from this size on get the worker: starting it (a second isolate, the TS
 * loader, merkletreejs) costs about a second of CPU, and measured on the shared
 * 2-core bench machine it only pays for itself when the tree's own work is
 * several times that (bench:audit, docs/audit.md "Performance").
 */
export const WORKER_FROM = 1 << 18;

/** The tree for a log of `size` entries: on a worker thread when it is large and a second core exists. */
export function independentTree(size: number): LeafSink {
  return size >= WORKER_FROM && availableParallelism() > 1
    ? threadedTree(size)
    : inThreadTree(size);
}

/** The tree on the main thread: for small logs, and the reference the tests compare with. */
export function inThreadTree(size: number): LeafSink {
  const tree = new IndependentTree(size);
  const leaves = new Uint8Array(size * 32);
  return {
    add: (index, entry) => leaves.set(tree.addEntry(index, entry), index * 32),
    drained: async () => undefined,
    root: async () => tree.root(),
    leafAt: (i) => leaves.subarray(i * 32, i * 32 + 32),
    close: async () => undefined,
  };
}

export function threadedTree(size: number): LeafSink {
  let worker: Worker;
  const leaves = new SharedArrayBuffer(size * 32);
  try {
    const require = createRequire(import.meta.url);
    // tsx's ESM entry of its register API (its package exports, `import` condition).
    const pkg = require.resolve('tsx/package.json');
    const tsx = pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
    const thread = new URL('./tree-thread.ts', import.meta.url).href;
    // The worker's own loader: tsx registered there, then the worker module.
    worker = new Worker(
      `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(thread)}); });`,
      { eval: true, workerData: { size, leaves } },
    );
  } catch {
    return inThreadTree(size);
  }
  const view = new Uint8Array(leaves);
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  let rootReply: { resolve(b: Buffer): void; reject(e: Error): void } | null = null;
  let broken: Error | null = null;
  worker.on('message', (m: FromTree) => {
    if (m.kind === 'done') {
      inFlight--;
      if (waiting.length > 0 && inFlight <= MAX_IN_FLIGHT / 2) {
        const ready = waiting;
        waiting = [];
        for (const w of ready) w();
      }
    } else if (m.kind === 'root') rootReply?.resolve(Buffer.from(m.root));
    else rootReply?.reject(new Error(m.message));
  });
  worker.on('error', (e) => {
    broken = e;
    rootReply?.reject(e);
    for (const w of waiting) w();
    waiting = [];
  });

  let indexes: number[] = [];
  let ends: number[] = [];
  let bytes = new Uint8Array(BATCH_BYTES);
  let used = 0;
  const flush = () => {
    if (indexes.length === 0) return;
    const batch: EntryBatch = {
      kind: 'entries',
      indexes: Float64Array.from(indexes),
      ends: Uint32Array.from(ends),
      bytes: bytes.subarray(0, used),
    };
    worker.postMessage(batch, [
      batch.bytes.buffer as ArrayBuffer,
      batch.indexes.buffer as ArrayBuffer,
      batch.ends.buffer as ArrayBuffer,
    ]);
    inFlight++;
    indexes = [];
    ends = [];
    bytes = new Uint8Array(BATCH_BYTES);
    used = 0;
  };
  return {
    add(index, entry) {
      if (used + entry.byteLength > bytes.length) {
        flush();
        if (entry.byteLength > bytes.length) bytes = new Uint8Array(entry.byteLength);
      }
      bytes.set(entry, used);
      used += entry.byteLength;
      indexes.push(index);
      ends.push(used);
      if (indexes.length === BATCH_ENTRIES) flush();
    },
    drained() {
      if (broken) return Promise.reject(broken);
      if (inFlight <= MAX_IN_FLIGHT) return Promise.resolve();
      return new Promise((resolve) => waiting.push(resolve));
    },
    root() {
      flush();
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        rootReply = { resolve, reject };
        worker.postMessage({ kind: 'root' });
      });
    },
    leafAt: (i) => view.subarray(i * 32, i * 32 + 32),
    close: async () => {
      await worker.terminate();
    },
  };
}
