// rulec filter benchmark: the WASM filter against the reference interpreter on the same generated
// events, in one run, with the upstream Falco rules and Vigil's rules/. Reports events/s, ns/event,
// their ratio, the rules costing most, throughput as the rule count grows 1x/4x/16x, compile time
// and memory over 10M events, on the node mix (what a recorded node did: filter-timing.ts MIXES);
// then the filter and the interpreter again on the stress world, the rule-dense mix where about a
// tenth of the events alert. `--quick` is a short CI sanity run.
//   npm run bench [-- --quick]
import { mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import type { FilterModule } from '../compiler/backend/host.js';
import { MIXES, seeded, timeWasm } from './filter-timing.js';
import { evaluate, getterFor } from '../compiler/interp/index.js';
import { syscallFields } from '../compiler/fields/syscall.js';
import type { IrRule, IrRuleSet } from '../compiler/ir/types.js';
import type { Event } from '../schema/model.js';
import { mulberry, type Rng, type World } from '../test/backend/world.js';
import { NODE_PROFILE } from '../test/backend/node-world.js';
import { multiply } from './multiply.js';
import { UPSTREAM_RULES } from './upstream.js';

const quick = process.argv.includes('--quick');
const root = new URL('../', import.meta.url).pathname;
const OWN = existsSync(`${root}rules`) ? readdirSync(`${root}rules`).filter((f) => f.endsWith('.yaml')).map((f) => `${root}rules/${f}`) : [];
const N_EVENTS = quick ? 20_000 : 100_000;          // distinct generated events (records repeat over them)
const WASM_EVENTS = quick ? 1_000_000 : 10_000_000;  // events pushed through the filter per measurement
const INTERP_EVENTS = quick ? 5_000 : 20_000;

function generate(n: number, make: (r: Rng) => World): { buf: Uint8Array; events: Event[] } {
  const world = make(mulberry(42));
  const parts: Uint8Array[] = [];
  const events: Event[] = [];
  // snapshots of the mutable thread objects are not needed: the interpreter runs on events as generated
  while (events.length < n) {
    const g = world.next();
    if (g.before) events.push(structuredCloneEvent(g.before));
    events.push(structuredCloneEvent(g.event));
    parts.push(g.record);
  }
  const buf = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0; for (const p of parts) { buf.set(p, at); at += p.length; }
  return { buf, events };
}

/** The world mutates its thread objects; freeze what each event saw. */
function structuredCloneEvent(e: Event): Event {
  const t = e.thread;
  const chain = (x: typeof t | undefined, d: number): typeof t | undefined => (x && d < 32 ? { ...x, fds: undefined, parent: chain(x.parent, d + 1) } : undefined);
  return { ...e, thread: chain(t, 0)!, fd: e.fd ? { ...e.fd } : undefined };
}

/**
 * FilterModule.run from a JS buffer: the copy into the batch area and the match callbacks
 * included. A fresh instance first runs as many events as are timed: its first passes are slow
 * (its memory's first touches, code V8 has not optimized yet: 325 ns/event over the first 600k
 * events of one instance, 120 after). Then the best of trials, as timeWasm.
 */
function timeRun(m: FilterModule, buf: Uint8Array, nPerBuf: number, total: number, trials = 5): number {
  for (let done = 0; done < total; done += nPerBuf) m.run(buf, () => {});
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    const t0 = process.hrtime.bigint();
    m.run(buf, () => {});
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / nPerBuf);
    if ((t + 1) * nPerBuf >= total) break;
  }
  return best;
}

/** WASM cost of each rule alone: a module with just that rule, less a module with none (state tracking only). */
async function perRuleWasm(rs: IrRuleSet, ids: number[], buf: Uint8Array, total: number): Promise<{ baseNs: number; rules: Array<{ id: number; ns: number }> }> {
  const build = async (rules: IrRule[]) => seeded((await compileBackend({ ...rs, rules })).wasm!);
  const base = await build([]);
  let baseNs = Infinity;
  const rules: Array<{ id: number; ns: number }> = [];
  for (const id of ids) {
    // the baseline is measured beside each rule (a shared host's load drifts), minima of both
    const one = await build([rs.rules[id]]);
    let r = Infinity, b = Infinity;
    for (let t = 0; t < 3; t++) { b = Math.min(b, timeWasm(base, buf, total / 3, 1).nsMin); r = Math.min(r, timeWasm(one, buf, total / 3, 1).nsMin); }
    baseNs = Math.min(baseNs, b);
    rules.push({ id, ns: r - b });
  }
  return { baseNs, rules };
}

function timeInterp(rs: IrRuleSet, events: Event[], perRule?: Map<number, number>): { evps: number; nsPerEvent: number } {
  const rules = rs.rules.filter((r) => r.enabled);
  const byType = new Map<string, IrRule[]>();
  for (const e of events) if (!byType.has(e.type)) byType.set(e.type, rules.filter((r) => r.eventTypes === null || r.eventTypes.includes(e.type)));
  const t0 = process.hrtime.bigint();
  for (const e of events) {
    const get = getterFor(syscallFields, e);
    for (const r of byType.get(e.type)!) {
      if (perRule) {
        const s = process.hrtime.bigint();
        evaluate(r.condition, get);
        perRule.set(r.id, (perRule.get(r.id) ?? 0) + Number(process.hrtime.bigint() - s));
      } else evaluate(r.condition, get);
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { evps: events.length / (ns / 1e9), nsPerEvent: ns / events.length };
}

const fmt = (x: number) => x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);

async function benchSet(label: string, files: string[], gen: ReturnType<typeof generate>, stress: ReturnType<typeof generate>) {
  const fe = compileFrontEnd(files);
  const errors = fe.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${label}: front end errors: ${errors.length}`);
  const t0 = Date.now();
  const be = await compileBackend(fe.ruleset);
  const compileMs = Date.now() - t0;
  const compiledIds = new Set(be.manifest.rules.filter((r) => r.compiled).map((r) => r.id));
  // The interpreter evaluates exactly the rules the module holds, so the comparison is like for like.
  const same: IrRuleSet = { ...fe.ruleset, rules: fe.ruleset.rules.filter((r) => compiledIds.has(r.id)) };
  const m = await seeded(be.wasm!);
  const n = gen.events.length;
  const w = timeWasm(m, gen.buf, WASM_EVENTS);
  const memoryConstant = w.memBefore === w.memAfter;
  if (!memoryConstant) process.exitCode = 1;
  const runNs = timeRun(await seeded(be.wasm!), gen.buf, n, quick ? 200_000 : 1_000_000);
  const perRule = new Map<number, number>();
  const ievents = gen.events.slice(0, INTERP_EVENTS);
  const i = timeInterp(same, ievents);
  timeInterp(same, ievents, perRule);
  const top = [...perRule].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id, ns]) => ({ rule: fe.ruleset.rules[id].name, nsPerEvent: ns / ievents.length }));
  // WASM per-rule cost: every compiled rule in a full run, the interpreter's ten costliest in --quick
  const candidates = quick ? [...perRule].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id]) => id) : [...compiledIds];
  const pr = await perRuleWasm(same, candidates.map((id) => same.rules.findIndex((r) => r.id === id)), gen.buf, quick ? 200_000 : 1_000_000);
  const topWasm = pr.rules.sort((a, b) => b.ns - a.ns).slice(0, 10).map((r) => ({ rule: same.rules[r.id].name, nsPerEvent: r.ns }));
  const scale: Array<{ factor: number; distinct: boolean; rules: number; compileMs: number; evps: number; ratioTo1x: number }> = [];
  for (const [k, distinct] of (quick ? [[1, false], [4, false]] : [[1, false], [4, false], [16, false], [16, true]]) as Array<[number, boolean]>) {
    const rs = multiply(same, k, distinct);
    const s0 = Date.now();
    const b = k === 1 ? be : await compileBackend(rs);
    const ms = k === 1 ? compileMs : Date.now() - s0;
    const r = k === 1 ? w : timeWasm(await seeded(b.wasm!), gen.buf, WASM_EVENTS / 2);
    scale.push({ factor: k, distinct, rules: rs.rules.length, compileMs: ms, evps: r.evps, ratioTo1x: r.evps / w.evps });
  }
  // the stress world: the same module and rules on the rule-dense mix
  const ws = timeWasm(await seeded(be.wasm!), stress.buf, WASM_EVENTS / 2);
  const is = timeInterp(same, stress.events.slice(0, INTERP_EVENTS));
  const result = {
    label, mix: 'node', files: files.map((f) => f.replace(root, '')), rules: fe.ruleset.rules.length, compiledRules: compiledIds.size,
    notCompiled: be.manifest.rules.filter((r) => !r.compiled).map((r) => `${r.name} (${r.source})`), compileMs, wasmBytes: be.wasm!.length,
    wasm: { events: w.events, evps: w.evps, nsPerEventMin: w.nsMin, nsPerEventMedian: w.nsMedian, matchesPerTrial: w.matches, memoryBytesBefore: w.memBefore, memoryBytesAfter: w.memAfter, memoryConstant },
    wasmRunWithCopy: { nsPerEvent: runNs, evps: 1e9 / runNs },
    interpreter: { events: ievents.length, evps: i.evps, nsPerEvent: i.nsPerEvent },
    speedup: w.evps / i.evps, speedupRunWithCopy: (1e9 / runNs) / i.evps,
    mostExpensiveRulesWasm: { trackingOnlyNsPerEvent: pr.baseNs, rules: topWasm }, mostExpensiveRulesInterpreter: top, scale,
    stressWorld: {
      wasm: { events: ws.events, evps: ws.evps, nsPerEventMin: ws.nsMin, nsPerEventMedian: ws.nsMedian, matchesPerTrial: ws.matches, memoryConstant: ws.memBefore === ws.memAfter },
      interpreter: { events: Math.min(INTERP_EVENTS, stress.events.length), evps: is.evps, nsPerEvent: is.nsPerEvent }, speedup: ws.evps / is.evps,
    },
  };
  if (!result.stressWorld.wasm.memoryConstant) process.exitCode = 1;
  console.log(`\n== ${label}: ${compiledIds.size}/${fe.ruleset.rules.length} rules compiled to WASM in ${compileMs} ms (${be.wasm!.length} bytes)${result.notCompiled.length ? `; with the interpreter: ${result.notCompiled.length} (${[...new Set(be.manifest.rules.filter((r) => !r.compiled).map((r) => r.source))].join(', ')} source)` : ''}`);
  console.log('node mix (the targets\' mix):');
  console.log(`WASM filter:  ${fmt(w.evps)} events/s  ${w.nsMin.toFixed(1)} ns/event min, ${w.nsMedian.toFixed(1)} median  (${fmt(w.events)} events, records in the batch area)`);
  console.log(`  memory ${w.memBefore} -> ${w.memAfter} bytes over ${fmt(w.events)} events: ${memoryConstant ? 'constant' : 'GREW (defect)'}; ${w.matches} matches per ${fmt(w.events / 5)} events`);
  console.log(`WASM via run(): ${fmt(1e9 / runNs)} events/s  ${runNs.toFixed(1)} ns/event  (copy from a JS buffer and match callbacks included)`);
  console.log(`interpreter:  ${fmt(i.evps)} events/s  ${i.nsPerEvent.toFixed(1)} ns/event  (${ievents.length} events)`);
  console.log(`ratio WASM/interpreter: ${(w.evps / i.evps).toFixed(1)}x (run(): ${((1e9 / runNs) / i.evps).toFixed(1)}x)`);
  console.log(`most expensive rules, WASM (ns/event of the rule alone, over ${pr.baseNs.toFixed(1)} ns of state tracking${quick ? '; --quick: the interpreter\'s ten costliest' : ''}):`);
  for (const t of topWasm) console.log(`  ${t.nsPerEvent.toFixed(1).padStart(8)}  ${t.rule}`);
  console.log('most expensive rules (interpreter ns/event):');
  for (const t of top) console.log(`  ${t.nsPerEvent.toFixed(1).padStart(8)}  ${t.rule}`);
  console.log('rule count scaling (WASM):');
  for (const s of scale) console.log(`  ${String(s.factor).padStart(2)}x ${String(s.rules).padStart(5)} rules  ${fmt(s.evps)} events/s  ${s.ratioTo1x.toFixed(2)} of 1x  compile ${s.compileMs} ms${s.distinct ? '  (each copy with a test of its own)' : ''}`);
  console.log(`stress world: WASM ${fmt(ws.evps)} events/s  ${ws.nsMin.toFixed(1)} ns/event (${ws.matches} matches per ${fmt(ws.events / 5)} events; memory ${result.stressWorld.wasm.memoryConstant ? 'constant' : 'GREW (defect)'}), interpreter ${fmt(is.evps)} events/s, ratio ${(ws.evps / is.evps).toFixed(1)}x`);
  return result;
}

const gen = generate(N_EVENTS, MIXES.node), stress = generate(N_EVENTS, MIXES.stress);
console.log(`rulec bench${quick ? ' --quick' : ''}: node ${process.version}; ${gen.events.length} distinct events of the node mix (${(gen.buf.length / gen.events.length).toFixed(0)} bytes/record avg; from ${NODE_PROFILE.source.capture}, ${NODE_PROFILE.source.interestRecords} records), ${stress.events.length} of the stress world`);
const results = [await benchSet('upstream stable+incubating', UPSTREAM_RULES, gen, stress)];
if (OWN.length) results.push(await benchSet('vigil rules/', OWN, gen, stress));
mkdirSync(`${root}bench/results`, { recursive: true });
const out = `${root}bench/results/rulec-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(out, JSON.stringify({ quick, date: new Date().toISOString(), node: process.version, results }, null, 2));
console.log(`\nresults: ${out.replace(root, '')}`);
