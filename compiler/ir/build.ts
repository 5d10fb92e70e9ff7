// PLACEHOLDER written by the loader/CLI engineer because the condition stages were not in yet:
// the owner of compiler/ir replaces this file with the real lowering. It produces no IR and says so.
import type { Diagnostic } from '../diag.js';
import type { LoadResult } from '../load/types.js';
import type { IrRuleSet } from './types.js';

export function buildRuleSet(load: LoadResult, opts?: { source?: string }): { ruleset: IrRuleSet; diagnostics: Diagnostic[] } {
  void load; void opts;
  return {
    ruleset: { rules: [], fieldsUsed: [], eventTypes: {} },
    diagnostics: [{ code: 'NOT_IMPLEMENTED', severity: 'info', message: 'conditions are not parsed or checked yet (compiler/ir/build.ts is a placeholder)' }],
  };
}
