// The delivery half of the agent: a match comes in, the per-rule rate limit decides, the alert is
// built once and handed to every output's dispatcher without waiting. Also owns the metrics the
// outputs feed and the file reopen on SIGUSR1.
import { hostname as osHostname } from 'node:os';
import { makeAlert, type Alert, type RuleInfo } from '../alerts/alert.js';
import { RuleRateLimiter } from '../alerts/ratelimit.js';
import type { Resolve } from '../alerts/template.js';
import type { AgentMetrics, Series } from '../ops/metrics.js';
import type { Dispatcher } from './dispatcher.js';
import { FileSink } from './stream.js';

export interface Match { rule: RuleInfo; timeNs: bigint; resolve: Resolve }

export class Delivery {
  private readonly hostname: string;
  // The match counter of each rule, found once: the label lookup (escaping, joining) cost more than
  // the rest of counting on the alert path. Weak: a reload's new rule objects replace the old.
  private readonly matchSeries = new WeakMap<RuleInfo, Series>();

  constructor(
    readonly dispatchers: Dispatcher[],
    private readonly metrics: AgentMetrics,
    opts: { hostname?: string; rateLimit?: { rate: number; burst: number } } = {},
    private readonly limiter = opts.rateLimit ? new RuleRateLimiter(opts.rateLimit) : undefined,
  ) {
    this.hostname = opts.hostname || osHostname();
    metrics.registry.onCollect(() => this.collect());
  }

  /** Called by the pipeline per matching event. Never awaits: outputs run on their own. */
  onMatch(m: Match): Alert | undefined {
    let matches = this.matchSeries.get(m.rule);
    if (!matches) this.matchSeries.set(m.rule, (matches = this.metrics.ruleMatches.with({ rule: m.rule.name })));
    matches.inc();
    if (this.limiter && !this.limiter.allow(m.rule.name)) { this.metrics.alertsSuppressed.with({ rule: m.rule.name }).inc(); return undefined; }
    const a = makeAlert(m.rule, m.timeNs, this.hostname, m.resolve);
    for (const d of this.dispatchers) d.enqueue(a);
    return a;
  }

  /**
   * Undefined when every output's memory queue has room; otherwise settles when they all do. A
   * replayed source waits on it between chunks (see Dispatcher.roomy).
   */
  outputsReady(): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const d of this.dispatchers) if (!d.roomy()) (waits ??= []).push(d.whenRoomy());
    return waits && Promise.all(waits).then(() => undefined);
  }

  reopenFiles(): void {
    for (const d of this.dispatchers) if (d.sink instanceof FileSink) d.sink.reopen();
  }

  async close(timeoutMs: number): Promise<void> {
    await Promise.all(this.dispatchers.map((d) => d.close(timeoutMs)));
  }

  private collect(): void {
    const m = this.metrics;
    for (const d of this.dispatchers) {
      const l = { output: d.name };
      m.outputDelivered.with(l).set(d.stats.delivered);
      m.outputFailures.with(l).set(d.stats.failures);
      m.outputDropped.with(l).set(d.stats.dropped);
      m.outputSpooled.with(l).set(d.stats.spooled);
      m.queueDepth.with(l).set(d.stats.depth);
      m.spoolDepth.with(l).set(d.stats.spoolDepth);
    }
  }
}
