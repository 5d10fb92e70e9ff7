// A small Prometheus registry. Counters the hot path bumps are plain number fields (no allocation
// per event); per-label series are created once and reused. Values owned by other parts (queue
// depths, per-output counts) are pulled at scrape time through collectors.

type Labels = Record<string, string>;

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (l: Labels) => {
  const ks = Object.keys(l);
  return ks.length ? `{${ks.map((k) => `${k}="${esc(l[k])}"`).join(',')}}` : '';
};
const num = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

export class Series {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void { this.value += n; }
  set(v: number): void { this.value = v; }
}

export class Family {
  private readonly series = new Map<string, Series>();
  private readonly plain = new Series({});
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge') {}

  /** The unlabelled series, for the hot path: `m.inc()` touches one number. */
  inc(n = 1): void { this.plain.inc(n); }
  set(v: number): void { this.plain.set(v); }
  get value(): number { return this.plain.value; }

  with(labels: Labels): Series {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) { s = new Series(labels); this.series.set(key, s); }
    return s;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${this.type}\n`;
    if (this.series.size === 0 || this.plain.value !== 0) out += `${this.name} ${num(this.plain.value)}\n`;
    for (const s of this.series.values()) out += `${this.name}${labelText(s.labels)} ${num(s.value)}\n`;
    return out;
  }
}

export class Registry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];

  counter(name: string, help: string): Family { return this.family(name, help, 'counter'); }
  gauge(name: string, help: string): Family { return this.family(name, help, 'gauge'); }

  private family(name: string, help: string, type: 'counter' | 'gauge'): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`bad metric name ${name}`);
    let f = this.families.get(name);
    if (!f) { f = new Family(name, help, type); this.families.set(name, f); }
    else if (f.type !== type) throw new Error(`metric ${name} already registered as ${f.type}`);
    return f;
  }

  /** Runs before each scrape to copy externally held values into families. */
  onCollect(fn: () => void): void { this.collectors.push(fn); }

  /** Prometheus text exposition format 0.0.4. */
  expose(): string {
    for (const c of this.collectors) c();
    return [...this.families.values()].map((f) => f.render()).join('');
  }
}

/** The agent's metric set, shared by the pipeline (events, matches) and the delivery side. */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly eventsRead = this.registry.counter('vigil_events_read_total', 'Events read from the source');
  readonly eventsDroppedKernel = this.registry.counter('vigil_events_dropped_kernel_total', 'Events the kernel capture dropped (ring buffer full)');
  readonly ruleMatches = this.registry.counter('vigil_rule_matches_total', 'Events that matched a rule, per rule');
  readonly alertsSuppressed = this.registry.counter('vigil_alerts_suppressed_total', 'Alerts withheld by the per-rule rate limit');
  readonly outputDelivered = this.registry.counter('vigil_output_delivered_total', 'Alerts an output delivered');
  readonly outputFailures = this.registry.counter('vigil_output_failures_total', 'Failed delivery attempts (each retry counts)');
  readonly outputDropped = this.registry.counter('vigil_output_dropped_total', 'Alerts an output dropped: queue or spool full, or retries exhausted');
  readonly outputSpooled = this.registry.counter('vigil_output_spooled_total', 'Alerts written to an output\'s disk spool');
  readonly queueDepth = this.registry.gauge('vigil_output_queue_depth', 'Alerts waiting in an output\'s memory queue');
  readonly spoolDepth = this.registry.gauge('vigil_output_spool_depth', 'Alerts waiting in an output\'s disk spool');
  readonly reloads = this.registry.counter('vigil_rules_reload_total', 'Rule reloads by result');
  readonly startTime = this.registry.gauge('vigil_start_time_seconds', 'When the agent started, Unix seconds');

  constructor() { this.startTime.set(Math.floor(Date.now() / 1000)); }

  reloadResult(ok: boolean): void { this.reloads.with({ result: ok ? 'success' : 'failure' }).inc(); }
}
