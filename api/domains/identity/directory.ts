/**
 * Officer look-ups for authentication, cached briefly so that a request does not
 * cost a database round trip. The cache is short (at most 5 s) because the
 * officer's current record is authoritative: a suspension made on another node
 * takes effect here within that time, and at once on the node that made it
 * (`forget`).
 */
import type { Sql } from '../../../ledger/index.ts';
import type { Officer } from './rules.ts';
import { findOfficer } from './store.ts';

export const MAX_OFFICER_CACHE_MS = 5_000;

export interface OfficerDirectoryOptions {
  /** How long a look-up (found or not) is reused; 0..5000 ms, default 5000. */
  ttlMs?: number;
  /** Most officers kept; the oldest entry goes first. Default 100,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Cached {
  at: number;
  officer: Promise<Officer | null>;
}

export class OfficerDirectory {
  readonly #sql: Sql;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();

  constructor(sql: Sql, options: OfficerDirectoryOptions = {}) {
    const ttl = options.ttlMs ?? MAX_OFFICER_CACHE_MS;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_OFFICER_CACHE_MS)
      throw new RangeError(`officer cache TTL must be 0..${MAX_OFFICER_CACHE_MS} ms`);
    this.#sql = sql;
    this.#ttlMs = ttl;
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** The officer's current record, or null if there is none. */
  get(id: string): Promise<Officer | null> {
    const now = this.#now();
    const hit = this.#cache.get(id);
    if (hit && now - hit.at < this.#ttlMs) return hit.officer;
    this.#cache.delete(id);
    // Concurrent requests for one officer share a single query.
    const officer = findOfficer(this.#sql, id);
    if (this.#ttlMs > 0) {
      if (this.#cache.size >= this.#max) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(id, { at: now, officer });
      // A failed look-up is not remembered.
      officer.catch(() => {
        if (this.#cache.get(id)?.officer === officer) this.#cache.delete(id);
      });
    }
    return officer;
  }

  /** Drops a cached record after this node changed it. */
  forget(id: string): void {
    this.#cache.delete(id);
  }
}
