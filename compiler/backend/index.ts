// rulec back end: IR rule set -> AssemblyScript -> rules.wasm + rules.json.
import type { Diagnostic } from '../diag.js';
import type { IrRuleSet } from '../ir/types.js';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import { emitRuleSet, type EmitOptions } from './emit.js';
import { buildWasm } from './build.js';

export interface Manifest {
  format: 'vigil-rules';
  abiVersion: number;
  rules: Array<{ id: number; name: string; priority: string; tags: string[]; source: string; output: string; outputFields: string[]; eventTypes: string[] | null; compiled: boolean }>;
  /** Event types the kernel should deliver for the compiled rules (names and schema ids). */
  interest: { names: string[]; ids: number[] };
}

export interface BackendResult {
  wasm?: Uint8Array;
  manifest: Manifest;
  asSource: string;
  diagnostics: Diagnostic[];
}

export async function compileBackend(rs: IrRuleSet, opts: EmitOptions & { optimize?: boolean; build?: boolean } = {}): Promise<BackendResult> {
  const em = emitRuleSet(rs, opts);
  const compiled = new Set(em.compiled);
  const ids = [...em.dispatch.keys()].sort((a, b) => a - b);
  const names = ids.map((id) => [...EVENTS_BY_NAME.values()].find((e) => e.id === id)!.name);
  const manifest: Manifest = {
    format: 'vigil-rules',
    abiVersion: 1,
    rules: rs.rules.map((r) => ({
      id: r.id, name: r.name, priority: r.priority, tags: r.tags, source: r.source, output: r.output,
      outputFields: r.outputFields.map((f) => f.field + (f.arg ? `[${f.arg.value}]` : '')),
      eventTypes: r.eventTypes, compiled: compiled.has(r.id),
    })),
    interest: { names, ids },
  };
  const failed = em.diagnostics.some((d) => d.severity === 'error');
  const wasm = failed || opts.build === false ? undefined : await buildWasm(em.source, { optimize: opts.optimize });
  return { wasm, manifest, asSource: em.source, diagnostics: em.diagnostics };
}
