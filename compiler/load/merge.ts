// Applies raw items in load order with Falco's amend rules: a definition replaces an earlier one of
// the same name in place; `override:` appends to or replaces single keys; the deprecated
// `append: true` appends; `enabled:` alone toggles an existing rule.
import type { Span } from '../diag.js';
import { hasFields } from './exceptions.js';
import type { OverrideMode, RawItem, RawList, RawMacro, RawRule } from './items.js';
import { appendSource } from './source-text.js';
import type { ExceptionDef, Located, ResolvedMacro, ResolvedRule, SourceText } from './types.js';

/** Which keys each item kind lets `override:` append to or replace (Falco's rule_loader). */
export const OVERRIDABLE: Record<'list' | 'macro' | 'rule', Record<OverrideMode, Set<string>>> = {
  list: { append: new Set(['items']), replace: new Set(['items']) },
  macro: { append: new Set(['condition']), replace: new Set(['condition']) },
  rule: {
    append: new Set(['condition', 'output', 'desc', 'tags', 'exceptions']),
    replace: new Set(['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter']),
  },
};
/** Keys `append: true` may carry, per kind. */
const LEGACY_APPENDABLE = { list: new Set(['items']), macro: new Set(['condition']), rule: new Set(['condition', 'exceptions', 'source']) };

export interface UnresolvedList { name: string; items: Array<Located<string>>; span: Span }

export class MergeState {
  lists = new Map<string, UnresolvedList>();
  macros = new Map<string, ResolvedMacro>();
  rules = new Map<string, ResolvedRule>();

  apply(item: RawList | RawMacro | RawRule): 'defined' | 'amended' | 'rejected' {
    if (item.overrideInvalid) return 'rejected';
    // An empty override section overrides nothing: the item is an ordinary definition (as in Falco).
    if (item.override && item.override.size === 0) delete item.override;
    if (item.append && item.override) {
      item.ctx.report('LOAD_BAD_OVERRIDE', `"append" and "override" cannot be used together in ${item.kind} "${item.name}"`, item.overrideSpan ?? item.span, item.name);
      return 'rejected';
    }
    if (item.append) return this.legacyAppend(item);
    if (item.override) return this.override(item);
    if (item.kind === 'rule' && isEnableOnly(item)) return this.enableOnly(item);
    return this.define(item);
  }

  private has(kind: 'list' | 'macro' | 'rule', name: string): boolean {
    return kind === 'list' ? this.lists.has(name) : kind === 'macro' ? this.macros.has(name) : this.rules.has(name);
  }

  private define(item: RawList | RawMacro | RawRule): 'defined' | 'rejected' {
    const missing = (key: string) => {
      item.ctx.report('LOAD_MISSING_KEY', `${item.kind} "${item.name}" has no "${key}"`, item.span, item.name);
    };
    if (item.kind === 'list') {
      if (!item.keys.has('items')) { missing('items'); return 'rejected'; }
      if (!item.items) return 'rejected';
      this.lists.set(item.name, { name: item.name, items: item.items, span: item.span });
      return 'defined';
    }
    if (item.kind === 'macro') {
      if (!item.keys.has('condition')) { missing('condition'); return 'rejected'; }
      if (!item.condition) return 'rejected';
      this.macros.set(item.name, { name: item.name, condition: item.condition, span: item.span });
      return 'defined';
    }
    let ok = true;
    for (const k of ['condition', 'desc', 'output', 'priority']) if (!item.keys.has(k)) { missing(k); ok = false; }
    if (!ok || item.condition === undefined || item.desc === undefined || item.output === undefined || item.priority === undefined) return 'rejected';
    if (item.keys.has('tags') && item.tags === undefined) return 'rejected';
    if (item.keys.has('exceptions') && item.exceptions === undefined) return 'rejected';
    for (const ex of item.exceptions ?? []) {
      if (!hasFields(ex)) {
        item.ctx.report('LOAD_BAD_EXCEPTION', `exception "${ex.name}" of rule "${item.name}" has no fields`, ex.span, item.name);
        return 'rejected';
      }
    }
    this.rules.set(item.name, {
      name: item.name,
      desc: item.desc,
      condition: item.condition,
      output: item.output.trim(),
      ...(item.outputSpan ? { outputSpan: item.outputSpan } : {}),
      priority: item.priority,
      tags: item.tags ?? [],
      enabled: item.enabled ?? true,
      source: item.source ?? 'syscall',
      exceptions: item.exceptions ?? [],
      warnEvttypes: item.warnEvttypes ?? true,
      skipIfUnknownFilter: item.skipIfUnknownFilter ?? false,
      span: item.span,
    });
    return 'defined';
  }

  private undefinedTarget(item: RawList | RawMacro | RawRule, how: string, at?: Span): 'rejected' {
    item.ctx.report('LOAD_APPEND_UNDEFINED', `cannot ${how} ${item.kind} "${item.name}": no ${item.kind} of that name is defined before it`, at ?? item.span, item.name);
    return 'rejected';
  }

  private enableOnly(item: RawRule): 'amended' | 'rejected' {
    if (!item.keys.has('enabled')) {
      item.ctx.report('LOAD_MISSING_KEY', `rule "${item.name}" has none of condition, output, desc, priority: it must at least set "enabled"`, item.span, item.name);
      return 'rejected';
    }
    if (item.enabled === undefined) return 'rejected';
    item.ctx.report('LOAD_DEPRECATED_ENABLED', `setting only "enabled" is deprecated; use "override: {enabled: replace}"`, item.keys.get('enabled'), item.name);
    for (const [k, span] of item.keys) {
      if (k !== 'enabled') item.ctx.report('LOAD_UNKNOWN_KEY', `key "${k}" is ignored when a rule item only sets "enabled"`, span, item.name);
    }
    const rule = this.rules.get(item.name);
    if (!rule) return this.undefinedTarget(item, item.enabled ? 'enable' : 'disable', item.keys.get('enabled'));
    if (item.enabled !== undefined) rule.enabled = item.enabled;
    return 'amended';
  }

  private legacyAppend(item: RawList | RawMacro | RawRule): 'amended' | 'rejected' {
    item.ctx.report('LOAD_DEPRECATED_APPEND', `"append: true" is deprecated; use "override: {KEY: append}"`, item.keys.get('append'), item.name);
    if (!this.has(item.kind, item.name)) return this.undefinedTarget(item, 'append to', item.keys.get('append'));
    for (const [k, span] of item.keys) {
      if (k === 'append' || LEGACY_APPENDABLE[item.kind].has(k)) continue;
      item.ctx.report('LOAD_UNKNOWN_KEY', `key "${k}" is ignored with "append: true" (use override to change it)`, span, item.name);
    }
    const modes = new Map<string, OverrideMode>();
    for (const k of item.keys.keys()) if (LEGACY_APPENDABLE[item.kind].has(k) && k !== 'source') modes.set(k, 'append');
    return this.amend(item, modes);
  }

  private override(item: RawList | RawMacro | RawRule): 'defined' | 'amended' | 'rejected' {
    const ov = item.override!;
    const allowed = OVERRIDABLE[item.kind];
    let ok = true;
    for (const [k, { mode, span }] of ov) {
      if (!allowed[mode].has(k)) {
        item.ctx.report('LOAD_BAD_OVERRIDE', `key "${k}" of a ${item.kind} cannot be ${mode === 'append' ? 'appended to' : 'replaced'}`, span, item.name);
        ok = false;
      } else if (!item.keys.has(k)) {
        item.ctx.report('LOAD_BAD_OVERRIDE', `override names "${k}" but the ${item.kind} gives no "${k}"`, span, item.name);
        ok = false;
      }
    }
    for (const [k, span] of item.keys) {
      if (k === 'override' || k === 'source' || ov.has(k)) continue;
      item.ctx.report('LOAD_BAD_OVERRIDE', `key "${k}" needs an override entry ("${k}: append" or "${k}: replace")`, span, item.name);
      ok = false;
    }
    if (!ok) return 'rejected';
    // A list or macro has one overridable key, so replacing it is simply defining the item again
    // (which is allowed whether or not it exists), as Falco does.
    if (item.kind !== 'rule' && ov.size === 1 && [...ov.values()][0].mode === 'replace') return this.define(item);
    if (!this.has(item.kind, item.name)) {
      const first = [...ov.values()][0];
      return this.undefinedTarget(item, first?.mode === 'append' ? 'append to' : 'override', first?.span ?? item.overrideSpan);
    }
    return this.amend(item, new Map([...ov].map(([k, v]) => [k, v.mode])));
  }

  /** Applies key-wise append/replace to an existing definition (checked to exist). */
  private amend(item: RawList | RawMacro | RawRule, modes: Map<string, OverrideMode>): 'amended' | 'rejected' {
    if (item.kind === 'list') {
      const list = this.lists.get(item.name)!;
      if (!item.items) return 'rejected';
      list.items = modes.get('items') === 'append' ? [...list.items, ...item.items] : item.items;
      return 'amended';
    }
    if (item.kind === 'macro') {
      const macro = this.macros.get(item.name)!;
      if (!item.condition) return 'rejected';
      macro.condition = joinCondition(macro.condition, item.condition, modes.get('condition')!);
      return 'amended';
    }
    const rule = this.rules.get(item.name)!;
    // Check everything before touching the rule, so a rejected amendment changes nothing.
    for (const k of modes.keys()) if (valueOf(item, k) === undefined) return 'rejected';
    let exceptions = rule.exceptions;
    if (modes.has('exceptions')) {
      const merged = mergeExceptions(item, rule.exceptions, modes.get('exceptions')!);
      if (!merged) return 'rejected';
      exceptions = merged;
    }
    for (const [k, mode] of modes) {
      const app = mode === 'append';
      switch (k) {
        case 'condition': rule.condition = joinCondition(rule.condition, item.condition!, mode); break;
        case 'output': rule.output = app ? `${rule.output} ${item.output}` : item.output!; if (!app && item.outputSpan) rule.outputSpan = item.outputSpan; break;
        case 'desc': rule.desc = app ? `${rule.desc} ${item.desc}` : item.desc!; break;
        case 'tags': rule.tags = app ? [...rule.tags, ...item.tags!.filter((t) => !rule.tags.includes(t))] : item.tags!; break;
        case 'exceptions': rule.exceptions = exceptions; break;
        case 'priority': rule.priority = item.priority!; break;
        case 'enabled': rule.enabled = item.enabled!; break;
        case 'warn_evttypes': rule.warnEvttypes = item.warnEvttypes!; break;
        case 'skip-if-unknown-filter': rule.skipIfUnknownFilter = item.skipIfUnknownFilter!; break;
      }
    }
    return 'amended';
  }
}

function valueOf(item: RawRule, key: string): unknown {
  switch (key) {
    case 'condition': return item.condition;
    case 'output': return item.output;
    case 'desc': return item.desc;
    case 'tags': return item.tags;
    case 'exceptions': return item.exceptions;
    case 'priority': return item.priority;
    case 'enabled': return item.enabled;
    case 'warn_evttypes': return item.warnEvttypes;
    case 'skip-if-unknown-filter': return item.skipIfUnknownFilter;
    default: return null;
  }
}

function joinCondition(old: SourceText, add: SourceText, mode: OverrideMode): SourceText {
  return mode === 'append' ? appendSource(old, add) : add;
}

/** Appending exceptions: values of a same-named exception are added to it, new names are added whole. */
function mergeExceptions(item: RawRule, existing: ExceptionDef[], mode: OverrideMode): ExceptionDef[] | undefined {
  const incoming = item.exceptions!;
  const base = mode === 'append' ? existing.map((e) => ({ ...e, values: [...e.values] })) : [];
  for (const ex of incoming) {
    const same = base.find((e) => e.name === ex.name);
    if (same && mode === 'append') {
      if (hasFields(ex) && JSON.stringify(fieldNames(ex)) !== JSON.stringify(fieldNames(same))) {
        item.ctx.report('LOAD_BAD_EXCEPTION', `exception "${ex.name}" is appended with different fields than it was defined with`, ex.span, item.name);
        return undefined;
      }
      same.values.push(...ex.values);
      continue;
    }
    if (!hasFields(ex)) {
      item.ctx.report('LOAD_APPEND_UNDEFINED', `cannot append values to exception "${ex.name}": rule "${item.name}" has no exception of that name (give fields to add a new one)`, ex.span, item.name);
      return undefined;
    }
    base.push(ex);
  }
  return base;
}

function fieldNames(ex: ExceptionDef): string[] {
  return Array.isArray(ex.fields) ? ex.fields.map((f) => f.value) : [ex.fields.value];
}

/** Falco treats a rule item with none of condition/output/desc/priority as "set enabled on an existing rule". */
function isEnableOnly(item: RawRule): boolean {
  return !['condition', 'output', 'desc', 'priority'].some((k) => item.keys.has(k));
}
