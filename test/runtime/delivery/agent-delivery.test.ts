// Delivery guarantees of the real agent process (bin/vigil.mjs), against a real local HTTP server:
// - an endpoint that is gone (connection refused) for a while and then returns receives every alert
//   exactly once and in order, also when the agent is stopped while it is gone and a new agent
//   process starts on the same spool;
// - the HTTP (Falco JSON), Falcosidekick and Slack outputs of one replay reach the server in their
//   own formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from './agent-process.js';
import { Endpoint, until } from './endpoint.js';

const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
const POD = JSON.parse(readFileSync(join(SHARED, 'k8s_audit/create_nginx_pod_unprivileged.json'), 'utf8')) as Record<string, unknown>;
/** Audit event lines, each a pod creation with its own audit id `ev-N`. */
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${JSON.stringify({ ...POD, auditID: `ev-${from + i}` })}\n`).join('');
const RULES = `- rule: pod created
  desc: any create
  condition: ka.verb = create
  output: "created id=%ka.auditid"
  priority: WARNING
  source: k8s_audit
`;

const EVENTS_READ = /^vigil_events_read_total (\d+)$/m;
const FAILURES = /^vigil_output_failures_total\{output="http"\} (\d+)$/m;

test('endpoint gone for a while, back, gone again across an agent restart: every alert exactly once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-delivery-'));
  const ep = await Endpoint.reserve();
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, RULES);
  const log = join(dir, 'audit.jsonl');
  writeFileSync(log, events(1, 3));
  const common = [
    '-r', rules, '-o', 'stdout_output.enabled=false', '-o', 'http_output.enabled=true', '-o', `http_output.url=${ep.url}/hook`,
    '-o', 'http_output.spool=true', '-o', `outputs_queue.spool_dir=${join(dir, 'spool')}`, '-o', 'outputs_queue.spool_after_ms=200',
    '-o', 'outputs_queue.backoff_base_ms=20', '-o', 'outputs_queue.backoff_max_ms=200', '-o', 'shutdown_timeout_ms=300',
    '-o', 'webserver.enabled=true', '-o', 'webserver.listen_address=127.0.0.1', '-o', 'webserver.listen_port=0',
  ];
  const ids = () => ep.bodies('/hook').map((b) => String(b.output).replace('created id=', ''));
  const expect = (n: number) => Array.from({ length: n }, (_, i) => `ev-${i + 1}`);
  const a = new Agent(['replay', log, '--follow', ...common]);
  try {
    await a.ready();
    // Down: connection refused, retried, then spooled to disk.
    await a.untilMetric(EVENTS_READ, 3, 'the first events');
    await a.untilMetric(FAILURES, 3, 'failed attempts');
    appendFileSync(log, events(4, 6));
    await a.untilMetric(EVENTS_READ, 6, 'appended events');
    await a.untilMetric(/^vigil_output_spooled_total\{output="http"\} (\d+)$/m, 6, 'alerts spooled');
    assert.equal(ep.received.length, 0);
    // Back: the backlog arrives, then new alerts follow it.
    await ep.up();
    await until(() => ep.received.length >= 6, 'the backlog');
    appendFileSync(log, events(7, 8));
    await until(() => ep.received.length >= 8, 'alerts after the outage');
    assert.deepEqual(ids(), expect(8));
    // Gone again, and the agent is stopped before it returns.
    await ep.down();
    appendFileSync(log, events(9, 11));
    await a.untilMetric(EVENTS_READ, 11, 'events during the second outage');
    await a.untilMetric(FAILURES, (await a.metric(FAILURES)) + 2, 'failed attempts in the second outage');
    a.child.kill('SIGTERM');
    assert.equal(await a.exited(), 0, a.err);
    assert.equal(ep.received.length, 8);
  } finally {
    if (a.child.exitCode === null) { a.child.kill('SIGKILL'); await a.exited(); }
  }
  // A new agent process on the same spool, endpoint back: the stopped agent's alerts first, then its own.
  await ep.up();
  const log2 = join(dir, 'audit2.jsonl');
  writeFileSync(log2, events(12, 13));
  const b = new Agent(['replay', log2, ...common, '-o', 'shutdown_timeout_ms=10000']);
  assert.equal(await b.exited(), 0, b.err);
  await ep.down();
  assert.deepEqual(ids(), expect(13));
  const alertIds = ep.received.map((r) => r.headers['x-vigil-alert-id']);
  assert.equal(new Set(alertIds).size, 13, 'each alert once, by its id');
  rmSync(dir, { recursive: true, force: true });
});

test('one replay, three HTTP outputs: Falco JSON webhook, Falcosidekick and Slack bodies at a real server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-formats-'));
  const ep = await Endpoint.reserve();
  await ep.up();
  const rules = join(dir, 'cat.yaml');
  writeFileSync(rules, `- rule: cat opens
  desc: cat opening files
  condition: evt.type=open and proc.name=cat
  output: "cat opened %fd.name (user=%user.name)"
  priority: WARNING
  tags: [demo]
`);
  const a = new Agent(['replay', join(SHARED, 'captures/cat_write.scap'), '-r', rules, '--engine', 'interp',
    '-o', 'hostname=node-7', '-o', 'stdout_output.enabled=false',
    '-o', 'http_output.enabled=true', '-o', `http_output.url=${ep.url}/http`,
    '-o', 'falcosidekick_output.enabled=true', '-o', `falcosidekick_output.url=${ep.url}/fsk`,
    '-o', 'slack_output.enabled=true', '-o', `slack_output.webhook_url=${ep.url}/services/T0/B0/x`, '-o', 'slack_output.min_priority=warning']);
  assert.equal(await a.exited(), 0, a.err);
  await ep.down();
  const outputs = [
    'cat opened /etc/ld.so.cache (user=mstemm)', 'cat opened /lib/x86_64-linux-gnu/libc.so.6 (user=mstemm)',
    'cat opened /usr/lib/locale/locale-archive (user=mstemm)', 'cat opened /dev/null (user=mstemm)',
  ];
  const http = ep.bodies('/http');
  assert.deepEqual(http.map((b) => b.output), outputs);
  assert.deepEqual(Object.keys(http[0]).sort(), ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time']);
  assert.deepEqual(http[0], {
    hostname: 'node-7', output: outputs[0], output_fields: { 'fd.name': '/etc/ld.so.cache', 'user.name': 'mstemm' },
    priority: 'Warning', rule: 'cat opens', source: 'syscall', tags: ['demo'], time: http[0].time,
  });
  assert.match(String(http[0].time), /^\d{4}-\d\d-\d\dT\d\d:17:57\.881785348Z$/);
  // Falcosidekick takes Falco's own JSON, posted as is.
  assert.deepEqual(ep.bodies('/fsk'), http);
  const slack = ep.bodies('/services/T0/B0/x') as Array<{ attachments: Array<{ text: string; fallback: string; fields: Array<{ title: string; value: string }> }> }>;
  assert.deepEqual(slack.map((s) => s.attachments[0].text), outputs);
  const fields = Object.fromEntries(slack[0].attachments[0].fields.map((f) => [f.title, f.value]));
  assert.equal(fields.rule, 'cat opens');
  assert.equal(fields.priority, 'Warning');
  assert.equal(fields.hostname, 'node-7');
  assert.equal(fields['fd.name'], '/etc/ld.so.cache');
  for (const r of ep.received) assert.equal(r.headers['content-type'], 'application/json');
  rmSync(dir, { recursive: true, force: true });
});
