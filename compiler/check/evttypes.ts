// The event types a rule can match, from its evt.type comparisons, with Falco's algorithm:
// `and` intersects, `or` unions, and `not` flips the sense of what is below it (De Morgan), so
// `not evt.type = open` is every type but open. A check on anything else allows every type.
import type { IrExpr, ValueExpr } from '../ir/types.js';

type Set_ = Set<string>;

function literalNames(v: ValueExpr | { k: 'list'; items: ValueExpr[] }): string[] | undefined {
  const items = v.k === 'list' ? v.items : [v];
  const out: string[] = [];
  for (const i of items) { if (i.k !== 'literal' || typeof i.value !== 'string') return undefined; out.push(i.value); }
  return out;
}

/** Event types named by an evt.type comparison, or undefined when the check says nothing about evt.type. */
function typeCheck(e: IrExpr): { names: string[]; negated: boolean } | undefined {
  if (e.k !== 'cmp' || e.lhs.k !== 'field' || e.lhs.ref.field !== 'evt.type') return undefined;
  const names = literalNames(e.rhs);
  if (!names) return undefined;
  if (e.op === '=' || e.op === 'in') return { names, negated: false };
  if (e.op === '!=') return { names, negated: true };
  return undefined;
}

/** Every type in `all` the expression can be true for; `all` itself when it does not restrict evt.type. */
export function eventTypesOf(e: IrExpr, all: Set_, negated = false): Set_ {
  switch (e.k) {
    case 'and': case 'or': {
      const sets = e.args.map((a) => eventTypesOf(a, all, negated));
      const intersect = (e.k === 'and') !== negated;
      return sets.reduce((acc, s) => (intersect ? new Set([...acc].filter((x) => s.has(x))) : new Set([...acc, ...s])));
    }
    case 'not': return eventTypesOf(e.arg, all, !negated);
    case 'const': return e.value !== negated ? all : new Set();
    default: {
      const t = typeCheck(e);
      if (!t) return all;
      const named = new Set(t.names.filter((n) => all.has(n)));
      return t.negated !== negated ? new Set([...all].filter((x) => !named.has(x))) : named;
    }
  }
}

/** Names in evt.type comparisons that are not event types of the schema. */
export function unknownEventTypes(e: IrExpr, all: Set_): Array<{ name: string; expr: IrExpr }> {
  const out: Array<{ name: string; expr: IrExpr }> = [];
  const walk = (x: IrExpr): void => {
    if (x.k === 'and' || x.k === 'or') x.args.forEach(walk);
    else if (x.k === 'not') walk(x.arg);
    else { const t = typeCheck(x); if (t) for (const n of t.names) if (!all.has(n)) out.push({ name: n, expr: x }); }
  };
  walk(e);
  return out;
}
