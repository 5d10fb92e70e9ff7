// Rule guards: for each rule of an event type, a test that is necessarily true when the rule
// matches (some literal its condition needs: fd.name startswith /etc, proc.name in (...)). All
// guards a type's rules put on one field are answered together: a forward and a reversed trie of
// their literals walked once per event (trie.ts), and a scan per `contains` literal. The bits
// that come out select the rules to evaluate (body()): on the events most of a node's traffic is
// made of (a library opened, /proc read) the walks end within a few bytes and no rule runs. The
// full condition still decides for a selected rule, so guards only ever save work.
import type { CmpOp, IrExpr, Literal } from '../ir/types.js';
import { buildTrie, TrieTooLarge, type TrieAtom } from './trie.js';
import type { Pool } from './pool.js';
import type { HitWriter, RuleGroup } from './groups.js';

const te = new TextEncoder();
/** Rules that must share a field's guard walk for it to be built. */
const MIN_RULES = 2;

export type AtomKind = 'eq' | 'prefix' | 'suffix' | 'contains';
export interface Atom { kind: AtomKind; bytes: Uint8Array }
/** Per field access (its generated expression), literals one of which the value must match. */
export type Guard = Map<string, Atom[]>;

/** The atoms of a positive string test (undefined: the test gives no guard). */
export function atomsOf(op: CmpOp, vals: Literal[]): Atom[] | undefined {
  if (vals.length === 0 || !vals.every((v) => typeof v === 'string' || v instanceof Uint8Array)) return undefined;
  const all = vals.map((v) => (v instanceof Uint8Array ? v : te.encode(String(v))));
  const one = (kind: AtomKind): Atom[] | undefined => (all[0].length === 0 && kind !== 'eq' ? undefined : [{ kind, bytes: all[0] }]);
  switch (op) {
    case '=': return one('eq');  // as strCmp: = and the single-value operators read the first value
    case 'in': case 'intersects': return all.map((bytes) => ({ kind: 'eq', bytes }));
    case 'startswith': case 'bstartswith': return one('prefix');
    case 'endswith': return one('suffix');
    case 'contains': case 'bcontains': return one('contains');
    // pmatch compares components (empty ones dropped, relative entries allowed): no literal is
    // necessarily a prefix of the raw value, so it gives no guard
    case 'glob': {
      // the literal part before the first wildcard or escape is a prefix every match has
      const s = String(vals[0]);
      const cut = s.search(/[*?[\\]/);
      if (cut < 0) return [{ kind: 'eq', bytes: te.encode(s) }];
      if (cut > 0) return [{ kind: 'prefix', bytes: te.encode(s.slice(0, cut)) }];
      // else a literal tail is a suffix every match has, and any literal run lies inside it
      // (`*/.ssh/id_*`: without this its rule ran on every open)
      const { runs, tail } = globRuns(s);
      if (tail) return [{ kind: 'suffix', bytes: te.encode(tail) }];
      const best = runs.reduce((a, r) => (r.length > a.length ? r : a), '');
      return best.length >= 2 ? [{ kind: 'contains', bytes: te.encode(best) }] : undefined;
    }
  }
  return undefined;
}

/**
 * The literal runs of a glob (between its wildcards, classes and escapes, which end a run) and
 * the run it ends with, if any. Stops at a `[` without a closing `]`, which the matchers read
 * differently: what follows it gives nothing.
 */
export function globRuns(s: string): { runs: string[]; tail?: string } {
  const runs: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '*' && c !== '?' && c !== '[' && c !== '\\') { cur += c; continue; }
    if (cur) runs.push(cur);
    cur = '';
    if (c === '\\') i++;
    else if (c === '[') {
      const close = s.indexOf(']', i + 2);
      if (close < 0) return { runs };
      i = close;
    }
  }
  if (cur) runs.push(cur);
  return { runs, tail: cur || undefined };
}

/** fd.directory / fd.filename atoms as fd.name atoms (necessary, not sufficient); undefined when they have none. */
export function onName(field: 'fd.directory' | 'fd.filename', atoms: Atom[]): Atom[] | undefined {
  const out: Atom[] = [];
  for (const a of atoms) {
    if (field === 'fd.directory') {
      // a directory's name is its own; a file's begins with its directory
      if (a.kind !== 'eq' && a.kind !== 'prefix') return undefined;
      out.push({ kind: 'prefix', bytes: a.bytes });
    } else {
      // the base name is what follows the last '/': a suffix of the name
      if (a.kind === 'eq' || a.kind === 'suffix') out.push({ kind: 'suffix', bytes: a.bytes });
      else out.push({ kind: 'contains', bytes: a.bytes });
    }
  }
  return out;
}

/** What a guard costs per event: a walk per field, a scan per contains literal. */
function cost(g: Guard, walk: (access: string) => number): number {
  if (g.size === 0) return -1;  // never true: the best guard there is
  let c = 0;
  for (const [access, atoms] of g) c += walk(access) + 4 * atoms.filter((a) => a.kind === 'contains').length + atoms.length / 1000;
  return c;
}

/** What a comparison gives a guard: its field access and atoms, 'never' (false for this event type), or nothing. */
export type Leaf = { access: string; atoms: Atom[] } | 'never' | undefined;

/**
 * A guard for `e`, or null when none is known; an empty guard when `e` cannot be true for this
 * event type. `leaf` says what a comparison gives.
 */
export function deriveGuard(e: IrExpr, leaf: (c: Extract<IrExpr, { k: 'cmp' }>) => Leaf, walk: (access: string) => number = () => 2): Guard | null {
  switch (e.k) {
    case 'cmp': { const l = leaf(e); return l === 'never' ? new Map() : l ? new Map([[l.access, l.atoms]]) : null; }
    case 'const': return e.value ? null : new Map();
    case 'and': {
      // each conjunct is necessary: the cheapest guard among them will do
      let best: Guard | null = null;
      for (const a of e.args) { const g = deriveGuard(a, leaf, walk); if (g && (!best || cost(g, walk) < cost(best, walk))) best = g; }
      return best;
    }
    case 'or': {
      const out: Guard = new Map();
      for (const a of e.args) {
        const g = deriveGuard(a, leaf, walk);
        if (!g) return null;
        for (const [k, atoms] of g) out.set(k, [...(out.get(k) ?? []), ...atoms]);
      }
      return out;
    }
    default: return null;
  }
}

/** A field's guards: bit i stands for literals[i]; `bits` finds a literal set's bit; `users` counts rules. */
interface Group { access: string; literals: Atom[][]; bits: Map<string, number>; users: number }
/** A group whose bits are built: ZB<z> holds them, `fill` is the function that fills them. */
interface Built { z: number; fill: string; words: number }

/** The guards of one event type's rules, grouped by field; each group is answered by one getter. */
export class GuardPlan {
  private groups = new Map<string, Group>();
  private ruleGuards = new Map<number, Array<{ group: string; bit: number }>>();
  private built = new Map<string, Built>();

  add(ruleId: number, g: Guard): void {
    const refs: Array<{ group: string; bit: number }> = [];
    for (const [access, atoms] of g) {
      let gr = this.groups.get(access);
      if (!gr) { gr = { access, literals: [], bits: new Map(), users: 0 }; this.groups.set(access, gr); }
      // rules with the same literals share a bit (copies of a rule, rules built on one macro)
      const key = atoms.map((a) => `${a.kind}:${Array.from(a.bytes).join(',')}`).sort().join(' ');
      let bit = gr.bits.get(key);
      if (bit === undefined) { bit = gr.literals.length; gr.bits.set(key, bit); gr.literals.push(atoms); }
      gr.users++;
      refs.push({ group: access, bit });
    }
    this.ruleGuards.set(ruleId, refs);
  }

  /**
   * Lays out each group's tries and hands `getter` the body of the function that fills its bits
   * (the caller names and registers it). A group whose trie is too large leaves its rules unguarded.
   */
  finish(pool: Pool, reg: GuardRegistry, getter: (body: string) => string): void {
    for (const [key, gr] of this.groups) {
      // a walk that serves one rule costs about what that rule's own test does
      if (gr.users < MIN_RULES) continue;
      const words = Math.ceil(gr.literals.length / 32);
      const fwd: TrieAtom[] = [], rev: TrieAtom[] = [], contains: Array<{ bytes: Uint8Array; bit: number }> = [];
      gr.literals.forEach((atoms, bit) => {
        for (const a of atoms) {
          if (a.kind === 'eq' || a.kind === 'prefix') fwd.push({ bytes: a.bytes, bit, whole: a.kind === 'eq' });
          else if (a.kind === 'suffix') rev.push({ bytes: a.bytes.slice().reverse(), bit, whole: false });
          else contains.push({ bytes: a.bytes, bit });
        }
      });
      let fwdAt = -1, revAt = -1;
      try {
        if (fwd.length) fwdAt = pool.trie(buildTrie(fwd), words);
        if (rev.length) revAt = pool.trie(buildTrie(rev), words);
      } catch (err) {
        if (err instanceof TrieTooLarge) continue;  // its rules are then always evaluated (body())
        throw err;
      }
      const z = reg.next(words);
      // no value: no bit (a positive test on an absent field is false)
      const lines: string[] = [];
      for (let w = 0; w < words; w++) lines.push(`  store<u32>(ZB${z} + ${w * 4}, 0);`);
      lines.push(`  if (!(${gr.access})) return;`);
      if (fwdAt >= 0) lines.push(`  trie_walk(LIT + ${fwdAt}, ZB${z}, false);`);
      if (revAt >= 0) lines.push(`  trie_walk(LIT + ${revAt}, ZB${z}, true);`);
      for (const c of contains) {
        const r = pool.str(c.bytes);
        const at = `ZB${z} + ${(c.bit >> 5) * 4}`;
        lines.push(`  if (str_contains(SP, SL, LIT + ${r.off}, ${r.len})) store<u32>(${at}, load<u32>(${at}) | ${(1 << (c.bit & 31)) >>> 0});`);
      }
      this.built.set(key, { z, fill: getter(lines.join('\n')), words });
    }
  }
  /** Which guard bits select a rule ('' for none built): rules grouped on one test must agree on it. */
  signature(ruleId: number): string {
    const refs = this.ruleGuards.get(ruleId) ?? [];
    if (refs.length === 0 || refs.some(({ group }) => !this.built.has(group))) return '';
    return refs.map(({ group, bit }) => `${this.built.get(group)!.z}:${bit}`).join(' ');
  }

  /**
   * The body of a type's function when some of its rules have guards: every guard field is filled
   * first, the guard bits that are set select the rules to evaluate (a table per field: bit ->
   * rules, as bits of the rules' positions), rules without a guard always are, and the selected
   * rules run in their order through a switch. An event then costs the rules its values can
   * match, not every rule of its type (a rule set 16 times larger costs 16 times the rules
   * that pass, not 16 times all). Undefined when no guard was built: the plain sequence is used.
   * `cand` is a module buffer of ceil(rules / 32) words for the selection when it needs more than one.
   */
  body(rules: RuleGroup[], pool: Pool, cand: string, hits: HitWriter, onFail?: FailPlan): string[] | undefined {
    if (this.built.size === 0) return undefined;
    const rw = Math.ceil(rules.length / 32);
    const always = new Array<number>(rw).fill(0);
    // per built group, per bit: the rules (as bits of their positions) that bit stands for
    const tables = new Map<Built, number[][]>();
    for (const [key, b] of this.built) tables.set(b, Array.from(this.groups.get(key)!.literals, () => new Array<number>(rw).fill(0)));
    rules.forEach((r, i) => {
      // a group's rules have the same guard bits (groupRules' key): its first stands for all
      const refs = this.ruleGuards.get(r.members[0].ids[0]) ?? [];
      const bs = refs.map(({ group }) => this.built.get(group));
      if (refs.length === 0 || bs.some((b) => b === undefined)) { always[i >> 5] |= 1 << (i & 31); return; }
      refs.forEach(({ bit }, k) => { tables.get(bs[k]!)![bit][i >> 5] |= 1 << (i & 31); });
    });
    const one = rw === 1;
    const sel = [...this.built.values()].map((b) => `  ${b.fill}(rec, idx);`);
    if (one) sel.push(`  c = ${always[0] >>> 0};`);
    else always.forEach((w, k) => sel.push(`  store<u32>(${cand} + ${k * 4}, ${w >>> 0});`));
    for (const [{ z, words }, rows] of tables) {
      const at = pool.u32s(rows.flat().map((w) => w >>> 0));
      for (let w = 0; w < words; w++) {
        const row = `LIT + ${at} + (((${w * 32} + ctz<u32>(m)) * ${rw}) << 2)`;
        const or = one ? `c |= load<u32>(${row});` : `{ const r = ${row}; for (let k: usize = 0; k < ${rw}; k++) store<u32>(${cand} + (k << 2), load<u32>(${cand} + (k << 2)) | load<u32>(r + (k << 2))); }`;
        sel.push(`  for (let m = load<u32>(ZB${z} + ${w * 4}); m != 0; m &= m - 1) ${or}`);
      }
    }
    const lines = [...hits.prologue()];
    if (one) lines.push('  let c: u32 = 0;');
    // a failed call: no walk, only the few rules that can match it, each tested whole
    const failing = onFail ? rules.map((_r, i) => i).filter((i) => onFail.capable[i]) : [];
    if (onFail && failing.length <= FAIL_MAX && failing.length < rules.length) {
      const mask = new Array<number>(rw).fill(0);
      for (const i of failing) mask[i >> 5] |= 1 << (i & 31);
      lines.push(`  if (!${onFail.test}) {`, ...(one ? [`    c = ${mask[0] >>> 0};`] : mask.map((w, k) => `    store<u32>(${cand} + ${k * 4}, ${w >>> 0});`)), '  } else {', ...sel.map((l) => `  ${l}`), '  }');
    } else lines.push(...sel);
    const cases = rules.map((_r, i) => `      case ${i}: { ${hits.group(i)} break; }`);
    const sw = ['    switch (i) {', ...cases, '      default: break;', '    }'];
    if (one) lines.push('  while (c != 0) {', '    const i = ctz<u32>(c); c &= c - 1;', ...sw, '  }');
    else lines.push(`  for (let w: u32 = 0; w < ${rw}; w++) {`, `    let c = load<u32>(${cand} + (<usize>w << 2));`, '    while (c != 0) {', '      const i = (w << 5) + ctz<u32>(c); c &= c - 1;', ...sw.map((l) => `  ${l}`), '    }', '  }');
    return [...lines, ...hits.epilogue()];
  }
}

/**
 * How a type's failed calls are told apart (`test`: true when the call succeeded) and which of
 * its rule groups can match one (result.ts).
 */
export interface FailPlan { test: string; capable: boolean[] }
/**
 * Failed calls are tested without guards only when this few rule groups can match them: each runs
 * its own first test, where the walks serve all. (Upstream's open types have two: directory
 * traversal's failed-open branch and creations below /dev. With four of them it still paid: 106.4
 * -> 95.6 ns/event on the node mix, where 45% of opens fail; the stress world, 10%, unchanged.)
 */
const FAIL_MAX = 4;

/** Numbering of guard groups and their declarations, across the module's event types. */
export class GuardRegistry {
  private n = 0;
  readonly decls: string[] = [];
  next(words: number): number {
    const z = this.n++;
    this.decls.push(`const ZB${z}: usize = memory.data(${words * 4}, 4);`);
    return z;
  }
}
