// Cost of inserting into a full state table (every insert evicts the oldest entry), against
// inserting into a table with room, in the same run: a long-running agent on a busy host lives at
// its thread-table cap (exits it never saw), so this is its steady state.
//   npx tsx bench/state-evict.ts
import { BoundedMap } from '../runtime/state/bounded-map.js';
import { DEFAULT_LIMITS } from '../runtime/state/threads.js';

const N = 200_000;

function nsPerInsert(cap: number, full: boolean): number {
  let best = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    const m = new BoundedMap<number, number>(full ? cap : cap + N + 1);
    for (let i = 0; i < cap; i++) m.set(i, i);
    let k = cap;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) { m.set(k, k); k++; }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / N);
  }
  return best;
}

for (const cap of [8192, DEFAULT_LIMITS.threads]) {
  const room = nsPerInsert(cap, false), full = nsPerInsert(cap, true);
  console.log(JSON.stringify({ bench: 'state-evict', cap, nsPerInsert: { withRoom: +room.toFixed(1), full: +full.toFixed(1) }, ratioFullToRoom: +(full / room).toFixed(2) }));
}
