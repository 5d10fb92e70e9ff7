// The WASM filter on a recorded capture instead of the generated mix: the records a kernel really
// delivered for ordinary work (test/kmod/run.sh record writes one), cut to the event types the
// agent would ask the kernel for with these rules (their interest set plus what state tracking
// follows). In the same run, baselines: the same module on bench/run.ts's generated mixes, and a
// module without rules (state tracking only) on the capture. Per event type: share and ns/event.
//   npx tsx bench/capture-filter.ts FILE.vcap[.gz] [RULES.yaml...]   (default: upstream stable + incubating)
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import { EVENTS } from '../schema/events.js';
import { kernelInterest } from '../runtime/filter/state-types.js';
import { mulberry } from '../test/backend/world.js';
import { concat } from '../test/backend/records.js';
import { interestRecords } from './capture-records.js';
import { MIXES, seeded, timeWasm } from './filter-timing.js';
import type { FilterModule } from '../compiler/backend/host.js';
import { rulesOr } from './upstream.js';

const [file, ...ruleArgs] = process.argv.slice(2);
if (!file) { console.error('usage: npx tsx bench/capture-filter.ts FILE.vcap[.gz] [RULES.yaml...]'); process.exit(2); }
const rules = rulesOr(ruleArgs);

const fe = compileFrontEnd(rules);
const be = await compileBackend(fe.ruleset);
const noRules = (await compileBackend({ ...fe.ruleset, rules: [] })).wasm!;
const interest = new Set(kernelInterest(be.manifest.interest.ids));

const { total, records: kept } = await interestRecords(file, interest);
// per type, exit records only: the filter skips enter records at once
const byType = new Map<number, Uint8Array[]>();
for (const r of kept) {
  if (r[62] === 0) continue;
  const ty = r[2] | (r[3] << 8);
  if (!byType.has(ty)) byType.set(ty, []);
  byType.get(ty)!.push(r);
}
const capture = concat(kept);

const mixes = Object.entries(MIXES).map(([name, make]) => {
  const world = make(mulberry(42));
  return [name, concat(Array.from({ length: 100_000 }, () => world.next().record))] as const;
});

/**
 * The whole capture in order, batch by batch as the agent feeds it (copies into the batch area not
 * timed), `reps` times over; best pass of a shared host. The module learns the capture's processes
 * from its own exec/clone records (those started before it stay unknown, as without a /proc scan).
 */
function timeStream(m: FilterModule, buf: Uint8Array, reps: number): { evps: number; nsMin: number; matches: number } {
  const cap = m.x.batch_cap(), bv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunks: Array<[number, number, number]> = [];
  for (let at = 0; at < buf.length;) {
    let end = at, n = 0;
    while (end < buf.length && end - at + bv.getUint32(end + 4, true) <= cap) { end += bv.getUint32(end + 4, true); n++; }
    chunks.push([at, end, n]); at = end;
  }
  const mem = () => new Uint8Array(m.x.memory.buffer);
  let best = Infinity, matches = 0;
  for (let r = 0; r <= reps; r++) {
    let ns = 0, events = 0; matches = 0;
    for (const [a, b, n] of chunks) {
      mem().set(buf.subarray(a, b), m.x.batch_ptr());
      const t0 = process.hrtime.bigint();
      for (let off = 0; off < b - a;) { matches += m.x.filter(off, b - a - off, 0, 0); off += m.x.consumed(); }
      ns += Number(process.hrtime.bigint() - t0); events += n;
    }
    if (r > 0) best = Math.min(best, ns / events);  // the first pass warms up
  }
  return { evps: 1e9 / best, nsMin: best, matches };
}

const reps = Math.max(2, Math.ceil(5_000_000 / kept.length));
const onCapture = timeStream(await seeded(be.wasm!), capture, reps);
const onMixes: Array<[string, ReturnType<typeof timeWasm>]> = [];
for (const [name, buf] of mixes) onMixes.push([name, timeWasm(await seeded(be.wasm!), buf, 5_000_000)]);
const tracking = timeStream(await seeded(noRules), capture, reps);
console.log(`${file}: ${total} records, ${kept.length} in the interest set of ${rules.length} rule file(s) (${fe.ruleset.rules.length} rules)`);
console.log(`filter on the capture     ${(onCapture.evps / 1e6).toFixed(2)}M ev/s  ${onCapture.nsMin.toFixed(1)} ns/event  (${onCapture.matches} matches in the last trial)`);
for (const [name, t] of onMixes) console.log(`filter on the ${name} mix ${(t.evps / 1e6).toFixed(2)}M ev/s  ${t.nsMin.toFixed(1)} ns/event  ratio capture/mix ${(onCapture.evps / t.evps).toFixed(2)}`);
console.log(`tracking only on the capture ${(tracking.evps / 1e6).toFixed(2)}M ev/s  ${tracking.nsMin.toFixed(1)} ns/event`);
console.log(`${'type'.padEnd(12)} ${'share'.padStart(6)} ${'rules ns'.padStart(9)} ${'tracking ns'.padStart(12)}`);
const exits = [...byType.values()].reduce((n, r) => n + r.length, 0);
for (const [ty, recs] of [...byType].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) {
  const buf = concat(recs);
  // each module first follows the whole capture, so the type's records meet the state they met in it
  const warm = async (w: Uint8Array) => { const m = await seeded(w); timeStream(m, capture, 0); return m; };
  const r = timeWasm(await warm(be.wasm!), buf, 1_000_000).nsMin, t = timeWasm(await warm(noRules), buf, 1_000_000).nsMin;
  console.log(`${(EVENTS.find((e) => e.id === ty)?.name ?? String(ty)).padEnd(12)} ${((100 * recs.length) / exits).toFixed(1).padStart(5)}% ${r.toFixed(1).padStart(9)} ${t.toFixed(1).padStart(12)}`);
}
