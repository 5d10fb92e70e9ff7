// A Map with a size cap that evicts the least recently touched entry. Map keeps insertion order,
// so "touch" is delete + set and the oldest entry is the first key: no extra bookkeeping objects.

// The oldest key of a Map, for evicting it. `map.keys().next()` walks from the start of V8's table
// past every entry deleted since the table was last compacted, so once a full map churns each
// eviction costs O(size): 33 us per insert at 131072 entries. A live iterator kept per map resumes
// where the last eviction stopped (everything before it was evicted; newer and touched entries
// are after it), so each deleted slot is passed once. Callers delete the key they are given.
const cursors = new WeakMap<Map<unknown, unknown>, Iterator<unknown>>();

export function oldestKey<K>(m: Map<K, unknown>): K | undefined {
  let it = cursors.get(m) as Iterator<K> | undefined;
  for (let pass = 0; pass < 2; pass++) {
    if (!it) { it = m.keys(); cursors.set(m, it); }
    const r = it.next();
    if (!r.done) return r.value;
    // a finished iterator stays finished, even when the map fills again: start a new one
    it = undefined;
  }
  return undefined;
}

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
      const oldest = oldestKey(this.m) as K;
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
