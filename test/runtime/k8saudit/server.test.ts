import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { AuditServer } from '../../../runtime/sources/k8saudit/server.js';
import { makePki, type TestPki } from './certs.js';
import { post } from './post.js';

const dir = new URL('../../../../shared/falco/k8s_audit/', import.meta.url);
const lines = readdirSync(dir).flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n').filter((l) => l.trim()));
const eventList = (items: unknown[]) => JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

let pki: TestPki;
let srv: AuditServer;
let port: number;
const TOKEN = 's3cret-token';

before(async () => {
  pki = makePki();
  srv = new AuditServer({ cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca, token: TOKEN, host: '127.0.0.1', port: 0, maxBody: 64 * 1024, queueCapacity: 20 });
  port = await srv.listen();
});
after(() => srv.close());

const ok = () => ({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });

test('an EventList with a trusted client certificate is accepted and queued', async () => {
  const items = lines.map((l) => JSON.parse(l));
  const r = await post(port, eventList(items), ok());
  assert.equal(r.status, 200, r.body);
  const got = await srv.queue.take();
  assert.equal(got.length, items.length);
  assert.deepEqual(got.map((e) => e.json.auditID), items.map((i) => i.auditID));
});

test('a single Event with a bearer token (no client certificate) is accepted', async () => {
  const r = await post(port, lines[0], { ca: pki.ca, token: TOKEN });
  assert.equal(r.status, 200, r.body);
  const [ev] = await srv.queue.take();
  assert.equal(ev.text, lines[0], 'jevt.obj keeps the posted text');
});

test('bad input gets the right status and the server keeps serving', async () => {
  const cases: Array<[string, Promise<{ status: number; body: string; headers: Record<string, unknown> }>, number, RegExp]> = [
    ['no credentials', post(port, lines[0], { ca: pki.ca }), 401, /unauthenticated/],
    ['wrong token', post(port, lines[0], { ca: pki.ca, token: 's3cret-tokem' }), 401, /unauthenticated/],
    ['short token', post(port, lines[0], { ca: pki.ca, token: 's' }), 401, /unauthenticated/],
    ['cert from an untrusted CA', post(port, lines[0], { ca: pki.ca, cert: pki.badCert, key: pki.badKey }), 401, /unauthenticated/],
    ['malformed JSON', post(port, '{"kind":"EventList",', ok()), 400, /malformed JSON/],
    ['wrong kind', post(port, JSON.stringify({ kind: 'Pod', apiVersion: 'v1' }), ok()), 400, /unsupported kind .{0,2}Pod/],
    ['wrong apiVersion', post(port, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v2', items: [] }), ok()), 400, /apiVersion/],
    ['item of wrong kind', post(port, eventList([{ kind: 'Pod' }]), ok()), 400, /item 0/],
    ['not an object', post(port, '42', ok()), 400, /expected a JSON object/],
    ['GET', post(port, '', { ...ok(), method: 'GET' }), 405, /GET not allowed/],
    ['other path', post(port, lines[0], { ...ok(), path: '/other' }), 404, /no such path/],
    ['declared huge body', post(port, 'x'.repeat(70 * 1024), ok()), 413, /larger than 65536/],
  ];
  for (const [what, p, status, re] of cases) {
    const r = await p;
    assert.equal(r.status, status, `${what}: ${r.body}`);
    assert.match(r.body, re, what);
  }
  assert.equal(srv.queue.length, 0, 'nothing bad reached the queue');
  const again = await post(port, lines[1], ok());
  assert.equal(again.status, 200);
  assert.equal((await srv.queue.take()).length, 1);
});

test('a chunked body is cut off at the limit without being read whole', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 'a');
  const r = await post(port, big, { ...ok(), headers: { 'transfer-encoding': 'chunked' } }).catch((e) => ({ status: -1, body: String(e), headers: {} }));
  // The server answers 413 then closes; a client still writing may see the reset instead of the reply.
  assert.ok(r.status === 413 || /ECONNRESET|EPIPE/.test(r.body), r.body);
  assert.equal((await post(port, lines[0], ok())).status, 200);
  await srv.queue.take();
});

test('a full queue answers 503 with Retry-After, then accepts once drained', async () => {
  const items = Array.from({ length: 15 }, () => JSON.parse(lines[0]));
  assert.equal((await post(port, eventList(items), ok())).status, 200);
  const full = await post(port, eventList(items), ok());
  assert.equal(full.status, 503);
  assert.equal(full.headers['retry-after'], '1');
  assert.equal((await srv.queue.take()).length, 15);
  assert.equal((await post(port, eventList(items), ok())).status, 200);
  await srv.queue.take();
});

test('refuses to start with no authentication configured', () => {
  assert.throws(() => new AuditServer({ cert: pki.serverCert, key: pki.serverKey }), /client CA bundle and\/or a bearer token/);
});
