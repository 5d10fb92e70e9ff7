// A Map with a size cap that evicts the least recently touched entry. Map keeps insertion order,
// so "touch" is delete + set and the oldest entry is the first key: no extra bookkeeping objects.
export class BoundedMap<K, V> {
  private readonly m = new Map<K, V>();
  /** Entries dropped to stay under the cap since creation. */
  evictions = 0;
  constructor(readonly cap: number, private readonly onEvict?: (k: K, v: V) => void) {
    if (!(cap >= 1)) throw new RangeError(`cap must be at least 1, got ${cap}`);
  }
  get size(): number { return this.m.size; }
  /** Reads without refreshing recency (the hot path reads far more often than it writes). */
  peek(k: K): V | undefined { return this.m.get(k); }
  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) { this.m.delete(k); this.m.set(k, v); }
    return v;
  }
  set(k: K, v: V): void {
    if (this.m.has(k)) this.m.delete(k);
    else if (this.m.size >= this.cap) {
      const oldest = this.m.keys().next().value as K;
      const ov = this.m.get(oldest) as V;
      this.m.delete(oldest); this.evictions++;
      this.onEvict?.(oldest, ov);
    }
    this.m.set(k, v);
  }
  has(k: K): boolean { return this.m.has(k); }
  delete(k: K): boolean { return this.m.delete(k); }
  clear(): void { this.m.clear(); }
  values(): IterableIterator<V> { return this.m.values(); }
  entries(): IterableIterator<[K, V]> { return this.m.entries(); }
}
