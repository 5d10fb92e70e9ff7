// The benchmark's node mix: the calibration reads a real capture file as the profile says, and the
// generator makes the event kinds in the profile's proportions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VcapWriter } from '../../runtime/sources/vcap/writer.js';
import { calibrate } from '../../bench/calibrate-mix.js';
import { EVENTS_BY_ID } from '../../schema/events.js';
import { i64ParamAt } from '../../runtime/decode/record.js';
import { mulberry } from './world.js';
import { NODE_PROFILE, NodeWorld, actionWeights } from './node-world.js';
import { rec } from './records.js';

test('calibration counts what the kernel would send, without the recorder\'s own records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mix-'));
  try {
    const file = join(dir, 'cap.vcap');
    const w = await VcapWriter.open(file);
    const h = (pid: number, comm: string) => ({ tid: pid, pid, ppid: 1, uid: 0, gid: 0, comm, ts: 1n });
    const open = (pid: number, comm: string, name: string, fd: number) => rec('openat', h(pid, comm), { fd, dirfd: -100, name, flags: 0o2000000, mode: 0 });
    // pid 9 opens the module's stats file: the recorder, left out with all its records
    for (const r of [open(9, 'node', '/sys/class/misc/vigil/stats', 5), open(9, 'node', '/etc/localtime', 6), rec('close', h(9, 'node'), { res: 0, fd: 5 }),
      open(20, 'cat', '/etc/hosts', 3), open(20, 'cat', '/etc/hosts', -2), open(21, 'ls', '/usr/lib', 3), rec('close', h(20, 'cat'), { res: 0, fd: 3 }),
      rec('read', h(20, 'cat'), { res: 4, fd: 3, data: new Uint8Array(4), size: 4 }),
      rec('execve', h(22, 'ls'), { res: 0, exe: 'ls', args: ['-l', '/tmp'], tid: 22, pid: 22, ptid: 1, cwd: '/', comm: 'ls', exepath: '/usr/bin/ls' })]) w.write(r);
    await w.close();
    const p = await calibrate(file);
    assert.deepEqual(p.source.recorderPids, [9]);
    assert.equal(p.source.excludedRecorderRecords, 3);
    // read is outside the upstream rules' interest set: the kernel would not send it
    assert.deepEqual(p.types, { openat: 3, close: 1, execve: 1 });
    assert.deepEqual(p.paths, [['/etc/hosts', 2, 1], ['/usr/lib', 1, 1]]);
    assert.deepEqual(p.openFlags, [[0o2000000, 3]]);
    assert.deepEqual(p.programs, [['/usr/bin/ls', 'ls', ['-l', '/tmp'], 1]]);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the node mix makes each kind of event in the profile\'s proportion', () => {
  const world = new NodeWorld(mulberry(5));
  const seen = new Map<string, number>();
  let n = 0, failed = 0;
  for (let i = 0; i < 40_000; i++) {
    const g = world.next();
    const v = new DataView(g.record.buffer, g.record.byteOffset, g.record.byteLength);
    for (let at = 0; at < g.record.length; at += v.getUint32(at + 4, true)) {
      const name = EVENTS_BY_ID.get(v.getUint16(at + 2, true))!.name;
      seen.set(name, (seen.get(name) ?? 0) + 1); n++;
      if (name === 'openat' && i64ParamAt(v, at, 0)! < 0) failed++;
    }
  }
  const { weights, omitted } = actionWeights(NODE_PROFILE);
  const made = Object.entries(NODE_PROFILE.types).filter(([k]) => !(k in omitted)).reduce((a, [, c]) => a + c, 0);
  const want = (k: string) => (NODE_PROFILE.types[k] ?? 0) / made;
  const got = (k: string) => (seen.get(k) ?? 0) / n;
  // opens and closes are most of it; execs come with a vfork each, connects with a socket each
  for (const k of ['openat', 'close']) assert.ok(Math.abs(got(k) - want(k)) < 0.02, `${k}: ${got(k).toFixed(4)} of the events, profile ${want(k).toFixed(4)}`);
  assert.ok(Math.abs(got('execve') - want('execve')) < 0.003, `execve ${got('execve')} vs ${want('execve')}`);
  assert.equal(seen.get('vfork'), seen.get('execve'));
  assert.equal(seen.get('socket'), seen.get('connect'));
  // what the generator leaves out is named, and small
  assert.ok(weights.length >= 5);
  const left = Object.values(omitted).reduce((a, c) => a + c, 0) / Object.values(NODE_PROFILE.types).reduce((a, c) => a + c, 0);
  assert.ok(left < 0.02, `omitted types are ${(left * 100).toFixed(1)}% of the profile`);
  // opens fail as often as they did on the recorded node (a library searched along its path)
  const [opens, ok] = NODE_PROFILE.paths.reduce(([a, b], [, c, d]) => [a + c, b + d], [0, 0]);
  const f = failed / seen.get('openat')!;
  assert.ok(Math.abs(f - (1 - ok / opens)) < 0.02, `${(f * 100).toFixed(1)}% of opens failed, profile ${((1 - ok / opens) * 100).toFixed(1)}%`);
});
