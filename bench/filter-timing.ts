// Timing of a compiled filter module on records already in its batch area (where the agent's device
// reader puts them), shared by bench/run.ts and bench/filter-types.ts.
import { FilterModule } from '../compiler/backend/host.js';
import { World, mulberry, type Rng } from '../test/backend/world.js';
import { NodeWorld } from '../test/backend/node-world.js';

/**
 * The benchmarks' generated event mixes, on one simulated host: `node`, what a recorded node did
 * (test/backend/node-profile.json: the mix the targets are read on), and `stress`, the rule-dense
 * world of the differential tests (execs of attack tools, opens of sensitive paths: about a tenth
 * of its events raise alerts).
 */
export const MIXES = { node: (r: Rng): World => new NodeWorld(r), stress: (r: Rng): World => new World(r) };
export type MixName = keyof typeof MIXES;

/** `--mix NAME` from argv (default node), and argv without it. */
export function mixArg(argv: string[]): { mix: MixName; rest: string[] } {
  const i = argv.indexOf('--mix');
  if (i < 0) return { mix: 'node', rest: argv };
  const mix = argv[i + 1];
  if (!(mix in MIXES)) throw new Error(`--mix: one of ${Object.keys(MIXES).join(', ')}, not ${mix}`);
  return { mix: mix as MixName, rest: [...argv.slice(0, i), ...argv.slice(i + 2)] };
}

/** A module seeded with the bench world's processes, users and containers (the same in every mix). */
export async function seeded(wasm: Uint8Array): Promise<FilterModule> {
  const m = await FilterModule.load(wasm);
  new World(mulberry(42)).seed(m);
  return m;
}

export interface WasmTiming { evps: number; nsPerEvent: number; nsMin: number; nsMedian: number; matches: number; memBefore: number; memAfter: number; events: number }

/** The first records of `buf` that fit the module's batch area, and how many there are. */
export function batchOf(m: FilterModule, buf: Uint8Array): { bytes: Uint8Array; records: number } {
  const cap = m.x.batch_cap();
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0, n = 0;
  while (at < buf.length) { const l = v.getUint32(at + 4, true); if (at + l > cap) break; at += l; n++; }
  return { bytes: buf.subarray(0, at), records: n };
}

/**
 * The filter over records already in its batch area (where the agent's device reader puts them):
 * one batch filtered again and again until `total` events. Trials on a shared host: the minimum
 * is the machine's speed, the median what a busy machine gave.
 */
export function timeWasm(m: FilterModule, buf: Uint8Array, total: number, trials = 5): WasmTiming {
  const { bytes, records } = batchOf(m, buf);
  new Uint8Array(m.x.memory.buffer).set(bytes, m.x.batch_ptr());
  let matches = 0;
  const pass = () => {
    for (let off = 0; off < bytes.length;) {
      matches += m.x.filter(off, bytes.length - off, 0, 0);
      if (m.x.bad_record() >= 0) throw new Error(`bad record at ${off + m.x.bad_record()}`);
      off += m.x.consumed();
    }
  };
  pass(); // warm-up (JIT tiers up the module)
  const memBefore = m.memoryBytes();
  const reps = Math.max(1, Math.round(total / trials / records));
  const ns: number[] = [];
  for (let t = 0; t < trials; t++) {
    matches = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) pass();
    ns.push(Number(process.hrtime.bigint() - t0) / (reps * records));
  }
  ns.sort((a, b) => a - b);
  return { evps: 1e9 / ns[0], nsPerEvent: ns[0], nsMin: ns[0], nsMedian: ns[ns.length >> 1], matches, memBefore, memAfter: m.memoryBytes(), events: reps * records * trials };
}
