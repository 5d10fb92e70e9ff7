// Which rules only a successful call can match. Most open rules read a file the call opened
// (fd.num >= 0, evt.rawres >= 0), yet a node's opens fail often: 45% of those in the recorded
// node mix, a library searched along its path. A failed event skips the guard walks and tests
// only the rules that can match it (GuardPlan.body), when they are few.
import type { IrExpr, Literal } from '../ir/types.js';

/** A comparison of the call's result with literals. */
export interface ResultTest { op: string; vals: Literal[] }

/**
 * Whether `e` is false whenever the result is negative (absent counts as failed: the read is false
 * then). `resultTest` reads a comparison of the result, or says 'never' for one that is false for
 * this event type (an evt.type test naming other types: the branch of a rule written for execs).
 */
export function needsSuccess(e: IrExpr, resultTest: (c: Extract<IrExpr, { k: 'cmp' }>) => ResultTest | 'never' | undefined): boolean {
  switch (e.k) {
    case 'and': return e.args.some((a) => needsSuccess(a, resultTest));
    case 'or': return e.args.length > 0 && e.args.every((a) => needsSuccess(a, resultTest));
    case 'cmp': {
      const t = resultTest(e);
      if (t === 'never') return true;
      if (!t || t.vals.length === 0 || !t.vals.every((v) => typeof v === 'number' || typeof v === 'bigint')) return false;
      const n = t.vals.map(Number);
      switch (t.op) {
        case '>=': return n[0] >= 0;
        case '>': return n[0] >= -1;
        case '=': return n[0] >= 0;
        case 'in': return n.every((x) => x >= 0);
        default: return false;
      }
    }
    default: return false;
  }
}
