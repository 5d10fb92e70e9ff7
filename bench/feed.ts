// The agent's detector in process, without I/O: the records of the bench world in 64 KiB runs (as
// a replay feeds them) through WasmDetector.feed, each alert made (makeAlert: output string and
// fields), against the filter module alone on the same runs in the same process (FilterModule.run:
// the copy into the batch area, the rules, the module's own state tracking). The gap is what the
// JS side costs per event: following process records, and per alert the decode, Event and output
// (a third run counts the matches without making alerts). Trials alternate; minima are reported.
//   npx tsx bench/feed.ts [--events N] [--trials K] [RULES.yaml...]   (default 1M events, 3 trials, stable + incubating)
// It measures from a bundle, as the agent runs (bench/bundled.ts).
import { parseArgs } from 'node:util';
import { asBundle } from './bundled.js';
import { FilterModule } from '../compiler/backend/host.js';
import { makeAlert } from '../runtime/alerts/alert.js';
import { WasmDetector } from '../runtime/filter/wasm-detector.js';
import { compileRules } from '../runtime/pipeline/rules.js';
import { World, mulberry } from '../test/backend/world.js';
import { rulesOr } from './upstream.js';

await asBundle(import.meta.url, 'bench-feed');
const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { events: { type: 'string', default: '1000000' }, trials: { type: 'string', default: '3' } } });
const root = new URL('../', import.meta.url).pathname;
const files = rulesOr(positionals);
const N = Number(a.events), TRIALS = Number(a.trials);

/** `n` records of the bench world, cut into runs of whole records of at most 64 KiB. */
function runs(n: number): { chunks: Uint8Array[]; records: number } {
  const world = new World(mulberry(42));
  const chunks: Uint8Array[] = [];
  let cur: Uint8Array[] = [], size = 0, records = 0;
  const flush = () => { const b = new Uint8Array(size); let at = 0; for (const p of cur) { b.set(p, at); at += p.length; } chunks.push(b); cur = []; size = 0; };
  while (records < n) {
    const r = world.next().record;
    if (size + r.length > 65536) flush();
    cur.push(r); size += r.length;
    const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
    for (let at = 0; at < r.length; at += v.getUint32(at + 4, true)) records++;
  }
  flush();
  return { chunks, records };
}

const rules = compileRules(files);
const { chunks, records } = runs(N);

async function detector(make: boolean): Promise<{ secs: number; alerts: number }> {
  const d = await WasmDetector.create(rules);
  let alerts = 0, chars = 0;
  const t0 = process.hrtime.bigint();
  for (const c of chunks) d.feed(c, make ? (m) => { chars += makeAlert(m.rule, m.timeNs, 'bench', m.resolve).output.length; alerts++; } : () => { alerts++; });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  // (the output lengths are summed so the alerts are really made; an empty sum would mean they were not)
  if (make && alerts > 0 && chars === 0) throw new Error('alerts made without output');
  return { secs, alerts };
}

async function moduleAlone(): Promise<{ secs: number; matches: number }> {
  const d = await WasmDetector.create(rules);
  const mod = (d as unknown as { cur: { mod: FilterModule } }).cur.mod;
  let matches = 0;
  const t0 = process.hrtime.bigint();
  for (const c of chunks) mod.run(c, () => { matches++; });
  return { secs: Number(process.hrtime.bigint() - t0) / 1e9, matches };
}

let det = { secs: Infinity, alerts: 0 }, bare = { secs: Infinity, alerts: 0 }, mod = { secs: Infinity, matches: 0 };
for (let t = 0; t < TRIALS; t++) {
  const m = await moduleAlone(); if (m.secs < mod.secs) mod = m;
  const b = await detector(false); if (b.secs < bare.secs) bare = b;
  const x = await detector(true); if (x.secs < det.secs) det = x;
}
if (det.alerts !== mod.matches) throw new Error(`the detector raised ${det.alerts} alerts, the module matched ${mod.matches} times`);
console.log(JSON.stringify({
  bench: 'feed', rules: files.map((f) => f.replace(root, '')), events: records, alerts: det.alerts,
  detector: { secs: +det.secs.toFixed(3), eventsPerSec: Math.round(records / det.secs), nsPerEvent: Math.round((det.secs * 1e9) / records) },
  detectorWithoutAlerts: { what: 'the same, each match only counted (its Event is still built)', secs: +bare.secs.toFixed(3), eventsPerSec: Math.round(records / bare.secs) },
  baseline: { what: 'the filter module alone on the same runs (FilterModule.run)', secs: +mod.secs.toFixed(3), eventsPerSec: Math.round(records / mod.secs), nsPerEvent: Math.round((mod.secs * 1e9) / records) },
  ratio: +(mod.secs / det.secs).toFixed(3),
  jsNsPerEvent: Math.round(((det.secs - mod.secs) * 1e9) / records),
}, null, 2));
