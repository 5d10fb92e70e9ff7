// The state stage on records built with the real codec: process tree and ancestors, exec
// replacing the image, fd lifecycle through dup/close, sockets, enter/exit merging, bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENTS_BY_NAME } from '../../../schema/events.js';
import type { ParamValue } from '../../../schema/model.js';
import { decodeRecord, encodeRecord, type DecodedRecord } from '../../../runtime/decode/record.js';
import { State } from '../../../runtime/state/state.js';
import { ancestor } from '../../../runtime/state/threads.js';
import { ANCESTORS_ALL, ancestorsRead } from '../../../compiler/fields/syscall-proc.js';
import { BoundedMap } from '../../../runtime/state/bounded-map.js';
import { containerIdOfCgroup } from '../../../runtime/state/containers.js';

let ts = 1000n;
function rec(name: string, tid: number, params: Record<string, ParamValue>, opts: { pid?: number; ppid?: number; comm?: string; dir?: number; uid?: number } = {}): DecodedRecord {
  const type = EVENTS_BY_NAME.get(name)!.id;
  const bytes = encodeRecord({ type, ts: ts++, tid, pid: opts.pid ?? tid, ppid: opts.ppid ?? 0, comm: opts.comm ?? '', uid: opts.uid ?? 0 }, params, opts.dir ?? 1);
  return decodeRecord(bytes, 0);
}
function step(s: State, r: DecodedRecord, n = 1) { s.apply(r); return s.toEvent(r, n); }

/** init(1) -> bash(100) -> sh(200) -> cat(300), built from fork + execve records. */
function tree(s: State) {
  step(s, rec('execve', 1, { res: 0, exe: '/sbin/init', args: [], tid: 1, pid: 1, ptid: 0, cwd: '/', comm: 'init' }, { comm: 'init' }));
  for (const [parent, child, comm, exe] of [[1, 100, 'bash', '/bin/bash'], [100, 200, 'sh', '/bin/sh'], [200, 300, 'cat', '/bin/cat']] as const) {
    step(s, rec('clone', parent, { res: child, exe: '', args: [], tid: parent, pid: parent, ptid: 0, cwd: '/home/u', comm: '', flags: 0 }));
    step(s, rec('execve', child, { res: 0, exe, args: ['-x'], tid: child, pid: child, ptid: parent, cwd: '/home/u', comm, exepath: exe }, { ppid: parent }));
  }
}

test('ancestors: pname/aname[N] walk the clone tree', () => {
  const s = new State();
  tree(s);
  const e = step(s, rec('open', 300, { fd: 3, name: 'notes.txt', flags: 0 }));
  assert.equal(e.thread.comm, 'cat');
  assert.equal(e.thread.parent?.comm, 'sh');
  assert.equal(ancestor(e.thread, 2)?.comm, 'bash');
  assert.equal(ancestor(e.thread, 3)?.comm, 'init');
  assert.equal(ancestor(e.thread, 4), undefined);
  assert.equal(e.fd?.name, '/home/u/notes.txt', 'relative path resolved against the cwd');
});

test('toEvent depth: the chain is linked as deep as asked and cut there, stale links included', () => {
  const s = new State();
  tree(s);
  // a full walk first leaves init linked as bash's parent
  step(s, rec('open', 300, { fd: 3, name: 'a', flags: 0 }));
  const atDepth = (r: DecodedRecord, depth: number) => { s.apply(r); return s.toEvent(r, 1, undefined, depth); };
  const e = atDepth(rec('open', 300, { fd: 4, name: 'b', flags: 0 }), 2);
  assert.equal(ancestor(e.thread, 2)?.comm, 'bash');
  assert.equal(ancestor(e.thread, 3), undefined, 'no walk past the depth reaches the link an earlier event left');
  assert.equal(atDepth(rec('open', 300, { fd: 5, name: 'c', flags: 0 }), 0).thread.parent, undefined);
});

test('ancestorsRead: the levels each field walks through ThreadInfo.parent', () => {
  const idx = (value: number) => ({ kind: 'index' as const, value });
  assert.equal(ancestorsRead({ field: 'proc.name' }), 0);
  assert.equal(ancestorsRead({ field: 'proc.ppid' }), 0, "the thread's own ppid, not the parent's entry");
  assert.equal(ancestorsRead({ field: 'proc.pname' }), 1);
  assert.equal(ancestorsRead({ field: 'proc.pcmdline' }), 1);
  assert.equal(ancestorsRead({ field: 'proc.aname', arg: idx(4) }), 4);
  assert.equal(ancestorsRead({ field: 'proc.acmdline', arg: idx(2) }), 2);
  assert.equal(ancestorsRead({ field: 'proc.aname' }), ANCESTORS_ALL, 'every ancestor');
  assert.equal(ancestorsRead({ field: 'proc.sname' }), ANCESTORS_ALL, 'the session leader is searched for');
  assert.equal(ancestorsRead({ field: 'proc.apid', arg: idx(500) }), ANCESTORS_ALL);
});

test('a thread (CLONE_THREAD) shares its process fds and parent', () => {
  const s = new State();
  tree(s);
  step(s, rec('open', 300, { fd: 4, name: '/etc/passwd', flags: 0 }));
  step(s, rec('clone', 300, { res: 301, exe: '/bin/cat', args: [], tid: 300, pid: 300, ptid: 200, cwd: '/home/u', comm: 'cat', flags: 0x10000 | 0x100 }));
  const e = step(s, rec('read', 301, { res: 10, fd: 4, size: 10 }, { pid: 300 }));
  assert.equal(e.thread.pid, 300);
  assert.equal(e.fd?.name, '/etc/passwd');
  assert.equal(e.thread.parent?.comm, 'sh');
});

test('exec replaces the image and drops close-on-exec fds only', () => {
  const s = new State();
  tree(s);
  step(s, rec('open', 300, { fd: 3, name: '/keep', flags: 0 }));
  step(s, rec('open', 300, { fd: 4, name: '/drop', flags: 0o2000000 }));
  step(s, rec('execve', 300, { filename: '/usr/bin/python3' }, { dir: 0 }));
  const e = step(s, rec('execve', 300, { res: 0, exe: 'python3', args: ['app.py'], tid: 300, pid: 300, ptid: 200, cwd: '/srv', comm: 'python3' }));
  assert.equal(e.params.filename, '/usr/bin/python3', 'enter parameter merged into the exit');
  assert.equal(e.thread.comm, 'python3');
  assert.deepEqual(e.thread.args, ['app.py']);
  assert.equal(e.thread.exepath, '/usr/bin/python3');
  assert.equal(e.thread.cwd, '/srv/');
  const fds = s.threads.fds(e.thread);
  assert.deepEqual([...fds.keys()], [3]);
  assert.equal(e.thread.parent?.comm, 'sh', 'exec keeps the process tree');
});

test('fd lifecycle: open, dup2, close; close events still see the fd they closed', () => {
  const s = new State();
  tree(s);
  step(s, rec('openat', 300, { fd: 3, dirfd: -100, name: '/var/log/app.log', flags: 1 }));
  const d = step(s, rec('dup2', 300, { res: 5, oldfd: 3, newfd: 5 }));
  assert.equal(d.fd?.name, '/var/log/app.log');
  const c = step(s, rec('close', 300, { res: 0, fd: 3 }));
  assert.equal(c.fd?.name, '/var/log/app.log');
  const w = step(s, rec('write', 300, { res: 4, fd: 5, size: 4 }));
  assert.equal(w.fd?.name, '/var/log/app.log');
  assert.equal(step(s, rec('write', 300, { res: -9, fd: 3, size: 4 })).fd, undefined);
  step(s, rec('close', 300, { res: 0, fd: 5 }));
  assert.equal(s.threads.fds(s.threads.get(300)!).size, 0);
  // A failed open creates nothing.
  step(s, rec('open', 300, { fd: -2, name: '/nope', flags: 0 }));
  assert.equal(s.threads.fds(s.threads.get(300)!).size, 0);
  // openat relative to a directory fd.
  step(s, rec('open', 300, { fd: 7, name: '/etc', flags: 0o200000 }));
  const rel = step(s, rec('openat', 300, { fd: 8, dirfd: 7, name: 'hosts', flags: 0 }));
  assert.equal(rel.fd?.name, '/etc/hosts');
});

test('sockets: client connect and server accept name the fd as Falco does', () => {
  const s = new State();
  tree(s);
  step(s, rec('socket', 300, { fd: 3, domain: 2, type: 1, proto: 0 }));
  const c = step(s, rec('connect', 300, { res: 0, fd: 3, tuple: { family: 2, sip: '10.0.0.5', sport: 40000, dip: '93.184.216.34', dport: 443 } }));
  assert.equal(c.fd?.name, '10.0.0.5:40000->93.184.216.34:443');
  assert.equal(c.fd?.l4proto, 'tcp');
  assert.equal(c.fd?.isServer, false);
  step(s, rec('socket', 200, { fd: 4, domain: 10, type: 1, proto: 0 }));
  const b = step(s, rec('bind', 200, { res: 0, fd: 4, addr: { family: 10, addr: '::', port: 8080 } }));
  assert.equal(b.fd?.isServer, true);
  assert.equal(b.fd?.dport, 8080, 'a bound port is the server end');
  const a = step(s, rec('accept4', 200, { fd: 5, tuple: { family: 10, sip: '::1', sport: 5555, dip: '::1', dport: 8080 }, queuepct: 0, flags: 0 }));
  assert.equal(a.fd?.name, '::1:5555->::1:8080');
  assert.equal(a.fd?.isServer, true);
  assert.equal(a.fd?.type, 'ipv6');
});

test('procexit removes the thread after its own event was built', () => {
  const s = new State();
  tree(s);
  const e = step(s, rec('procexit', 300, { status: 0, ret: 0, sig: 0, core: 0, reaper_tid: 1 }));
  assert.equal(e.thread.comm, 'cat');
  step(s, rec('close', 200, { res: 0, fd: 1 }));
  assert.equal(s.threads.get(300), undefined);
});

test('users and groups by name, from passwd/group text', () => {
  const s = new State();
  s.users.loadPasswd('root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n');
  s.users.loadGroup('root:x:0:\nstaff:x:1000:alice\n');
  const e = step(s, rec('open', 42, { fd: 3, name: '/x', flags: 0 }, { uid: 1000, comm: 'vim' }));
  assert.equal(e.thread.comm, 'vim', 'unknown thread created from the record header');
  assert.equal(e.user?.name, 'alice');
  assert.equal(e.user?.shell, '/bin/zsh');
  assert.equal(s.users.group(1000)?.name, 'staff');
});

test('bounded: thread table, fds per process and the map itself evict and count', () => {
  const s = new State({ limits: { threads: 4, fdsPerProcess: 3 } });
  for (let tid = 10; tid < 20; tid++) step(s, rec('open', tid, { fd: 3, name: '/x', flags: 0 }));
  assert.equal(s.threads.size, 4);
  assert.equal(s.threads.evictions, 6);
  assert.ok(s.threads.get(19) && !s.threads.get(10), 'the oldest threads went first');
  for (let fd = 3; fd < 10; fd++) step(s, rec('open', 19, { fd, name: `/f${fd}`, flags: 0 }));
  assert.deepEqual([...s.threads.fds(s.threads.get(19)!).keys()], [7, 8, 9]);
  assert.equal(s.threads.fdEvictions, 4);
  const m = new BoundedMap<number, string>(2);
  m.set(1, 'a'); m.set(2, 'b'); m.get(1); m.set(3, 'c');
  assert.deepEqual([...m.entries()], [[1, 'a'], [3, 'c']], 'get() refreshes recency');
  assert.equal(m.evictions, 1);
  assert.throws(() => new BoundedMap(0), RangeError);
});

test('container ids from cgroup paths', () => {
  const id = 'a'.repeat(8) + 'b'.repeat(56);
  assert.equal(containerIdOfCgroup(`0::/system.slice/docker-${id}.scope`), 'aaaaaaaabbbb');
  assert.equal(containerIdOfCgroup(`0::/kubepods/besteffort/pod1/${id}`), 'aaaaaaaabbbb');
  assert.equal(containerIdOfCgroup('0::/user.slice/user-1000.slice/session-1.scope'), 'host');
});

test('threads share their process\'s fds: fd.types of a thread lists the process\'s, also once the leader is gone', async () => {
  const { syscallFields } = await import('../../../compiler/fields/syscall.js');
  const { getterFor } = await import('../../../compiler/interp/index.js');
  const s = new State();
  tree(s);
  step(s, rec('socket', 300, { fd: 4, domain: 2, type: 1, proto: 0 }));
  step(s, rec('clone', 300, { res: 301, exe: '/bin/cat', args: [], tid: 300, pid: 300, ptid: 200, cwd: '/home/u', comm: 'cat', flags: 0x10000 }));
  const types = (e: ReturnType<typeof step>) => getterFor(syscallFields, e)({ field: 'fd.types' } as never);
  const e = step(s, rec('write', 301, { res: 1, data: 'x', fd: 4, size: 1 }, { pid: 300 }));
  assert.equal(e.fd?.type, 'ipv4');
  assert.deepEqual(types(e), ['ipv4']);
  // The leader exits: its table goes with it (as the filter module drops the process's fds; the
  // kernel would keep them until the last thread exits, a gap both share). The thread's later fds
  // are still one table per process.
  step(s, rec('procexit', 300, {}));
  const after = step(s, rec('openat', 301, { fd: 7, dirfd: -100, name: '/tmp/x', flags: 0, mode: 0 }, { pid: 300 }));
  assert.equal(after.fd?.name, '/tmp/x');
  assert.deepEqual(types(step(s, rec('write', 301, { res: 1, data: 'x', fd: 7, size: 1 }, { pid: 300 }))), ['file']);
  step(s, rec('clone', 300 + 1, { res: 302, exe: '/bin/cat', args: [], tid: 301, pid: 300, ptid: 200, cwd: '/home/u', comm: 'cat', flags: 0x10000 }, { pid: 300 }));
  assert.deepEqual(types(step(s, rec('read', 302, { res: 1, data: 'x', fd: 7, size: 1 }, { pid: 300 }))), ['file'], 'a sibling thread sees it');
});
