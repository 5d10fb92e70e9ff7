// A PipelineContext that records what a reload says (log lines, internal alerts, metrics), and a
// way to wait for the next reload result while files are edited on disk.
import { Writable } from 'node:stream';
import type { PipelineContext } from '../../../runtime/cli/pipelines.js';
import { loadConfig } from '../../../runtime/config/load.js';
import { Logger } from '../../../runtime/ops/logger.js';
import { AgentMetrics } from '../../../runtime/ops/metrics.js';
import type { Match } from '../../../runtime/outputs/delivery.js';
import type { ReloadResult } from '../../../runtime/pipeline/reload.js';

export interface Recorder {
  ctx: PipelineContext;
  logs: Array<Record<string, unknown>>;
  internal: string[];
  onResult(r: ReloadResult): void;
  /** The next reload result after this call (rejects after `ms`). */
  next(ms?: number): Promise<ReloadResult>;
}

export function recorder(flags: PipelineContext['flags'] = {}): Recorder {
  const logs: Array<Record<string, unknown>> = [];
  const out = new Writable({ write(chunk, _e, cb) { for (const l of String(chunk).split('\n')) if (l) logs.push(JSON.parse(l)); cb(); } });
  const internal: string[] = [];
  const waiting: Array<(r: ReloadResult) => void> = [];
  const results: ReloadResult[] = [];
  const ctx: PipelineContext = {
    config: loadConfig(typeof flags.config === 'string' ? { file: flags.config } : {}), positionals: [], flags, metrics: new AgentMetrics(), log: new Logger('debug', out),
    onMatch(m: Match) {
      if (m.rule.source === 'internal') internal.push(`${m.rule.name}: ${m.rule.output.render(m.resolve).output}`);
    },
    outputsReady: () => undefined,
  };
  return {
    ctx, logs, internal,
    onResult(r) { const w = waiting.shift(); if (w) w(r); else results.push(r); },
    next(ms = 20_000) {
      const r = results.shift();
      if (r) return Promise.resolve(r);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no reload within the time limit; log: ${logs.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`)), ms);
        waiting.push((x) => { clearTimeout(t); res(x); });
      });
    },
  };
}
