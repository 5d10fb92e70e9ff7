// The k8s_audit filter: the compiled rules whose source is k8s_audit, evaluated by the reference
// interpreter over one audit event at a time. Two things keep it cheap per event:
// - dispatch: most audit rules pin `ka.target.resource` (pod, secret, configmap macros) as a
//   conjunct of their condition, so rules are indexed by that value and an event meets only the
//   rules for its resource plus the ones that pin none;
// - extraction: each field+argument the rules read has a slot in an AuditExtractPlan and is
//   extracted at most once per event, on first use (rules that fail early never pay for the rest).
import { k8sAuditFields, type AuditEvent } from '../../../compiler/fields/k8saudit.js';
import type { FieldValue } from '../../../compiler/fields/types.js';
import type { Getter } from '../../../compiler/interp/index.js';
import type { FieldRef, IrExpr, IrRule, ValueExpr } from '../../../compiler/ir/types.js';
import type { Resolve } from '../../alerts/template.js';
import { fieldLookup } from '../../filter/resolve.js';
import type { RuleInfo } from '../../alerts/alert.js';
import type { Match } from '../../outputs/delivery.js';
import type { CompiledRules } from '../../pipeline/rules.js';
import { AuditExtractPlan } from './extract.js';
import { compileCondition, type Accessor, type Cond } from './compile.js';

const DISPATCH_FIELD = 'ka.target.resource';

/** Every field reference of a condition, in order. */
function refsOf(e: IrExpr, out: FieldRef[]): FieldRef[] {
  const val = (v: ValueExpr | { k: 'list'; items: ValueExpr[] }): void => {
    if (v.k === 'field') out.push(v.ref);
    else if (v.k === 'transform') v.args.forEach(val);
    else if (v.k === 'list') v.items.forEach(val);
  };
  switch (e.k) {
    case 'and': case 'or': e.args.forEach((a) => refsOf(a, out)); break;
    case 'not': refsOf(e.arg, out); break;
    case 'exists': val(e.lhs); break;
    case 'cmp': val(e.lhs); val(e.rhs); break;
    case 'const': break;
  }
  return out;
}

/** Values of the dispatch field a rule requires (a top-level `=`/`in` conjunct), or null when it requires none. */
function pinned(e: IrExpr): Set<string> | null {
  if (e.k === 'cmp' && e.lhs.k === 'field' && e.lhs.ref.field === DISPATCH_FIELD && !e.lhs.ref.arg && !e.quant) {
    if (e.op === '=' && e.rhs.k === 'literal' && typeof e.rhs.value === 'string') return new Set([e.rhs.value]);
    if (e.op === 'in' && e.rhs.k === 'list' && e.rhs.items.every((i) => i.k === 'literal' && typeof i.value === 'string')) {
      return new Set(e.rhs.items.map((i) => (i as { value: string }).value));
    }
  }
  if (e.k === 'and') {
    // Any one pinning conjunct is enough; the narrowest is the most useful.
    let best: Set<string> | null = null;
    for (const a of e.args) { const p = pinned(a); if (p && (!best || p.size < best.size)) best = p; }
    return best;
  }
  if (e.k === 'or') {
    // Every branch must pin for the disjunction to pin (the union of theirs).
    const all = new Set<string>();
    for (const a of e.args) { const p = pinned(a); if (!p) return null; for (const v of p) all.add(v); }
    return all;
  }
  return null;
}

/** Output text of a field value as libsinsp prints it: a list field as `(a,b)`, <NA> left to the template. */
// module level, not per call: every closure made at run time costs a defineProperty under tsx
// (esbuild's keepNames), which was an eighth of the audit path's time
const one = (x: FieldValue): string => (x instanceof Uint8Array ? Buffer.from(x).toString('latin1') : String(x));

function display(v: FieldValue | FieldValue[] | undefined, multi: boolean): string | undefined {
  if (v === undefined) return undefined;
  if (!multi) return Array.isArray(v) ? (v.length ? one(v[0]) : undefined) : one(v);
  const list = Array.isArray(v) ? v : [v];
  return list.length ? `(${list.map(one).join(',')})` : undefined;
}

/** Output-string resolution for one audit event over the k8s_audit field table. */
export function auditResolver(ev: AuditEvent): Resolve {
  return (field, arg) => {
    const l = fieldLookup('k8s_audit', field, arg);
    return l ? display(l.ex(ev, l.arg), l.multi) : undefined;
  };
}

interface Candidate { cond: Cond; info: RuleInfo }

export class AuditMatcher {
  readonly rules: IrRule[];
  readonly plan: AuditExtractPlan;
  private readonly slotByRef = new Map<FieldRef, number>();
  /** Per slot: the event generation its value belongs to. */
  private readonly filled: Uint32Array;
  private gen = 0;
  private ev: AuditEvent | undefined;
  private readonly get: Getter;
  private readonly dispatchSlot: number;
  /**
   * What match() walks, in load order (rule id, the order Falco reports one event's matches in):
   * per dispatch value the rules that pin it or none, and the rules that pin none for the rest;
   * each with its condition (closures over this matcher's slots) and alert info at hand.
   */
  private readonly runs = new Map<string, Candidate[]>();
  private readonly unpinnedRun: Candidate[];
  private readonly dispatch: Accessor;

  constructor(compiled: CompiledRules) {
    this.rules = compiled.rules.filter((r) => r.source === 'k8s_audit');
    const refs = this.rules.flatMap((r) => refsOf(r.condition, []));
    const dispatchRef: FieldRef = { field: DISPATCH_FIELD, type: 'string', multi: false, span: { file: '', start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 0, offset: 0 } } };
    this.plan = new AuditExtractPlan(k8sAuditFields, [dispatchRef, ...refs]);
    for (const r of refs) this.slotByRef.set(r, this.plan.slotOf(r.field, r.arg));
    this.dispatchSlot = this.plan.slotOf(DISPATCH_FIELD);
    this.filled = new Uint32Array(this.plan.slots.length);

    const { values: vals, slots } = this.plan;
    this.get = (ref) => {
      let s = this.slotByRef.get(ref);
      if (s === undefined) { s = this.plan.slotOf(ref.field, ref.arg); this.slotByRef.set(ref, s); }
      if (this.filled[s] !== this.gen) { vals[s] = slots[s].ex(this.ev!, ref.arg); this.filled[s] = this.gen; }
      return vals[s];
    };
    const accessor = (ref: FieldRef): Accessor => {
      const s = this.plan.slotOf(ref.field, ref.arg);
      const { ex } = slots[s];
      const arg = ref.arg;
      const filled = this.filled;
      return () => {
        if (filled[s] !== this.gen) { vals[s] = ex(this.ev!, arg); filled[s] = this.gen; }
        return vals[s];
      };
    };
    this.dispatch = accessor(this.plan.slots[this.dispatchSlot].ref);
    const all = this.rules.map((r) => ({ pins: pinned(r.condition), c: { cond: compileCondition(r.condition, accessor, this.get), info: compiled.infos.get(r.id)! } }));
    const values = new Set<string>();
    for (const { pins } of all) if (pins) for (const v of pins) values.add(v);
    for (const v of values) this.runs.set(v, all.filter(({ pins }) => !pins || pins.has(v)).map(({ c }) => c));
    this.unpinnedRun = all.filter(({ pins }) => !pins).map(({ c }) => c);
  }

  /** Runs every k8s_audit rule that can match the event; onMatch per match, in rule order. Returns the match count. */
  match(ev: AuditEvent, onMatch: (m: Match) => void): number {
    this.ev = ev;
    // Generation 0 marks "never filled"; start over before the counter outgrows the Uint32Array.
    if (++this.gen > 0xffff_ffff) { this.gen = 1; this.filled.fill(0); }
    const resource = this.dispatch();
    const run = (typeof resource === 'string' && this.runs.get(resource)) || this.unpinnedRun;
    let n = 0;
    let resolve: Resolve | undefined;
    for (let i = 0; i < run.length; i++) {
      const c = run[i];
      if (!c.cond()) continue;
      n++;
      onMatch({ rule: c.info, timeNs: ev.ts, resolve: (resolve ??= auditResolver(ev)) });
    }
    this.ev = undefined;
    return n;
  }
}
