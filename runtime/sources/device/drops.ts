// Kernel drop accounting for the live agent. The module counts, per CPU, the records it had to drop
// because the reader fell behind (sysfs `stats`); this polls those counters into metrics and, when
// they grow, raises Vigil's internal alert so the loss reaches the same outputs as the rules' alerts
// (blind spots are security-relevant: an attacker can flood the ring to hide an action).
import { readFileSync } from 'node:fs';
import type { RuleInfo } from '../../alerts/alert.js';
import { compileTemplate } from '../../alerts/template.js';
import type { AgentMetrics } from '../../ops/metrics.js';
import type { Logger } from '../../ops/logger.js';
import type { Match } from '../../outputs/delivery.js';
import { parseStats, type CpuStats } from './ioctl.js';

export const DROP_RULE: RuleInfo = {
  name: 'Vigil internal: kernel dropped events',
  priority: 'Critical',
  source: 'internal',
  tags: ['vigil', 'internal'],
  output: compileTemplate(
    'Kernel ring buffer full: %vigil.drops events dropped since the last check (cpus=%vigil.drop_cpus total=%vigil.drops_total '
    + 'read=%vigil.events_total); rules did not see them. Raise the module\'s ring_kb or narrow the rules'),
};

export interface DropMonitorOptions {
  statsPath: string;
  metrics: AgentMetrics;
  log: Logger;
  onMatch(m: Match): void;
  /** Epoch ns now (tests pass a clock). */
  now?: () => bigint;
}

export class DropMonitor {
  /** The raw counters of the previous read, per CPU. */
  private prev = new Map<number, CpuStats>();
  /** Since the agent started, per CPU. */
  private drops = new Map<number, bigint>();
  private events = new Map<number, bigint>();
  private total = 0n;
  private readonly perCpu;
  private readonly eventsPerCpu;

  constructor(private readonly o: DropMonitorOptions) {
    this.perCpu = o.metrics.registry.counter('vigil_kernel_drops_total', 'Records the kernel module dropped (ring full), per CPU, since the agent started');
    this.eventsPerCpu = o.metrics.registry.counter('vigil_kernel_events_total', 'Records the kernel module produced, per CPU, since the agent started');
    // Counters are since module load: what was there before this agent is not its loss.
    for (const s of this.read()) this.prev.set(s.cpu, s);
  }

  private read(): CpuStats[] { return parseStats(readFileSync(this.o.statsPath, 'utf8')); }

  /** Reads the counters; returns the drops seen since the previous poll (and alerts on them). */
  poll(): bigint {
    let fresh = 0n, events = 0n;
    const cpus: number[] = [];
    for (const s of this.read()) {
      const p = this.prev.get(s.cpu);
      // A counter below its previous value was reset (another tool): it counts from zero again.
      const dd = !p || s.drops < p.drops ? s.drops : s.drops - p.drops;
      const de = !p || s.events < p.events ? s.events : s.events - p.events;
      this.prev.set(s.cpu, s);
      const drops = (this.drops.get(s.cpu) ?? 0n) + dd;
      const evs = (this.events.get(s.cpu) ?? 0n) + de;
      this.drops.set(s.cpu, drops);
      this.events.set(s.cpu, evs);
      if (dd > 0n) { fresh += dd; cpus.push(s.cpu); }
      events += evs;
      this.perCpu.with({ cpu: String(s.cpu) }).set(Number(drops));
      this.eventsPerCpu.with({ cpu: String(s.cpu) }).set(Number(evs));
    }
    this.total += fresh;
    this.o.metrics.eventsDroppedKernel.set(Number(this.total));
    if (fresh > 0n) {
      const v: Record<string, string> = {
        'vigil.drops': String(fresh), 'vigil.drop_cpus': cpus.join(','), 'vigil.drops_total': String(this.total), 'vigil.events_total': String(events),
      };
      this.o.log.warn('kernel dropped events', { drops: fresh, cpus, total: this.total });
      const now = this.o.now ?? (() => BigInt(Date.now()) * 1_000_000n);
      this.o.onMatch({ rule: DROP_RULE, timeNs: now(), resolve: (f) => v[f] });
    }
    return fresh;
  }
}
