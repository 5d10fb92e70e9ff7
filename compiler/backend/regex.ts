// Regex -> byte DFA for the WASM filter. Falco matches a regex against the whole value (RE2 with
// ANCHOR_BOTH); the reference interpreter does the same with `^(?:p)$`. The pattern is parsed
// here, turned into a Thompson NFA over UTF-8 bytes, then into a DFA by subset construction; the
// filter runs the table (assembly/lib/dfa.ts) without calling back into JS.
//
// Supported: literals, escapes (\d \w \s \D \W \S \. \n \t...), `.`, classes with ranges and
// negation, groups ( ) and (?: ), alternation, * + ? {n} {n,} {n,m} (lazy forms match the same
// whole-value language), ^ and $. Back-references and look-arounds have no DFA and are rejected.

export class RegexUnsupported extends Error {}

type Bytes = boolean[]; // membership over 0..255
type Node =
  | { t: 'set'; bytes: Bytes }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'bol' } | { t: 'eol' };

const MAX_STATES = 4096;
const MAX_NFA = 20000;

const none = (): Bytes => new Array(256).fill(false);
const of = (pred: (c: number) => boolean): Bytes => Array.from({ length: 256 }, (_, c) => pred(c));
const range = (a: number, b: number) => of((c) => c >= a && c <= b);
const seq = (items: Node[]): Node => (items.length === 1 ? items[0] : { t: 'seq', items });
const alt = (items: Node[]): Node => (items.length === 1 ? items[0] : { t: 'alt', items });

const DIGIT = (c: number) => c >= 48 && c <= 57;
const WORD = (c: number) => DIGIT(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACE = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** Any one non-ASCII code point as UTF-8 bytes. */
const MULTIBYTE: Node = alt([
  seq([{ t: 'set', bytes: range(0xc2, 0xdf) }, { t: 'set', bytes: range(0x80, 0xbf) }]),
  seq([{ t: 'set', bytes: range(0xe0, 0xef) }, { t: 'set', bytes: range(0x80, 0xbf) }, { t: 'set', bytes: range(0x80, 0xbf) }]),
  seq([{ t: 'set', bytes: range(0xf0, 0xf4) }, { t: 'set', bytes: range(0x80, 0xbf) }, { t: 'set', bytes: range(0x80, 0xbf) }, { t: 'set', bytes: range(0x80, 0xbf) }]),
]);

/** A class over ASCII members; `neg` also admits every non-ASCII code point (which it cannot contain). */
function asciiClass(members: Bytes, neg: boolean): Node {
  if (!neg) return { t: 'set', bytes: members };
  return alt([{ t: 'set', bytes: of((c) => c < 128 && !members[c]) }, MULTIBYTE]);
}

function literal(cp: number): Node {
  const b = new TextEncoder().encode(String.fromCodePoint(cp));
  return seq([...b].map((x) => ({ t: 'set', bytes: of((c) => c === x) }) as Node));
}

class Parser {
  i = 0;
  constructor(private s: string) {}

  parse(): Node {
    const n = this.alternation();
    if (this.i < this.s.length) throw new RegexUnsupported(`unexpected '${this.s[this.i]}' at ${this.i}`);
    return n;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.s[this.i] === '|') { this.i++; items.push(this.sequence()); }
    return alt(items);
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') items.push(this.quantified());
    return items.length ? seq(items) : { t: 'seq', items: [] };
  }

  private quantified(): Node {
    let n = this.atom();
    for (;;) {
      const c = this.s[this.i];
      let min: number, max: number;
      if (c === '*') { min = 0; max = -1; this.i++; }
      else if (c === '+') { min = 1; max = -1; this.i++; }
      else if (c === '?') { min = 0; max = 1; this.i++; }
      else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.s.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i))!;
        min = Number(m[1]); max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (max !== -1 && max < min) throw new RegexUnsupported('quantifier range out of order');
        if (min > 100 || max > 100) throw new RegexUnsupported('repetition count above 100');
        this.i += m[0].length;
      } else return n;
      if (this.s[this.i] === '?') this.i++; // lazy: same whole-value matches
      if (n.t === 'bol' || n.t === 'eol') continue;
      n = { t: 'rep', node: n, min, max };
    }
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') {
      this.i++;
      if (s[this.i] === '?') {
        if (s[this.i + 1] !== ':') throw new RegexUnsupported(`group (?${s[this.i + 1]} is not supported`);
        this.i += 2;
      }
      const n = this.alternation();
      if (s[this.i] !== ')') throw new RegexUnsupported('unclosed group');
      this.i++;
      return n;
    }
    if (c === '^') { this.i++; return { t: 'bol' }; }
    if (c === '$') { this.i++; return { t: 'eol' }; }
    if (c === '.') { this.i++; return asciiClass(of((x) => x === 10 || x === 13), true); }
    if (c === '[') return this.cls();
    if (c === '\\') return this.escape(false) as Node;
    if (c === '*' || c === '+' || c === '?') throw new RegexUnsupported(`nothing to repeat at ${this.i}`);
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return literal(cp);
  }

  /** An escape; inside a class returns the byte members (ASCII only) instead of a node. */
  private escape(inClass: boolean): Node | Bytes {
    const e = this.s[this.i + 1];
    if (e === undefined) throw new RegexUnsupported('trailing backslash');
    this.i += 2;
    const cls = (pred: (c: number) => boolean, neg: boolean): Node | Bytes => {
      if (inClass) { if (neg) throw new RegexUnsupported(`\\${e} inside a class`); return of(pred); }
      return asciiClass(of((x) => x < 128 && pred(x)), neg);
    };
    switch (e) {
      case 'd': return cls(DIGIT, false);
      case 'D': return cls(DIGIT, true);
      case 'w': return cls(WORD, false);
      case 'W': return cls(WORD, true);
      case 's': return cls(SPACE, false);
      case 'S': return cls(SPACE, true);
      case 'b': case 'B': throw new RegexUnsupported(`\\${e} (word boundary) is not supported`);
    }
    if (/[1-9]/.test(e)) throw new RegexUnsupported('back-references are not supported');
    const ctl: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, '0': 0 };
    let cp: number;
    if (e in ctl) cp = ctl[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}/.test(this.s.slice(this.i))) { cp = parseInt(this.s.slice(this.i, this.i + 2), 16); this.i += 2; }
    else if (/[A-Za-z]/.test(e)) throw new RegexUnsupported(`escape \\${e} is not supported`);
    else cp = e.codePointAt(0)!;
    if (inClass) { if (cp > 127) throw new RegexUnsupported('non-ASCII character in a class'); return of((x) => x === cp); }
    return literal(cp);
  }

  private cls(): Node {
    const s = this.s;
    this.i++;
    const neg = s[this.i] === '^';
    if (neg) this.i++;
    const members = none();
    let first = true;
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      let lo: number;
      if (s[this.i] === '\\') {
        const b = this.escape(true) as Bytes;
        const single = b.filter(Boolean).length === 1 ? b.indexOf(true) : -1;
        if (single < 0 || s[this.i] !== '-' || s[this.i + 1] === ']') { b.forEach((v, k) => { if (v) members[k] = true; }); continue; }
        lo = single;
      } else { lo = s.codePointAt(this.i)!; this.i += lo > 0xffff ? 2 : 1; }
      let hi = lo;
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        if (s[this.i] === '\\') { const b = this.escape(true) as Bytes; hi = b.indexOf(true); }
        else { hi = s.codePointAt(this.i)!; this.i += hi > 0xffff ? 2 : 1; }
      }
      if (lo > 127 || hi > 127) throw new RegexUnsupported('non-ASCII character in a class');
      if (hi < lo) throw new RegexUnsupported('class range out of order');
      for (let k = lo; k <= hi; k++) members[k] = true;
    }
    if (s[this.i] !== ']') throw new RegexUnsupported('unclosed class');
    this.i++;
    return asciiClass(members, neg);
  }
}

// ---- Thompson NFA ----
interface NState { eps: number[]; bol: number[]; eol: number[]; on: Array<[number, number]> } // on: (set id, target)

class Nfa {
  states: NState[] = [];
  sets: Bytes[] = [];
  private setIds = new Map<string, number>();
  add(): number {
    if (this.states.length >= MAX_NFA) throw new RegexUnsupported('pattern too large');
    this.states.push({ eps: [], bol: [], eol: [], on: [] });
    return this.states.length - 1;
  }
  setId(b: Bytes): number {
    const k = b.map((x) => (x ? '1' : '0')).join('');
    let id = this.setIds.get(k);
    if (id === undefined) { id = this.sets.length; this.sets.push(b); this.setIds.set(k, id); }
    return id;
  }
  /** Builds `n` between a fresh start and end state; returns [start, end]. */
  build(n: Node): [number, number] {
    const a = this.add(), z = this.add();
    switch (n.t) {
      case 'set': this.states[a].on.push([this.setId(n.bytes), z]); break;
      case 'bol': this.states[a].bol.push(z); break;
      case 'eol': this.states[a].eol.push(z); break;
      case 'seq': {
        let cur = a;
        for (const it of n.items) { const [s, e] = this.build(it); this.states[cur].eps.push(s); cur = e; }
        this.states[cur].eps.push(z);
        break;
      }
      case 'alt': for (const it of n.items) { const [s, e] = this.build(it); this.states[a].eps.push(s); this.states[e].eps.push(z); } break;
      case 'rep': {
        let cur = a;
        for (let k = 0; k < n.min; k++) { const [s, e] = this.build(n.node); this.states[cur].eps.push(s); cur = e; }
        if (n.max === -1) {
          const [s, e] = this.build(n.node);
          this.states[cur].eps.push(s, z); this.states[e].eps.push(s, z);
        } else {
          for (let k = n.min; k < n.max; k++) { const [s, e] = this.build(n.node); this.states[cur].eps.push(s, z); cur = e; }
          this.states[cur].eps.push(z);
        }
        break;
      }
    }
    return [a, z];
  }
}

export interface Dfa {
  /** Byte -> class. */
  classOf: Uint8Array;
  nClasses: number;
  /** State 0 is dead; `start` is where matching begins. */
  start: number;
  accept: boolean[];
  /** next[state * nClasses + class] */
  next: Uint16Array;
}

export function compileRegex(pattern: string): Dfa {
  const nfa = new Nfa();
  const [s0, acc] = nfa.build(new Parser(pattern).parse());
  // byte classes: bytes with the same membership in every set behave alike
  const sig = new Map<string, number>();
  const classOf = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const k = nfa.sets.map((b) => (b[c] ? '1' : '0')).join('');
    let id = sig.get(k);
    if (id === undefined) { id = sig.size; sig.set(k, id); }
    classOf[c] = id;
  }
  const nClasses = sig.size;
  const rep = new Array<number>(nClasses);
  for (let c = 255; c >= 0; c--) rep[classOf[c]] = c;

  const closure = (seeds: number[], atStart: boolean, atEnd: boolean): number[] => {
    const seen = new Set<number>(seeds), stack = [...seeds];
    while (stack.length) {
      const st = nfa.states[stack.pop()!];
      const next = [...st.eps, ...(atStart ? st.bol : []), ...(atEnd ? st.eol : [])];
      for (const t of next) if (!seen.has(t)) { seen.add(t); stack.push(t); }
    }
    return [...seen].sort((x, y) => x - y);
  };

  const keys = new Map<string, number>();
  const sets: number[][] = [[]]; // state 0: dead
  const accept: boolean[] = [false];
  const trans: number[][] = [new Array(nClasses).fill(0)];
  const intern = (set: number[], isStart: boolean): number => {
    if (set.length === 0) return 0;
    const k = (isStart ? 'S' : '') + set.join(',');
    let id = keys.get(k);
    if (id !== undefined) return id;
    if (sets.length >= MAX_STATES) throw new RegexUnsupported(`automaton above ${MAX_STATES} states`);
    id = sets.length; keys.set(k, id); sets.push(set);
    accept.push(closure(set, isStart, true).includes(acc));
    trans.push([]);
    return id;
  };
  const start = intern(closure([s0], true, false), true);
  for (let id = 1; id < sets.length; id++) {
    const row: number[] = [];
    for (let cl = 0; cl < nClasses; cl++) {
      const c = rep[cl];
      const to: number[] = [];
      for (const n of sets[id]) for (const [set, t] of nfa.states[n].on) if (nfa.sets[set][c]) to.push(t);
      row.push(intern(closure([...new Set(to)], false, false), false));
    }
    trans[id] = row;
  }
  const next = new Uint16Array(sets.length * nClasses);
  trans.forEach((row, id) => row.forEach((t, cl) => { next[id * nClasses + cl] = t; }));
  return { classOf, nClasses, start, accept, next };
}

/** Runs a DFA over bytes (tests use it to check the tables against RegExp). */
export function dfaMatch(d: Dfa, b: Uint8Array): boolean {
  let s = d.start;
  for (const c of b) { s = d.next[s * d.nClasses + d.classOf[c]]; if (s === 0) return false; }
  return d.accept[s];
}
