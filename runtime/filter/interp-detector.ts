// The Detector on the reference interpreter: every record is decoded, applied to the JS state and,
// when a loaded rule can match its type, built into an Event and evaluated. The baseline the WASM
// detector is checked against, and the engine `vigil replay --engine interp` runs.
import { fieldTable } from '../../compiler/fields/index.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import { EVENT_SPECS } from '../decode/schema.gen.js';
import { decodeRecord } from '../decode/record.js';
import type { Match } from '../outputs/delivery.js';
import type { Detector } from '../pipeline/detector.js';
import type { CompiledRules } from '../pipeline/rules.js';
import { State } from '../state/state.js';
import { dispatch, type RulesFor } from './dispatch.js';
import { RecordState } from './record-state.js';
import { resolverFor } from './resolve.js';
import { seedsOf, type StateSeeds } from './seed.js';
import { wholeRecordsEnd } from './walk.js';

export type RuleMatching = 'first' | 'all';

export interface DetectorOptions {
  /** Falco's rule_matching: stop at an event's first matching rule (in rule order), or report all. */
  ruleMatching?: RuleMatching;
  /** The JS state to use (seeded by the caller, e.g. from /proc); a fresh one otherwise. */
  state?: State;
}

export interface SeededDetector extends Detector {
  /** Facts from outside the records; apply between two feed() calls. */
  readonly seeds: StateSeeds;
  readonly state: State;
}

interface Loaded { rules: CompiledRules; rulesFor: RulesFor; interest: number[] }

function load(rules: CompiledRules): Loaded {
  const rulesFor = dispatch(rules.rules);
  const interest: number[] = [];
  EVENT_SPECS.forEach((s, id) => { if (s && rulesFor('syscall', s.name).length) interest.push(id); });
  return { rules, rulesFor, interest };
}

export class InterpDetector implements SeededDetector {
  private cur: Loaded;
  private readonly rs: RecordState;
  readonly seeds: StateSeeds;
  private readonly first: boolean;
  private num = 0;

  constructor(rules: CompiledRules, opts: DetectorOptions = {}) {
    this.cur = load(rules);
    this.rs = new RecordState(opts.state);
    this.seeds = seedsOf(this.rs.state);
    this.first = opts.ruleMatching === 'first';
  }

  get state(): State { return this.rs.state; }
  get interest(): readonly number[] { return this.cur.interest; }

  feed(buf: Uint8Array, onMatch: (m: Match) => void): number {
    const end = wholeRecordsEnd(buf);
    const { rules, rulesFor } = this.cur;
    const table = fieldTable('syscall')!;
    for (let off = 0; off < end;) {
      const rec = decodeRecord(buf, off);
      off += rec.header.len;
      const num = ++this.num;
      this.rs.apply(rec);
      if (rec.header.dir === 0) continue; // enters wait for their exits, which carry their parameters
      const spec = EVENT_SPECS[rec.header.type];
      const candidates = rulesFor('syscall', spec?.name);
      if (candidates.length === 0) continue;
      const ev = this.rs.event(rec, num);
      const get = getterFor(table, ev);
      for (const r of candidates) {
        if (!evaluate(r.condition, get)) continue;
        onMatch({ rule: rules.infos.get(r.id)!, timeNs: rec.header.ts, resolve: resolverFor('syscall', ev) });
        if (this.first) break;
      }
    }
    return end;
  }

  async swap(rules: CompiledRules): Promise<void> { this.cur = load(rules); }
}

export const interpDetector = (opts: DetectorOptions = {}) => async (rules: CompiledRules): Promise<InterpDetector> => new InterpDetector(rules, opts);
