// rulec filter benchmark: the WASM filter against the reference interpreter on the same generated
// events, in one run, with the upstream Falco rules and Vigil's rules/. Reports events/s, ns/event,
// their ratio, the rules costing most, throughput as the rule count grows 1x/4x/16x, compile time
// and memory over 10M events. `--quick` is a short CI sanity run.
//   npm run bench [-- --quick]
import { mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import { FilterModule } from '../compiler/backend/host.js';
import { evaluate, getterFor } from '../compiler/interp/index.js';
import { syscallFields } from '../compiler/fields/syscall.js';
import type { IrRule, IrRuleSet } from '../compiler/ir/types.js';
import type { Event } from '../schema/model.js';
import { World, mulberry } from '../test/backend/world.js';

const quick = process.argv.includes('--quick');
const root = new URL('../', import.meta.url).pathname;
const UPSTREAM = [`${root}../shared/falco/rules/falco_rules.yaml`, `${root}../shared/falco/rules/falco-incubating_rules.yaml`];
const OWN = existsSync(`${root}rules`) ? readdirSync(`${root}rules`).filter((f) => f.endsWith('.yaml')).map((f) => `${root}rules/${f}`) : [];
const N_EVENTS = quick ? 20_000 : 100_000;          // distinct generated events (records repeat over them)
const WASM_EVENTS = quick ? 1_000_000 : 10_000_000;  // events pushed through the filter per measurement
const INTERP_EVENTS = quick ? 5_000 : 20_000;

function generate(n: number): { buf: Uint8Array; events: Event[]; cloneEvents: () => void } {
  const world = new World(mulberry(42));
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
  return { buf, events, cloneEvents: () => {} };
}

/** The world mutates its thread objects; freeze what each event saw. */
function structuredCloneEvent(e: Event): Event {
  const t = e.thread;
  const chain = (x: typeof t | undefined, d: number): typeof t | undefined => (x && d < 32 ? { ...x, fds: undefined, parent: chain(x.parent, d + 1) } : undefined);
  return { ...e, thread: chain(t, 0)!, fd: e.fd ? { ...e.fd } : undefined };
}

async function seeded(wasm: Uint8Array): Promise<FilterModule> {
  const m = await FilterModule.load(wasm);
  new World(mulberry(42)).seed(m);
  return m;
}

/** Events/s of the WASM filter over `total` events (the buffer repeated). */
function timeWasm(m: FilterModule, buf: Uint8Array, nPerBuf: number, total: number): { evps: number; nsPerEvent: number; matches: number; memBefore: number; memAfter: number } {
  const memBefore = m.memoryBytes();
  let matches = 0;
  const onMatch = () => { matches++; };
  m.run(buf, onMatch); // warm-up (JIT tiers up the module)
  matches = 0;
  const reps = Math.max(1, Math.round(total / nPerBuf));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) m.run(buf, onMatch);
  const ns = Number(process.hrtime.bigint() - t0);
  const n = reps * nPerBuf;
  return { evps: n / (ns / 1e9), nsPerEvent: ns / n, matches, memBefore, memAfter: m.memoryBytes() };
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

/** The rule set with every rule repeated k times under new names (copies get distinct ids). */
function multiply(rs: IrRuleSet, k: number): IrRuleSet {
  const rules: IrRule[] = [];
  for (let c = 0; c < k; c++) for (const r of rs.rules) rules.push({ ...r, id: rules.length, name: c === 0 ? r.name : `${r.name} (copy ${c})` });
  return { ...rs, rules };
}

const fmt = (x: number) => x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);

async function benchSet(label: string, files: string[], gen: ReturnType<typeof generate>) {
  const fe = compileFrontEnd(files);
  const errors = fe.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${label}: front end errors: ${errors.length}`);
  const t0 = Date.now();
  const be = await compileBackend(fe.ruleset, { skipUnsupported: true });
  const compileMs = Date.now() - t0;
  const compiledIds = new Set(be.manifest.rules.filter((r) => r.compiled).map((r) => r.id));
  // The interpreter evaluates exactly the rules the module holds, so the comparison is like for like.
  const same: IrRuleSet = { ...fe.ruleset, rules: fe.ruleset.rules.filter((r) => compiledIds.has(r.id)) };
  const m = await seeded(be.wasm!);
  const n = gen.events.length;
  const w = timeWasm(m, gen.buf, n, WASM_EVENTS);
  const perRule = new Map<number, number>();
  const ievents = gen.events.slice(0, INTERP_EVENTS);
  const i = timeInterp(same, ievents);
  timeInterp(same, ievents, perRule);
  const top = [...perRule].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id, ns]) => ({ rule: fe.ruleset.rules[id].name, nsPerEvent: ns / ievents.length }));
  const scale: Array<{ factor: number; rules: number; compileMs: number; evps: number; ratioTo1x: number }> = [];
  for (const k of quick ? [1, 4] : [1, 4, 16]) {
    const rs = multiply(same, k);
    const s0 = Date.now();
    const b = k === 1 ? be : await compileBackend(rs, { skipUnsupported: true });
    const ms = k === 1 ? compileMs : Date.now() - s0;
    const mk = k === 1 ? m : await seeded(b.wasm!);
    const r = k === 1 ? w : timeWasm(mk, gen.buf, n, WASM_EVENTS / (quick ? 1 : 2));
    scale.push({ factor: k, rules: rs.rules.length, compileMs: ms, evps: r.evps, ratioTo1x: r.evps / w.evps });
  }
  const result = {
    label, files: files.map((f) => f.replace(root, '')), rules: fe.ruleset.rules.length, compiledRules: compiledIds.size,
    unsupported: be.diagnostics.map((d) => d.message), compileMs, wasmBytes: be.wasm!.length,
    wasm: { events: Math.round(WASM_EVENTS), evps: w.evps, nsPerEvent: w.nsPerEvent, matchesPerPass: w.matches, memoryBytesBefore: w.memBefore, memoryBytesAfter: w.memAfter },
    interpreter: { events: ievents.length, evps: i.evps, nsPerEvent: i.nsPerEvent },
    speedup: w.evps / i.evps, mostExpensiveRulesInterpreter: top, scale,
  };
  console.log(`\n== ${label}: ${compiledIds.size}/${fe.ruleset.rules.length} rules compiled in ${compileMs} ms (${be.wasm!.length} bytes wasm)`);
  console.log(`WASM filter:  ${fmt(w.evps)} events/s  ${w.nsPerEvent.toFixed(1)} ns/event  (${fmt(WASM_EVENTS)} events; memory ${w.memBefore} -> ${w.memAfter} bytes)`);
  console.log(`interpreter:  ${fmt(i.evps)} events/s  ${i.nsPerEvent.toFixed(1)} ns/event  (${ievents.length} events)`);
  console.log(`ratio WASM/interpreter: ${(w.evps / i.evps).toFixed(1)}x`);
  console.log('most expensive rules (interpreter ns/event):');
  for (const t of top) console.log(`  ${t.nsPerEvent.toFixed(1).padStart(8)}  ${t.rule}`);
  console.log('rule count scaling (WASM):');
  for (const s of scale) console.log(`  ${String(s.factor).padStart(2)}x ${String(s.rules).padStart(5)} rules  ${fmt(s.evps)} events/s  ${s.ratioTo1x.toFixed(2)} of 1x  compile ${s.compileMs} ms`);
  return result;
}

const gen = generate(N_EVENTS);
console.log(`rulec bench${quick ? ' --quick' : ''}: ${gen.events.length} distinct events, ${(gen.buf.length / gen.events.length).toFixed(0)} bytes/record avg, node ${process.version}`);
const results = [await benchSet('upstream stable+incubating', UPSTREAM, gen)];
if (OWN.length) results.push(await benchSet('vigil rules/', OWN, gen));
mkdirSync(`${root}bench/results`, { recursive: true });
const out = `${root}bench/results/rulec-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(out, JSON.stringify({ quick, date: new Date().toISOString(), node: process.version, results }, null, 2));
console.log(`\nresults: ${out.replace(root, '')}`);
