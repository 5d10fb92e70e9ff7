import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecord, decodeRecord, records, RecordError } from './record.js';
import { EVT, HDR_SIZE } from './schema.gen.js';

test('a connect record round-trips with its tuple and header', () => {
  const rec = encodeRecord({ type: EVT.connect, tid: 42, pid: 40, ppid: 1, uid: 1000, comm: 'curl', containerId: '0123456789ab', ts: 5n },
    { res: 0, fd: 3, tuple: { family: 2, sip: '10.0.0.2', sport: 40000, dip: '127.0.0.1', dport: 443 } });
  assert.equal(rec.length % 8, 0);
  const d = decodeRecord(rec, 0);
  assert.equal(d.header.comm, 'curl');
  assert.equal(d.header.containerId, '0123456789ab');
  assert.equal(d.header.tid, 42);
  assert.equal(d.header.loginuid, 0xffffffff);
  assert.deepEqual(d.params.tuple, { family: 2, sip: '10.0.0.2', sport: 40000, dip: '127.0.0.1', dport: 443 });
  assert.equal(d.params.fd, 3);
  assert.deepEqual(d.paramOrder, ['res', 'tuple', 'fd']);
});

test('ipv6 tuples and string lists survive encoding', () => {
  const rec = encodeRecord({ type: EVT.execve, tid: 7 }, { res: 0, exe: 'bash', args: ['-c', 'id'], tuple: null, exepath: '/usr/bin/bash' });
  const d = decodeRecord(rec, 0);
  assert.deepEqual(d.params.args, ['-c', 'id']);
  assert.equal(d.params.exepath, '/usr/bin/bash');
  assert.equal(d.params.tid, null, 'an unfilled fixed-size parameter decodes as null');
  const r6 = encodeRecord({ type: EVT.connect }, { res: -111, fd: 4, tuple: { family: 10, sip: '::1', sport: 1, dip: 'fe80::1:2', dport: 22 } });
  assert.deepEqual(decodeRecord(r6, 0).params.tuple, { family: 10, sip: '::1', sport: 1, dip: 'fe80::1:2', dport: 22 });
  assert.equal(decodeRecord(r6, 0).params.res, -111);
});

test('a stream of records iterates, and damage names the offset', () => {
  const a = encodeRecord({ type: EVT.close }, { res: 0, fd: 3 });
  const b = encodeRecord({ type: EVT.unlink }, { res: 0, path: '/etc/passwd' });
  const buf = new Uint8Array(a.length + b.length); buf.set(a); buf.set(b, a.length);
  assert.deepEqual([...records(buf)].map((r) => r.offset), [0, a.length]);
  assert.throws(() => decodeRecord(buf.subarray(0, a.length + 10), a.length),
    (e: unknown) => e instanceof RecordError && e.offset === a.length && e.message === `bad record at offset ${a.length}: truncated header (10 of ${HDR_SIZE} bytes)`);
  const bad = buf.slice(); new DataView(bad.buffer).setUint16(a.length + HDR_SIZE + 4, 0xfff0, true);
  assert.throws(() => decodeRecord(bad, a.length), /offset \d+: parameter 1 \(path\) spans/);
  const ver = buf.slice(); ver[0] = 99;
  assert.throws(() => decodeRecord(ver, 0), /offset 0: format version 99/);
});

test('64-bit parameters: numbers while they are safe integers, BigInts past that', () => {
  const u = (x: bigint) => decodeRecord(encodeRecord({ type: EVT.execve }, { res: 0, cap_permitted: x }), 0).params.cap_permitted;
  assert.equal(u(0n), 0);
  assert.equal(u(2n ** 32n + 5n), 2 ** 32 + 5);
  assert.equal(u(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  assert.equal(u(2n ** 53n), 2n ** 53n);
  assert.equal(u(2n ** 64n - 1n), 2n ** 64n - 1n);
  const i = (x: bigint) => decodeRecord(encodeRecord({ type: EVT.connect }, { res: x, fd: 3 }), 0).params.res;
  assert.equal(i(-1n), -1);
  assert.equal(i(-(2n ** 32n) - 7n), -(2 ** 32) - 7);
  assert.equal(i(-(2n ** 53n) + 1n), Number.MIN_SAFE_INTEGER);
  assert.equal(i(-(2n ** 53n)), -(2n ** 53n));
  assert.equal(i(-(2n ** 63n)), -(2n ** 63n));
  assert.equal(i(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  assert.equal(i(2n ** 53n), 2n ** 53n);
});
