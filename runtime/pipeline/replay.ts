// `vigil replay FILE`: a recorded capture through state, the rules and the outputs. A .scap file
// (Falco/sysdig, gzip'd or plain) replays syscalls; a .json file replays Kubernetes audit events.
// Rules are evaluated by the reference interpreter here: a replayed .scap is decoded records,
// not Vigil's binary records, so the WASM filter cannot read it yet.
import { fieldTable, lookupField } from '../../compiler/fields/index.js';
import type { FieldValue } from '../../compiler/fields/types.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import type { IrRule } from '../../compiler/ir/types.js';
import { ScapReplay } from '../sources/scap/replay.js';
import { ScapError } from '../sources/scap/errors.js';
import { formatLineError, readAuditFile } from '../sources/k8saudit/file.js';
import type { Resolve } from '../alerts/template.js';
import type { PipelineContext, RunningPipeline } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import { compileRules, RulesError, type CompiledRules } from './rules.js';

const latin1 = new TextDecoder('latin1');

function text(v: FieldValue | FieldValue[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? v.map((x) => text(x)).join(',') : undefined;
  if (v instanceof Uint8Array) return latin1.decode(v);
  return String(v);
}

/** Output-string resolution over a source's field table, for one event. */
export function resolverFor(source: string, ev: unknown): Resolve {
  const table = fieldTable(source);
  return (field, arg) => {
    if (!table) return undefined;
    const found = lookupField(table, field);
    const ex = found && table.extractors.get(found.def.name);
    if (!found || !ex) return undefined;
    const key = found.dotKey ?? arg;
    const a = key === undefined ? undefined : /^\d+$/.test(key) && found.def.arg?.kind !== 'key' ? { kind: 'index' as const, value: Number(key) } : { kind: 'key' as const, value: key };
    return text(ex(ev, a));
  };
}

/** Rules per source and event type, so an event meets only the rules that can match it. */
function dispatch(rules: IrRule[]): (source: string, type: string | undefined) => IrRule[] {
  const byKey = new Map<string, IrRule[]>();
  const any = new Map<string, IrRule[]>();
  for (const r of rules) {
    if (r.eventTypes === null || r.source !== 'syscall') { (any.get(r.source) ?? any.set(r.source, []).get(r.source)!).push(r); continue; }
    for (const t of r.eventTypes) { const k = `${r.source}/${t}`; (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(r); }
  }
  const cache = new Map<string, IrRule[]>();
  return (source, type) => {
    const k = `${source}/${type ?? ''}`;
    let list = cache.get(k);
    if (!list) { list = [...(byKey.get(k) ?? []), ...(any.get(source) ?? [])].sort((a, b) => a.id - b.id); cache.set(k, list); }
    return list;
  };
}

export async function startReplay(ctx: PipelineContext, compiled?: CompiledRules): Promise<RunningPipeline> {
  const file = ctx.positionals[0];
  const rulesFlag = ctx.flags.rules;
  const rulePaths = Array.isArray(rulesFlag) ? rulesFlag : rulesFlag ? [String(rulesFlag)] : ctx.config.rules_files;
  let rules: CompiledRules;
  try { rules = compiled ?? compileRules(rulePaths); } catch (e) { if (e instanceof RulesError) throw new UsageError(e.message); throw e; }
  for (const w of rules.warnings) ctx.log.debug('rule warning', { diagnostic: w });
  const rulesFor = dispatch(rules.rules);
  let stopped = false;
  const health = { ok: true } as { ok: boolean; reason?: string };

  const matchAll = (source: string, type: string | undefined, ev: unknown, ts: bigint) => {
    const table = fieldTable(source)!;
    const candidates = rulesFor(source, type);
    if (candidates.length === 0) return;
    const get = getterFor(table, ev);
    for (const r of candidates) {
      if (!evaluate(r.condition, get)) continue;
      ctx.onMatch({ rule: rules.infos.get(r.id)!, timeNs: ts, resolve: resolverFor(source, ev) });
    }
  };

  const done = (async () => {
    if (/\.json(l)?$/i.test(file)) {
      const events = readAuditFile(file, (e) => ctx.log.warn('bad audit event', { error: formatLineError(e) }));
      for (const ev of events) { if (stopped) break; ctx.metrics.eventsRead.inc(); matchAll('k8s_audit', undefined, ev, ev.ts); }
      return;
    }
    const replay = new ScapReplay();
    try {
      for await (const re of replay.fromStream(file)) {
        if (stopped) break;
        ctx.metrics.eventsRead.inc();
        const candidates = rulesFor('syscall', re.name);
        if (candidates.length === 0) continue;
        const ev = re.event();
        matchAll('syscall', ev.type, ev, BigInt(ev.ts));
      }
    } catch (e) {
      // Every alert from the events before the damage has been handed on; the error names the block.
      if (e instanceof ScapError || (e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`vigil replay: ${(e as Error).message}`);
      throw e;
    }
  })();
  return {
    done,
    async stop() { stopped = true; await done.catch(() => undefined); },
    health: () => health,
  };
}
