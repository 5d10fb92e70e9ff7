// Compiles a Falco output template once into a list of literal and field parts, so formatting an
// alert is one pass of string joins with no re-parsing. Syntax follows libsinsp's formatter:
//   %field  %field[arg]  %evt.arg.flags   a field name runs over [A-Za-z0-9_.] plus an optional [..]
//   %20field     pad/truncate the value to 20 characters
//   %toupper(field) tolower b64 basename len   transformers, nestable
//   leading `*`  missing values print as <NA>; without it a missing value makes the whole template
//                unresolvable (libsinsp's require-all mode), reported as `complete: false`.

export const NA = '<NA>';

/** Looks a field up for one event; undefined when the event has no value for it. */
export type Resolve = (field: string, arg: string | undefined) => string | undefined;

export type Expr =
  | { kind: 'field'; field: string; arg?: string; text: string }
  | { kind: 'transform'; fn: Transformer; inner: Expr; text: string };

export type Transformer = 'toupper' | 'tolower' | 'b64' | 'basename' | 'len';
const TRANSFORMERS = new Set<string>(['toupper', 'tolower', 'b64', 'basename', 'len']);

type Part = { lit: string } | { expr: Expr; width: number };

export class TemplateError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at column ${offset + 1}`);
  }
}

export interface Rendered {
  output: string;
  /** Every plain field the template names, in first-use order, with its value (null = missing): output_fields. */
  fields: Record<string, string | null>;
  /** False when a value was missing and the template did not start with `*`. */
  complete: boolean;
}

export interface CompiledTemplate {
  readonly source: string;
  /** Plain field references (`name` or `name[arg]`), which become output_fields keys. */
  readonly fieldKeys: readonly string[];
  render(resolve: Resolve): Rendered;
}

const isFieldChar = (c: string) => /[A-Za-z0-9_.]/.test(c);

function parseExpr(s: string, i: number): { expr: Expr; end: number } {
  let j = i;
  while (j < s.length && isFieldChar(s[j])) j++;
  const name = s.slice(i, j);
  if (s[j] === '(' && TRANSFORMERS.has(name)) {
    const inner = parseExpr(s, j + 1);
    if (s[inner.end] !== ')') throw new TemplateError(`unclosed '(' after transformer ${name}`, j);
    return { expr: { kind: 'transform', fn: name as Transformer, inner: inner.expr, text: `${name}(${inner.expr.text})` }, end: inner.end + 1 };
  }
  // A field name never ends with '.', so "%fd.name." keeps the sentence's full stop as text.
  while (j > i && s[j - 1] === '.') j--;
  const field = s.slice(i, j);
  if (!/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_.]+$/.test(field)) throw new TemplateError(`invalid field name '${field || s.slice(i, i + 10)}'`, i);
  if (s[j] === '[') {
    const close = s.indexOf(']', j);
    if (close < 0) throw new TemplateError(`unclosed '[' after %${field}`, j);
    const arg = s.slice(j + 1, close);
    return { expr: { kind: 'field', field, arg, text: `${field}[${arg}]` }, end: close + 1 };
  }
  return { expr: { kind: 'field', field, text: field }, end: j };
}

function collect(e: Expr, into: Expr[]): void {
  if (e.kind === 'field') into.push(e); else collect(e.inner, into);
}

/** A field's value comes from `vals` (resolved once per render); transformers apply on top. */
function evaluate(e: Expr, vals: Array<string | undefined>, slot: Map<Expr, number>): string | undefined {
  if (e.kind === 'field') return vals[slot.get(e)!];
  const v = evaluate(e.inner, vals, slot);
  if (v === undefined) return undefined;
  switch (e.fn) {
    case 'toupper': return v.toUpperCase();
    case 'tolower': return v.toLowerCase();
    case 'b64': return Buffer.from(v, 'base64').toString('utf8');
    case 'basename': { const k = v.lastIndexOf('/'); return k < 0 ? v : v.slice(k + 1); }
    case 'len': return String(v.length);
  }
}

/** Parses a template; throws TemplateError (with a 0-based offset into `source`) on bad syntax. */
export function compileTemplate(source: string): CompiledTemplate {
  const lenient = source.startsWith('*');
  const s = lenient ? source.slice(1) : source;
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '%') { lit += c; i++; continue; }
    let j = i + 1;
    while (j < s.length && s[j] >= '0' && s[j] <= '9') j++;
    const width = j > i + 1 ? Number(s.slice(i + 1, j)) : 0;
    if (j >= s.length) throw new TemplateError("'%' at the end of the template", i + (lenient ? 1 : 0));
    let parsed;
    try { parsed = parseExpr(s, j); } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(e.message.replace(/ at column \d+$/, ''), e.offset + (lenient ? 1 : 0));
      throw e;
    }
    if (lit) { parts.push({ lit }); lit = ''; }
    parts.push({ expr: parsed.expr, width });
    i = parsed.end;
  }
  if (lit) parts.push({ lit });

  const plain: Expr[] = [];
  for (const p of parts) if ('expr' in p) collect(p.expr, plain);
  const fieldKeys = [...new Set(plain.map((e) => e.text))];
  // Each distinct field is resolved once per alert, for the text and for output_fields alike.
  const uniq = fieldKeys.map((k) => plain.find((e) => e.text === k) as Extract<Expr, { kind: 'field' }>);
  const slot = new Map<Expr, number>(plain.map((e) => [e, fieldKeys.indexOf(e.text)]));
  // output_fields as one object literal of this template's keys (one hidden class, properties in
  // the object) rather than a {} grown key by key per alert.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fieldsOf = new Function('v', `return {${fieldKeys.map((k, i) => `${JSON.stringify(k)}: v[${i}] ?? null`).join(', ')}};`) as
    (vals: Array<string | undefined>) => Record<string, string | null>;

  return {
    source,
    fieldKeys,
    render(resolve) {
      const vals = new Array<string | undefined>(uniq.length);
      for (let i = 0; i < uniq.length; i++) vals[i] = resolve(uniq[i].field, uniq[i].arg);
      let out = '';
      let complete = true;
      for (const p of parts) {
        if ('lit' in p) { out += p.lit; continue; }
        let v = evaluate(p.expr, vals, slot);
        if (v === undefined) { complete = false; v = NA; }
        out += p.width ? v.slice(0, p.width).padEnd(p.width, ' ') : v;
      }
      return { output: out, fields: fieldsOf(vals), complete: lenient || complete };
    },
  };
}
