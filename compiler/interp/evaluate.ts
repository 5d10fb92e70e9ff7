// The reference interpreter: the semantic oracle for the WASM back end. Clear over fast.
// Falco semantics: a comparison on a field with no value is false (`!=` too); a multi-valued
// left side matches `in` only when every value is in the set, `intersects` when any is, and the
// other operators when any value satisfies them (`!=` when none is equal); `oneof`, `anyof` and
// `allof` ask for exactly one, at least one, or every value (and at least one) to satisfy.
import type { FieldValue } from '../fields/types.js';
import type { CmpOp, FieldRef, IrExpr, IpNet, Literal, ValueExpr } from '../ir/types.js';
import { bytesEqual, bytesIndexOf, globToRegExp, ipInNet, pathUnder } from './match.js';
import { applyTransform } from './transform.js';

export type Getter = (ref: FieldRef) => FieldValue | FieldValue[] | undefined;
type Val = FieldValue | IpNet;

export function evaluate(expr: IrExpr, get: Getter): boolean {
  switch (expr.k) {
    case 'and': return expr.args.every((a) => evaluate(a, get));
    case 'or': return expr.args.some((a) => evaluate(a, get));
    case 'not': return !evaluate(expr.arg, get);
    case 'const': return expr.value;
    case 'exists': return valuesOf(expr.lhs, get) !== undefined;
    case 'cmp': return compare(expr, get);
  }
}

/** A value expression's values, or undefined when it has none (<NA>). */
export function valuesOf(v: ValueExpr, get: Getter): Val[] | undefined {
  if (v.k === 'literal') return [v.value as Val];
  if (v.k === 'field') {
    const x = get(v.ref);
    if (x === undefined) return undefined;
    const arr = Array.isArray(x) ? x : [x];
    return arr.length ? arr : undefined;
  }
  const args = v.args.map((a) => valuesOf(a, get));
  const a0 = v.args[0];
  return applyTransform(v.name, v.param, args as Array<FieldValue[] | undefined>, !!a0 && a0.k !== 'literal' && a0.multi);
}

function compare(e: Extract<IrExpr, { k: 'cmp' }>, get: Getter): boolean {
  const lhs = valuesOf(e.lhs, get);
  if (lhs === undefined) return false;
  const rhs = e.rhs.k === 'list' ? e.rhs.items.flatMap((i) => valuesOf(i, get) ?? []) : valuesOf(e.rhs, get);
  if (rhs === undefined) return false;
  const listOp = e.op === 'in' || e.op === 'intersects' || e.op === 'pmatch';
  const one = (a: Val) => (listOp ? rhs.some((b) => scalar(e.op === 'pmatch' ? 'pmatch' : '=', a, b)) : rhs.some((b) => scalar(e.op, a, b)));
  const multi = e.lhs.k !== 'literal' && e.lhs.multi;
  if (e.quant) {
    const n = lhs.filter(one).length;
    return e.quant === 'oneof' ? n === 1 : e.quant === 'anyof' ? n >= 1 : n === lhs.length;
  }
  if (!multi) return one(lhs[0]);
  if (e.op === 'in' || e.op === 'pmatch') return lhs.every(one);
  if (e.op === '!=') return !lhs.some((a) => rhs.some((b) => scalar('=', a, b)));
  return lhs.some(one);
}

const text = (v: Val): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : typeof v === 'object' ? '' : String(v));
const bytes = (v: Val): Uint8Array => (v instanceof Uint8Array ? v : new TextEncoder().encode(text(v)));
const isNet = (v: Val): v is IpNet => typeof v === 'object' && !(v instanceof Uint8Array) && 'prefix' in v;

function equal(a: Val, b: Val): boolean {
  if (isNet(b)) return typeof a === 'string' && ipInNet(a, b);
  if (isNet(a)) return typeof b === 'string' && ipInNet(b, a);
  if (a instanceof Uint8Array || b instanceof Uint8Array) return bytesEqual(bytes(a), bytes(b));
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a === typeof b && a === b;
  return a === b;
}

/** One left value against one right value. */
export function scalar(op: CmpOp, a: Val, b: Val): boolean {
  switch (op) {
    case '=': case 'in': case 'intersects': return equal(a, b);
    case '!=': return !equal(a, b);
    case '<': return typeof a === 'bigint' && typeof b === 'bigint' && a < b;
    case '<=': return typeof a === 'bigint' && typeof b === 'bigint' && a <= b;
    case '>': return typeof a === 'bigint' && typeof b === 'bigint' && a > b;
    case '>=': return typeof a === 'bigint' && typeof b === 'bigint' && a >= b;
    case 'contains': return text(a).includes(text(b));
    case 'icontains': return text(a).toLowerCase().includes(text(b).toLowerCase());
    case 'startswith': return text(a).startsWith(text(b));
    case 'endswith': return text(a).endsWith(text(b));
    case 'bcontains': return bytesIndexOf(bytes(a), bytes(b)) >= 0;
    case 'bstartswith': return bytesIndexOf(bytes(a), bytes(b)) === 0 || bytes(b).length === 0;
    case 'glob': return compiled(globs, text(b), (p) => globToRegExp(p, false)).test(text(a));
    case 'iglob': return compiled(iglobs, text(b), (p) => globToRegExp(p, true)).test(text(a));
    // Falco matches the whole value (RE2 with ANCHOR_BOTH), not a substring.
    case 'regex': return compiled(regexes, text(b), (p) => new RegExp(`^(?:${p})$`, 'u')).test(text(a));
    case 'pmatch': return pathUnder(text(a), text(b));
  }
}

// Patterns are literals of the rules, so these stay as small as the rule set.
const globs = new Map<string, RegExp>(), iglobs = new Map<string, RegExp>(), regexes = new Map<string, RegExp>();
function compiled(cache: Map<string, RegExp>, pattern: string, make: (p: string) => RegExp): RegExp {
  let re = cache.get(pattern);
  if (!re) { re = make(pattern); cache.set(pattern, re); }
  return re;
}

export type { Literal };
