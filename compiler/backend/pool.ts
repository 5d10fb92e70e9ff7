// The literal pool of a generated module: every string literal, hash set, pmatch list and flag
// table lives in one data segment, addressed by offset, so the filter never builds a string.

import { compileRegex, type Dfa } from './regex.js';
import type { Trie } from './trie.js';

const te = new TextEncoder();
/** Trie nodes with at least this many edges get a direct 256-entry table (assembly/lib/trie.ts). */
const TRIE_DENSE = 6;

/** FNV-1a, the same function as assembly/lib/str.ts str_hash. */
export function fnv1a(b: Uint8Array): number {
  let h = 2166136261;
  for (const c of b) { h ^= c; h = Math.imul(h, 16777619) >>> 0; }
  return h >>> 0;
}

export class Pool {
  private bytes: number[] = [];
  private strings = new Map<string, number>();
  private regexes = new Map<string, number>();
  /** Tables already laid out, by kind and content: rule conditions repeat across event types. */
  private tables = new Map<string, number>();
  private once(key: string, make: () => number): number {
    let at = this.tables.get(key);
    if (at === undefined) { at = make(); this.tables.set(key, at); }
    return at;
  }

  get size(): number { return this.bytes.length; }
  data(): number[] { return this.bytes; }

  private align4(): void { while (this.bytes.length % 4) this.bytes.push(0); }
  private u32(v: number): void { this.bytes.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255); }

  /** Offset and byte length of a string literal (deduplicated). */
  str(s: string | Uint8Array): { off: number; len: number } {
    const b = typeof s === 'string' ? te.encode(s) : s;
    const key = Buffer.from(b).toString('latin1');
    let off = this.strings.get(key);
    if (off === undefined) { off = this.bytes.length; for (const c of b) this.bytes.push(c); this.strings.set(key, off); }
    return { off, len: b.length };
  }

  /** An open-addressing hash set of strings; returns its offset (layout in str.ts set_has). */
  set(items: string[]): number { return this.once(`set\0${items.join('\0')}`, () => this.layoutSet(items)); }

  private layoutSet(items: string[]): number {
    const uniq = [...new Set(items)];
    let cap = 4; while (cap < uniq.length * 2) cap *= 2;
    const slots: Array<[number, number, number]> = Array.from({ length: cap }, () => [0, 0xffffffff, 0]);
    for (const s of uniq) {
      const b = te.encode(s);
      const { off, len } = this.str(b);
      const h = fnv1a(b);
      let i = h & (cap - 1);
      while (slots[i][1] !== 0xffffffff) i = (i + 1) & (cap - 1);
      slots[i] = [h, off, len];
    }
    this.align4();
    const at = this.bytes.length;
    this.u32(cap - 1);
    for (const [h, o, l] of slots) { this.u32(h); this.u32(o); this.u32(l); }
    return at;
  }

  /** A list {count, (offset, length)...} for pmatch. */
  list(items: string[]): number { return this.once(`list\0${items.join('\0')}`, () => this.layoutList(items)); }

  private layoutList(items: string[]): number {
    const refs = items.map((s) => this.str(s));
    this.align4();
    const at = this.bytes.length;
    this.u32(refs.length);
    for (const r of refs) { this.u32(r.off); this.u32(r.len); }
    return at;
  }

  /**
   * A regex automaton (layout in assembly/lib/dfa.ts): {u32 classes, u32 states, u32 start,
   * u8 classOf[256], u8 accept[states], pad to 2, u16 next[states * classes]}.
   */
  /** The automaton of a regex, compiled once per pattern (throws RegexUnsupported). */
  regex(pattern: string): number {
    let at = this.regexes.get(pattern);
    if (at === undefined) { at = this.dfa(compileRegex(pattern)); this.regexes.set(pattern, at); }
    return at;
  }

  dfa(d: Dfa): number {
    this.align4();
    const at = this.bytes.length;
    this.u32(d.nClasses); this.u32(d.accept.length); this.u32(d.start);
    for (const c of d.classOf) this.bytes.push(c);
    for (const a of d.accept) this.bytes.push(a ? 1 : 0);
    if (this.bytes.length % 2) this.bytes.push(0);
    for (const t of d.next) this.bytes.push(t & 255, t >>> 8);
    return at;
  }

  /** A table of u32 words (guard rule masks), laid out once per content. */
  u32s(words: number[]): number {
    return this.once(`u32s\0${words.join(',')}`, () => { this.align4(); const at = this.bytes.length; for (const w of words) this.u32(w); return at; });
  }

  /** A guard trie (layout in assembly/lib/trie.ts) whose bit masks are `words` u32 wide. */
  trie(t: Trie, words: number): number { return this.once(`trie\0${words}\0${JSON.stringify(t)}`, () => this.layoutTrie(t, words)); }

  private layoutTrie(t: Trie, words: number): number {
    const maskIds = new Map<string, number>([['', 0]]);
    const masks: number[][] = [[]];
    const maskOf = (bits: number[]) => {
      const k = [...bits].sort((a, b) => a - b).join(',');
      let id = maskIds.get(k);
      if (id === undefined) { id = masks.length; maskIds.set(k, id); masks.push(bits); }
      return id;
    };
    const nodes = t.first.map((f, i) => [f, t.count[i], maskOf(t.pass[i]), maskOf(t.end[i])]);
    if (masks.length > 0xffff) throw new Error('trie too large');
    this.align4();
    const at = this.bytes.length;
    const nodeOff = 24, ebOff = nodeOff + 12 * nodes.length, etOff = ebOff + t.edgeByte.length + (t.edgeByte.length & 1);
    const maskOff = (etOff + 2 * t.edgeTo.length + 3) & ~3;  // `at` is 4-aligned, so this matches align4() below
    // nodes with many edges (the root, the first '/') get a direct table: 256 x u16 (child + 1, 0: none)
    const dense = nodes.map((n, i) => (n[1] >= TRIE_DENSE ? i : -1)).filter((i) => i >= 0);
    const denseAt = new Map(dense.map((node, k) => [node, k]));
    const denseOff = maskOff + 4 * words * masks.length;
    for (const v of [nodes.length, words, nodeOff, ebOff, etOff, maskOff]) this.u32(v);
    nodes.forEach(([f, c, p, e], i) => {
      const d = denseAt.get(i);
      this.u32(d !== undefined ? denseOff + 512 * d : f);
      const cnt = d !== undefined ? 0xffff : c;
      this.bytes.push(cnt & 255, cnt >>> 8, p & 255, p >>> 8, e & 255, e >>> 8, 0, 0);
    });
    for (const b of t.edgeByte) this.bytes.push(b);
    if (t.edgeByte.length & 1) this.bytes.push(0);
    for (const c of t.edgeTo) this.bytes.push(c & 255, c >>> 8);
    this.align4();
    for (const bits of masks) {
      const w = new Array<number>(words).fill(0);
      for (const b of bits) w[b >> 5] |= 1 << (b & 31);
      for (const x of w) this.u32(x >>> 0);
    }
    for (const i of dense) {
      const row = new Array<number>(256).fill(0);
      for (let e = t.first[i]; e < t.first[i] + t.count[i]; e++) row[t.edgeByte[e]] = t.edgeTo[e] + 1;
      for (const c of row) this.bytes.push(c & 255, c >>> 8);
    }
    return at;
  }

  /** A flag table {count, (value, offset, length)...} for rendering flags as text. */
  flags(entries: Array<[string, number]>): number { return this.once(`flags\0${entries.map(([n, v]) => `${n}=${v}`).join('\0')}`, () => this.layoutFlags(entries)); }

  private layoutFlags(entries: Array<[string, number]>): number {
    const refs = entries.map(([n, v]) => ({ v, ...this.str(n) }));
    this.align4();
    const at = this.bytes.length;
    this.u32(refs.length);
    for (const r of refs) { this.u32(r.v); this.u32(r.off); this.u32(r.len); }
    return at;
  }
}
