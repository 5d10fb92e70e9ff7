// Macro and list expansion on the AST. A macro reference is replaced by the macro's parsed
// condition; every node taken from a macro gets the use site appended to its span's `via` chain,
// so a diagnostic inside a macro shows the macro text and every place that pulled it in.
import type { Diagnostic, Span } from '../diag.js';
import type { LoadResult, ResolvedList, ResolvedMacro } from '../load/types.js';
import type { CondNode, RhsNode, ValueLit, ValueNode } from '../parse/ast.js';
import { LIST_OPS } from '../parse/ast.js';
import { parseCondition } from '../parse/parser.js';
import { COND_CODES, type CondCode } from './codes.js';

const withVia = (s: Span, via: Span[]): Span => (via.length ? { ...s, via: [...(s.via ?? []), ...via] } : s);

export class Expander {
  private readonly parsed = new Map<string, CondNode | null>();
  readonly usedMacros = new Set<string>();
  readonly usedLists = new Set<string>();

  constructor(private readonly macros: Map<string, ResolvedMacro>, private readonly lists: Map<string, ResolvedList>, private readonly diags: Diagnostic[]) {}

  static fromLoad(load: LoadResult, diags: Diagnostic[]): Expander { return new Expander(load.macros, load.lists, diags); }

  private report(code: CondCode, message: string, span: Span, item?: string): void {
    this.diags.push({ code, severity: COND_CODES[code], message, span, ...(item ? { item } : {}) });
  }

  /** The macro's condition, parsed once; a syntax error is reported once, at the macro. */
  private macroAst(name: string): CondNode | null | undefined {
    if (this.parsed.has(name)) return this.parsed.get(name);
    const m = this.macros.get(name);
    if (!m) return undefined;
    const r = parseCondition(m.condition, name);
    this.diags.push(...r.diagnostics);
    this.parsed.set(name, r.ast ?? null);
    return r.ast ?? null;
  }

  /** Expands macros and list names in `node`; `item` names the rule for diagnostics. */
  expand(node: CondNode, item: string): CondNode { return this.walk(node, [], [], item); }

  private walk(n: CondNode, via: Span[], stack: string[], item: string): CondNode {
    const span = withVia(n.span, via);
    switch (n.k) {
      case 'and': case 'or': return { k: n.k, args: n.args.map((a) => this.walk(a, via, stack, item)), span };
      case 'not': return { k: 'not', arg: this.walk(n.arg, via, stack, item), span };
      case 'const': return { ...n, span };
      case 'ref': {
        if (stack.includes(n.name)) {
          this.report('COND_MACRO_CYCLE', `macro cycle: ${[...stack.slice(stack.indexOf(n.name)), n.name].join(' -> ')}`, span, item);
          return { k: 'const', value: false, span };
        }
        const body = this.macroAst(n.name);
        if (body === undefined) {
          this.report('COND_UNDEFINED_MACRO', `undefined macro '${n.name}'`, span, item);
          return { k: 'const', value: false, span };
        }
        this.usedMacros.add(n.name);
        if (body === null) return { k: 'const', value: false, span };
        return this.walk(body, [n.span, ...via], [...stack, n.name], item);
      }
      case 'check': {
        const rhs = n.rhs ? this.rhs(n.rhs, LIST_OPS.has(n.op), via, item) : undefined;
        return { ...n, lhs: this.value(n.lhs, via), opSpan: withVia(n.opSpan, via), ...(rhs ? { rhs } : {}), span };
      }
    }
  }

  private value(v: ValueNode, via: Span[]): ValueNode {
    const span = withVia(v.span, via);
    if (v.k === 'field') return { ...v, ...(v.arg ? { arg: this.lit(v.arg, via) } : {}), span };
    if (v.k === 'lit') return { ...v, value: this.lit(v.value, via), span };
    return { ...v, args: v.args.map((a) => this.value(a, via)), ...(v.param ? { param: this.lit(v.param, via) } : {}), span };
  }

  private lit(l: ValueLit, via: Span[]): ValueLit { return { ...l, span: withVia(l.span, via) }; }

  private rhs(r: RhsNode, isList: boolean, via: Span[], item: string): RhsNode {
    const span = withVia(r.span, via);
    switch (r.k) {
      case 'value': return { ...r, value: this.lit(r.value, via), span };
      case 'expr': return { ...r, value: this.value(r.value, via), span };
      case 'listref': {
        const l = this.lists.get(r.name);
        if (!l) { this.report('COND_UNDEFINED_LIST', `undefined list '${r.name}'`, span, item); return { k: 'list', items: [], span }; }
        return { k: 'list', items: this.listItems(l, [r.span, ...via]), span };
      }
      case 'list': {
        const items: ValueLit[] = [];
        for (const it of r.items) {
          const l = !it.quoted && isList ? this.lists.get(it.text) : undefined;
          if (l) items.push(...this.listItems(l, [it.span, ...via]));
          else items.push(this.lit(it, via));
        }
        return { k: 'list', items, span };
      }
    }
  }

  private listItems(l: ResolvedList, via: Span[]): ValueLit[] {
    this.markListUsed(l);
    return l.items.map((x) => ({ text: unquote(x.value), quoted: true, span: withVia(x.span, via) }));
  }

  /** A list is used when a used list's items came from it (the loader already inlined nested lists). */
  private markListUsed(l: ResolvedList): void {
    if (this.usedLists.has(l.name)) return;
    this.usedLists.add(l.name);
    for (const other of this.lists.values()) {
      if (this.usedLists.has(other.name)) continue;
      if (l.items.some((x) => inside(x.span, other.span))) this.markListUsed(other);
    }
  }
}

function inside(a: Span, b: Span): boolean {
  return a.file === b.file && a.start.offset >= b.start.offset && a.end.offset <= b.end.offset;
}

/**
 * Falco pastes list items into the condition text, so an item written with quotes inside the
 * YAML (`'"10.0.0.0/8"'`) is a quoted string there: the quotes are not part of the value.
 */
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) {
    return s.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  }
  return s;
}
