// The WASM detector keeps its own state tables in the module (threads, fds, cwd) from the records,
// the interpreter detector reads the JS State: both must agree on every match. The filter's
// differential test (test/backend) feeds events whose state the generator made up, so it never
// checks the module's own tracking; here random record streams of a few processes (forks and
// threads, execs, opens relative to dirfds and the cwd, close-on-exec, dups, sockets, chdir and
// fchdir, exits) go through both detectors, with probe rules whose conditions read that state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import type { ParamValue } from '../../schema/model.js';
import { decodeRecord } from '../decode/record.js';
import { EVENTS_BY_ID } from '../../schema/events.js';
import { InterpDetector } from './interp-detector.js';
import { concat, rec, rulesFrom } from './test-records.js';
import { WasmDetector } from './wasm-detector.js';

const TYPES_FD = 'read, write, close, fchdir, dup, dup2, dup3, connect, bind';
const PROBES: Array<[string, string]> = [
  ['etc fd', `evt.type in (${TYPES_FD}) and fd.name startswith /etc`],
  ['srv data fd', `evt.type in (${TYPES_FD}) and fd.name = /srv/data`],
  ['tmp fd', `evt.type in (${TYPES_FD}) and fd.directory = /tmp`],
  ['open srv', 'evt.type in (open, openat) and fd.name startswith /srv'],
  ['open passwd', 'evt.type in (open, openat) and fd.name = /etc/passwd'],
  ['open raw', 'evt.type in (open, openat) and fd.nameraw = data'],
  ['inet io', 'evt.type in (read, write, close) and fd.type = ipv4'],
  ['udp io', 'evt.type in (read, write) and fd.l4proto = udp'],
  ['to 443', 'evt.type in (read, write, close) and fd.rport = 443'],
  ['tuple', 'evt.type in (read, write) and fd.name contains "->"'],
  ['unix io', 'evt.type in (read, write) and fd.typechar = u'],
  ['file io', 'evt.type in (read, write) and fd.typechar = f'],
  ['dir fd', 'evt.type in (read, fchdir) and fd.typechar = d'],
  ['cwd srv', 'evt.type in (read, write, open, openat) and proc.cwd = /srv/'],
  ['cwd etc', 'evt.type in (read, write, open, openat) and proc.cwd = /etc/'],
  ['vi of bash', 'evt.type in (read, write, openat) and proc.name = vi and proc.pname = bash'],
  ['vi exe', 'evt.type in (read, write) and proc.exepath = /usr/bin/vi'],
  ['grandchild', 'evt.type in (read, write) and proc.aname[2] = bash'],
  ['great-grandchild', 'evt.type in (read, write) and proc.aname[3] = vi'],
  ['vi cmdline', 'evt.type in (read, write, close) and proc.cmdline = "vi -x"'],
  ['spaced arg', 'evt.type in (read, write) and proc.args contains "a b"'],
  ['parent cmdline', 'evt.type in (read, write) and proc.pcmdline startswith "bash --login"'],
  ['parent exe', 'evt.type in (read, write) and proc.pexe = /usr/bin/cat'],
  ['env', 'evt.type in (read, write) and proc.env contains DEBUG'],
  ['exe', 'evt.type in (open, openat) and proc.exe = /bin/bash'],
  ['memfd io', 'evt.type in (read, write, memfd_create) and fd.name startswith "memfd:"'],
  ['memfd type', 'evt.type in (read, write) and fd.typechar = m'],
  ['created', 'evt.type in (creat, openat2, write) and fd.name = /srv/data'],
  ['unlink', 'evt.type = unlinkat'],
  ['v6 io', 'evt.type in (read, write, close) and fd.type = ipv6'],
];
// Every match prints the event's fd whole, its process's fd types and a dirfd-relative path: the
// WASM detector reads fds back from the module, the interpreter from the JS state. The ancestors
// printed are linked three deep by the WASM detector (what its outputs read), 32 by the interpreter.
const OUTPUT = '%proc.name %proc.cwd %fd.num %fd.name %fd.nameraw %fd.type %fd.typechar %fd.directory %fd.filename %fd.l4proto '
  + '%fd.connected %fd.is_server %fd.cip %fd.sip %fd.lip %fd.rip %fd.cport %fd.sport %fd.lport %fd.rport %fd.dev %fd.ino %fd.types '
  + '%fs.path.name %evt.is_open_create %proc.pname %proc.aname[2] %proc.aname[3]';
const RULES = rulesFrom(PROBES.map(([name, cond]) => `
- rule: ${name}
  desc: probe
  condition: ${cond}
  output: "${OUTPUT}"
  priority: WARNING
`).join(''));

const PATHS = ['/etc/passwd', '/etc/shadow', '/srv/data', '/srv', '/tmp/x', 'data', 'x/y', '../etc/passwd', '/etc', '/tmp'];
const O_CLOEXEC = 0o2000000, O_DIRECTORY = 0o200000;
const FLAGS = [0, 1 | 0o100, O_CLOEXEC, O_DIRECTORY, 2 | O_CLOEXEC, O_DIRECTORY | O_CLOEXEC];
const EXES = [['vi', '/usr/bin/vi'], ['bash', '/bin/bash'], ['cat', '/usr/bin/cat']];
const ARGS = [['-x'], [], ['--login', 'a b'], ['-c', 'echo hi']];
const ENVS = [[], ['DEBUG=1', 'HOME=/root'], ['PATH=/bin']];

interface Task { tid: number; pid: number; ppid: number; comm: string; exe: string; args: string[] }

/** Turns a list of random numbers into a record stream that a kernel could have written. */
function stream(choices: number[]): Uint8Array {
  const tasks: Task[] = [{ tid: 100, pid: 100, ppid: 1, comm: 'bash', exe: 'bash', args: ['-i'] }];
  let next = 200, ts = 1n, k = 0;
  const take = (n: number) => choices[k++ % choices.length] % n;
  const out: Uint8Array[] = [];
  const emit = (t: Task, type: string, params: Record<string, ParamValue>) =>
    out.push(rec(type, { tid: t.tid, pid: t.pid, ppid: t.ppid, uid: 1000, gid: 1000, comm: t.comm, containerId: 'host', ts: ts++ }, params));
  const fd = () => take(9);
  const newFd = () => (take(8) === 0 ? -2 : 3 + take(6));
  // a stream's sockets speak one IP version (a socket's family never changes in the kernel)
  const inet6 = choices[choices.length - 1] % 4 === 0;
  let connected6 = false;
  for (let step = 0; step < choices.length; step++) {
    const t = tasks[take(tasks.length)];
    // a clone record carries the caller's image, as the kernel writes it
    const proc = { exe: t.exe, args: t.args, tid: t.tid, pid: t.pid, ptid: t.ppid, cwd: '', comm: t.comm, uid: 1000, gid: 1000 };
    switch (take(19)) {
      case 0: case 1: emit(t, 'openat', { fd: newFd(), dirfd: take(3) === 0 ? fd() : -100, name: PATHS[take(PATHS.length)], flags: FLAGS[take(FLAGS.length)], mode: 0, dev: take(3), ino: take(5000) }); break;
      case 2: emit(t, 'open', { fd: newFd(), name: PATHS[take(PATHS.length)], flags: FLAGS[take(FLAGS.length)], mode: 0, dev: 0, ino: 0 }); break;
      case 3: emit(t, 'close', { res: take(5) === 0 ? -9 : 0, fd: fd() }); break;
      case 4: case 5: emit(t, take(2) ? 'read' : 'write', { res: 1, data: 'x', fd: fd(), size: 1 }); break;
      case 6: {
        const which = take(3);
        if (which === 0) emit(t, 'dup', { res: newFd(), oldfd: fd() });
        else { const nf = newFd(); emit(t, which === 1 ? 'dup2' : 'dup3', { res: nf, oldfd: fd(), newfd: nf, ...(which === 2 ? { flags: take(2) ? O_CLOEXEC : 0 } : {}) }); }
        break;
      }
      case 7: emit(t, 'socket', { fd: newFd(), domain: [2, 1, 10][take(3)], type: 1 + take(2), proto: 0 }); break;
      case 8: {
        const inet = take(3) !== 0;
        const v6 = { family: 10, sip: 'fe80::1', sport: 40000 + take(3), dip: '2001:db8::9', dport: [443, 80][take(2)] };
        if (inet && inet6) connected6 = true;
        emit(t, 'connect', { res: take(4) === 0 ? -111 : 0, fd: fd(), tuple: inet ? (inet6 ? v6 : { family: 2, sip: '10.0.0.2', sport: 40000 + take(3), dip: '10.0.0.9', dport: [443, 80, 53][take(3)] }) : { family: 1, path: '/run/s.sock' } });
        break;
      }
      // (no IPv6 bind succeeds after a connect or accept: the kernel refuses a bind on a connected socket, and
      // the module keeps IPv6 addresses only in the name, so it could not show the client end after it)
      case 9: emit(t, 'bind', { res: take(3) === 0 || (inet6 && connected6) ? -98 : 0, fd: fd(), addr: inet6 ? { family: 10, addr: '::', port: 8443 } : { family: 2, addr: '0.0.0.0', port: 8080 } }); break;
      case 18: emit(t, 'unlinkat', { res: 0, dirfd: take(2) ? fd() : -100, name: ['x', 'y/z', '../a'][take(3)], flags: 0 }); break;
      case 10: {
        // a fork or a thread: the parent's record, then the child's
        if (tasks.length > 8) break;
        const thread = take(3) === 0;
        const c: Task = { tid: next++, pid: 0, ppid: thread ? t.ppid : t.pid, comm: t.comm, exe: t.exe, args: t.args };
        c.pid = thread ? t.pid : c.tid;
        const flags = thread ? 0x10000 | 0x100 | 0x400 : 0;
        emit(t, take(2) ? 'clone' : 'fork', { res: c.tid, ...proc, flags });
        if (take(4) !== 0) emit(c, 'clone', { res: 0, ...proc, tid: c.tid, pid: c.pid, ptid: t.tid, flags });
        tasks.push(c);
        break;
      }
      case 11: {
        const [comm, exe] = EXES[take(EXES.length)];
        const res = take(5) === 0 ? -2 : 0;
        const args = ARGS[take(ARGS.length)];
        emit(t, 'execve', { res, exe, args, tid: t.tid, pid: t.pid, ptid: t.ppid, cwd: take(3) ? '' : '/srv', comm: res === 0 ? comm : t.comm, env: ENVS[take(ENVS.length)], uid: 1000, gid: 1000, flags: 0, exepath: exe, filename: exe });
        if (res === 0) { t.comm = comm; t.exe = exe; t.args = args; }
        break;
      }
      case 12: {
        if (t.tid === 100) break;
        emit(t, 'procexit', { status: 0, ret: 0, sig: 0, core: 0, reaper_tid: 1 });
        tasks.splice(tasks.indexOf(t), 1);
        break;
      }
      case 13: emit(t, 'chdir', { res: take(4) === 0 ? -2 : 0, path: ['/srv', '/etc', 'tmp', '..', '/'][take(5)] }); break;
      case 14: emit(t, 'fchdir', { res: take(4) === 0 ? -9 : 0, fd: fd() }); break;
      case 16: emit(t, 'memfd_create', { fd: newFd(), name: ['x', 'payload'][take(2)], flags: 0 }); break;
      case 17: {
        const name = PATHS[take(PATHS.length)];
        if (take(2)) emit(t, 'creat', { fd: newFd(), name, mode: 0o644, dev: 0, ino: 0 });
        else emit(t, 'openat2', { fd: newFd(), dirfd: take(3) === 0 ? fd() : -100, name, flags: FLAGS[take(FLAGS.length)], mode: 0, resolve: 0, dev: 0, ino: 0 });
        break;
      }
      case 15: connected6 ||= inet6; emit(t, 'accept', { fd: newFd(), tuple: { family: 2, sip: '10.0.0.7', sport: 5555, dip: '10.0.0.2', dport: 8080 }, queuepct: 0 }); break;
    }
  }
  return concat(out);
}

function describe(buf: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < buf.length;) {
    const r = decodeRecord(buf, off);
    lines.push(`${r.header.ts} ${r.header.tid}/${r.header.pid} ${EVENTS_BY_ID.get(r.header.type)?.name} ${JSON.stringify(r.params)}`);
    off += r.header.len;
  }
  return lines.join('\n');
}

async function alerts(d: InterpDetector | WasmDetector, buf: Uint8Array): Promise<string[]> {
  d.seeds.thread({ tid: 100, pid: 100, ppid: 1, comm: 'bash', exe: 'bash', exepath: '/bin/bash', args: ['-i'], cwd: '/home/u/', env: [], uid: 1000, gid: 1000, loginuid: 1000, tty: 0, containerId: 'host' });
  const got: string[] = [];
  d.feed(buf, (m) => got.push(`${m.timeNs} ${m.rule.name}: ${m.rule.output.render(m.resolve).output}`));
  return got;
}

test('module state = JS state: random record streams raise the same probe matches in both detectors', async () => {
  let hits = 0;
  await fc.assert(fc.asyncProperty(fc.array(fc.nat(1 << 20), { minLength: 40, maxLength: 400 }), async (choices) => {
    const buf = stream(choices);
    // either matching mode: 'first' keeps the lowest rule id of a record's matches in both
    const ruleMatching = choices[0] % 2 ? 'first' : 'all';
    const wasm = await WasmDetector.create(RULES, { ruleMatching });
    assert.equal(wasm.interpreted, 0, 'every probe runs in the module');
    const [want, got] = [await alerts(new InterpDetector(RULES, { ruleMatching }), buf), await alerts(wasm, buf)];
    hits += want.length;
    if (JSON.stringify(got) !== JSON.stringify(want) && process.env.VIGIL_DUMP) writeFileSync(process.env.VIGIL_DUMP, buf);
    if (JSON.stringify(got) !== JSON.stringify(want)) assert.fail(`module: ${JSON.stringify(got, null, 1)}\nJS: ${JSON.stringify(want, null, 1)}\nrecords:\n${describe(buf)}`);
  }), { numRuns: Number(process.env.FC_RUNS) || 150, includeErrorInReport: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) });
  // the streams must reach the probes, or the comparison proves nothing
  assert.ok(hits > 500, `probes matched only ${hits} times`);
});
