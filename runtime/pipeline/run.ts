// `vigil run`: the live agent. Kernel events from /dev/vigil (syscall.enabled) and the Kubernetes
// audit webhook (k8s_audit.enabled) run side by side on one compiled rule set; each source takes
// the rules of its own source. The run ends when either source fails or on stop().
import type { PipelineFactory, RunningPipeline } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import { startAuditSource } from './audit.js';
import { startDeviceSource, type DeviceSource } from './device-source.js';
import { compileRules, RulesError, type CompiledRules } from './rules.js';

export function combine(parts: RunningPipeline[]): RunningPipeline {
  let stopping: Promise<void> | undefined;
  return {
    done: Promise.all(parts.map((p) => p.done)).then(() => undefined),
    stop: () => (stopping ??= Promise.all(parts.map((p) => p.stop())).then(() => undefined)),
    health: () => parts.map((p) => p.health()).find((h) => !h.ok) ?? parts.map((p) => p.health()).find((h) => h.reason) ?? { ok: true },
  };
}

/** The running `vigil run`, with the hook hot reload calls after recompiling (runtime/pipeline/reload.ts). */
export interface LiveRun extends RunningPipeline {
  /** Swaps the kernel source's rules (Detector.swap, then the new interest set); the audit source keeps its matcher. */
  swapRules(rules: CompiledRules): Promise<void>;
}

export const runPipeline: PipelineFactory = async (ctx) => {
  const { syscall, k8s_audit } = ctx.config;
  if (!syscall.enabled && !k8s_audit.enabled) throw new UsageError('vigil run: no event source enabled (syscall.enabled and k8s_audit.enabled are both false)');
  const flag = ctx.flags.rules;
  const paths = Array.isArray(flag) ? flag : flag ? [String(flag)] : ctx.config.rules_files;
  let rules: CompiledRules;
  try { rules = compileRules(paths); } catch (e) { if (e instanceof RulesError) throw new UsageError(`vigil run: ${e.message}`); throw e; }
  for (const w of rules.warnings) ctx.log.debug('rule warning', { diagnostic: w });
  ctx.log.debug('rules loaded', { files: rules.files, rules: rules.rules.length });
  const parts: RunningPipeline[] = [];
  let device: DeviceSource | undefined;
  try {
    if (syscall.enabled) parts.push(device = await startDeviceSource(ctx, rules));
    if (k8s_audit.enabled) parts.push(await startAuditSource(ctx, rules));
  } catch (e) {
    await Promise.all(parts.map((p) => p.stop()));
    throw e;
  }
  const all: LiveRun = { ...combine(parts), swapRules: async (r) => { await device?.swap(r); } };
  // One source failing ends the run: stop the others so `done` settles and the queues drain.
  all.done.catch(() => all.stop());
  return all;
};
