// The Detector on the compiled WASM filter. Whole records go into the module's batch area, one
// filter call per batch, and the module keeps the state its rules read (threads, fds, users,
// containers) from the records itself. JS keeps a State only for output fields: it follows the
// process records (a header type test for all others), leaves every fd to the module, and builds
// the Event of a record only when a rule matched it, reading the event's fds from the module while
// the module is paused on that record.
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { formatDiagnostic } from '../../compiler/diag.js';
import { fieldTable } from '../../compiler/fields/index.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import { decodeRecord } from '../decode/record.js';
import { EVENT_SPECS, HDR } from '../decode/schema.gen.js';
import type { Match } from '../outputs/delivery.js';
import { RulesError, type CompiledRules } from '../pipeline/rules.js';
import { State } from '../state/state.js';
import { dispatch, type RulesFor } from './dispatch.js';
import type { DetectorOptions, SeededDetector } from './interp-detector.js';
import { RecordState } from './record-state.js';
import { resolverFor } from './resolve.js';
import { both, mirror, moduleSeeds, seedsOf, type StateSeeds } from './seed.js';
import { PROC_STATE_TYPES, STATE_TYPES } from './state-types.js';
import { wholeRecordsEnd } from './walk.js';
import { moduleFds } from './module-fds.js';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import { ancestorsRead } from '../../compiler/fields/syscall-proc.js';
import { refsOf } from '../../compiler/ir/build.js';
import type { FieldRef } from '../../compiler/ir/types.js';

const FCHDIR = EVENTS_BY_NAME.get('fchdir')!.id;

interface Loaded {
  rules: CompiledRules;
  mod: FilterModule;
  /** Rules the back end could not compile, run by the interpreter on their own event types. */
  rest: RulesFor | null;
  restTypes: Uint8Array;
  interpreted: number;
  interest: number[];
  /**
   * Ancestor levels an alert's Event is linked to, by rule id: as deep as that rule's output reads.
   * A record the interpreter evaluates is linked to `fullDepth` (its rules' conditions and every output).
   */
  depthOf: Uint8Array;
  fullDepth: number;
}

// One build per rule set object: a test or a bench that makes several detectors over the same rules
// pays for the assemblyscript build once.
const built = new WeakMap<CompiledRules, Promise<{ wasm: Uint8Array; compiled: Set<number>; interest: number[] }>>();

async function build(rules: CompiledRules) {
  const b = await compileBackend({ rules: rules.rules, fieldsUsed: [], eventTypes: {} }, { skipUnsupported: true });
  const errors = b.diagnostics.filter((d) => d.severity === 'error');
  if (!b.wasm || errors.length) throw new RulesError(`rules do not compile to WASM:\n${errors.map(formatDiagnostic).join('\n')}`);
  return { wasm: b.wasm, compiled: new Set(b.manifest.rules.filter((r) => r.compiled).map((r) => r.id)), interest: b.manifest.interest.ids };
}

async function load(rules: CompiledRules): Promise<Loaded> {
  let p = built.get(rules);
  if (!p) { p = build(rules); built.set(rules, p); p.catch(() => built.delete(rules)); }
  const { wasm, compiled, interest } = await p;
  const mod = await FilterModule.load(wasm);
  // The module sizes its memory at its first call; FilterModule's seeding takes a view of memory
  // before calling arg_ptr(), which that growth would detach, so make the first call here.
  mod.x.arg_ptr();
  const left = rules.rules.filter((r) => r.source === 'syscall' && !compiled.has(r.id));
  const restTypes = new Uint8Array(65536);
  // pause mode stops at fchdir too: its new cwd is the name of an fd the JS state may not hold
  mod.x.pause_on(FCHDIR, 1);
  const ids = new Set(interest);
  let rest: RulesFor | null = null;
  if (left.length) {
    rest = dispatch(left);
    EVENT_SPECS.forEach((s, id) => { if (s && rest!('syscall', s.name).length) { restTypes[id] = 1; ids.add(id); } });
  }
  // the interpreter reads fds through the module as well: stop where it evaluates
  restTypes.forEach((on, id) => { if (on) mod.x.pause_on(id, 1); });
  // an open's device and inode cost the module time; kept only when an output or an interpreted rule reads them
  if (left.length || rules.rules.some((r) => r.outputFields.some((f) => f.field === 'fd.dev' || f.field === 'fd.ino'))) mod.x.keep_devino(1);
  const deepest = (fs: readonly FieldRef[]) => fs.reduce((d, f) => Math.max(d, ancestorsRead(f)), 0);
  const depthOf = new Uint8Array(rules.rules.reduce((n, r) => Math.max(n, r.id + 1), 0));
  for (const r of rules.rules) depthOf[r.id] = deepest(r.outputFields);
  const fullDepth = Math.max(deepest(left.flatMap((r) => refsOf(r.condition))), ...depthOf);
  return { rules, mod, rest, restTypes, interpreted: left.length, interest: [...ids].sort((a, b) => a - b), depthOf, fullDepth };
}

export class WasmDetector implements SeededDetector {
  private cur: Loaded;
  private modSeeds: StateSeeds;
  private readonly rs: RecordState;
  readonly seeds: StateSeeds;
  private readonly first: boolean;
  private num = 0;
  // Rule ids the module matched since its last pause: in pause mode they all belong to the record
  // it paused on, so the index it reports with them is not kept. Reused across calls.
  private readonly matched: number[] = [];
  private readonly push = (_index: number, rule: number) => { this.matched.push(rule); };

  private constructor(loaded: Loaded, opts: DetectorOptions) {
    this.cur = loaded;
    this.rs = new RecordState(opts.state);
    this.first = opts.ruleMatching === 'first';
    this.modSeeds = moduleSeeds(loaded.mod);
    // whatever the caller seeded into the JS state beforehand (a /proc scan) goes to the module too
    mirror(this.rs.state, this.modSeeds);
    // from here on the JS state leaves fds to the module and reads them back for alerts
    this.rs.state.useFiles(moduleFds(() => this.cur.mod));
    this.seeds = both(seedsOf(this.rs.state), { ...forward(() => this.modSeeds) });
  }

  static async create(rules: CompiledRules, opts: DetectorOptions = {}): Promise<WasmDetector> {
    return new WasmDetector(await load(rules), opts);
  }

  get state(): State { return this.rs.state; }
  get interest(): readonly number[] { return this.cur.interest; }
  /** Rules the back end could not compile, which the interpreter runs beside the module. */
  get interpreted(): number { return this.cur.interpreted; }
  /** The module's linear memory, for the benchmark's resident-memory account. */
  get moduleBytes(): number { return this.cur.mod.memoryBytes(); }

  feed(buf: Uint8Array, onMatch: (m: Match) => void): number {
    const end = wholeRecordsEnd(buf);
    if (end === 0) return 0;
    const { mod, rules, rest, restTypes, depthOf, fullDepth } = this.cur;
    const base = this.num;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const st = this.rs;
    const ids = this.matched;
    let off = 0, index = 0;
    // The JS state follows the records no rule matched, up to record `upto`: one header read for
    // most (the module keeps the fds itself), a quick in-place update or a decode for process records.
    const follow = (upto: number) => {
      for (; index < upto && off < end; index++) {
        const type = v.getUint16(off + HDR.type, true);
        if (PROC_STATE_TYPES[type]) { if (!st.applyQuick(v, off)) st.apply(decodeRecord(buf, off)); }
        // an fd record of a thread not seen before still makes it (from the header), as apply() always did:
        // it may be an alert's parent later
        else if (STATE_TYPES[type] && !st.state.threads.get(v.getUint32(off + HDR.tid, true))) st.apply(decodeRecord(buf, off));
        off += v.getUint32(off + HDR.len, true);
      }
    };
    // The module pauses after each record that matched (or that the JS state or the interpreter
    // reads the module's fds for), with its tables as that record left them: the alert's fds are
    // read from there, not from a JS copy of every open.
    const onPause = (at: number) => {
      follow(at);
      const type = v.getUint16(off + HDR.type, true);
      const rec = decodeRecord(buf, off);
      st.apply(rec);
      let ev;
      if (rest && restTypes[type] && rec.header.dir !== 0) {
        ev = st.event(rec, base + index + 1, fullDepth);
        const get = getterFor(fieldTable('syscall')!, ev);
        for (const r of rest('syscall', EVENT_SPECS[type]!.name)) if (evaluate(r.condition, get)) ids.push(r.id);
        if (ids.length > 1) ids.sort((a, b) => a - b);
        if (this.first && ids.length > 1) ids.length = 1;
      }
      if (ids.length) {
        if (!ev) {
          // linked as deep as the matched rules' outputs read (most print the parent, a few the 7th
          // ancestor, one the session leader): a 32-level walk per alert was a third of the Event's cost
          let depth = 0;
          for (const id of ids) if (depthOf[id] > depth) depth = depthOf[id];
          ev = st.event(rec, base + index + 1, depth);
        }
        const resolve = resolverFor('syscall', ev);
        for (const id of ids) onMatch({ rule: rules.infos.get(id)!, timeNs: rec.header.ts, resolve });
      }
      ids.length = 0;
      off += rec.header.len; index++;
    };
    ids.length = 0;
    mod.run(end === buf.length ? buf : buf.subarray(0, end), this.push, { first: this.first, firstIndex: 0, onPause });
    follow(Infinity);
    this.num = base + index;
    return end;
  }

  async swap(rules: CompiledRules): Promise<void> {
    const next = await load(rules);
    // Synchronous from here to the switch: no feed() runs in between, so the new module starts
    // from the state as it is at the switch.
    const seeds = moduleSeeds(next.mod);
    mirror(this.rs.state, seeds);
    // fds live only in the module: they pass to the new one
    this.cur.mod.copyFdsTo(next.mod);
    this.cur = next;
    this.modSeeds = seeds;
  }
}

function forward(get: () => StateSeeds): StateSeeds {
  return {
    thread: (t) => get().thread(t), fd: (pid, f) => get().fd(pid, f), user: (u) => get().user(u),
    group: (g) => get().group(g), container: (c) => get().container(c), hostname: (h) => get().hostname(h),
  };
}

export const wasmDetector = (opts: DetectorOptions = {}) => (rules: CompiledRules): Promise<WasmDetector> => WasmDetector.create(rules, opts);
