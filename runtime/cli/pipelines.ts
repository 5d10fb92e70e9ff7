// Where the event side plugs into the agent. `vigil run`, `replay` and `capture` each look up a
// pipeline factory registered here by the integration (source -> decoder/state -> filter); the
// agent gives it the config and an onMatch callback and owns everything after the match.
import type { VigilConfig } from '../config/types.js';
import type { AgentMetrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import type { Match } from '../outputs/delivery.js';
import type { Flags } from './command.js';

export interface PipelineContext {
  config: VigilConfig;
  positionals: string[];
  flags: Flags;
  metrics: AgentMetrics;
  log: Logger;
  /** Hand a matched event to the outputs. Returns at once. */
  onMatch(m: Match): void;
  /**
   * Undefined when the outputs can take more; else a promise of room. A source that can pause (a
   * replayed file) waits on it between chunks, so a slow output never drops a replay's alerts.
   */
  outputsReady(): Promise<void> | undefined;
}

export interface RunningPipeline {
  /** Settles when the source is exhausted (a replayed file); a live source never settles it. */
  done: Promise<void>;
  /** Stops reading; resolves when no more matches will be emitted. */
  stop(): Promise<void>;
  /** For /healthz. */
  health(): { ok: boolean; reason?: string };
}

export type PipelineKind = 'run' | 'replay' | 'capture';
export type PipelineFactory = (ctx: PipelineContext) => Promise<RunningPipeline>;

const factories = new Map<PipelineKind, PipelineFactory>();

export function registerPipeline(kind: PipelineKind, f: PipelineFactory): void { factories.set(kind, f); }
export function pipelineFor(kind: PipelineKind): PipelineFactory | undefined { return factories.get(kind); }
