import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Dispatcher } from '../../../runtime/outputs/dispatcher.js';
import { HttpSink } from '../../../runtime/outputs/http.js';
import { testAlert, until } from './helpers.js';

test('webhook over HTTPS: CA verification, insecure mode and a client certificate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);

  const got: Array<{ body: string; clientCert: boolean }> = [];
  const srv = createServer({ key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(cert), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ body, clientCert: (req.socket as TLSSocket).authorized }); res.end('ok'); });
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
  const fast = { baseMs: 5, maxMs: 10 };

  // No CA: the self-signed server is refused, retried, then dropped (counted).
  const untrusted = new Dispatcher(new HttpSink({ url, format: 'json' }), { name: 'a', maxRetries: 1, backoff: fast });
  const errors: string[] = [];
  const seen = new Dispatcher(new HttpSink({ url, format: 'json' }), { name: 'x', maxRetries: 0, backoff: fast, onError: (_o, e) => errors.push(String((e as Error).message)) });
  untrusted.enqueue(testAlert(1));
  seen.enqueue(testAlert(1));
  await until(() => untrusted.stats.dropped === 1 && seen.stats.dropped === 1);
  assert.match(errors[0], /self[- ]signed/i);

  const trusted = new Dispatcher(new HttpSink({ url, format: 'json', tls: { caFile: cert } }), { name: 'b' });
  trusted.enqueue(testAlert(2));
  const insecure = new Dispatcher(new HttpSink({ url, format: 'json', tls: { insecure: true } }), { name: 'c' });
  insecure.enqueue(testAlert(3));
  const mtls = new Dispatcher(new HttpSink({ url, format: 'json', tls: { caFile: cert, certFile: cert, keyFile: key } }), { name: 'd' });
  mtls.enqueue(testAlert(4));
  for (const d of [trusted, insecure, mtls]) assert.equal(await d.flush(5000), true);
  for (const d of [untrusted, seen, trusted, insecure, mtls]) await d.close(0);
  srv.closeAllConnections();
  await new Promise((res) => srv.close(res));

  const byN = new Map(got.map((g) => [JSON.parse(g.body).output.match(/#(\d)/)[1], g.clientCert]));
  assert.deepEqual([...byN.keys()].sort(), ['2', '3', '4']);
  assert.equal(byN.get('2'), false);
  assert.equal(byN.get('4'), true, 'the client certificate was presented and verified');
  rmSync(dir, { recursive: true });
});
