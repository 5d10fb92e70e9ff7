// The kernel event source of `vigil run`: /dev/vigil -> Detector -> onMatch. The device is opened
// first (so a missing module, a busy device or a permission problem is the first and only line),
// then the rules' interest set (with the events the state tables follow) is pushed, the process
// table is seeded from /proc, and the reader's worker starts handing chunks to the Detector. Kernel
// drops are polled alongside.
import type { PipelineContext, RunningPipeline } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import { RecordError } from '../decode/record.js';
import { HDR } from '../decode/schema.gen.js';
import { InterpDetector, type SeededDetector } from '../filter/interp-detector.js';
import { kernelInterest } from '../filter/state-types.js';
import { WasmDetector } from '../filter/wasm-detector.js';
import type { Match } from '../outputs/delivery.js';
import { DeviceError } from '../sources/device/open.js';
import { DeviceReader } from '../sources/device/reader.js';
import { DropMonitor } from '../sources/device/drops.js';
import { State } from '../state/state.js';
import { seedFromProc } from '../state/proc-scan.js';
import { bootToEpochOffset } from './clock.js';
import { RulesError, type CompiledRules } from './rules.js';

export const ENGINES = ['wasm', 'interp'] as const;

export interface DeviceSource extends RunningPipeline {
  readonly detector: SeededDetector;
  readonly reader: DeviceReader;
  /** Hot reload: swaps the Detector's rules, then tells the kernel the new rules' interest set. */
  swap(rules: CompiledRules): Promise<void>;
}

/** Opens the configured device; what stops it (no module, busy, permission) is one line for `vigil CMD`. */
export function openDeviceReader(ctx: PipelineContext, cmd: string): DeviceReader {
  const sc = ctx.config.syscall;
  try { return DeviceReader.open({ path: sc.device, slotBytes: sc.buffer_kb * 1024 }); } catch (e) {
    if (e instanceof DeviceError) throw new UsageError(`vigil ${cmd}: ${e.message}`);
    throw e;
  }
}

/** Polls the module's drop counters every syscall.drops_check_ms (metrics, internal alert); stop() polls a last time. */
export function watchDrops(ctx: PipelineContext): { stop(): void } {
  const sc = ctx.config.syscall;
  const drops = new DropMonitor({ statsPath: sc.stats_file, metrics: ctx.metrics, log: ctx.log, onMatch: ctx.onMatch });
  const timer = setInterval(() => {
    try { drops.poll(); } catch (e) { ctx.log.warn('cannot read kernel counters', { file: sc.stats_file, error: (e as Error).message }); }
  }, sc.drops_check_ms);
  return {
    stop() {
      clearInterval(timer);
      try { drops.poll(); } catch { /* the module may be gone already */ }
    },
  };
}

export async function startDeviceSource(ctx: PipelineContext, rules: CompiledRules): Promise<DeviceSource> {
  const sc = ctx.config.syscall;
  const engine = String(ctx.flags.engine ?? sc.engine);
  if (!(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`vigil run: --engine must be one of ${ENGINES.join(', ')}, got '${engine}'`);
  const reader = openDeviceReader(ctx, 'run');
  try {
    const state = new State();
    state.users.loadHost();
    const opts = { ruleMatching: ctx.config.rule_matching, state };
    let det: SeededDetector;
    try { det = engine === 'interp' ? new InterpDetector(rules, opts) : await WasmDetector.create(rules, opts); } catch (e) {
      if (e instanceof RulesError) throw new UsageError(`vigil run: ${e.message}`);
      throw e;
    }
    reader.setSnaplen(sc.snaplen);
    const events = kernelInterest(det.interest);
    reader.setInterest(events);
    // After the interest set: a process started during the scan is then in the records, if not in /proc.
    if (sc.proc_scan) {
      const before = new State();
      const n = seedFromProc(before);
      for (const t of before.threads.map.values()) det.seeds.thread(t);
      ctx.log.info('process table seeded from /proc', { threads: n });
    }
    ctx.log.info('kernel event source started', { device: sc.device, engine, events: events.length, ruleEvents: det.interest.length, rules: rules.rules.filter((r) => r.source === 'syscall').length });
    return run(ctx, reader, det);
  } catch (e) {
    await reader.stop();
    if (e instanceof DeviceError) throw new UsageError(`vigil run: ${e.message}`);
    throw e;
  }
}

function run(ctx: PipelineContext, reader: DeviceReader, det: SeededDetector): DeviceSource {
  const offset = bootToEpochOffset();
  // Record times are boot-time ns; the alert needs the wall clock. Runs per match only.
  const onMatch = (m: Match) => ctx.onMatch({ rule: m.rule, timeNs: m.timeNs + offset, resolve: m.resolve });
  const events = ctx.metrics.eventsRead;
  let badChunks = 0, lastError: string | undefined;
  const consume = (chunk: Uint8Array): number => {
    let used: number;
    try { used = det.feed(chunk, onMatch); } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      // The device returns whole records per read, so the next chunk starts clean: drop this one.
      badChunks++;
      lastError = `malformed record at byte offset ${reader.stats.bytes - chunk.length + e.offset}: ${e.message}`;
      ctx.log.error('malformed kernel record; chunk skipped', { error: lastError });
      return chunk.length;
    }
    const v = new DataView(chunk.buffer, chunk.byteOffset, used);
    let n = 0;
    for (let off = 0; off < used; n++) off += v.getUint32(off + HDR.len, true);
    events.inc(n);
    return used;
  };
  const drops = watchDrops(ctx);
  let failure: string | undefined;
  const done = reader.start(consume).then(() => undefined, (e: Error) => {
    failure = e.message;
    throw e instanceof DeviceError ? new UsageError(`vigil run: ${e.message}`) : e;
  }).finally(() => drops.stop());
  let stopping: Promise<void> | undefined;
  return {
    detector: det,
    reader,
    async swap(rules) {
      await det.swap(rules);
      // After the swap: events the new rules need start flowing only once they can be evaluated.
      const events = kernelInterest(det.interest);
      reader.setInterest(events);
      ctx.log.info('kernel interest set updated', { events: events.length, ruleEvents: det.interest.length });
    },
    done,
    stop: () => (stopping ??= (async () => {
      await reader.stop();
      drops.stop();
    })()),
    health: () => (failure ? { ok: false, reason: `kernel source failed: ${failure}` }
      : badChunks ? { ok: true, reason: `${badChunks} malformed chunk(s) skipped; last: ${lastError}` } : { ok: true }),
  };
}
