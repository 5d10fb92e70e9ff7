import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dispatcher } from '../../../runtime/outputs/dispatcher.js';
import { HttpSink } from '../../../runtime/outputs/http.js';
import { Spool } from '../../../runtime/outputs/spool.js';
import { PermanentError, type Sink } from '../../../runtime/outputs/types.js';
import { startServer, testAlert, until } from './helpers.js';

const AGENT = fileURLToPath(new URL('./fixtures/agent.ts', import.meta.url));
const ids = (srv: { received: Array<{ body: Buffer }> }) => srv.received.map((r) => JSON.parse(r.body.toString()).output.match(/#(\d+)/)[1]);

test('endpoint down, agent restarted in a new process: every alert arrives once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  const srv = await startServer();
  srv.up = false;
  // First agent: enqueue 1..5 while the endpoint is down, then shut down (alerts go to the spool).
  const a = spawn(process.execPath, ['--import', 'tsx', AGENT, 'http', srv.url, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  a.stdout!.on('data', (c) => { out += c; });
  for (let i = 1; i <= 5; i++) a.stdin!.write(`${i}\n`);
  await until(() => (out.match(/ok/g) ?? []).length === 5, 15000);
  a.stdin!.write('close\n');
  await new Promise((r) => a.once('exit', r));
  const stats = JSON.parse(out.trim().split('\n').pop()!);
  assert.equal(stats.delivered, 0);
  assert.equal(stats.spooled, 5);
  assert.equal(srv.received.length, 0);

  // Second agent, endpoint back: the spool replays first, then new alerts follow.
  srv.up = true;
  const d = new Dispatcher(new HttpSink({ url: srv.url, format: 'json' }), { name: 'http', spool: { dir, afterMs: 30 } });
  assert.equal(d.stats.spoolDepth, 5);
  d.enqueue(testAlert(6));
  assert.equal(await d.flush(5000), true);
  await d.close();
  assert.deepEqual(ids(srv), ['1', '2', '3', '4', '5', '6']);
  assert.equal(new Set(srv.received.map((r) => r.headers['x-vigil-alert-id'])).size, 6);

  // Third instance: nothing left to replay.
  const e = new Dispatcher(new HttpSink({ url: srv.url, format: 'json' }), { name: 'http', spool: { dir } });
  assert.equal(e.stats.spoolDepth, 0);
  await e.close();
  await srv.close();
  assert.equal(srv.received.length, 6);
  rmSync(dir, { recursive: true });
});

test('spool: outage mid-stream keeps order; in-flight duplicate is skipped by id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  const got: string[] = [];
  let up = true;
  const sink: Sink = { kind: 't', async send(a) { if (!up) throw new Error('down'); got.push(a.id); } };
  const d = new Dispatcher(sink, { name: 't', capacity: 4, backoff: { baseMs: 2, maxMs: 5 }, spool: { dir, afterMs: 20 } });
  for (let i = 0; i < 3; i++) d.enqueue(testAlert(i));
  await d.flush(1000);
  up = false;
  for (let i = 3; i < 20; i++) d.enqueue(testAlert(i)); // overflows the 4-slot queue into the spool
  await until(() => d.stats.failures > 3);
  up = true;
  assert.equal(await d.flush(5000), true);
  await d.close();
  assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => `id-${i}`));
  assert.equal(d.stats.dropped, 0);
  rmSync(dir, { recursive: true });
});

test('spool: a torn last record (crash mid-write) is cut off; the ack cursor survives reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  const s = new Spool(dir);
  s.append([testAlert(1), testAlert(2), testAlert(3)]);
  s.ack();
  s.close();
  appendFileSync(join(dir, 'alerts.log'), '{"id":"torn');
  const t = new Spool(dir);
  assert.equal(t.pending, 2);
  assert.equal(t.peek()!.id, 'id-2');
  assert.equal(t.peek()!.time, testAlert(2).time);
  t.ack(); t.ack();
  assert.equal(t.pending, 0);
  t.close();
  assert.equal(readFileSync(join(dir, 'alerts.log'), 'utf8'), '');
  rmSync(dir, { recursive: true });
});

test('spool: over its byte limit the extra alerts are dropped and counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  const sink: Sink = { kind: 't', async send() { throw new Error('down'); } };
  const d = new Dispatcher(sink, { name: 't', capacity: 1, backoff: { baseMs: 50, maxMs: 50 }, spool: { dir, afterMs: 0, maxBytes: 1500 } });
  for (let i = 0; i < 10; i++) d.enqueue(testAlert(i));
  await d.close(0);
  assert.ok(d.stats.spooled >= 1 && d.stats.spooled < 10, `spooled ${d.stats.spooled}`);
  assert.equal(d.stats.spooled + d.stats.dropped, 10);
  rmSync(dir, { recursive: true });
});

test('batching sink: queued alerts go out several per call, in order, once, through an outage and a spill', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  const got: string[] = [];
  const sizes: number[] = [];
  let up = true;
  const sink: Sink = {
    kind: 't',
    async send(a) { if (!up) throw new Error('down'); got.push(a.id); sizes.push(1); },
    async sendMany(as) { await new Promise((r) => setTimeout(r, 1)); if (!up) throw new Error('down'); got.push(...as.map((a) => a.id)); sizes.push(as.length); },
  };
  const d = new Dispatcher(sink, { name: 't', capacity: 300, backoff: { baseMs: 2, maxMs: 5 }, spool: { dir, afterMs: 20 } });
  for (let i = 0; i < 100; i++) d.enqueue(testAlert(i));
  assert.equal(await d.flush(2000), true);
  assert.ok(sizes.some((n) => n > 1), `alerts were batched (${sizes.join(',')})`);
  up = false;
  // 400 more while down: the batch in flight fails, then the 300-slot queue overflows to the spool.
  for (let i = 100; i < 500; i++) d.enqueue(testAlert(i));
  await until(() => d.stats.failures > 2);
  up = true;
  assert.equal(await d.flush(5000), true);
  await d.close();
  assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => `id-${i}`));
  assert.equal(d.stats.delivered, 500);
  assert.equal(d.stats.dropped, 0);
  rmSync(dir, { recursive: true });
});

test('batching sink: a batch rejected for good is dropped and counted whole, the rest still delivered', async () => {
  const got: string[] = [];
  let reject = true;
  const sink: Sink = {
    kind: 't',
    async send(a) { got.push(a.id); },
    async sendMany(as) { if (reject) { reject = false; throw new PermanentError('bad batch'); } got.push(...as.map((a) => a.id)); },
  };
  const d = new Dispatcher(sink, { name: 't' });
  for (let i = 0; i < 10; i++) d.enqueue(testAlert(i));
  assert.equal(await d.flush(2000), true);
  for (let i = 10; i < 20; i++) d.enqueue(testAlert(i));
  assert.equal(await d.flush(2000), true);
  await d.close();
  assert.equal(d.stats.dropped + d.stats.delivered, 20);
  assert.equal(d.stats.delivered, got.length);
  assert.ok(d.stats.dropped > 1, 'the rejected batch went as a whole');
  // What is missing is one run of consecutive alerts (that batch); the rest arrived in order.
  const all = Array.from({ length: 20 }, (_, i) => `id-${i}`);
  const missing = all.filter((id) => !got.includes(id)).map((id) => Number(id.slice(3)));
  assert.equal(missing.length, d.stats.dropped);
  assert.equal(missing[missing.length - 1] - missing[0] + 1, missing.length);
  assert.deepEqual(got, all.filter((id) => got.includes(id)));
});
