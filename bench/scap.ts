// Replay throughput of the scap reader: the three Falco captures, decompressed once and replayed
// from memory many times. Figures are events per second and ratios against a baseline measured in
// the same run: walking the blocks and reading each event's type, with no decoding.
// Usage: npx tsx bench/scap.ts [--rounds N]   (default 60 rounds of all three captures)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { blocksOf } from '../runtime/sources/scap/blocks.js';
import { eventType, EVENT_BLOCKS } from '../runtime/sources/scap/decode-event.js';
import { ScapReplay } from '../runtime/sources/scap/replay.js';

const { values: a } = parseArgs({ options: { rounds: { type: 'string', default: '60' } } });
const ROUNDS = Number(a.rounds);
const dir = new URL('../../shared/falco/captures/', import.meta.url).pathname;
const caps = ['cat_write.scap', 'connect_localhost.scap', 'curl_google.scap'].map((f) => {
  const b = readFileSync(dir + f);
  return new Uint8Array(b[0] === 0x1f ? gunzipSync(b) : b);
});

let sink = 0; // keeps the work observable so none of it is optimised away

function baseline(): number {
  let n = 0;
  for (const c of caps) for (const b of blocksOf(c)) if (EVENT_BLOCKS.has(b.type)) { sink += eventType(b.type, b.body); n++; }
  return n;
}
function replay(): number {
  let n = 0;
  for (const c of caps) { const r = new ScapReplay(); for (const e of r.fromBuffer(c)) sink += e.record.header.type; n += r.stats.events; }
  return n;
}
function replayWithEvents(): number {
  let n = 0;
  for (const c of caps) { const r = new ScapReplay(); for (const e of r.fromBuffer(c)) sink += e.event().num; n += r.stats.events; }
  return n;
}

function measure(name: string, fn: () => number): number {
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  const t0 = process.hrtime.bigint();
  let events = 0;
  for (let i = 0; i < ROUNDS; i++) events += fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = events / s;
  console.log(`${name.padEnd(42)} ${events} events in ${s.toFixed(3)} s = ${Math.round(rate).toLocaleString('en-US')} events/s`);
  return rate;
}

const base = measure('baseline: block walk + event type', baseline);
const dec = measure('replay: decode + merge + state.apply', replay);
const full = measure('replay + state.toEvent for every event', replayWithEvents);
console.log(`ratio replay/baseline: ${(dec / base).toFixed(3)}  (replay+toEvent/baseline: ${(full / base).toFixed(3)})`);
if (sink === 42) console.log('');
