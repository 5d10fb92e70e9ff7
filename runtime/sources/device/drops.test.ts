import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAlert } from '../../alerts/alert.js';
import { AgentMetrics } from '../../ops/metrics.js';
import { Logger } from '../../ops/logger.js';
import type { Match } from '../../outputs/delivery.js';
import { DropMonitor } from './drops.js';

test('drops since start become metrics and one internal alert per poll that saw new drops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-drops-'));
  const stats = join(dir, 'stats');
  try {
    writeFileSync(stats, '0 100 7 5000\n1 50 0 2000\n');
    const metrics = new AgentMetrics();
    const matches: Match[] = [];
    const m = new DropMonitor({ statsPath: stats, metrics, log: new Logger('error'), onMatch: (x) => matches.push(x), now: () => 42n });
    assert.equal(m.poll(), 0n, 'drops from before the agent started are not its loss');
    assert.equal(matches.length, 0);
    writeFileSync(stats, '0 300 10 9000\n1 90 5 3000\n');
    assert.equal(m.poll(), 8n);
    assert.equal(m.poll(), 0n);
    writeFileSync(stats, '0 400 10 9000\n1 95 6 3000\n');
    assert.equal(m.poll(), 1n);
    assert.equal(matches.length, 2);
    const a = makeAlert(matches[0].rule, matches[0].timeNs, 'node', matches[0].resolve);
    assert.equal(a.rule, 'Vigil internal: kernel dropped events');
    assert.equal(a.priority, 'Critical');
    assert.equal(a.source, 'internal');
    assert.equal(a.time, 42n);
    assert.match(a.output, /^Kernel ring buffer full: 8 events dropped since the last check \(cpus=0,1 total=8 read=240\)/);
    assert.deepEqual(a.output_fields, { 'vigil.drops': '8', 'vigil.drop_cpus': '0,1', 'vigil.drops_total': '8', 'vigil.events_total': '240' });
    const text = metrics.registry.expose();
    assert.match(text, /^vigil_kernel_drops_total\{cpu="0"\} 3$/m);
    assert.match(text, /^vigil_kernel_drops_total\{cpu="1"\} 6$/m);
    assert.match(text, /^vigil_kernel_events_total\{cpu="0"\} 300$/m);
    assert.match(text, /^vigil_events_dropped_kernel_total 9$/m);
    // Someone reset the counters: counting starts again from there, no negative drops.
    writeFileSync(stats, '0 5 0 100\n1 5 2 100\n');
    assert.equal(m.poll(), 2n);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
