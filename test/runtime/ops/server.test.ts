import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { AgentMetrics } from '../../../runtime/ops/metrics.js';
import { startOpsServer } from '../../../runtime/ops/server.js';
import { Logger } from '../../../runtime/ops/logger.js';
import { Dispatcher } from '../../../runtime/outputs/dispatcher.js';
import { Delivery } from '../../../runtime/outputs/delivery.js';
import { compileTemplate } from '../../../runtime/alerts/template.js';
import type { Sink } from '../../../runtime/outputs/types.js';

const get = async (port: number, path: string) => {
  const r = await request(`http://127.0.0.1:${port}${path}`);
  return { status: r.statusCode, type: r.headers['content-type'], body: await r.body.text() };
};

test('/healthz and /metrics over real HTTP, queue drops and suppressions surfaced', async () => {
  const m = new AgentMetrics();
  let release: (() => void) | undefined;
  const blocked: Sink = { kind: 'b', send: (_a, sig) => new Promise<void>((r, j) => { release = r; sig.addEventListener('abort', () => j(new Error('abort'))); }) };
  const d = new Dispatcher(blocked, { name: 'webhook', capacity: 2 });
  const delivery = new Delivery([d], m, { hostname: 'h', rateLimit: { rate: 1, burst: 4 } });
  const rule = { name: 'Shell "in" container', priority: 'Warning' as const, source: 'syscall', tags: [], output: compileTemplate('shell %proc.name') };
  for (let i = 0; i < 6; i++) delivery.onMatch({ rule, timeNs: 1n, resolve: () => 'sh' });
  m.eventsRead.inc(1000);
  m.eventsDroppedKernel.inc(3);
  m.reloadResult(true);
  m.reloadResult(false);
  let healthy = true;
  const srv = await startOpsServer(m.registry, () => (healthy ? { ok: true } : { ok: false, reason: 'source stalled' }));

  const h = await get(srv.port, '/healthz');
  assert.deepEqual([h.status, h.body], [200, '{"status":"ok"}']);
  healthy = false;
  const h2 = await get(srv.port, '/healthz');
  assert.deepEqual([h2.status, h2.body], [503, '{"status":"unhealthy","reason":"source stalled"}']);

  const x = await get(srv.port, '/metrics');
  assert.equal(x.status, 200);
  assert.equal(x.type, 'text/plain; version=0.0.4; charset=utf-8');
  const lines = x.body.split('\n');
  for (const want of [
    'vigil_events_read_total 1000',
    'vigil_events_dropped_kernel_total 3',
    'vigil_rule_matches_total{rule="Shell \\"in\\" container"} 6',
    'vigil_alerts_suppressed_total{rule="Shell \\"in\\" container"} 2',
    'vigil_output_dropped_total{output="webhook"} 2',
    'vigil_output_queue_depth{output="webhook"} 2',
    'vigil_output_delivered_total{output="webhook"} 0',
    'vigil_rules_reload_total{result="success"} 1',
    'vigil_rules_reload_total{result="failure"} 1',
    '# TYPE vigil_output_queue_depth gauge',
    '# TYPE vigil_events_read_total counter',
  ]) assert.ok(lines.includes(want), `missing line: ${want}\n${x.body}`);

  release?.();
  await new Promise((r) => setTimeout(r, 20));
  const y = await get(srv.port, '/metrics');
  assert.ok(y.body.split('\n').includes('vigil_output_delivered_total{output="webhook"} 1'));
  assert.equal((await get(srv.port, '/nope')).status, 404);
  await srv.close();
  await delivery.close(0);
});

test('logger writes one JSON object per line and respects the level', () => {
  const pt = new PassThrough();
  let s = '';
  pt.on('data', (c) => { s += c; });
  const log = new Logger('info', pt).child({ component: 'outputs' });
  log.debug('hidden');
  log.warn('delivery failed', { output: 'http', err: new Error('ECONNREFUSED') });
  const lines = s.trim().split('\n');
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0]);
  assert.equal(rec.level, 'warn');
  assert.equal(rec.msg, 'delivery failed');
  assert.equal(rec.component, 'outputs');
  assert.equal(rec.err, 'ECONNREFUSED');
  assert.match(rec.time, /^\d{4}-\d\d-\d\dT/);
});
