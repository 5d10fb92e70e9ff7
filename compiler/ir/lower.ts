// Lowering an expanded condition AST to the typed IR: fields resolved in the source's table,
// operators checked against field types, literals converted. Problems become diagnostics and
// the offending check becomes `const false`, so one bad check does not hide the others.
import type { Diagnostic, Span } from '../diag.js';
import { EVENTS } from '../../schema/events.js';
import { COND_CODES, type CondCode } from '../check/codes.js';
import { lookupField, type AnyFieldTable } from '../fields/index.js';
import type { CondNode, FieldNode, RhsNode, ValueLit, ValueNode } from '../parse/ast.js';
import { LIST_OPS } from '../parse/ast.js';
import { convertLiteral } from './literal.js';
import type { CmpOp, FieldArg, FieldRef, FieldType, IrExpr, ValueExpr } from './types.js';

const NUMERIC = new Set<FieldType>(['int', 'reltime', 'abstime']);
const STRING_ONLY = new Set(['contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'pmatch']);
const ORDER_OPS = new Set(['<', '<=', '>', '>=']);
const ALL_PARAMS = new Set(EVENTS.flatMap((e) => [...e.params, ...(e.enterParams ?? [])].map((p) => p.name)));

/** Which operators each field type supports (exists works on every type). */
function opAllowed(op: string, t: FieldType): boolean {
  if (op === 'in' || op === 'intersects' || op === '=' || op === '!=') return true;
  if (ORDER_OPS.has(op)) return NUMERIC.has(t);
  if (op === 'bcontains' || op === 'bstartswith') return t === 'bytes' || t === 'string';
  if (STRING_ONLY.has(op)) return t === 'string';
  return false;
}

export class UnknownFieldError extends Error {}

export class Lowerer {
  /** Set when a field was unknown: skip-if-unknown-filter rules are dropped rather than failing. */
  unknownField?: { name: string; span: Span };

  constructor(private readonly table: AnyFieldTable, private readonly diags: Diagnostic[], private readonly item: string, private readonly silenceUnknown = false) {}

  private report(code: CondCode, message: string, span: Span): void {
    this.diags.push({ code, severity: COND_CODES[code], message, span, item: this.item });
  }

  lower(n: CondNode): IrExpr {
    switch (n.k) {
      case 'and': case 'or': return { k: n.k, args: n.args.map((a) => this.lower(a)), span: n.span };
      case 'not': return { k: 'not', arg: this.lower(n.arg), span: n.span };
      case 'const': return n;
      case 'ref': // expansion replaces every ref; one left here is a bug upstream of us
        this.report('COND_UNDEFINED_MACRO', `undefined macro '${n.name}'`, n.span);
        return { k: 'const', value: false, span: n.span };
      case 'check': return this.check(n) ?? { k: 'const', value: false, span: n.span };
    }
  }

  private check(n: Extract<CondNode, { k: 'check' }>): IrExpr | undefined {
    const lhs = this.value(n.lhs);
    if (!lhs) return undefined;
    if (n.op === 'exists') return { k: 'exists', lhs, span: n.span };
    const op = (n.op === '==' ? '=' : n.op) as CmpOp;
    if (n.quant && !isMulti(lhs)) { this.report('COND_QUANT_SCALAR', `${n.quant} needs a field with several values; ${describe(lhs)} has one`, n.span); return undefined; }
    // Comparisons happen in the left side's type; bcontains on text compares bytes.
    if (!opAllowed(op, lhs.type)) {
      this.report('COND_OP_TYPE', `operator '${op}' cannot compare ${describe(lhs)} of type ${lhs.type}`, n.opSpan);
      return undefined;
    }
    const rhs = this.rhs(n.rhs!, op, lhs.type);
    if (!rhs) return undefined;
    return { k: 'cmp', op, lhs, rhs, ...(n.quant ? { quant: n.quant } : {}), span: n.span };
  }

  private rhs(r: RhsNode, op: CmpOp, type: FieldType): (ValueExpr | { k: 'list'; items: ValueExpr[]; span: Span }) | undefined {
    if (r.k === 'expr') {
      const v = this.value(r.value);
      if (!v) return undefined;
      if (v.type !== type && !(NUMERIC.has(v.type) && NUMERIC.has(type))) {
        this.report('COND_OP_TYPE', `cannot compare ${type} with ${describe(v)} of type ${v.type}`, r.span);
        return undefined;
      }
      return v;
    }
    if (r.k === 'listref') { this.report('COND_UNDEFINED_LIST', `undefined list '${r.name}'`, r.span); return undefined; }
    if (r.k === 'list') {
      const items: ValueExpr[] = [];
      let ok = true;
      for (const it of r.items) { const v = this.literal(it, type, op === 'pmatch' ? '=' : op); if (v) items.push(v); else ok = false; }
      return ok ? { k: 'list', items, span: r.span } : undefined;
    }
    if (LIST_OPS.has(op)) return { k: 'list', items: [this.literal(r.value, type, op)].filter((x): x is ValueExpr => !!x), span: r.span };
    return this.literal(r.value, type, op);
  }

  private literal(l: ValueLit, type: FieldType, op: string): ValueExpr | undefined {
    const c = convertLiteral(l.text, type, op);
    if ('error' in c) { this.report('COND_BAD_VALUE', c.error, l.span); return undefined; }
    if (op === 'regex') {
      try { new RegExp(l.text, 'u'); } catch (e) { this.report('COND_BAD_REGEX', `bad regular expression: ${(e as Error).message}`, l.span); return undefined; }
    }
    return { k: 'literal', value: c.value, type: c.type, span: l.span };
  }

  value(v: ValueNode): ValueExpr | undefined {
    if (v.k === 'lit') return { k: 'literal', value: v.value.text, type: 'string', span: v.span };
    if (v.k === 'field') {
      const ref = this.field(v);
      return ref ? { k: 'field', ref, type: ref.type, multi: ref.multi, span: v.span } : undefined;
    }
    const args: ValueExpr[] = [];
    for (const a of v.args) { const x = this.value(a); if (!x) return undefined; args.push(x); }
    const param = v.param?.text;
    const p = param !== undefined ? { param } : {};
    const first = args[0];
    const needString = (name: string) => {
      const bad = args.find((a) => a.type !== 'string');
      if (bad) { this.report('COND_TRANSFORMER_TYPE', `${name}() takes text, not ${bad.type}`, bad.span); return false; }
      return true;
    };
    switch (v.name) {
      case 'val': return { k: 'transform', name: 'val', args, type: first.type, multi: isMulti(first), span: v.span };
      case 'tolower': case 'toupper': case 'b64': case 'basename':
        return needString(v.name) ? { k: 'transform', name: v.name, args, type: 'string', multi: isMulti(first), span: v.span } : undefined;
      case 'len': return { k: 'transform', name: 'len', args, type: 'int', multi: false, span: v.span };
      case 'join': case 'concat':
        return needString(v.name) ? { k: 'transform', name: v.name, args, ...p, type: 'string', multi: false, span: v.span } : undefined;
      case 'getopt':
        return needString(v.name) ? { k: 'transform', name: 'getopt', args, ...p, type: 'string', multi: false, span: v.span } : undefined;
    }
  }

  /** Resolves `proc.aname[2]`, `evt.arg.flags`, `proc.env[HOME]` to a FieldRef. */
  field(f: FieldNode): FieldRef | undefined {
    const hit = lookupField(this.table, f.name);
    if (!hit) {
      this.unknownField ??= { name: f.name, span: f.span };
      if (!this.silenceUnknown) this.report('COND_UNKNOWN_FIELD', `unknown field '${f.name}' for source ${this.table.source}`, f.span);
      return undefined;
    }
    const { def, dotKey } = hit;
    if (dotKey !== undefined && f.arg) { this.report('COND_FIELD_ARG', `'${f.name}' already has an argument; remove [${f.arg.text}]`, f.arg.span); return undefined; }
    const text = dotKey ?? f.arg?.text;
    let arg: FieldArg | undefined;
    if (text !== undefined) {
      if (!def.arg) { this.report('COND_FIELD_ARG', `field '${def.name}' takes no argument`, f.arg?.span ?? f.span); return undefined; }
      const isIndex = /^\d+$/.test(text);
      if (def.arg.kind === 'index' && !isIndex) { this.report('COND_FIELD_ARG', `field '${def.name}' takes a number argument, not '${text}'`, f.arg?.span ?? f.span); return undefined; }
      arg = def.arg.kind === 'index' || (def.arg.kind === 'any' && isIndex && dotKey === undefined) ? { kind: 'index', value: Number(text) } : { kind: 'key', value: text };
    } else if (def.arg?.required) {
      this.report('COND_FIELD_ARG', `field '${def.name}' needs an argument, e.g. ${def.name}${def.arg.kind === 'index' ? '[1]' : def.arg.kind === 'key' ? '[name]' : '.name'}`, f.span);
      return undefined;
    }
    if (def.name === 'evt.arg' && arg?.kind === 'key' && this.table.source === 'syscall' && !ALL_PARAMS.has(arg.value)) {
      this.report('COND_UNKNOWN_EVT_ARG', `no event has a parameter '${arg.value}'`, f.span);
      return undefined;
    }
    const multi = !!def.multi && !(def.argMakesSingle && arg?.kind === 'index');
    return { field: def.name, ...(arg ? { arg } : {}), type: def.type, multi, span: f.span };
  }
}

export const isMulti = (v: ValueExpr): boolean => v.k !== 'literal' && v.multi;

export function describe(v: ValueExpr): string {
  if (v.k === 'field') return refName(v.ref);
  if (v.k === 'transform') return `${v.name}(...)`;
  return 'a literal';
}

export function refName(r: { field: string; arg?: FieldArg }): string {
  if (!r.arg) return r.field;
  return r.arg.kind === 'index' ? `${r.field}[${r.arg.value}]` : r.field === 'evt.arg' ? `${r.field}.${r.arg.value}` : `${r.field}[${r.arg.value}]`;
}
