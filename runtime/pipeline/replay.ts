// `vigil replay FILE`: a recorded capture through state, the rules and the outputs. A .scap file
// (Falco/sysdig, gzip'd or plain) is converted to Vigil's binary records and fed to a Detector, the
// compiled WASM filter by default (`--engine interp`: the reference interpreter), exactly as the
// live device's records are; a .json file replays Kubernetes audit events through the interpreter.
import { fieldTable } from '../../compiler/fields/index.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import { ScapError } from '../sources/scap/errors.js';
import { ScapRecords } from '../sources/scap/records.js';
import { VcapError } from '../sources/vcap/format.js';
import { isVcapFile } from '../sources/vcap/reader.js';
import { replayVcap } from '../sources/vcap/replay.js';
import { formatLineError, readAuditFile } from '../sources/k8saudit/file.js';
import type { PipelineContext, RunningPipeline } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import { dispatch } from '../filter/dispatch.js';
import { InterpDetector, type SeededDetector } from '../filter/interp-detector.js';
import { resolverFor } from '../filter/resolve.js';
import { WasmDetector } from '../filter/wasm-detector.js';
import { compileRules, RulesError, type CompiledRules } from './rules.js';

export { resolverFor };

export const ENGINES = ['wasm', 'interp'] as const;
export type Engine = (typeof ENGINES)[number];

export async function startReplay(ctx: PipelineContext, compiled?: CompiledRules): Promise<RunningPipeline> {
  const file = ctx.positionals[0];
  const rulesFlag = ctx.flags.rules;
  const rulePaths = Array.isArray(rulesFlag) ? rulesFlag : rulesFlag ? [String(rulesFlag)] : ctx.config.rules_files;
  const engine = (ctx.flags.engine ?? 'wasm') as Engine;
  if (!ENGINES.includes(engine)) throw new UsageError(`vigil replay: --engine must be one of ${ENGINES.join(', ')}, got '${String(engine)}'`);
  let rules: CompiledRules;
  try { rules = compiled ?? compileRules(rulePaths); } catch (e) { if (e instanceof RulesError) throw new UsageError(e.message); throw e; }
  for (const w of rules.warnings) ctx.log.debug('rule warning', { diagnostic: w });
  let stopped = false;
  const health = { ok: true } as { ok: boolean; reason?: string };

  let run: () => Promise<void>;
  if (/\.json(l)?$/i.test(file)) {
    const rulesFor = dispatch(rules.rules);
    const table = fieldTable('k8s_audit')!;
    run = async () => {
      const events = readAuditFile(file, (e) => ctx.log.warn('bad audit event', { error: formatLineError(e) }));
      for (const ev of events) {
        if (stopped) break;
        const room = ctx.outputsReady();
        if (room) await room;
        ctx.metrics.eventsRead.inc();
        const candidates = rulesFor('k8s_audit', undefined);
        if (candidates.length === 0) continue;
        const get = getterFor(table, ev);
        for (const r of candidates) if (evaluate(r.condition, get)) ctx.onMatch({ rule: rules.infos.get(r.id)!, timeNs: ev.ts, resolve: resolverFor('k8s_audit', ev) });
      }
    };
  } else {
    const opts = { ruleMatching: ctx.config.rule_matching };
    let det: SeededDetector;
    try { det = engine === 'interp' ? new InterpDetector(rules, opts) : await WasmDetector.create(rules, opts); } catch (e) { if (e instanceof RulesError) throw new UsageError(e.message); throw e; }
    const onMatch = ctx.onMatch.bind(ctx);
    // Vigil's own capture (`vigil capture -w`): its records go to the Detector as they are.
    if (isVcapFile(file)) {
      run = () => replayVcap(file, det, onMatch, { stopped: () => stopped, onRecords: (n) => ctx.metrics.eventsRead.inc(n), outputsReady: () => ctx.outputsReady() })
        .then(() => undefined, (e) => { throw e instanceof VcapError ? new UsageError(`vigil replay: ${e.message}`) : e; });
    } else {
      // Fed in 64 KiB runs of records, so the alerts one feed raises fit an output queue that is
      // waited on (outputsReady) below its quarter-full mark.
      const conv = new ScapRecords({ seeds: det.seeds, feed: (buf) => { det.feed(buf, onMatch); }, ready: () => ctx.outputsReady() }, { chunk: 64 * 1024 });
      run = async () => {
        try {
          await conv.run(file, () => { ctx.metrics.eventsRead.inc(); return !stopped; });
        } catch (e) {
          // Every alert from the events before the damage has been handed on; the error names the block.
          if (e instanceof ScapError || (e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`vigil replay: ${(e as Error).message}`);
          throw e;
        }
        if (conv.stats.outsideSchema) ctx.log.debug('events outside the record schema were not evaluated', { count: conv.stats.outsideSchema });
      };
    }
  }
  const done = run();
  return {
    done,
    async stop() { stopped = true; await done.catch(() => undefined); },
    health: () => health,
  };
}
