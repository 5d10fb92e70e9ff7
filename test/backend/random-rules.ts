// Random rule conditions for the back end's property tests: string tests on the fields guards
// read (fd.name, fd.directory, fd.filename, proc.name, exepath, pname) under and/or/not, with
// literals cut from what the simulated host (world.ts) opens and runs, so they match often.
import type { CmpOp, IrExpr } from '../../compiler/ir/types.js';
import { field, cmp, and, or, not } from './ir-helpers.js';
import { mulberry, PATHS, NAMES } from './world.js';

/** Literals cut from what the simulated host opens and runs: whole, prefixes, suffixes, middles, and misses. */
export function pieces(): string[] {
  const out = new Set<string>(['', '/', '/nonexistent', 'zz']);
  for (const p of PATHS) {
    out.add(p);
    for (const k of [1, 4, 5, 9, p.lastIndexOf('/')]) if (k > 0) { out.add(p.slice(0, k)); out.add(p.slice(k)); }
    out.add(p.slice(2, 7));
  }
  for (const n of NAMES) { out.add(n); out.add(n.slice(0, 2)); out.add(n.slice(1)); }
  return [...out];
}

const OPS: CmpOp[] = ['=', '!=', 'in', 'startswith', 'endswith', 'contains', 'pmatch', 'glob'];
const FIELDS = ['fd.name', 'fd.directory', 'fd.filename', 'proc.name', 'proc.exepath', 'proc.pname'];

/** A glob with its literals at the head, the tail or inside: each shape gives the guards a different atom. */
function globOf(r: ReturnType<typeof mulberry>, pick: () => string): string {
  switch (r.int(4)) {
    case 0: return `${pick()}*${r.int(2) ? pick() : ''}`;
    case 1: return `*${pick()}*`;
    case 2: return `?${pick()}*${pick()}`;
    default: return `*${pick()}?${pick()}*`;
  }
}

export function randomCondition(r: ReturnType<typeof mulberry>, lits: string[], depth = 0): IrExpr {
  const k = r.int(depth > 2 ? 1 : 5);
  if (k === 0 || depth > 2) {
    const op = OPS[r.int(OPS.length)];
    const pick = () => lits[r.int(lits.length)];
    const vals = op === 'in' || op === 'pmatch' ? Array.from({ length: 1 + r.int(6) }, pick) : op === 'glob' ? [globOf(r, pick)] : pick();
    return cmp(field(FIELDS[r.int(FIELDS.length)]), op, vals);
  }
  const args = Array.from({ length: 2 + r.int(2) }, () => randomCondition(r, lits, depth + 1));
  return k === 1 ? or(...args) : k === 2 ? not(args[0]) : and(...args);
}
