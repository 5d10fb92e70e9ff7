// Runs the agent around a pipeline: outputs from config, the ops server, SIGUSR1 reopen, and a
// shutdown (signal or end of input) that stops the source, then drains the output queues.
import { loadConfig } from '../config/load.js';
import type { VigilConfig } from '../config/types.js';
import { Logger } from '../ops/logger.js';
import { AgentMetrics } from '../ops/metrics.js';
import { startOpsServer, type OpsServer } from '../ops/server.js';
import { onShutdown } from '../ops/shutdown.js';
import { buildDispatchers, checkOutputs } from '../outputs/build.js';
import { Delivery } from '../outputs/delivery.js';
import { onReopenSignal } from '../outputs/reopen.js';
import { CONFIG_FLAGS, UsageError, type Flags } from './command.js';
import type { PipelineFactory } from './pipelines.js';

export function configFromFlags(flags: Flags): VigilConfig {
  const opts = flags.option;
  const c = loadConfig({ file: flags.config as string | undefined, overrides: Array.isArray(opts) ? opts : opts ? [String(opts)] : [] });
  const e = checkOutputs(c);
  if (e) throw new UsageError(`${(flags.config as string | undefined) ?? 'config'}: ${e}`);
  return c;
}

export { CONFIG_FLAGS };

export async function runAgent(config: VigilConfig, factory: PipelineFactory, positionals: string[], flags: Flags): Promise<number> {
  const log = new Logger(config.log.level);
  const metrics = new AgentMetrics();
  const delivery = new Delivery(
    buildDispatchers(config, (output, err) => log.warn('delivery failed', { output, err })),
    metrics,
    { hostname: config.hostname || undefined, rateLimit: config.rate_limit.enabled ? config.rate_limit : undefined },
  );
  const stopReopen = onReopenSignal([{ reopen: () => { delivery.reopenFiles(); log.info('reopened output files'); } }]);
  const pipeline = await factory({ config, positionals, flags, metrics, log, onMatch: (m) => delivery.onMatch(m), outputsReady: () => delivery.outputsReady() });
  let ops: OpsServer | undefined;
  if (config.webserver.enabled) {
    ops = await startOpsServer(metrics.registry, () => pipeline.health(), config.webserver.listen_address, config.webserver.listen_port);
    log.info('ops server listening', { address: config.webserver.listen_address, port: ops.port });
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await pipeline.stop();
    await delivery.close(config.shutdown_timeout_ms);
    // Said once at the end as well as in /metrics: a replay's user sees no metrics.
    for (const d of delivery.dispatchers) if (d.stats.dropped) log.warn('alerts dropped', { output: d.name, dropped: d.stats.dropped, delivered: d.stats.delivered });
    await ops?.close();
    stopReopen();
  })());
  const removeSignals = onShutdown(stop, log);
  // A source that fails (a damaged capture) still drains the queues first: alerts from the events
  // before the damage are delivered, then the error is reported.
  try {
    await pipeline.done;
  } finally {
    await stop();
    removeSignals();
  }
  return 0;
}
