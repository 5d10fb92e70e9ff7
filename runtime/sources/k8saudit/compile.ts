// Conditions of the k8s_audit rules turned into closures once, at load, so evaluating an event
// creates nothing: the reference interpreter (compiler/interp) builds closures and arrays per
// comparison per event, which made it the audit path's bottleneck. Only the shapes the audit rules
// are made of get a fast form (and/or/not, exists, and string comparisons of a field against
// literals); every other node is handed to the interpreter itself, so semantics cannot drift:
// test/runtime/sources/k8saudit/matcher.test.ts checks both agree on every upstream rule over generated events.
import { evaluate, type Getter } from '../../../compiler/interp/index.js';
import { scalar } from '../../../compiler/interp/evaluate.js';
import type { CmpOp, FieldRef, IrExpr } from '../../../compiler/ir/types.js';
import type { FieldValue } from '../../../compiler/fields/types.js';
import type { SlotValue } from './extract.js';

export type Cond = () => boolean;
/** The value of a field for the current event (extracted at most once per event). */
export type Accessor = () => SlotValue;

const FAST_OPS = new Set<CmpOp>(['=', '!=', 'in', 'intersects', 'startswith', 'endswith', 'contains']);

export function compileCondition(e: IrExpr, accessor: (ref: FieldRef) => Accessor, get: Getter): Cond {
  const c = (x: IrExpr) => compileCondition(x, accessor, get);
  switch (e.k) {
    case 'const': { const v = e.value; return () => v; }
    case 'not': { const a = c(e.arg); return () => !a(); }
    case 'and': case 'or': {
      const parts = e.args.map(c);
      if (parts.length === 1) return parts[0];
      if (parts.length === 2) { const [a, b] = parts; return e.k === 'and' ? () => a() && b() : () => a() || b(); }
      return e.k === 'and'
        ? () => { for (let i = 0; i < parts.length; i++) if (!parts[i]()) return false; return true; }
        : () => { for (let i = 0; i < parts.length; i++) if (parts[i]()) return true; return false; };
    }
    case 'exists':
      if (e.lhs.k === 'field') {
        const acc = accessor(e.lhs.ref);
        return () => { const v = acc(); return v !== undefined && (!Array.isArray(v) || v.length > 0); };
      }
      break;
    case 'cmp': {
      const fast = fastCompare(e, accessor);
      if (fast) return fast;
      break;
    }
  }
  return () => evaluate(e, get);
}

function fastCompare(e: Extract<IrExpr, { k: 'cmp' }>, accessor: (ref: FieldRef) => Accessor): Cond | undefined {
  if (e.quant || e.lhs.k !== 'field' || !FAST_OPS.has(e.op)) return undefined;
  const items = e.rhs.k === 'list' ? e.rhs.items : [e.rhs];
  const rhs: string[] = [];
  const other: FieldValue[] = [];
  for (const i of items) {
    if (i.k !== 'literal') return undefined;
    if (typeof i.value === 'string') rhs.push(i.value);
    else if (typeof i.value === 'bigint') other.push(i.value);
    else return undefined;
  }
  const op = e.op;
  const acc = accessor(e.lhs.ref);
  const multi = e.lhs.multi;
  // One left value against the right side, as the interpreter's compare() does.
  let one: (a: FieldValue) => boolean;
  if (other.length) {
    // Numbers (the `jevt.rawtime = 0` of upstream's never_true macro): scalar() decides every pair.
    if (rhs.length) return undefined;
    const sop = op === '!=' ? '!=' : op === 'in' || op === 'intersects' || op === '=' ? '=' : op;
    one = (a) => other.some((b) => scalar(sop, a, b));
  } else if (op === 'in' || op === 'intersects' || op === '=') {
    const set = new Set(rhs);
    one = (a) => (typeof a === 'string' ? set.has(a) : rhs.some((b) => scalar('=', a, b)));
  } else if (op === '!=') {
    one = (a) => (typeof a === 'string' ? rhs.some((b) => a !== b) : rhs.some((b) => scalar('!=', a, b)));
  } else if (rhs.length === 1) {
    const b = rhs[0];
    one = op === 'startswith' ? (a) => (typeof a === 'string' ? a.startsWith(b) : scalar(op, a, b))
      : op === 'endswith' ? (a) => (typeof a === 'string' ? a.endsWith(b) : scalar(op, a, b))
        : (a) => (typeof a === 'string' ? a.includes(b) : scalar(op, a, b));
  } else {
    one = (a) => rhs.some((b) => scalar(op, a, b));
  }
  const equalAny = (a: FieldValue) => (other.length ? other.some((b) => scalar('=', a, b)) : typeof a === 'string' ? rhs.includes(a) : rhs.some((b) => scalar('=', a, b)));
  return () => {
    const v = acc();
    if (v === undefined) return false;
    if (!Array.isArray(v)) return one(v);
    if (v.length === 0) return false;
    if (!multi) return one(v[0]);
    if (op === 'in') { for (let i = 0; i < v.length; i++) if (!one(v[i])) return false; return true; }
    if (op === '!=') { for (let i = 0; i < v.length; i++) if (equalAny(v[i])) return false; return true; }
    for (let i = 0; i < v.length; i++) if (one(v[i])) return true;
    return false;
  };
}
