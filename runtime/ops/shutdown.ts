// SIGTERM/SIGINT run the shutdown steps once, in order (stop reading, flush outputs, close the
// server), then exit. A second signal while draining exits at once, as an operator expects.
import type { Logger } from './logger.js';

export function onShutdown(steps: () => Promise<void>, log: Logger, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  let running = false;
  const handler = (sig: NodeJS.Signals) => {
    if (running) { log.warn('second signal, exiting without draining', { signal: sig }); exit(1); return; }
    running = true;
    log.info('shutting down', { signal: sig });
    steps().then(() => { log.info('shutdown complete'); exit(0); }, (e) => { log.error('shutdown failed', { err: e }); exit(1); });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => { process.off('SIGTERM', handler); process.off('SIGINT', handler); };
}
