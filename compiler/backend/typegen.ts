// One event type's rules as AssemblyScript: TypeGen turns IR conditions into expressions over
// the record and the state tables (fields.ts gives the accesses); evt.type tests fold to constants
// for the type, and a sub-expression several rules of the type share (an expanded macro) is
// evaluated once per event through a memo local. It also plans the type's rule guards (guard.ts).
import type { EventDef } from '../../schema/events.js';
import type { IrExpr, IrRule, ValueExpr, Literal, CmpOp, FieldRef } from '../ir/types.js';
import { fieldAccess, fdBothSides, type Access, type Kind } from './fields.js';
import type { Pool } from './pool.js';
import { atomsOf, deriveGuard, onName, GuardPlan, type GuardRegistry, type Leaf } from './guard.js';
import { RegexUnsupported } from './regex.js';
import { idsOf, type HitWriter, type RuleGroup } from './groups.js';
import { needsSuccess } from './result.js';

export class Unsupported extends Error {
  constructor(message: string, readonly span: IrExpr['span']) { super(message); }
}

/** How far proc.aname without an index looks up the process tree. */
const MAX_ANCESTORS = 20;
const SET_MIN = 5; // lists at least this long become hash sets; shorter ones a chain of compares
/**
 * Field accesses a guard may read: strings already in the record or the tables, or an open's
 * fd.name (tracking resolved it). Rendered values (capabilities, cmdline, env) cost more to make
 * than the tests a guard would save.
 */
const CHEAP_ACCESS = /^(s_hdr|s_param|s_slot)\(|^\(\(FC = fc_get\(CACHE, \d+\)\) != 0 \? FC == 1 : fc_put\(CACHE, \d+, (s_open_path|s_dirname\(s_open_path|s_basename\(s_open_path)\(/;

/** Positive string tests against literals. */
const SELECTIVE_OPS = new Set(['=', 'in', 'startswith', 'endswith', 'contains', 'glob', 'bcontains', 'bstartswith']);

function lit(v: Literal): string {
  return typeof v === 'bigint' ? `${v}` : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

/** Structural key of an expression, spans left out, for sharing. */
export function keyOf(e: IrExpr | ValueExpr, memo: WeakMap<object, string>): string {
  let k = memo.get(e);
  if (k !== undefined) return k;
  k = JSON.stringify(e, (name, v) => (name === 'span' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v));
  memo.set(e, k);
  return k;
}

/** Numbers the cached field expressions of a module (entries are reused across event types). */
export class FieldCache {
  private ids = new Map<string, number>();
  id(expr: string): number { let i = this.ids.get(expr); if (i === undefined) { i = this.ids.size; this.ids.set(expr, i); } return i; }
  get size(): number { return this.ids.size; }
}

/**
 * Helper functions of a module, deduplicated by their text: a shared sub-expression is emitted once
 * as a function (not at every rule that uses it), and event types whose helper is the same text
 * (open/openat with the same parameter layout...) share it. Keeps the source, and asc's time, small.
 */
export class Helpers {
  private byBody = new Map<string, string>();
  readonly list: string[] = [];
  get(sig: string, body: string): string {
    const k = `${sig}\n${body}`;
    let name = this.byBody.get(k);
    if (name === undefined) { name = `h${this.byBody.size}`; this.byBody.set(k, name); this.list.push(`function ${name}${sig} {\n${body}\n}`); }
    return name;
  }
}

export class TypeGen {
  private memoIds = new Map<string, number>();
  /** Memo globals (M<n>) this type's function resets on entry. */
  readonly locals: string[] = [];
  private guards = new GuardPlan();
  constructor(private ev: EventDef, private pool: Pool, private shared: Set<string>, private keys: WeakMap<object, string>, private cache: FieldCache, private helpers: Helpers) {}

  /** Rules of this type whose condition needs the call to have succeeded (result.ts). */
  private successOnly = new Set<number>();

  /** The generated read of the call's result, when this type's first parameter is it. */
  private get resultRead(): string | undefined {
    const p0 = this.ev.params[0];
    return p0 && (p0.name === 'res' || p0.name === 'fd') && p0.type === 'i64' ? 'i_param(rec, 0, 8, true)' : undefined;
  }

  private isTypeTest(c: Extract<IrExpr, { k: 'cmp' }>): boolean {
    return c.lhs.k === 'field' && c.lhs.ref.field === 'evt.type' && !c.lhs.ref.arg && !c.quant;
  }

  /** Whether an evt.type test is false for the type being compiled (it names others). */
  private neverHere(c: Extract<IrExpr, { k: 'cmp' }>): boolean {
    try { return this.evtType(c) === 'false'; } catch (err) { if (err instanceof Unsupported) return false; throw err; }
  }

  /** Derives each rule's guard (guard.ts) and lays out the tries that answer them. */
  planGuards(rules: IrRule[], reg: GuardRegistry): void {
    const read = this.resultRead;
    if (read) {
      const resultTest = (c: Extract<IrExpr, { k: 'cmp' }>) => {
        if (this.isTypeTest(c)) return this.neverHere(c) ? 'never' as const : undefined;
        if (c.quant || c.lhs.k !== 'field' || c.lhs.ref.arg || !['fd.num', 'evt.rawres'].includes(c.lhs.ref.field)) return undefined;
        const acc = fieldAccess(c.lhs.ref, this.ev, this.pool);
        if ('unsupported' in acc || acc.expr !== read) return undefined;
        try { return { op: c.op, vals: this.literals(c) }; } catch (err) { if (err instanceof Unsupported) return undefined; throw err; }
      };
      for (const r of rules) if (needsSuccess(r.condition, resultTest)) this.successOnly.add(r.id);
    }
    const leaf = (c: Extract<IrExpr, { k: 'cmp' }>): Leaf => {
      if (this.isTypeTest(c)) return this.neverHere(c) ? 'never' : undefined;
      const p = this.plainStr(c);
      if (!p || !CHEAP_ACCESS.test(p.access)) return undefined;
      const atoms = atomsOf(c.op, p.vals);
      if (!atoms) return undefined;
      // fd.directory and fd.filename are a prefix and a suffix of fd.name: one walk serves all three
      const f = c.lhs.k === 'field' ? c.lhs.ref.field : '';
      if (f === 'fd.directory' || f === 'fd.filename') {
        const name = this.value({ ...c.lhs, ref: { ...(c.lhs as { ref: FieldRef }).ref, field: 'fd.name' } } as ValueExpr);
        const mapped = name.kind === 'str' && name.expr !== 'false' ? onName(f, atoms) : undefined;
        if (mapped) return { access: name.expr, atoms: mapped };
      }
      return { access: p.access, atoms };
    };
    // first pass: which fields the rules' cheapest guards read; second: prefer a field other rules
    // walk too (one walk serves them all) over one only this rule would
    const uses = new Map<string, number>();
    for (const r of rules) for (const k of deriveGuard(r.condition, leaf)?.keys() ?? []) uses.set(k, (uses.get(k) ?? 0) + 1);
    const walk = (access: string) => ((uses.get(access) ?? 0) >= 2 ? 1 : 8);
    for (const r of rules) { const g = deriveGuard(r.condition, leaf, walk); if (g) this.guards.add(r.id, g); }
    this.guards.finish(this.pool, reg, (body) => this.helpers.get('(rec: usize, idx: u32): void', body));
  }

  guardSignature(ruleId: number): string { return this.guards.signature(ruleId); }

  /** The type function's body selecting rules by their guards, or undefined (no guard built). */
  guardedBody(groups: RuleGroup[], cand: string, hits: HitWriter): string[] | undefined {
    const read = this.resultRead;
    const onFail = read ? { test: `(${read} && IV >= 0)`, capable: groups.map((g) => idsOf(g).some((id) => !this.successOnly.has(id))) } : undefined;
    return this.guards.body(groups, this.pool, cand, hits, onFail);
  }

  /** The field access and literals of a comparison that cmp() compiles as a plain string test. */
  private plainStr(e: Extract<IrExpr, { k: 'cmp' }>): { access: string; vals: Literal[] } | undefined {
    if (e.quant || e.lhs.k !== 'field' || e.lhs.ref.multi) return undefined;
    const ref = e.lhs.ref;
    if ((ref.field === 'evt.type' && !ref.arg) || ref.field === 'evt.dir') return undefined;
    let acc: Access, vals: Literal[];
    try { acc = this.value(e.lhs); vals = this.literals(e); } catch (err) {
      if (err instanceof Unsupported) return undefined;
      throw err;
    }
    if (acc.kind !== 'str' || acc.expr === 'false') return undefined;
    if (acc.code && acc.codeOf && acc.codeOps?.includes(e.op)) return undefined;
    if (acc.contains && e.op === 'contains' && vals.length === 1 && typeof vals[0] === 'string' && acc.contains(vals[0]) !== null) return undefined;
    return { access: acc.expr, vals };
  }

  /**
   * Whether `e` is false unless a literal test of a record parameter holds (fd.nameraw contains
   * "../", evt.arg.path startswith /etc): a few loads and a compare that is rarely true, where
   * the other conjuncts of a rule are mostly flag and state tests that usually are.
   */
  private selective(e: IrExpr): boolean {
    if (e.k === 'and') return e.args.some((a) => this.selective(a));
    if (e.k !== 'cmp' || !SELECTIVE_OPS.has(e.op)) return false;
    const p = this.plainStr(e);
    return p !== undefined && p.access.startsWith('s_param(') && atomsOf(e.op, p.vals) !== undefined;
  }

  /**
   * The conjuncts of an and, selective ones first (in their order, then the rest in theirs): the
   * conditions are pure, so the order only changes how soon a false one ends the test.
   * (Upstream's directory traversal rule tested path prefixes and open flags on every /etc open
   * before the fd.nameraw "../" test that decides.)
   */
  private ordered(args: IrExpr[]): IrExpr[] {
    const first = args.filter((a) => this.selective(a));
    return first.length === 0 || first.length === args.length ? args : [...first, ...args.filter((a) => !first.includes(a))];
  }

  /** A rule's condition as its first test and the rest ('true' when there is none), or 'false'. */
  split(e: IrExpr): { head: string; tail: string } | 'false' {
    const parts: string[] = [];
    for (const a of e.k === 'and' ? this.ordered(e.args) : [e]) {
      const s = this.expr(a);
      if (s === 'false') return 'false';
      if (s !== 'true') parts.push(s);
    }
    if (parts.length === 0) return { head: 'true', tail: 'true' };
    return { head: parts[0], tail: parts.length === 1 ? 'true' : parts.length === 2 ? parts[1] : `(${parts.slice(1).join(' && ')})` };
  }

  expr(e: IrExpr): string {
    if (e.k === 'const') return e.value ? 'true' : 'false';
    const inner = this.raw(e);
    if (inner === 'true' || inner === 'false' || e.k === 'not') return inner;
    const key = keyOf(e, this.keys);
    if (!this.shared.has(key)) return inner;
    let id = this.memoIds.get(key);
    if (id === undefined) { id = this.memoIds.size; this.memoIds.set(key, id); this.locals.push(`M${id}`); }
    // memo: 0 not evaluated yet this event, 1 false, 2 true
    const f = this.helpers.get('(rec: usize, idx: u32): bool', `  return ${inner};`);
    return `(M${id} != 0 ? M${id} == 2 : ((M${id} = ${f}(rec, idx) ? 2 : 1) == 2))`;
  }

  private raw(e: IrExpr): string {
    switch (e.k) {
      case 'const': return e.value ? 'true' : 'false';
      case 'not': { const a = this.expr(e.arg); return a === 'true' ? 'false' : a === 'false' ? 'true' : `!(${a})`; }
      case 'and': case 'or': {
        const unit = e.k === 'and' ? 'true' : 'false', zero = e.k === 'and' ? 'false' : 'true';
        const parts: string[] = [];
        for (const a of e.k === 'and' ? this.ordered(e.args) : e.args) {
          const s = this.expr(a);
          if (s === zero) return zero;
          if (s !== unit) parts.push(s);
        }
        if (parts.length === 0) return unit;
        return parts.length === 1 ? parts[0] : `(${parts.join(e.k === 'and' ? ' && ' : ' || ')})`;
      }
      case 'exists': return this.value(e.lhs).expr;
      case 'cmp': return this.cmp(e);
    }
  }

  private value(v: ValueExpr): Access {
    if (v.k !== 'field') throw new Unsupported(v.k === 'transform' ? `transformer ${v.name}() is not supported by the WASM back end yet` : 'a literal on the left of a comparison', v.span);
    const r = fieldAccess(v.ref, this.ev, this.pool);
    if ('unsupported' in r) throw new Unsupported(r.unsupported, v.span);
    // Derived strings are built once per event, however many rules test them.
    // (slots of cached entries and parameters are as cheap to read as the cache itself)
    if (r.kind === 'str' && r.expr !== 'false' && !/^(s_hdr|s_param|s_set|s_slot)\(/.test(r.expr)) {
      const i = this.cache.id(r.expr);
      return { ...r, kind: 'str', expr: `((FC = fc_get(CACHE, ${i})) != 0 ? FC == 1 : fc_put(CACHE, ${i}, ${r.expr}))` };
    }
    return r;
  }

  private literals(e: Extract<IrExpr, { k: 'cmp' }>): Literal[] {
    const rhs = e.rhs;
    const items = rhs.k === 'list' ? rhs.items : [rhs];
    return items.map((it) => {
      if (it.k !== 'literal') throw new Unsupported('comparing a field with another field is not supported by the WASM back end yet', it.span);
      return it.value;
    });
  }

  private cmp(e: Extract<IrExpr, { k: 'cmp' }>): string {
    if (e.quant) throw new Unsupported(`quantifier ${e.quant} is not supported by the WASM back end yet`, e.span);
    if (e.lhs.k === 'field' && e.lhs.ref.field === 'evt.type' && !e.lhs.ref.arg) return this.evtType(e);
    if (e.lhs.k === 'field' && e.lhs.ref.field === 'evt.dir') return this.evtDir(e);
    if (e.lhs.k === 'field' && e.lhs.ref.multi && !e.lhs.ref.arg && /^proc\.a(name|exe|exepath)$/.test(e.lhs.ref.field)) return this.ancestors(e);
    if (e.lhs.k === 'field' && e.lhs.ref.multi) {
      const both = fdBothSides(e.lhs.ref.field, this.ev);
      if (both) return this.bothSides(e, both.kind, both.exprs);
    }
    const acc = this.value(e.lhs);
    if (acc.expr === 'false') return 'false';
    const vals = this.literals(e);
    if (acc.kind === 'str' && acc.code && acc.codeOf && acc.codeOps?.includes(e.op)) {
      const codes = vals.map((v) => acc.codeOf!(typeof v === 'string' ? v : String(v)));
      const eq = codes.map((c) => `CD == ${c}`).join(' || ') || 'false';
      return e.op === '!=' ? `((CD = ${acc.code}) != 0 && CD != ${codes[0]})` : `((CD = ${acc.code}) != 0 && (${eq}))`;
    }
    if (acc.kind === 'str' && acc.contains && e.op === 'contains' && vals.length === 1 && typeof vals[0] === 'string') {
      const t = acc.contains(vals[0]);
      if (t !== null) return t;
    }
    if (acc.kind === 'str') return this.strCmp(e.op, acc.expr, vals, e);
    if (acc.kind === 'ip') return this.ipCmp(e.op, acc.expr, vals, e);
    return this.numCmp(e.op, acc.expr, vals, e);
  }

  private evtType(e: Extract<IrExpr, { k: 'cmp' }>): string {
    const names = this.literals(e).map(String);
    const hit = names.includes(this.ev.name);
    switch (e.op) {
      case '=': case 'in': case 'intersects': return hit ? 'true' : 'false';
      case '!=': return hit ? 'false' : 'true';
      default: {
        // other string operators on the type name: decide now, the name is known
        const n = this.ev.name, l = names[0] ?? '';
        const r = e.op === 'startswith' ? n.startsWith(l) : e.op === 'endswith' ? n.endsWith(l) : e.op === 'contains' ? n.includes(l) : undefined;
        if (r === undefined) throw new Unsupported(`operator ${e.op} on evt.type is not supported by the WASM back end yet`, e.span);
        return r ? 'true' : 'false';
      }
    }
  }

  /** fd.ip / fd.net / fd.port: client and server values, combined as the interpreter does for multi-valued fields. */
  private bothSides(e: Extract<IrExpr, { k: 'cmp' }>, kind: Kind, [c, s]: [string, string]): string {
    if (c === 'false') return 'false';
    const vals = this.literals(e);
    const test = (acc: string, op: CmpOp) => (kind === 'ip' ? this.ipCmp(op, acc, vals, e) : this.numCmp(op, acc, vals, e));
    if (e.op === '!=') return `(${c} && !(${test(c, '=')} || ${test(s, '=')}))`;
    if (e.op === 'in' || e.op === 'pmatch') return `(${test(c, e.op)} && ${test(s, e.op)})`;
    return `(${test(c, e.op)} || ${test(s, e.op)})`;
  }

  /** IPv4 address (big-endian number in IV) against addresses or networks. */
  private ipCmp(op: CmpOp, acc: string, vals: Literal[], e: IrExpr): string {
    const tests = vals.map((v) => {
      if (typeof v !== 'object' || v instanceof Uint8Array || !('prefix' in v)) throw new Unsupported(`operator ${op} with a non-address value on an address field`, e.span);
      if (v.family !== 4) return 'false';
      const mask = v.prefix === 0 ? 0 : (0xffffffff << (32 - v.prefix)) >>> 0;
      const net = ((v.bytes[0] << 24) | (v.bytes[1] << 16) | (v.bytes[2] << 8) | v.bytes[3]) >>> 0;
      return `(IV & ${mask}) == ${(net & mask) >>> 0}`;
    });
    switch (op) {
      case '=': return `(${acc} && ${tests[0]})`;
      case '!=': return `(${acc} && !(${tests[0]}))`;
      case 'in': case 'intersects': return tests.length === 0 ? 'false' : `(${acc} && (${tests.join(' || ')}))`;
    }
    throw new Unsupported(`operator ${op} on an address field`, e.span);
  }

  /** proc.aname / aexe / aexepath without an index: true when any ancestor satisfies the test. */
  private ancestors(e: Extract<IrExpr, { k: 'cmp' }>): string {
    const f = e.lhs.k === 'field' ? e.lhs.ref.field : '';
    const off = f === 'proc.aname' ? 32 : f === 'proc.aexe' ? 56 : 320;
    const every = e.op === 'in' || e.op === 'pmatch';
    const none = e.op === '!=';
    const test = this.strCmp(none ? '=' : e.op, `s_slot(a, ${off})`, this.literals(e), e);
    // as the interpreter: `in`/`pmatch` need every ancestor (and one at least), `!=` none equal, the rest any
    const onHit = every || none ? '' : 'return true;';
    const onMiss = every || none ? 'return false;' : '';
    const name = this.helpers.get('(): bool', `  let seen = false;\n  for (let k = 1; k <= ${MAX_ANCESTORS}; k++) {\n    const a = cur_ancestor(k);\n    if (a == 0) break;\n    seen = true;\n    if (${test}) { ${onHit} } else { ${none ? '' : onMiss} }\n    ${none ? `if (${test}) return false;` : ''}\n  }\n  return ${every || none ? 'seen' : 'false'};`);
    return `${name}()`;
  }

  private evtDir(e: Extract<IrExpr, { k: 'cmp' }>): string {
    const vals = this.literals(e).map(String);
    const enter = vals.map((v) => v === '>');
    const test = (isEnter: boolean) => `load<u8>(rec + 62) ${isEnter ? '==' : '!='} 0`;
    if (e.op === '=' || e.op === 'in') return `(${enter.map(test).join(' || ') || 'false'})`;
    if (e.op === '!=') return `!(${test(enter[0])})`;
    throw new Unsupported(`operator ${e.op} on evt.dir is not supported by the WASM back end yet`, e.span);
  }

  private strCmp(op: CmpOp, acc: string, vals: Literal[], e: IrExpr): string {
    const strs = vals.map((v) => (v instanceof Uint8Array ? v : String(v)));
    const one = (fn: string, v: string | Uint8Array) => { const r = this.pool.str(v); return `${fn}(SP, SL, LIT + ${r.off}, ${r.len})`; };
    const lower = (v: string | Uint8Array) => (typeof v === 'string' ? v.toLowerCase() : v);
    switch (op) {
      case '=': return `(${acc} && ${one('str_eq', strs[0])})`;
      case '!=': return `(${acc} && !${one('str_eq', strs[0])})`;
      case 'contains': case 'bcontains': return `(${acc} && ${one('str_contains', strs[0])})`;
      case 'icontains': return `(${acc} && ${one('str_icontains', lower(strs[0]))})`;
      case 'startswith': case 'bstartswith': return `(${acc} && ${one('str_startswith', strs[0])})`;
      case 'endswith': return `(${acc} && ${one('str_endswith', strs[0])})`;
      case 'glob': case 'iglob': {
        const r = this.pool.str(op === 'iglob' ? lower(strs[0]) : strs[0]);
        return `(${acc} && str_glob(SP, SL, LIT + ${r.off}, ${r.len}, ${op === 'iglob'}))`;
      }
      case '<': case '<=': case '>': case '>=': return `(${acc} && ${one('str_cmp', strs[0])} ${op} 0)`;
      case 'in': case 'intersects': {
        if (strs.length === 0) return 'false';
        if (strs.length < SET_MIN) return `(${acc} && (${strs.map((s) => one('str_eq', s)).join(' || ')}))`;
        const set = this.pool.set(strs.map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s))));
        return `(${acc} && set_has(LIT + ${set}, LIT, SP, SL))`;
      }
      case 'pmatch': {
        const l = this.pool.list(strs.map(String));
        return `(${acc} && path_pmatch(LIT + ${l}, LIT, SP, SL))`;
      }
      case 'regex': {
        let at: number;
        try { at = this.pool.regex(typeof strs[0] === 'string' ? strs[0] : new TextDecoder().decode(strs[0])); } catch (err) {
          if (err instanceof RegexUnsupported) throw new Unsupported(`regex ${JSON.stringify(String(strs[0]))}: ${err.message}`, e.span);
          throw err;
        }
        return `(${acc} && dfa_match(LIT + ${at}))`;
      }
    }
    throw new Unsupported(`operator ${op} on a text field`, e.span);
  }

  private numCmp(op: CmpOp, acc: string, vals: Literal[], e: IrExpr): string {
    for (const v of vals) if (typeof v !== 'bigint' && typeof v !== 'boolean') throw new Unsupported(`operator ${op} with a ${typeof v} value on a numeric field`, e.span);
    const n = vals.map((v) => `<i64>${lit(v)}`);
    switch (op) {
      case '=': case '!=': case '<': case '<=': case '>': case '>=': return `(${acc} && IV ${op === '=' ? '==' : op} ${n[0]})`;
      case 'in': case 'intersects': return n.length === 0 ? 'false' : `(${acc} && (${n.map((x) => `IV == ${x}`).join(' || ')}))`;
    }
    throw new Unsupported(`operator ${op} on a numeric field`, e.span);
  }
}
