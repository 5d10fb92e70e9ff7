import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InterpDetector } from '../../filter/interp-detector.js';
import { alertOf, concat, rec, rulesFrom, story, STORY_RULES } from '../../filter/test-records.js';
import { wholeRecordsEnd } from '../../filter/walk.js';
import { describeOpenError, DeviceError } from './open.js';
import { DeviceReader, MAX_RECORD } from './reader.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'vigil-device-'));

/** Many copies of the story with distinct tids, so a stream is long enough to span many reads. */
function longStream(copies: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < copies; i++) {
    const tid = 1000 + i;
    const h = { tid, pid: tid, ppid: 1, uid: 0, gid: 0, comm: 'cat', containerId: 'host', ts: BigInt(i + 1) };
    parts.push(rec('execve', h, { res: 0, exe: 'cat', args: ['/etc/shadow', 'x'.repeat(i % 300)], tid, pid: tid, ptid: 1, cwd: '/', comm: 'cat', uid: 0, gid: 0, exepath: '/usr/bin/cat', filename: '/usr/bin/cat' }));
    parts.push(rec('openat', h, { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0, mode: 0 }));
  }
  return concat([story(), ...parts]);
}

test('records split across pipe reads are carried: the detector sees exactly what one whole buffer gives', async () => {
  const rules = rulesFrom(STORY_RULES);
  const stream = longStream(400);
  const want: string[] = [];
  new InterpDetector(rules).feed(stream, (m) => want.push(alertOf(m)));
  assert.ok(want.length > 400);

  const dir = tmp();
  const fifo = join(dir, 'dev');
  execFileSync('mkfifo', [fifo]);
  const reader = DeviceReader.open({ path: fifo, slotBytes: MAX_RECORD, nslots: 3, nonblocking: true, readOnly: true });
  const det = new InterpDetector(rules);
  const got: string[] = [];
  const done = reader.start((chunk) => det.feed(chunk, (m) => got.push(alertOf(m))));
  const w = await open(fifo, 'w');
  try {
    // Odd piece sizes, so reads end inside records (and inside headers).
    for (let at = 0; at < stream.length; at += 777) {
      await w.write(stream.subarray(at, Math.min(at + 777, stream.length)));
      if (at % (777 * 20) === 0) await sleep(1);
    }
    for (let i = 0; i < 200 && got.length < want.length; i++) await sleep(10);
  } finally {
    await w.close();
    await reader.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(await done, 'stopped');
  assert.equal(got.length, want.length);
  assert.deepEqual(got, want);
  assert.equal(reader.stats.bytes, stream.length);
  assert.ok(reader.stats.carried > 0, 'some record straddled two reads');
});

test('a file source ends at EOF; a stream cut inside a record names the byte offset', async () => {
  const dir = tmp();
  try {
    const stream = longStream(50);
    const whole = join(dir, 'whole');
    writeFileSync(whole, stream);
    let bytes = 0;
    const r1 = DeviceReader.open({ path: whole, slotBytes: MAX_RECORD, eofEnds: true, readOnly: true });
    assert.equal(await r1.start((c) => { const n = wholeRecordsEnd(c); bytes += n; return n; }), 'eof');
    assert.equal(bytes, stream.length);

    const cut = join(dir, 'cut');
    const lastStart = stream.length - rec('openat', { tid: 1049, pid: 1049, ppid: 1, uid: 0, gid: 0, comm: 'cat', containerId: 'host', ts: 50n }, { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0, mode: 0 }).length;
    writeFileSync(cut, stream.subarray(0, lastStart + 10));
    const r2 = DeviceReader.open({ path: cut, slotBytes: MAX_RECORD, eofEnds: true, readOnly: true });
    await assert.rejects(r2.start((c) => wholeRecordsEnd(c)), new RegExp(`stream ends inside a record \\(10 bytes left at byte offset ${lastStart}\\)`));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a consumer error stops the reader and is what start() rejects with', async () => {
  const dir = tmp();
  try {
    const f = join(dir, 'bad');
    writeFileSync(f, story());
    const r = DeviceReader.open({ path: f, slotBytes: MAX_RECORD, eofEnds: true, readOnly: true });
    await assert.rejects(r.start(() => { throw new Error('consumer broke'); }), /consumer broke/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('stop() while the source is idle ends the worker promptly', async () => {
  const dir = tmp();
  const fifo = join(dir, 'dev');
  execFileSync('mkfifo', [fifo]);
  const r = DeviceReader.open({ path: fifo, slotBytes: MAX_RECORD, nonblocking: true, readOnly: true });
  const done = r.start(() => { throw new Error('nothing should arrive'); });
  await sleep(50);
  const t0 = Date.now();
  await r.stop();
  assert.equal(await done, 'stopped');
  assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0} ms`);
  rmSync(dir, { recursive: true, force: true });
});

test('open errors are one line that says what to do', () => {
  assert.throws(() => DeviceReader.open({ path: '/nonexistent/vigil' }), (e: Error) =>
    e instanceof DeviceError && e.message === '/nonexistent/vigil: no such device: the vigil kernel module is not loaded (insmod vigil.ko, or set syscall.device)');
  assert.match(describeOpenError('/dev/vigil', 'EBUSY', ''), /^\/dev\/vigil: device busy: another reader has it open/);
  assert.match(describeOpenError('/dev/vigil', 'EACCES', ''), /permission denied: the device is mode 0600, run vigil as root$/);
  assert.match(describeOpenError('/dev/vigil', 'EIO', 'x'), /cannot open: EIO$/);
  assert.throws(() => DeviceReader.open({ path: '/dev/null', slotBytes: 4096 }), /below the largest record/);
});
