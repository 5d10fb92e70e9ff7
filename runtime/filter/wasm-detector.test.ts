import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ThreadInfo } from '../../schema/model.js';
import { RecordError } from '../decode/record.js';
import { State } from '../state/state.js';
import { InterpDetector } from './interp-detector.js';
import { alertOf, concat, rec, rulesFrom, story, STORY_RULES } from './test-records.js';
import { WasmDetector } from './wasm-detector.js';

const rules = rulesFrom(STORY_RULES);
const bash: ThreadInfo = { tid: 100, pid: 100, ppid: 1, comm: 'bash', exe: '/bin/bash', exepath: '/bin/bash', args: ['-i'], cwd: '/home/u/', env: [], uid: 1000, gid: 1000, loginuid: 1000, tty: 0, containerId: 'host' };

async function both(buf: Uint8Array, mode: 'first' | 'all' = 'all') {
  const out: string[][] = [];
  for (const d of [new InterpDetector(rules, { ruleMatching: mode }), await WasmDetector.create(rules, { ruleMatching: mode })]) {
    d.seeds.user({ uid: 1000, name: 'alice' });
    d.seeds.thread({ ...bash });
    const got: string[] = [];
    assert.equal(d.feed(buf, (m) => got.push(alertOf(m))), buf.length);
    out.push(got);
  }
  return out;
}

test('the WASM filter raises the same alerts as the interpreter, output fields from the JS state', async () => {
  const [interp, wasm] = await both(story());
  assert.equal(wasm.length, 4);
  assert.deepEqual(wasm, interp);
  assert.match(wasm[0], /^shadow read\|cat read \/etc\/shadow \(parent=bash cmd=cat \/etc\/shadow container=abcdef012345 user=alice\)/);
  const [i1, w1] = await both(story(), 'first');
  assert.equal(w1.length, 3);
  assert.deepEqual(w1, i1);
});

test('state the module needs is seeded: a process known only from the seed matches by its parent', async () => {
  const r = rulesFrom(`
- rule: child of sshd
  desc: d
  condition: evt.type = openat and proc.pname = sshd and user.name = bob
  output: "%proc.name (%proc.pname) opened %fd.name"
  priority: WARNING
`);
  const state = new State();
  state.threads.add({ ...bash, tid: 50, pid: 50, ppid: 1, comm: 'sshd', exe: 'sshd', uid: 0 });
  state.threads.add({ ...bash, tid: 60, pid: 60, ppid: 50, comm: 'vi', exe: 'vi', uid: 1001 });
  state.users.addUser({ uid: 1001, name: 'bob' });
  const d = await WasmDetector.create(r, { state }); // seeded before: mirrored into the module
  const buf = rec('openat', { tid: 60, pid: 60, ppid: 50, uid: 1001, comm: 'vi', ts: 5n }, { fd: 3, dirfd: -100, name: 'x', flags: 0, mode: 0 });
  const got: string[] = [];
  d.feed(buf, (m) => got.push(alertOf(m)));
  assert.deepEqual(got, ['child of sshd|vi (sshd) opened /home/u/x|{"fd.name":"/home/u/x","proc.name":"vi","proc.pname":"sshd"}']);
  // seeded after creation: reaches the module as well
  d.seeds.thread({ ...bash, tid: 70, pid: 70, ppid: 50, comm: 'less', exe: 'less', uid: 1001 });
  d.feed(rec('openat', { tid: 70, pid: 70, ppid: 50, uid: 1001, comm: 'less', ts: 6n }, { fd: 3, dirfd: -100, name: '/y', flags: 0, mode: 0 }), (m) => got.push(alertOf(m)));
  assert.equal(got.length, 2);
  assert.match(got[1], /less \(sshd\) opened \/y/);
});

test('partial records are carried; a bad record throws with its offset', async () => {
  const d = await WasmDetector.create(rules);
  const buf = story();
  const got: string[] = [];
  const used = d.feed(buf.subarray(0, 300), (m) => got.push(alertOf(m)));
  assert.ok(used > 0 && used < 300);
  assert.equal(d.feed(buf.subarray(used), (m) => got.push(alertOf(m))), buf.length - used);
  assert.equal(got.length, 4);
  const bad = rec('close', { tid: 1 }, { res: 0, fd: 1 });
  new DataView(bad.buffer).setUint16(0, 7, true);
  const two = concat([rec('close', { tid: 1 }, { res: 0, fd: 1 }), bad]);
  await assert.rejects(async () => d.feed(two, () => undefined), (e: unknown) => (e instanceof RecordError || (e as Error).constructor.name === 'RecordStreamError') && (e as { offset: number }).offset === two.length - bad.length);
});

test('swap: new rules from the next feed on, the module seeded from the state kept so far', async () => {
  const d = await WasmDetector.create(rules);
  d.seeds.thread({ ...bash });
  const buf = story();
  let off = 0;
  for (let i = 0; i < 3; i++) off += new DataView(buf.buffer).getUint32(off + 4, true);
  const got: string[] = [];
  d.feed(buf.subarray(0, off), (m) => got.push(alertOf(m)));
  await d.swap(rulesFrom(`
- rule: cat in container
  desc: d
  condition: evt.type = close and container.id != host and proc.name = cat and proc.pname = bash
  output: "%proc.exepath closed fd %fd.num"
  priority: ERROR
`));
  d.feed(buf.subarray(off), (m) => got.push(alertOf(m)));
  assert.deepEqual(got, ['cat in container|/usr/bin/cat closed fd 3|{"fd.num":"3","proc.exepath":"/usr/bin/cat"}']);
});

test('swap: fds, which only the module keeps, pass to the new module', async () => {
  // (rules printing fd.dev/fd.ino before and after: a module keeps an open's device and inode only then)
  const d = await WasmDetector.create(rulesFrom(`
- rule: inode of passwd
  desc: d
  condition: evt.type = read and fd.name = /etc/passwd
  output: "%fd.ino %fd.dev"
  priority: ERROR
`));
  d.seeds.thread({ ...bash });
  d.seeds.thread({ ...bash, tid: 1, pid: 1, ppid: 0, comm: 'init' });
  const h = { tid: 100, pid: 100, ppid: 1, uid: 1000, gid: 1000, comm: 'bash', containerId: 'host' };
  d.feed(rec('openat', { ...h, ts: 1n }, { fd: 5, dirfd: -100, name: 'notes.txt', flags: 1, mode: 0, dev: 7, ino: 42 }), () => {});
  // the JS state left the open to the module: nothing of fd 5 is kept in JS
  assert.equal(d.state.threads.get(100)?.fds?.get(5), undefined);
  await d.swap(rulesFrom(`
- rule: write to notes
  desc: d
  condition: evt.type = write and fd.name = /home/u/notes.txt
  output: "%fd.name %fd.nameraw %fd.typechar %fd.ino %fd.dev %proc.pname"
  priority: ERROR
`));
  const got: string[] = [];
  d.feed(rec('write', { ...h, ts: 2n }, { res: 1, data: 'x', fd: 5, size: 1 }), (m) => got.push(alertOf(m)));
  assert.equal(got.length, 1);
  // (the parent too: the first rules read no ancestor, the new ones one)
  assert.match(got[0], /^write to notes\|\/home\/u\/notes\.txt notes\.txt f 42 7 init\|/);
});

test('a thread first seen on an fd record is known to the JS state: it names the parent of a later alert', async () => {
  const r = rulesFrom(`
- rule: vi started
  desc: d
  condition: evt.type = execve and proc.name = vi
  output: "%proc.name parent=%proc.pname"
  priority: ERROR
`);
  const stranger = { tid: 300, pid: 300, ppid: 1, uid: 0, gid: 0, comm: 'cron', containerId: 'host' };
  const buf = concat([
    rec('openat', { ...stranger, ts: 1n }, { fd: 3, dirfd: -100, name: '/etc/crontab', flags: 0, mode: 0, dev: 0, ino: 0 }),
    rec('execve', { tid: 301, pid: 301, ppid: 300, uid: 0, gid: 0, comm: 'vi', containerId: 'host', ts: 2n }, { res: 0, exe: 'vi', args: [], tid: 301, pid: 301, ptid: 300, cwd: '/', comm: 'vi', env: [], uid: 0, gid: 0, flags: 0, exepath: '/usr/bin/vi', filename: '/usr/bin/vi' }),
  ]);
  for (const d of [new InterpDetector(r), await WasmDetector.create(r)]) {
    const got: string[] = [];
    d.feed(buf, (m) => got.push(alertOf(m)));
    assert.equal(got.length, 1);
    assert.match(got[0], /^vi started\|vi parent=cron\|/);
  }
});
