// Lowers a rule's exceptions into its condition, as Falco does: for each exception with values,
// `<condition> and not (<row> or <row> ...)`, a row being `f1 c1 v1 and f2 c2 v2 ...`. Values are
// literals (never parsed as condition text); for in/intersects/pmatch a value that names a list
// is expanded like a list name written in a condition.
import type { Span } from '../diag.js';
import type { ExceptionDef, Located } from '../load/types.js';
import { LIST_OPS, type CondNode, type FieldNode, type RhsNode, type ValueLit } from '../parse/ast.js';

const lit = (l: Located<string>, quoted: boolean): ValueLit => ({ text: l.value, quoted, span: l.span });

/** `proc.aname[2]` -> field node with argument; the exception's field text carries no condition syntax. */
export function fieldFromText(f: Located<string>): FieldNode {
  const m = /^([^[\s]+)\[(.*)\]$/.exec(f.value.trim());
  return m ? { k: 'field', name: m[1], arg: { text: m[2], quoted: false, span: f.span }, span: f.span } : { k: 'field', name: f.value.trim(), span: f.span };
}

function check(field: Located<string>, op: Located<string>, value: Located<string> | Located<Array<Located<string>>>, span: Span): CondNode {
  const o = op.value === '==' ? '=' : op.value;
  let rhs: RhsNode;
  if (LIST_OPS.has(o)) {
    // A scalar value under a list operator is a list name or a one-item list: `(value)`.
    const items = Array.isArray(value.value) ? value.value.map((x) => lit(x, false)) : [lit(value as Located<string>, false)];
    rhs = { k: 'list', items, span: value.span };
  } else {
    rhs = { k: 'value', value: Array.isArray(value.value) ? lit(value.value[0] ?? { value: '', span: value.span }, true) : lit(value as Located<string>, true), span: value.span };
  }
  return { k: 'check', lhs: fieldFromText(field), op: o, opSpan: op.span, rhs, span };
}

/** The `not (...)` clause of one exception, or undefined when it has no values. */
export function exceptionClause(ex: ExceptionDef): CondNode | undefined {
  if (ex.values.length === 0) return undefined;
  let rows: CondNode[];
  if (!Array.isArray(ex.fields)) {
    const field = ex.fields;
    const comp = (Array.isArray(ex.comps) ? ex.comps[0] : ex.comps) ?? { value: 'in', span: ex.span };
    if (LIST_OPS.has(comp.value)) {
      // Single-field form with a list operator: one check against every value together.
      const items: Array<Located<string>> = [];
      for (const row of ex.values) for (const e of row.value) items.push(...(Array.isArray(e.value) ? e.value : [e as Located<string>]));
      rows = [check(field, comp, { value: items, span: ex.span }, ex.span)];
    } else {
      rows = ex.values.map((row) => check(field, comp, row.value[0], row.span));
    }
  } else {
    const fields = ex.fields;
    const comps = Array.isArray(ex.comps) ? ex.comps : fields.map(() => ({ value: '=', span: ex.span }));
    rows = ex.values.map((row) => {
      const parts = row.value.map((e, i) => check(fields[i], comps[i] ?? { value: '=', span: ex.span }, e, row.span));
      return parts.length === 1 ? parts[0] : { k: 'and', args: parts, span: row.span };
    });
  }
  const any: CondNode = rows.length === 1 ? rows[0] : { k: 'or', args: rows, span: ex.span };
  return { k: 'not', arg: any, span: ex.span };
}

export function applyExceptions(cond: CondNode, exceptions: ExceptionDef[]): CondNode {
  const clauses = exceptions.map(exceptionClause).filter((c): c is CondNode => c !== undefined);
  return clauses.length ? { k: 'and', args: [cond, ...clauses], span: cond.span } : cond;
}
