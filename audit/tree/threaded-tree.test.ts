/**
 * The independent tree on its worker thread gives what it gives on the main
 * thread: the same root and leaf hashes (entries out of order, across chunk
 * edges), and the tree's own refusal when a leaf is missing or given twice.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK } from './independent-root.ts';
import { inThreadTree, threadedTree } from './threaded-tree.ts';

const entry = (i: number) => new TextEncoder().encode(`{"i":${i},"note":"${'x'.repeat(i % 97)}"}`);

describe('the independent tree on a worker thread', () => {
  it('gives the main thread’s root and leaves, entries out of order across chunks', async () => {
    const n = CHUNK + 1234;
    const worker = threadedTree(n);
    const local = inThreadTree(n);
    try {
      for (let k = 0; k < n; k++) {
        const i = (k * 7919) % n; // a permutation: 7919 is prime and does not divide n
        worker.add(i, entry(i));
        local.add(i, entry(i));
        if (k % 4096 === 0) await worker.drained();
      }
      expect((await worker.root()).equals(await local.root())).toBe(true);
      for (const i of [0, 1, CHUNK - 1, CHUNK, n - 1])
        expect(Buffer.from(worker.leafAt(i))).toEqual(Buffer.from(local.leafAt(i)));
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('refuses a root with a leaf missing, and a leaf given twice', async () => {
    const missing = threadedTree(3);
    const twice = threadedTree(2);
    try {
      missing.add(0, entry(0));
      missing.add(2, entry(2));
      await expect(missing.root()).rejects.toThrow('1 of 3 leaves are missing');
      twice.add(0, entry(0));
      twice.add(0, entry(0));
      twice.add(1, entry(1));
      await expect(twice.root()).rejects.toThrow('leaf 0 given twice');
    } finally {
      await missing.close();
      await twice.close();
    }
  }, 60_000);
});
