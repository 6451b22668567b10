/**
 * A small LRU map for decisions. A JavaScript Map iterates in insertion order, so
 * re-inserting on every hit keeps the least recently used entry first, and
 * eviction removes that one.
 */
export class LruCache<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();
  hits = 0;
  misses = 0;

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError('cache size must be a positive integer');
    this.#max = max;
  }

  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
  }
}
