import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, ThreadInfo } from '../../../schema/model.js';
import { EVENTS_BY_NAME } from '../../../schema/events.js';
import { parseCondition } from '../../../compiler/parse/parser.js';
import { plainSource } from '../../../compiler/parse/span.js';
import { Expander } from '../../../compiler/check/expand.js';
import { Lowerer } from '../../../compiler/ir/lower.js';
import { syscallFields } from '../../../compiler/fields/syscall.js';
import { evaluate, getterFor } from '../../../compiler/interp/index.js';
import type { Diagnostic } from '../../../compiler/diag.js';

const init: ThreadInfo = { tid: 1, pid: 1, ppid: 0, comm: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', args: [], cwd: '/', env: [], uid: 0, gid: 0, loginuid: 0xffffffff, tty: 0, containerId: 'host' };
const shim: ThreadInfo = { ...init, tid: 900, pid: 900, ppid: 1, comm: 'containerd-shim', exe: 'containerd-shim', exepath: '/usr/bin/containerd-shim', parent: init };
const runc: ThreadInfo = { ...init, tid: 950, pid: 950, ppid: 900, comm: 'runc', exe: 'runc', exepath: '/usr/bin/runc', parent: shim };
const sh: ThreadInfo = {
  tid: 1000, pid: 1000, ppid: 950, vpid: 7, vpgid: 7, comm: 'sh', exe: 'sh', exepath: '/bin/busybox', args: ['-c', 'cat /etc/shadow'], cwd: '/root',
  env: ['HOME=/root', 'PATH=/bin'], uid: 0, gid: 0, loginuid: 0xffffffff, tty: 34816, containerId: 'abcdef123456', parent: runc,
  capPermitted: (1n << 21n) | (1n << 12n),
  fds: new Map([[0, { num: 0, type: 'ipv4', name: '10.0.0.5:40000->10.0.0.1:22', sip: '10.0.0.5', sport: 40000, dip: '10.0.0.1', dport: 22 }], [1, { num: 1, type: 'pipe', name: '' }]]),
};
const base = (type: string, params: Event['params'], extra: Partial<Event> = {}): Event => ({
  num: 42, ts: 1_700_000_000_123_456_789, type, typeId: EVENTS_BY_NAME.get(type)!.id, dir: 'exit', cpu: 1, params,
  paramOrder: Object.keys(params), thread: sh, source: 'syscall', hostname: 'node-1',
  user: { uid: 0, name: 'root', homedir: '/root', shell: '/bin/sh' }, group: { gid: 0, name: 'root' },
  container: { id: 'abcdef123456', name: 'web', image: 'nginx:1.25', imageRepository: 'nginx', imageTag: '1.25', privileged: true, k8s: { ns: 'prod', podName: 'web-0' } },
  ...extra,
});

const shellExec = base('execve', { res: 0, exe: 'sh', args: ['-c', 'cat /etc/shadow'], filename: '/bin/sh', flags: 2 });
const openShadow = base('openat', { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0o2000000, mode: 0, dev: 0, ino: 0 },
  { fd: { num: 3, type: 'file', name: '/etc/shadow', openFlags: 0o2000000 } });
const openFail = base('openat', { fd: -2, dirfd: -100, name: 'missing', flags: 1 | 0o100, mode: 0o644, dev: 0, ino: 0 }, { fd: undefined });
const connect = base('connect', { res: 0, tuple: { family: 2, sip: '10.0.0.5', sport: 40000, dip: '10.0.0.1', dport: 22 }, fd: 0 },
  { fd: sh.fds!.get(0)!, thread: { ...sh, containerId: 'host' } });
const buf = base('write', { res: 4, data: Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]), fd: 1, size: 6 });

function run(cond: string, ev: Event): boolean {
  const diags: Diagnostic[] = [];
  const parsed = parseCondition(plainSource(cond));
  assert.deepEqual(parsed.diagnostics, [], cond);
  const lists = new Map([['shell_binaries', { name: 'shell_binaries', items: ['sh', 'bash'].map((value) => ({ value, span: parsed.ast!.span })), span: parsed.ast!.span }]]);
  const ast = new Expander(new Map(), lists, diags).expand(parsed.ast!, 't');
  const ir = new Lowerer(syscallFields, diags, 't').lower(ast);
  assert.deepEqual(diags.map((d) => d.message), [], cond);
  return evaluate(ir, getterFor(syscallFields, ev));
}

const CASES: Array<[string, Event, boolean]> = [
  // shell in a container
  ['evt.type = execve and container.id != host and proc.name in (shell_binaries)', shellExec, true],
  ['proc.name in (bash, zsh)', shellExec, false],
  ['proc.pname = runc and proc.aname[2] = containerd-shim and proc.aname[3] = systemd', shellExec, true],
  ['proc.aname = containerd-shim', shellExec, true],
  ['proc.aname[9] = x', shellExec, false],
  ['not proc.aname[9] exists', shellExec, true],
  ['proc.cmdline = "sh -c cat /etc/shadow" and proc.exe = sh and proc.exepath = /bin/busybox', shellExec, true],
  ['proc.args contains /etc/shadow and proc.args startswith -c and proc.args endswith shadow', shellExec, true],
  ['proc.env[HOME] = /root and proc.env contains "PATH="', shellExec, true],
  ['proc.env[NOPE] = x', shellExec, false],
  ['proc.env[NOPE] != x', shellExec, false], // a missing value makes != false too, as in Falco
  ['evt.arg.flags = EXE_UPPER_LAYER and evt.arg[0] = 0 and evt.res = SUCCESS and evt.rawres = 0', shellExec, true],
  ['container.privileged = true and container.image.repository = nginx and k8s.ns.name = prod', shellExec, true],
  ['thread.cap_permitted contains CAP_SYS_ADMIN and thread.cap_permitted contains CAP_NET_ADMIN', shellExec, true],
  ['proc.vpgid = 7 and proc.is_vpgid_leader = true and user.loginuid = -1 and user.name = root', shellExec, true],
  ['proc.tty != 0 and proc.tty > 34000 and proc.tty <= 34816 and proc.tty < 34816', shellExec, false],
  ['proc.tty >= 34816 and proc.pid = 0x3e8', shellExec, true],
  // open of /etc/shadow
  ['evt.type in (open, openat) and evt.is_open_read = true and evt.is_open_write = false and fd.name = /etc/shadow', openShadow, true],
  ['fd.typechar = f and fd.directory = /etc and fd.filename = shadow and fd.name pmatch (/etc, /usr/bin)', openShadow, true],
  ['fd.name pmatch (/et, /usr)', openShadow, false],
  ['evt.arg.flags = "O_RDONLY|O_CLOEXEC" and evt.arg.name = /etc/shadow', openShadow, true],
  ["fd.name glob '/etc/sh*' and fd.name glob '/etc/?hadow' and fd.name glob '/etc/[a-s]hadow' and not fd.name glob '/etc/[!s]hadow'", openShadow, true],
  ['fd.name iglob /ETC/SHADOW* and fd.name icontains SHAD and not fd.name contains SHAD', openShadow, true],
  ["fd.name regex '^/etc/s[a-z]+$' and not fd.name regex '^shadow'", openShadow, true],
  // Anchored at both ends as in Falco: a pattern matching only part of the value is false.
  ["fd.name regex '/etc/s[a-z]+' and not fd.name regex 'shadow' and not fd.name regex '/etc'", openShadow, true],
  ['fs.path.name = /etc/shadow and fs.path.nameraw = /etc/shadow', openShadow, true],
  ['evt.res = ENOENT and evt.rawres = -2 and evt.failed = true and evt.is_open_write = true', openFail, true],
  ['fs.path.name = /root/missing and fs.path.nameraw = missing', openFail, true],
  ['fd.name exists', openFail, false],
  ['evt.arg.flags contains O_CREAT and evt.arg.mode = 0644', openFail, true],
  // connect to 10.0.0.1:22
  ['fd.sip = 10.0.0.1 and fd.sport = 22 and fd.rport = 22 and fd.lport = 40000 and fd.cip = 10.0.0.5', connect, true],
  ['fd.name = 10.0.0.5:40000->10.0.0.1:22 and fd.typechar = 4 and fd.sockfamily = ip and container.id = host', connect, true],
  ['fd.snet = 10.0.0.0/8 and fd.net in (192.168.0.0/16, 10.0.0.0/24) and not fd.snet in (172.16.0.0/12)', connect, true],
  ['fd.ip = 10.0.0.5 and fd.ip != 0.0.0.0 and fd.port in (22, 40000)', connect, true],
  ['fd.ip != 10.0.0.5', connect, false],
  ['fd.port in (22)', connect, false], // in on a multi field: every value must be in the set
  ['fd.port intersects (22, 443)', connect, true],
  ['anyof fd.port = 22 and oneof fd.port = 22 and not allof fd.port = 22 and allof fd.port > 10', connect, true],
  ['fd.types[0] in (ipv4, ipv6) and fd.types intersects (pipe) and fd.types[1] = pipe', connect, true],
  // buffers and transformers
  ['evt.buffer bcontains 454c46 and evt.buffer bstartswith 7f45 and not evt.buffer bcontains 4546', buf, true],
  ['toupper(proc.name) = SH and tolower(toupper(proc.name)) = sh and basename(proc.exepath) = busybox', shellExec, true],
  ['len(proc.name) = 2 and len(proc.aname) = 3', shellExec, true],
  ["join(',', proc.aname) = 'runc,containerd-shim,systemd' and concat(proc.name, '@', proc.pname) = sh@runc", shellExec, true],
  ['getopt(c, proc.args) = "cat" and not b64(proc.exe) exists', shellExec, true],
  ['proc.name = val(proc.name) and not proc.name = val(proc.pname)', shellExec, true],
  ['proc.name intersects (sh, x)', shellExec, true],
  ['len(proc.aname) = 3 and len(proc.exepath) = 12', { ...shellExec, thread: { ...sh, parent: { ...runc, parent: shim } } }, true],
];

for (const [cond, ev, want] of CASES) test(`${want ? 'matches' : 'no match'}: ${cond} (${ev.type})`, () => assert.equal(run(cond, ev), want));
