// Literal tries for rule guards (guard.ts): all the literals a type's rules test one field against,
// walked once per event. A forward trie answers `=` (the value ends on a node) and `startswith`
// (the walk passes a node); a trie of reversed literals, walked from the value's last byte,
// answers `endswith`. A walk stops at the first byte no literal continues with, which for most
// values is within the first few bytes. Layout and walk: assembly/lib/trie.ts.

export interface TrieAtom { bytes: Uint8Array; bit: number; whole: boolean }

export interface Trie {
  /** per node: first edge, edge count, bits set on reaching it, bits set when the value ends on it */
  first: number[]; count: number[]; pass: number[][]; end: number[][];
  /** edges, grouped by node: byte and child */
  edgeByte: number[]; edgeTo: number[];
}

export class TrieTooLarge extends Error {}
// about 100 KB laid out: a larger trie costs more in module size and build time than the tests it
// saves (a rule testing a list that long has its own hash set)
const MAX_NODES = 8192;

/** `whole` atoms must end with the value (=); the rest need only be passed (startswith / endswith read reversed). */
export function buildTrie(atoms: TrieAtom[]): Trie {
  const kids: Array<Map<number, number>> = [new Map()];
  const pass: number[][] = [[]], end: number[][] = [[]];
  for (const a of atoms) {
    let n = 0;
    for (const b of a.bytes) {
      let c = kids[n].get(b);
      if (c === undefined) {
        c = kids.length;
        if (c >= MAX_NODES) throw new TrieTooLarge(`more than ${MAX_NODES} nodes`);
        kids.push(new Map()); pass.push([]); end.push([]);
        kids[n].set(b, c);
      }
      n = c;
    }
    (a.whole ? end : pass)[n].push(a.bit);
  }
  const t: Trie = { first: [], count: [], pass, end, edgeByte: [], edgeTo: [] };
  for (const m of kids) {
    t.first.push(t.edgeByte.length); t.count.push(m.size);
    for (const [b, c] of [...m].sort((x, y) => x[0] - y[0])) { t.edgeByte.push(b); t.edgeTo.push(c); }
  }
  return t;
}

/** The bits a walk sets for `value` (JS model of trie_walk, for tests). */
export function walkTrie(t: Trie, value: Uint8Array, reverse: boolean): Set<number> {
  const out = new Set<number>();
  let n = 0;
  t.pass[0].forEach((b) => out.add(b));
  for (let i = 0; i < value.length; i++) {
    const c = value[reverse ? value.length - 1 - i : i];
    let next = -1;
    for (let e = t.first[n]; e < t.first[n] + t.count[n]; e++) if (t.edgeByte[e] === c) { next = t.edgeTo[e]; break; }
    if (next < 0) return out;
    n = next;
    t.pass[n].forEach((b) => out.add(b));
  }
  t.end[n].forEach((b) => out.add(b));
  return out;
}
