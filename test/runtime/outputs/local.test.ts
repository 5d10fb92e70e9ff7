import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Dispatcher } from '../../../runtime/outputs/dispatcher.js';
import { ProgramSink } from '../../../runtime/outputs/program.js';
import { SyslogSink, rfc5424 } from '../../../runtime/outputs/syslog.js';
import { StdoutSink } from '../../../runtime/outputs/stream.js';
import type { Sink } from '../../../runtime/outputs/types.js';
import { PassThrough } from 'node:stream';
import { textLine } from '../../../runtime/alerts/format.js';
import { testAlert, until } from './helpers.js';

const AGENT = fileURLToPath(new URL('./fixtures/agent.ts', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'vigil-out-'));

test('file output reopens its path on SIGUSR1 (logrotate) in a running agent process', async () => {
  const dir = tmp();
  const path = join(dir, 'alerts.json');
  const child = spawn(process.execPath, ['--import', 'tsx', AGENT, 'file', path], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stdin!.write('1\n');
  await until(() => out.includes('ok 1'), 15000);
  renameSync(path, path + '.1');
  child.stdin!.write('2\n');
  await until(() => out.includes('ok 2'));
  assert.equal(existsSync(path), false, 'without the signal the agent keeps writing the renamed file');
  child.kill('SIGUSR1');
  await until(() => existsSync(path));
  child.stdin!.write('3\n');
  await until(() => out.includes('ok 3'));
  child.stdin!.write('close\n');
  await new Promise((r) => child.once('exit', r));
  const outputs = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l).output.match(/#(\d)/)[1]);
  assert.deepEqual(outputs(path + '.1'), ['1', '2']);
  assert.deepEqual(outputs(path), ['3']);
  rmSync(dir, { recursive: true });
});

test('program output pipes lines and restarts the command when it dies', async () => {
  const dir = tmp();
  const file = join(dir, 'got.txt');
  const sink = new ProgramSink(`cat >> '${file}'`, { utc: true });
  const d = new Dispatcher(sink, { name: 'program', backoff: { baseMs: 5, maxMs: 20 } });
  d.enqueue(testAlert(1));
  await d.flush(5000);
  await until(() => existsSync(file) && readFileSync(file, 'utf8').includes('#1'));
  (sink as unknown as { child: { kill(): void } }).child.kill();
  await new Promise((r) => setTimeout(r, 50));
  d.enqueue(testAlert(2));
  d.enqueue(testAlert(3));
  assert.equal(await d.flush(5000), true);
  await d.close();
  assert.equal(readFileSync(file, 'utf8'),
    '22:14:48.000000001: Notice shell #1 in container (user=root container_id=abc123 proc.name=bash)\n' +
    '22:14:48.000000002: Notice shell #2 in container (user=root container_id=abc123 proc.name=bash)\n' +
    '22:14:48.000000003: Notice shell #3 in container (user=root container_id=abc123 proc.name=bash)\n');
  assert.equal(sink.starts, 2);
  rmSync(dir, { recursive: true });
});

test('syslog: RFC 5424 to a real UDP listener', async () => {
  const sock = createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = (sock.address() as AddressInfo).port;
  const d = new Dispatcher(new SyslogSink({ transport: 'udp', host: '127.0.0.1', port, facility: 16 }), { name: 'syslog' });
  d.enqueue(testAlert(1, { priority: 'Critical' }));
  await until(() => got.length === 1);
  await d.close();
  sock.close();
  assert.equal(got[0], `<130>1 2026-11-22T22:14:48.000000Z node-1 vigil ${process.pid} - - ${textLine(testAlert(1, { priority: 'Critical' }))}`);
  assert.match(got[0], /^<130>1 2026-11-22T22:14:48\.000000Z node-1 vigil \d+ - - \d\d:\d\d:48\.000000001: Critical shell #1 in container/);
});

test('syslog: unix stream socket and TCP octet counting', async () => {
  const dir = tmp();
  const path = join(dir, 'log.sock');
  const unixGot: string[] = [];
  const tcpGot: string[] = [];
  const us = createServer((c) => c.on('data', (b) => unixGot.push(b.toString())));
  const ts = createServer((c) => c.on('data', (b) => tcpGot.push(b.toString())));
  await new Promise<void>((r) => us.listen(path, r));
  await new Promise<void>((r) => ts.listen(0, '127.0.0.1', r));
  const fmt = { json: true };
  const du = new Dispatcher(new SyslogSink({ transport: 'unix', path, format: fmt }), { name: 'u' });
  const dt = new Dispatcher(new SyslogSink({ transport: 'tcp', host: '127.0.0.1', port: (ts.address() as AddressInfo).port, format: fmt }), { name: 't' });
  du.enqueue(testAlert(1));
  dt.enqueue(testAlert(1));
  await until(() => unixGot.join('').endsWith('\n') && tcpGot.length > 0);
  await du.close(); await dt.close();
  const msg = rfc5424(testAlert(1), { transport: 'tcp', format: fmt });
  assert.equal(unixGot.join(''), msg + '\n');
  assert.equal(tcpGot.join(''), `${Buffer.byteLength(msg)} ${msg}`);
  assert.match(msg, /^<13>1 2026-11-22T22:14:48\.000000Z node-1 vigil \d+ - - \{"hostname":"node-1"/);
  us.close(); ts.close();
  rmSync(dir, { recursive: true });
});

test('bounded queue: drops when full are counted; retries give up after maxRetries', async () => {
  let release!: () => void;
  const blocked: Sink = {
    kind: 'b',
    send: (_a, signal) => new Promise<void>((r, rej) => { release = r; signal.addEventListener('abort', () => rej(new Error('aborted'))); }),
  };
  const d = new Dispatcher(blocked, { name: 'b', capacity: 3 });
  for (let i = 0; i < 10; i++) d.enqueue(testAlert(i));
  assert.equal(d.stats.dropped, 7);
  assert.equal(d.stats.depth, 3);
  release();
  await d.close(50);

  const failing: Sink = { kind: 'f', async send() { throw new Error('nope'); } };
  const f = new Dispatcher(failing, { name: 'f', maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } });
  f.enqueue(testAlert(1));
  await until(() => f.stats.dropped === 1);
  assert.equal(f.stats.failures, 3);
  await f.close(0);
});

test('stdout output writes Falco text lines', async () => {
  const pt = new PassThrough();
  let s = '';
  pt.on('data', (c) => { s += c; });
  const d = new Dispatcher(new StdoutSink({ json: false, iso8601: true }, pt), { name: 'stdout' });
  d.enqueue(testAlert(4));
  await d.close();
  assert.equal(s, '2026-11-22T22:14:48.000000004+0000: Notice shell #4 in container (user=root container_id=abc123 proc.name=bash)\n');
});
