// Where the WASM filter's time goes, by event type: for each type in the benchmark's generated mix,
// ns/event of (a) the module with the rules and (b) the same module with no rules (the state
// tracking every event pays), each on a batch holding only that type's records. Same run, same
// records; best of trials on a shared host.
//   npx tsx bench/filter-types.ts [--mix node|stress] [RULES.yaml...]   (default: upstream stable + incubating)
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import { MIXES, mixArg, seeded, timeWasm } from './filter-timing.js';
import { EVENTS } from '../schema/events.js';
import { mulberry } from '../test/backend/world.js';
import { rulesOr } from './upstream.js';

const { mix, rest } = mixArg(process.argv.slice(2));
const files = rulesOr(rest);
const fe = compileFrontEnd(files);
const withRules = (await compileBackend(fe.ruleset)).wasm!;
const noRules = (await compileBackend({ ...fe.ruleset, rules: [] })).wasm!;

const byType = new Map<number, Uint8Array[]>();
const world = MIXES[mix](mulberry(42));
for (let i = 0; i < 60_000; i++) {
  const rec = world.next().record;
  const v = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  for (let at = 0; at < rec.length;) {
    const ty = v.getUint16(at + 2, true), len = v.getUint32(at + 4, true);
    if (!byType.has(ty)) byType.set(ty, []);
    byType.get(ty)!.push(rec.subarray(at, at + len));
    at += len;
  }
}

/** ns/event (best of trials) of one module over `recs`, laid back to back in its batch area. */
async function nsPerEvent(wasm: Uint8Array, recs: Uint8Array[]): Promise<number> {
  const buf = new Uint8Array(recs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of recs) { buf.set(r, at); at += r.length; }
  return timeWasm(await seeded(wasm), buf, 1_500_000).nsMin;
}

const total = [...byType.values()].reduce((a, r) => a + r.length, 0);
console.log(`filter cost by event type: ${files.length} rule file(s), ${total} generated records (bench/run.ts's ${mix} mix)`);
console.log(`${'type'.padEnd(12)} ${'share'.padStart(6)} ${'rules ns'.padStart(9)} ${'tracking ns'.padStart(12)}`);
for (const [ty, recs] of [...byType].sort((a, b) => b[1].length - a[1].length)) {
  const name = EVENTS.find((e) => e.id === ty)?.name ?? String(ty);
  const [r, t] = [await nsPerEvent(withRules, recs), await nsPerEvent(noRules, recs)];
  console.log(`${name.padEnd(12)} ${((100 * recs.length) / total).toFixed(1).padStart(5)}% ${r.toFixed(1).padStart(9)} ${t.toFixed(1).padStart(12)}`);
}
