// The condition half of the front end: LoadResult -> typed IrRuleSet. Per rule: parse the
// condition, expand macros and lists, add exceptions, lower to IR with field and type checks,
// compute event types, parse output fields. Then rule-set-wide facts and unused-item warnings.
import type { Diagnostic } from '../diag.js';
import { EVENTS } from '../../schema/events.js';
import { COND_CODES, type CondCode } from '../check/codes.js';
import { eventTypesOf, unknownEventTypes } from '../check/evttypes.js';
import { applyExceptions } from '../check/exceptions.js';
import { Expander } from '../check/expand.js';
import { fieldTable } from '../fields/index.js';
import type { LoadResult, ResolvedRule } from '../load/types.js';
import { parseCondition } from '../parse/parser.js';
import { Lowerer, refName } from './lower.js';
import { outputFields } from './output.js';
import type { FieldRef, IrExpr, IrRule, IrRuleSet } from './types.js';

const SYSCALL_TYPES = new Set(EVENTS.map((e) => e.name));

export interface BuildOptions { source?: string }

export function buildRuleSet(load: LoadResult, opts: BuildOptions = {}): { ruleset: IrRuleSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (code: CondCode, message: string, d: Partial<Diagnostic>) => diagnostics.push({ code, severity: COND_CODES[code], message, ...d });
  const expander = Expander.fromLoad(load, diagnostics);
  const rules: IrRule[] = [];

  for (const r of load.rules) {
    if (opts.source && r.source !== opts.source) continue;
    const rule = buildRule(r, rules.length, expander, diagnostics, report);
    if (rule) rules.push(rule);
  }

  // Falco warns about macros and lists no rule uses; only meaningful when all sources were built.
  if (!opts.source) {
    for (const m of load.macros.values()) if (!expander.usedMacros.has(m.name)) report('LOAD_UNUSED_MACRO', `macro '${m.name}' is not used by any rule`, { span: m.span, item: m.name });
    for (const l of load.lists.values()) if (!expander.usedLists.has(l.name)) report('LOAD_UNUSED_LIST', `list '${l.name}' is not used by any rule`, { span: l.span, item: l.name });
  }

  return { ruleset: { rules, fieldsUsed: fieldsUsed(rules), eventTypes: eventTypeUnion(rules) }, diagnostics };
}

function buildRule(r: ResolvedRule, id: number, expander: Expander, diagnostics: Diagnostic[], report: (c: CondCode, m: string, d: Partial<Diagnostic>) => void): IrRule | undefined {
  const table = fieldTable(r.source);
  if (!table) { report('LOAD_UNKNOWN_SOURCE', `rule '${r.name}' has source '${r.source}', which has no field table here; skipped`, { span: r.span, item: r.name }); return undefined; }
  const parsed = parseCondition(r.condition, r.name);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.ast) return undefined;
  const before = diagnostics.length;
  const expanded = expander.expand(applyExceptions(parsed.ast, r.exceptions), r.name);
  const local: Diagnostic[] = [];
  const lowerer = new Lowerer(table, local, r.name, r.skipIfUnknownFilter);
  const condition = lowerer.lower(expanded);
  const outFields = outputFields(r.output, r.outputSpan, lowerer, local);
  if (r.skipIfUnknownFilter && lowerer.unknownField) {
    report('COND_SKIPPED_UNKNOWN_FILTER', `rule '${r.name}' skipped: unknown field '${lowerer.unknownField.name}' (skip-if-unknown-filter)`, { span: lowerer.unknownField.span, item: r.name });
    return undefined;
  }
  diagnostics.push(...local);
  if (diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined;

  let eventTypes: string[] | null = null;
  if (r.source === 'syscall') {
    for (const u of unknownEventTypes(condition, SYSCALL_TYPES)) report('COND_UNKNOWN_EVTTYPE', `'${u.name}' is not an event type Vigil captures; this comparison never matches`, { span: u.expr.span, item: r.name });
    const set = eventTypesOf(condition, SYSCALL_TYPES);
    if (set.size === SYSCALL_TYPES.size) {
      if (r.warnEvttypes) report('LOAD_NO_EVTTYPE', `rule '${r.name}' does not restrict evt.type and runs on every event; add an evt.type condition`, { span: r.span, item: r.name });
    } else {
      eventTypes = EVENTS.map((e) => e.name).filter((n) => set.has(n));
      checkEvtArgs(condition, new Set(eventTypes), r.name, report);
    }
  }
  return {
    id, name: r.name, desc: r.desc, priority: r.priority, tags: r.tags, source: r.source, output: r.output,
    outputFields: outFields, condition, eventTypes, enabled: r.enabled, span: r.span,
  };
}

/** evt.arg.X where none of the rule's event types has X: always <NA> for this rule. */
function checkEvtArgs(e: IrExpr, types: Set<string>, item: string, report: (c: CondCode, m: string, d: Partial<Diagnostic>) => void): void {
  for (const ref of refsOf(e)) {
    if (ref.field !== 'evt.arg' || ref.arg?.kind !== 'key') continue;
    const name = ref.arg.value;
    const has = EVENTS.some((ev) => types.has(ev.name) && [...ev.params, ...(ev.enterParams ?? [])].some((p) => p.name === name));
    if (!has) report('COND_EVT_ARG_NOT_IN_TYPES', `none of this rule's event types has a parameter '${name}'`, { span: ref.span, item });
  }
}

export function refsOf(e: IrExpr): FieldRef[] {
  const out: FieldRef[] = [];
  const val = (v: import('./types.js').ValueExpr): void => {
    if (v.k === 'field') out.push(v.ref);
    else if (v.k === 'transform') v.args.forEach(val);
  };
  const walk = (x: IrExpr): void => {
    switch (x.k) {
      case 'and': case 'or': x.args.forEach(walk); break;
      case 'not': walk(x.arg); break;
      case 'exists': val(x.lhs); break;
      case 'cmp': val(x.lhs); if (x.rhs.k === 'list') x.rhs.items.forEach(val); else val(x.rhs); break;
      default: break;
    }
  };
  walk(e);
  return out;
}

function fieldsUsed(rules: IrRule[]): FieldRef[] {
  const seen = new Map<string, FieldRef>();
  for (const r of rules) if (r.enabled) for (const f of refsOf(r.condition)) { const k = refName(f); if (!seen.has(k)) seen.set(k, f); }
  return [...seen.values()];
}

function eventTypeUnion(rules: IrRule[]): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const r of rules) {
    if (!r.enabled) continue;
    const cur = out[r.source];
    if (r.eventTypes === null || cur === null) { out[r.source] = null; continue; }
    out[r.source] = [...new Set([...(cur ?? []), ...r.eventTypes])];
  }
  for (const [s, v] of Object.entries(out)) if (v && s === 'syscall') out[s] = EVENTS.map((e) => e.name).filter((n) => v.includes(n));
  return out;
}
