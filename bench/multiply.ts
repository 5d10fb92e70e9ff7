// Rule sets grown k times for the scaling figures (bench/run.ts, bench/scale.ts).
import type { IrRule, IrRuleSet } from '../compiler/ir/types.js';
import { and, cmp, field, not } from '../test/backend/ir-helpers.js';

/**
 * The rule set with every rule repeated k times under new names (copies get distinct ids). Copies
 * compile to the same code and share one evaluation per event; `distinct` gives each copy a test
 * of its own after the rule's (`and not proc.name = vigil-copy-<c>`, true for every generated
 * process), as rules built on one macro differ, so 16x also shows what rules that differ cost.
 */
export function multiply(rs: IrRuleSet, k: number, distinct = false): IrRuleSet {
  const rules: IrRule[] = [];
  for (let c = 0; c < k; c++) {
    for (const r of rs.rules) {
      const condition = distinct && c > 0 ? and(r.condition, not(cmp(field('proc.name'), '=', `vigil-copy-${c}`))) : r.condition;
      rules.push({ ...r, id: rules.length, name: c === 0 ? r.name : `${r.name} (copy ${c})`, condition });
    }
  }
  return { ...rs, rules };
}
