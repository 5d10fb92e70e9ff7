// Rules for the agent: the configured files (directories expand to their *.yaml, sorted), compiled
// with the front end. A compile with errors is refused as one message listing each diagnostic, so
// a caller (start-up or a reload) can keep what it runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileFrontEnd } from '../../compiler/frontend.js';
import { formatDiagnostic } from '../../compiler/diag.js';
import type { IrRule } from '../../compiler/ir/types.js';
import { compileTemplate } from '../alerts/template.js';
import type { RuleInfo } from '../alerts/alert.js';
import { parsePriority } from '../alerts/priority.js';
import { rootPath } from '../../compiler/root.js';

/** The rule set shipped in the repository, used when the configured paths do not exist (a dev checkout). */
export const BUNDLED_RULES_DIR = rootPath('rules');

export function expandRuleFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    if (!statSync(p).isDirectory()) { out.push(p); continue; }
    // macros.yaml holds the shared lists and macros of a set: it loads before the themed files.
    const names = readdirSync(p).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort((a, b) =>
      (a === 'macros.yaml' ? -1 : b === 'macros.yaml' ? 1 : a.localeCompare(b)));
    out.push(...names.map((f) => join(p, f)));
  }
  return out;
}

export interface CompiledRules { rules: IrRule[]; infos: Map<number, RuleInfo>; files: string[]; warnings: string[] }

export class RulesError extends Error {}

export function compileRules(paths: string[]): CompiledRules {
  let files = expandRuleFiles(paths);
  if (files.length === 0) files = expandRuleFiles([BUNDLED_RULES_DIR]);
  const r = compileFrontEnd(files);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new RulesError(`rules do not compile (${errors.length} error${errors.length > 1 ? 's' : ''}):\n${errors.map(formatDiagnostic).join('\n')}`);
  const rules = r.ruleset.rules.filter((x) => x.enabled);
  const infos = new Map<number, RuleInfo>();
  for (const x of rules) infos.set(x.id, { name: x.name, priority: parsePriority(x.priority) ?? 'Debug', source: x.source, tags: x.tags, output: compileTemplate(x.output) });
  return { rules, infos, files, warnings: r.diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic) };
}
