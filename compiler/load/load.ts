// The loader: rule files in load order -> LoadResult (lists resolved, macros and rules amended).
// Pure over file texts; loadRuleFiles() is the only function that touches the disk.
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diag.js';
import { ENGINE_VERSION } from './codes.js';
import { readItems, type RawItem } from './items.js';
import { resolveLists } from './lists.js';
import { MergeState } from './merge.js';
import type { FileStats, LoadResult } from './types.js';
import { FileCtx, parseYamlFile } from './yaml-file.js';

export interface RuleFileText { file: string; text: string }

/** Reads files from disk; an unreadable file becomes a LOAD_FILE_UNREADABLE diagnostic, not an exception. */
export function readRuleFiles(paths: string[]): { files: RuleFileText[]; diagnostics: Diagnostic[] } {
  const files: RuleFileText[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of paths) {
    try {
      files.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
      diagnostics.push({ code: 'LOAD_FILE_UNREADABLE', severity: 'error', message: `cannot read rules file: ${why}`, span: { file, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } } });
    }
  }
  return { files, diagnostics };
}

export function loadRules(files: RuleFileText[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const state = new MergeState();
  const stats: FileStats[] = [];
  let requiredEngineVersion: string | undefined;
  const requiredPlugins: LoadResult['requiredPlugins'] = [];

  for (const { file, text } of files) {
    const ctx = new FileCtx(file, text, diagnostics);
    const st: FileStats = { file, rules: 0, macros: 0, lists: 0 };
    stats.push(st);
    const items: RawItem[] = [];
    for (const doc of parseYamlFile(ctx)) items.push(...readItems(ctx.withDoc(doc), doc.contents));
    for (const item of items) {
      if (item.kind === 'engine') {
        const v = parseVersion(item.version);
        if (!v) item.ctx.report('LOAD_ENGINE_VERSION', `required_engine_version "${item.version}" is not a version (expected N or X.Y.Z)`, item.span);
        else if (compareVersions(v, parseVersion(ENGINE_VERSION)!) > 0) {
          item.ctx.report('LOAD_ENGINE_VERSION', `rules need engine version ${item.version}, this engine is ${ENGINE_VERSION}`, item.span);
        } else if (!requiredEngineVersion || compareVersions(v, parseVersion(requiredEngineVersion)!) > 0) {
          requiredEngineVersion = item.version;
        }
        continue;
      }
      if (item.kind === 'plugins') {
        for (const p of item.plugins) {
          const at = requiredPlugins.findIndex((q) => q.name === p.name);
          if (at < 0) requiredPlugins.push(p);
          else if (compareVersions(parseVersion(p.version) ?? [0, 0, 0], parseVersion(requiredPlugins[at].version) ?? [0, 0, 0]) > 0) requiredPlugins[at] = p;
        }
        continue;
      }
      if (state.apply(item) === 'defined') st[`${item.kind}s`]++;
    }
  }
  const lists = resolveLists(state.lists, diagnostics);
  return {
    lists,
    macros: state.macros,
    rules: [...state.rules.values()],
    ...(requiredEngineVersion !== undefined ? { requiredEngineVersion } : {}),
    requiredPlugins,
    stats,
    diagnostics,
  };
}

/** Falco engine versions: a bare integer N (old style, means 0.N.0) or semver X.Y.Z. */
export function parseVersion(s: string): [number, number, number] | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) return [0, Number(t), 0];
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(t);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
