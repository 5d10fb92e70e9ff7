import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../../runtime/outputs/dispatcher.js';
import { HttpSink } from '../../../runtime/outputs/http.js';
import { decodeAlert } from '../../../runtime/alerts/proto.js';
import { startServer, testAlert, until } from './helpers.js';

const FALCO_JSON = '{"hostname":"node-1","output":"shell #1 in container (user=root container_id=abc123 proc.name=bash)",' +
  '"output_fields":{"container.id":"abc123","k8s.pod.name":null,"proc.name":"bash","user.name":"root"},' +
  '"priority":"Notice","rule":"Terminal shell in container","source":"syscall","tags":["shell","container","mitre_execution"],' +
  '"time":"2026-11-22T22:14:48.000000001Z"}';

test('webhook: JSON body, custom headers, min priority filter', async () => {
  const srv = await startServer();
  const d = new Dispatcher(new HttpSink({ url: srv.url + 'hook', format: 'json', headers: { authorization: 'Bearer t0k' } }), { name: 'http', minPriority: 'Notice' });
  d.enqueue(testAlert(1));
  d.enqueue(testAlert(2, { priority: 'Debug' }));
  assert.equal(await d.flush(5000), true);
  await d.close();
  await srv.close();
  assert.equal(srv.received.length, 1);
  const r = srv.received[0];
  assert.equal(r.url, '/hook');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers.authorization, 'Bearer t0k');
  assert.equal(r.headers['x-vigil-alert-id'], 'id-1');
  assert.equal(r.body.toString(), FALCO_JSON);
  assert.equal(d.stats.filtered, 1);
});

test('webhook: protobuf body decodes to the same alert', async () => {
  const srv = await startServer();
  const d = new Dispatcher(new HttpSink({ url: srv.url, format: 'protobuf' }), { name: 'pb' });
  d.enqueue(testAlert(1));
  await d.close();
  await srv.close();
  assert.equal(srv.received[0].headers['content-type'], 'application/x-protobuf');
  assert.deepEqual(decodeAlert(srv.received[0].body), testAlert(1));
});

test('falcosidekick: body is Falco JSON posted to /', async () => {
  const srv = await startServer();
  const d = new Dispatcher(new HttpSink({ url: srv.url, format: 'falcosidekick' }), { name: 'fsk' });
  d.enqueue(testAlert(1));
  await d.close();
  await srv.close();
  assert.equal(srv.received[0].url, '/');
  assert.equal(srv.received[0].body.toString(), FALCO_JSON);
});

test('slack: incoming-webhook message with one attachment', async () => {
  const srv = await startServer();
  const d = new Dispatcher(new HttpSink({ url: srv.url + 'services/T/B/X', format: 'slack', slack: { username: 'Vigil', iconUrl: 'https://example.test/i.png' } }), { name: 'slack' });
  d.enqueue(testAlert(1, { priority: 'Critical' }));
  await d.close();
  await srv.close();
  const out = 'shell #1 in container (user=root container_id=abc123 proc.name=bash)';
  assert.equal(srv.received[0].body.toString(), JSON.stringify({
    username: 'Vigil', icon_url: 'https://example.test/i.png',
    attachments: [{ fallback: out, color: '#ff9000', text: out, fields: [
      { title: 'rule', value: 'Terminal shell in container', short: true },
      { title: 'priority', value: 'Critical', short: true },
      { title: 'source', value: 'syscall', short: true },
      { title: 'hostname', value: 'node-1', short: true },
      { title: 'tags', value: 'container, mitre_execution, shell', short: true },
      { title: 'container.id', value: 'abc123', short: true },
      { title: 'proc.name', value: 'bash', short: true },
      { title: 'user.name', value: 'root', short: true },
      { title: 'time', value: '2026-11-22T22:14:48.000000001Z', short: false },
    ], footer: 'Vigil' }],
  }));
});

test('non-2xx answers are retried with backoff until delivered', async () => {
  const srv = await startServer();
  srv.up = false;
  const d = new Dispatcher(new HttpSink({ url: srv.url, format: 'json' }), { name: 'h', backoff: { baseMs: 5, maxMs: 20 }, maxRetries: 1000 });
  d.enqueue(testAlert(1));
  await until(() => d.stats.failures >= 3);
  srv.up = true;
  await d.close();
  await srv.close();
  assert.equal(srv.received.length, 1);
  assert.equal(d.stats.delivered, 1);
});

test('a 4xx rejection is dropped at once (counted), not retried; 429 is retried', async () => {
  const { createServer } = await import('node:http');
  const codes = [400, 429, 200, 200];
  const seen: string[] = [];
  const srv = createServer((req, res) => { req.resume(); req.on('end', () => { seen.push(String(req.headers['x-vigil-alert-id'])); res.statusCode = codes.shift() ?? 200; res.end(); }); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as import('node:net').AddressInfo).port}/`;
  const d = new Dispatcher(new HttpSink({ url, format: 'json' }), { name: 'h', backoff: { baseMs: 2, maxMs: 5 } });
  d.enqueue(testAlert(1));
  d.enqueue(testAlert(2));
  d.enqueue(testAlert(3));
  assert.equal(await d.flush(5000), true);
  await d.close();
  srv.close();
  assert.deepEqual(seen, ['id-1', 'id-2', 'id-2', 'id-3']);
  assert.deepEqual([d.stats.dropped, d.stats.failures, d.stats.delivered], [1, 2, 2]);
});
