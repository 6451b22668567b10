/**
 * Each audit record cites its log entry: the index and RFC 9162 leaf hash of the
 * pending row it was appended as, read through the LogReader (never the log's
 * tables), one round trip per page. Null while the sequencer has not integrated it.
 */
import { base64, type LogReader } from '../../../ledger/index.ts';
import type { Receipt } from '../../write/ledgered-write.ts';
import { waitIntegrated } from '../../write/ledgered-write.ts';

export interface EntryRef {
  index: number;
  leafHash: string;
}

export async function entriesOf(
  log: LogReader,
  pendingIds: readonly (number | string | null)[],
): Promise<(id: number | string | null) => EntryRef | null> {
  const ids = pendingIds.filter((p): p is number | string => p !== null).map(Number);
  const found = await log.leavesOf(ids);
  return (id) => {
    if (id === null) return null;
    const leaf = found.get(Number(id));
    return leaf ? { index: leaf.index, leafHash: base64(leaf.leafHash) } : null;
  };
}

/** The receipt's entry once integrated (the contract answers with its index). */
export async function integratedEntry(
  writes: Parameters<typeof waitIntegrated>[0],
  receipt: Receipt,
): Promise<EntryRef> {
  const r = await waitIntegrated(writes, receipt);
  return { index: r.index, leafHash: r.entryHash };
}
