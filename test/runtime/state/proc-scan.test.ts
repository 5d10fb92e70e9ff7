// Seeding from the live /proc of this machine: this test process, a file and a listening and a
// connected TCP socket it holds must come out as Falco would name them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type AddressInfo } from 'node:net';
import { State } from '../../../runtime/state/state.js';
import { seedFromProc } from '../../../runtime/state/proc-scan.js';

test('seedFromProc finds this process, its parent, a file and its sockets', async () => {
  const dir = mkdtempSync(`${tmpdir()}/vigil-scan-`);
  writeFileSync(`${dir}/held.txt`, 'x');
  const fd = openSync(`${dir}/held.txt`, 'r');
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  try {
    const s = new State();
    const n = seedFromProc(s);
    assert.ok(n > 1);
    const me = s.threads.get(process.pid)!;
    assert.ok(me, 'this process is in the table');
    assert.equal(me.ppid, process.ppid);
    assert.equal(me.cwd, process.cwd().endsWith('/') ? process.cwd() : `${process.cwd()}/`);
    assert.equal(me.exepath, process.execPath);
    assert.equal(me.uid, process.getuid!());
    assert.ok(s.threads.get(process.ppid), 'the parent is there too, for proc.pname');
    const fds = [...s.threads.fds(me).values()];
    assert.equal(fds.find((f) => f.num === fd)?.name, `${dir}/held.txt`);
    const listening = fds.find((f) => f.isServer && f.dport === port && !f.connected);
    assert.equal(listening?.name, `127.0.0.1:${port}`);
    const cl = fds.find((f) => f.dport === port && !f.isServer);
    assert.equal(cl?.name, `127.0.0.1:${client.localPort}->127.0.0.1:${port}`);
    assert.equal(cl?.l4proto, 'tcp');
    // This process also holds the accepted end: the same tuple, client first, marked as the server.
    const acc = fds.find((f) => f.isServer && f.connected && f.sport === client.localPort);
    assert.equal(acc?.name, cl?.name);
  } finally {
    client.destroy(); server.close(); closeSync(fd); rmSync(dir, { recursive: true });
  }
});

test('seedFromProc respects its thread cap and a missing /proc', () => {
  const s = new State();
  assert.equal(seedFromProc(s, { maxThreads: 3, fds: false }), 3);
  assert.equal(s.threads.size, 3);
  assert.equal(seedFromProc(new State(), { procRoot: '/nonexistent' }), 0);
});
