/**
 * The one way out (ARCHITECTURE.md "One door in, one door out"): everything
 * outside `ledger/` that reads the log does it through this interface, never by
 * SQL on the log's tables (test/log-tables-boundary.test.ts fails the build if a
 * file tries). LedgerStore (./store/ledger-store.ts) implements it.
 *
 * Methods that a writer may need inside its own transaction (the recap publisher
 * reads what the log integrated in the same transaction that appends its recaps)
 * take that transaction as an optional last argument. Methods that read many
 * entries take them as a batch: one round trip, not one per entry.
 */
import type { Hash } from './hash.ts';
import type { Sql } from './store/db.ts';
import type { StoredCheckpoint } from './store/ledger-store.ts';

/** An integrated entry: its index in the log, leaf hash and bytes (RFC 8785 JSON). */
export interface LogEntry {
  index: number;
  leafHash: Hash;
  entry: Uint8Array;
}

/** An appended entry, pending or integrated. */
export interface PendingEntryState {
  /** The entry bytes, as appended. */
  entry: Uint8Array;
  /** Its log index once the sequencer integrated it; null while pending. */
  index: number | null;
}

/** Where an integrated entry came from: its index and the pending row it was. */
export interface IntegratedPosition {
  index: number;
  pendingId: number;
}

/** An integrated entry as found from its pending row: its index and RFC 9162 leaf hash. */
export interface IntegratedLeaf {
  index: number;
  leafHash: Hash;
}

/** Entries appended in one transaction (a shared commit): how many, and their bytes. */
export interface AppendedCommit {
  entries: number;
  bytes: number;
}

export interface LogReader {
  /** The newest signed checkpoint, or null for an empty log. */
  checkpoint(): Promise<StoredCheckpoint | null>;
  /** The entry at `index` (LedgerError OUT_OF_RANGE beyond the log). */
  entry(index: number): Promise<LogEntry>;
  /** The index of the integrated entry with this leaf hash, or null (pending, or unknown). */
  indexOfLeaf(leafHash: Hash): Promise<number | null>;
  /** RFC 9162 §2.1.3 inclusion proof of `index` in the tree of `size`. */
  inclusionProof(index: number, size: number): Promise<Hash[]>;
  /** RFC 9162 §2.1.4 consistency proof from size `from` to size `to`. */
  consistencyProof(from: number, to: number): Promise<Hash[]>;
  /** How many entries the sequencer has integrated (the next index). */
  integratedSize(sql?: Sql): Promise<number>;
  /** The integrated entries with index in [from, to), in index order. */
  integratedBetween(from: number, to: number, sql?: Sql): Promise<IntegratedPosition[]>;
  /**
   * The integrated entries with index in [from, to), in index order, each with
   * the leaf hash recorded when it was sequenced and its stored bytes (the
   * auditor's reconciliation: one round trip per batch). An index whose pending
   * row is gone is absent.
   */
  integratedEntries(from: number, to: number, sql?: Sql): Promise<LogEntry[]>;
  /** Log indexes of pending rows that have been integrated (absent = still pending). */
  indexesOf(pendingIds: readonly number[], sql?: Sql): Promise<Map<number, number>>;
  /** Index and leaf hash of each pending row that has been integrated (absent = still pending). */
  leavesOf(pendingIds: readonly number[], sql?: Sql): Promise<Map<number, IntegratedLeaf>>;
  /**
   * The transactions that appended these pending rows, one item each: how many of
   * the rows each holds and their bytes (unknown ids count nothing; no order).
   */
  commitsOf(pendingIds: readonly number[], sql?: Sql): Promise<AppendedCommit[]>;
  /** Each pending row's entry and, once integrated, its index (absent = no such row). */
  pendingEntries(pendingIds: readonly number[], sql?: Sql): Promise<Map<number, PendingEntryState>>;
  /** How many entries were ever appended (pending or integrated). */
  appendedCount(sql?: Sql): Promise<number>;
  /** Waits until every pending id is integrated; their indexes (LedgerError TIMEOUT). */
  waitIntegrated(
    pendingIds: readonly number[],
    timeoutMs?: number,
    pollMs?: number,
  ): Promise<Map<number, number>>;
}
