// Reading a rule's `exceptions:` section, in both of Falco's forms:
//   tuple form   fields: [proc.name, fd.name]  comps: [=, startswith]  values: [[nginx, /usr], ...]
//   single form  fields: proc.name  comps: in  values: [nginx, apache]
// In the single form each value becomes a row of one entry, so consumers handle one shape.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ExceptionDef, Located } from './types.js';
import type { FileCtx } from './yaml-file.js';

export const EXCEPTION_COMPS = new Set(['=', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith',
  'bstartswith', 'endswith', 'glob', 'iglob', 'regex', 'in', 'intersects', 'pmatch']);
const LIST_COMPS = new Set(['in', 'intersects', 'pmatch']);

type Entry = Located<string> | Located<Array<Located<string>>>;

export function readExceptions(ctx: FileCtx, node: Node | null, rule: string): ExceptionDef[] | undefined {
  if (node && isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) {
    ctx.report('LOAD_BAD_TYPE', 'exceptions must be a list', ctx.spanOf(node), rule);
    return undefined;
  }
  const out: ExceptionDef[] = [];
  for (const raw of node.items) {
    const ex = readException(ctx, ctx.deref(raw), rule);
    if (ex) out.push(ex);
  }
  return out;
}

function scalarLoc(ctx: FileCtx, n: Node | null): Located<string> | undefined {
  const s = n ? ctx.scalarText(n) : undefined;
  return s === undefined ? undefined : { value: s, span: ctx.spanOf(n) };
}

function readException(ctx: FileCtx, n: Node | null, rule: string): ExceptionDef | undefined {
  const bad = (at: Node | null | undefined, msg: string) => { ctx.report('LOAD_BAD_EXCEPTION', msg, ctx.spanOf(at ?? n), rule); return undefined; };
  if (!isMap(n)) return bad(n, 'each exception must be a mapping with name, fields, comps and values');
  const get = (k: string) => ctx.deref(n.get(k, true));
  for (const pair of n.items) {
    const k = ctx.deref(pair.key);
    const ks = k ? ctx.scalarText(k) : undefined;
    if (ks && !['name', 'fields', 'comps', 'values'].includes(ks)) {
      ctx.report('LOAD_UNKNOWN_KEY', `unknown key "${ks}" in exception (ignored)`, ctx.spanOf(k), rule);
    }
  }
  const name = scalarLoc(ctx, get('name'));
  if (!name || name.value === '') return bad(get('name') ?? n, 'an exception needs a name');
  const span = ctx.spanOf(n);
  const fieldsNode = get('fields');
  let fields: ExceptionDef['fields'] | undefined;
  if (fieldsNode === null) fields = undefined;
  else if (isSeq(fieldsNode)) {
    const fs = fieldsNode.items.map((f) => scalarLoc(ctx, ctx.deref(f)));
    if (fs.some((f) => !f)) return bad(fieldsNode, `fields of exception "${name.value}" must be field names`);
    fields = fs as Array<Located<string>>;
  } else {
    const f = scalarLoc(ctx, fieldsNode);
    if (!f) return bad(fieldsNode, `fields of exception "${name.value}" must be a field name or a list of them`);
    fields = f;
  }
  const compsNode = get('comps');
  let comps: ExceptionDef['comps'];
  if (compsNode !== null) {
    if (isSeq(compsNode)) {
      const cs = compsNode.items.map((c) => scalarLoc(ctx, ctx.deref(c)));
      if (cs.some((c) => !c)) return bad(compsNode, `comps of exception "${name.value}" must be operators`);
      comps = cs as Array<Located<string>>;
    } else {
      const c = scalarLoc(ctx, compsNode);
      if (!c) return bad(compsNode, `comps of exception "${name.value}" must be an operator or a list of them`);
      comps = c;
    }
    for (const c of Array.isArray(comps) ? comps : [comps]) {
      if (!EXCEPTION_COMPS.has(c.value)) {
        ctx.report('LOAD_BAD_EXCEPTION', `unknown comparison "${c.value}" in exception "${name.value}"`, c.span, rule);
        return undefined;
      }
    }
  }
  if (fields !== undefined && comps !== undefined && Array.isArray(fields) !== Array.isArray(comps)) {
    return bad(compsNode, `exception "${name.value}": fields and comps must both be lists or both be single values`);
  }
  if (Array.isArray(fields) && Array.isArray(comps) && fields.length !== comps.length) {
    return bad(compsNode, `exception "${name.value}" has ${fields.length} fields but ${comps.length} comps`);
  }
  const values: ExceptionDef['values'] = [];
  const valuesNode = get('values');
  if (valuesNode !== null && !(isScalar(valuesNode) && valuesNode.value === null)) {
    if (!isSeq(valuesNode)) return bad(valuesNode, `values of exception "${name.value}" must be a list`);
    for (const rawRow of valuesNode.items) {
      const row = ctx.deref(rawRow);
      if (fields !== undefined && !Array.isArray(fields)) {
        // Single-field form: each value is one row of one entry (a scalar, or a list for in/pmatch).
        const e = readEntry(ctx, row);
        if (!e) return bad(row, `values of exception "${name.value}" must be strings or lists of strings`);
        values.push({ value: [e], span: ctx.spanOf(row) });
        continue;
      }
      if (!isSeq(row)) return bad(row, `each value of exception "${name.value}" must be a list with one entry per field`);
      const entries: Entry[] = [];
      for (const rawCell of row.items) {
        const e = readEntry(ctx, ctx.deref(rawCell));
        if (!e) return bad(ctx.deref(rawCell) ?? row, `exception "${name.value}" values must be strings or lists of strings`);
        entries.push(e);
      }
      if (Array.isArray(fields) && entries.length !== fields.length) {
        return bad(row, `exception "${name.value}" has ${fields.length} fields but a value row with ${entries.length} entries`);
      }
      values.push({ value: entries, span: ctx.spanOf(row) });
    }
  }
  if (Array.isArray(comps) && Array.isArray(fields)) {
    // A list value only makes sense where the operator takes a list.
    for (const row of values) row.value.forEach((e, i) => {
      if (Array.isArray(e.value) && comps[i] && !LIST_COMPS.has(comps[i].value)) {
        ctx.report('LOAD_BAD_EXCEPTION', `exception "${name.value}": a list value needs in, intersects or pmatch, not "${comps[i].value}"`, e.span, rule);
      }
    });
  }
  return { name: name.value, fields: fields ?? [], comps, values, span };
}

function readEntry(ctx: FileCtx, n: Node | null): Entry | undefined {
  if (isSeq(n)) {
    const items = n.items.map((x) => scalarLoc(ctx, ctx.deref(x)));
    if (items.some((x) => !x)) return undefined;
    return { value: items as Array<Located<string>>, span: ctx.spanOf(n) };
  }
  return scalarLoc(ctx, n);
}

/** Whether the exception item had a `fields` key (appending values to an existing exception may omit it). */
export function hasFields(ex: ExceptionDef): boolean {
  return !(Array.isArray(ex.fields) && ex.fields.length === 0);
}
