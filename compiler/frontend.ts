// The rule compiler's front end: rule files -> loader -> condition stages -> typed IR, with every
// diagnostic of every stage in one sorted list. Reading the files is the only I/O and happens first.
import type { Diagnostic } from './diag.js';
import { buildRuleSet } from './ir/build.js';
import type { IrRuleSet } from './ir/types.js';
import { loadRules, readRuleFiles, type RuleFileText } from './load/load.js';
import type { FileStats, LoadResult } from './load/types.js';

export interface FrontEndOptions {
  /** Only build rules of this event source (syscall, k8s_audit...); all sources when absent. */
  source?: string;
}

export interface FrontEndStats {
  files: FileStats[];
  errors: number;
  warnings: number;
  infos: number;
}

export interface FrontEndResult {
  load: LoadResult;
  ruleset: IrRuleSet;
  /** Every stage's diagnostics, sorted by file (in load order), line, column. */
  diagnostics: Diagnostic[];
  stats: FrontEndStats;
}

export function compileFrontEnd(input: string[] | RuleFileText[], opts: FrontEndOptions = {}): FrontEndResult {
  const read = input.length > 0 && typeof input[0] === 'string'
    ? readRuleFiles(input as string[])
    : { files: input as RuleFileText[], diagnostics: [] };
  const names = input.map((f) => (typeof f === 'string' ? f : f.file));
  return compileTexts(names, read.files, opts, read.diagnostics);
}

function compileTexts(names: string[], files: RuleFileText[], opts: FrontEndOptions, readDiags: Diagnostic[]): FrontEndResult {
  const load = loadRules(files);
  let built: { ruleset: IrRuleSet; diagnostics: Diagnostic[] };
  try {
    built = buildRuleSet(load, opts.source !== undefined ? { source: opts.source } : {});
  } catch (e) {
    // A crash in a later stage is our bug, not the user's; report it as data rather than a stack trace.
    built = {
      ruleset: { rules: [], fieldsUsed: [], eventTypes: {} },
      diagnostics: [{ code: 'INTERNAL_ERROR', severity: 'error', message: `internal compiler error: ${(e as Error)?.message ?? String(e)}` }],
    };
  }
  const order = new Map<string, number>();
  names.forEach((f) => { if (!order.has(f)) order.set(f, order.size); });
  const diagnostics = sortDiagnostics([...readDiags, ...load.diagnostics, ...built.diagnostics], order);
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  // One stats row per input file in the order given; a file that could not be read counts nothing.
  const loaded = [...load.stats];
  const fileStats = names.map((file) => {
    const i = loaded.findIndex((s) => s.file === file);
    return i >= 0 ? loaded.splice(i, 1)[0] : { file, rules: 0, macros: 0, lists: 0 };
  });
  return {
    load,
    ruleset: built.ruleset,
    diagnostics,
    stats: { files: fileStats, errors: count('error'), warnings: count('warning'), infos: count('info') },
  };
}

export function sortDiagnostics(ds: Diagnostic[], fileOrder: Map<string, number>): Diagnostic[] {
  const key = (d: Diagnostic) => (d.span ? fileOrder.get(d.span.file) ?? fileOrder.size : -1);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => key(a.d) - key(b.d)
      || (a.d.span?.file ?? '').localeCompare(b.d.span?.file ?? '')
      || (a.d.span?.start.line ?? 0) - (b.d.span?.start.line ?? 0)
      || (a.d.span?.start.col ?? 0) - (b.d.span?.start.col ?? 0)
      || a.i - b.i)
    .map((x) => x.d);
}
