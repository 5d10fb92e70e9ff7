// The compiled filter on hand-built IR and real records: operators, state tracking from records,
// dispatch, first/all matching, diagnostics for what it cannot compile, malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule, RecordStreamError } from '../../compiler/backend/host.js';
import { field, cmp, and, or, not, rule, ruleset } from './ir-helpers.js';
import { rec, concat } from './records.js';

const RULES = ruleset([
  rule(0, 'shell', and(cmp(field('evt.type'), 'in', ['execve', 'execveat']), cmp(field('proc.name'), 'in', ['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish'])), ['execve', 'execveat']),
  rule(1, 'etc write', and(cmp(field('fd.directory'), '=', '/etc'), cmp(field('evt.is_open_write'), '=', true)), ['open', 'openat']),
  rule(2, 'parent nginx', and(cmp(field('evt.type'), '=', 'execve'), cmp(field('proc.pname'), '=', 'nginx')), ['execve']),
  rule(3, 'read shadow', cmp(field('fd.name'), '=', '/etc/shadow'), ['read']),
  rule(4, 'cmdline', cmp(field('proc.cmdline'), 'icontains', 'BASE64 -D'), ['execve']),
  rule(5, 'glob', cmp(field('proc.exepath'), 'glob', '/tmp/*/x?[0-9]'), ['execve']),
  rule(6, 'pmatch', cmp(field('fd.name'), 'pmatch', ['/var/lib', '/root']), ['openat']),
  rule(7, 'ancestor', cmp(field('proc.aname', undefined, 'string', true), '=', 'containerd'), ['execve']),
  rule(8, 'connect', and(cmp(field('fd.typechar'), '=', '4'), cmp(field('fd.name'), 'endswith', ':443')), ['connect']),
  rule(9, 'not root user', and(not(cmp(field('user.name'), '=', 'root')), cmp(field('user.uid'), '<', 1000n), cmp(field('container.image.repository'), 'startswith', 'docker.io/')), ['openat']),
  rule(10, 'flags text', cmp(field('evt.arg.flags', undefined, 'string'), 'contains', 'O_TRUNC'), ['openat']),
  rule(11, 'aname2', or(cmp(field('proc.aname', 2), '=', 'containerd'), cmp(field('proc.aname', 3), '=', 'containerd')), ['execve']),
]);

let mod: Promise<FilterModule> | undefined;
async function fresh(): Promise<FilterModule> {
  const r = await compileBackend(RULES);
  assert.deepEqual(r.diagnostics, []);
  return FilterModule.load(r.wasm!);
}

function matches(m: FilterModule, buf: Uint8Array, first = false): Array<[number, number]> {
  const got: Array<[number, number]> = [];
  m.run(buf, (i, r) => got.push([i, r]), { first });
  return got;
}

const H = (tid: number, comm: string, extra: Record<string, unknown> = {}) => ({ tid, pid: tid, ppid: 1, comm, ...extra });

test('tracks processes, fds and metadata from records and matches each rule on its event', async () => {
  const m = await (mod ??= fresh());
  m.seedThread({ tid: 100, pid: 100, ppid: 1, comm: 'containerd', exe: 'containerd', exepath: '/usr/bin/containerd' });
  m.seedThread({ tid: 200, pid: 200, ppid: 100, comm: 'nginx', exe: 'nginx', cwd: '/' });
  m.seedUser(0, 'root'); m.seedUser(33, 'www-data');
  m.setContainer('abcdef123456', 'image.repository', 'docker.io/library/nginx');
  const buf = concat([
    /*0*/ rec('clone', H(300, 'nginx', { pid: 300, ppid: 200 }), { res: 0, exe: 'nginx', args: [], cwd: '/srv', comm: 'nginx' }),
    /*1*/ rec('execve', H(300, 'sh', { ppid: 200 }), { res: 0, exe: '/bin/sh', args: ['-c', 'echo aGk= | base64 -d'], comm: 'sh', cwd: '/srv', exepath: '/bin/sh' }),
    /*2*/ rec('openat', H(300, 'sh', { ppid: 200 }), { fd: 5, dirfd: -100, name: '../etc/x', flags: 0o1101 }),
    /*3*/ rec('openat', H(300, 'sh', { ppid: 200 }), { fd: 6, dirfd: -100, name: '/etc/passwd', flags: 1 }),
    /*4*/ rec('openat', H(300, 'sh', { ppid: 200 }), { fd: 7, dirfd: -100, name: '/etc/shadow', flags: 0 }),
    /*5*/ rec('read', H(300, 'sh', { ppid: 200 }), { res: 10, data: new Uint8Array(4), fd: 7, size: 10 }),
    /*6*/ rec('close', H(300, 'sh', { ppid: 200 }), { res: 0, fd: 7 }),
    /*7*/ rec('read', H(300, 'sh', { ppid: 200 }), { res: 10, data: new Uint8Array(4), fd: 7, size: 10 }),
    /*8*/ rec('execve', H(301, 'x1', { ppid: 300 }), { res: 0, exe: 'x1', args: [], comm: 'x1', exepath: '/tmp/a/x15' }),
    /*9*/ rec('openat', H(300, 'sh', { ppid: 200 }), { fd: 8, dirfd: -100, name: '/var/lib/dpkg/status', flags: 0 }),
    /*10*/ rec('openat', H(300, 'sh', { ppid: 200 }), { fd: 9, dirfd: -100, name: '/var/library', flags: 0 }),
    /*11*/ rec('socket', H(300, 'sh', { ppid: 200 }), { fd: 10, domain: 2, type: 1, proto: 0 }),
    /*12*/ rec('connect', H(300, 'sh', { ppid: 200 }), { res: 0, tuple: { family: 2, sip: '10.0.0.2', sport: 40000, dip: '1.2.3.4', dport: 443 }, fd: 10 }),
    /*13*/ rec('openat', H(400, 'cat', { uid: 33, containerId: 'abcdef123456' }), { fd: 3, dirfd: -100, name: '/srv/index.html', flags: 0 }),
    /*14*/ rec('openat', H(401, 'cat', { uid: 0, containerId: 'abcdef123456' }), { fd: 3, dirfd: -100, name: '/srv/index.html', flags: 0 }),
  ]);
  const got = matches(m, buf);
  assert.deepEqual(got, [
    [1, 0], [1, 2], [1, 4], [1, 7], [1, 11],  // sh spawned by nginx under containerd, base64 -d
    [2, 1], [2, 10],                            // /srv/../etc/x resolves to /etc/x, created with O_TRUNC
    [3, 1],                                     // /etc/passwd opened for writing
    [5, 3],                                     // read on fd 7 = /etc/shadow; after close the fd is gone (7)
    [8, 5], [8, 7], [8, 11],                    // /tmp/a/x15 glob; containerd is x1's 3rd ancestor
    [9, 6],                                     // under /var/lib, /var/library is not
    [12, 8],                                    // ipv4 connect to :443
    [13, 9],                                    // www-data in a docker.io image, root is excluded
  ]);
});

test('rule_matching first stops at the first rule of an event', async () => {
  const m = await fresh();
  m.seedThread({ tid: 200, pid: 200, ppid: 1, comm: 'nginx' });
  const buf = rec('execve', H(300, 'sh', { ppid: 200 }), { res: 0, exe: '/bin/sh', args: [], comm: 'sh' });
  assert.deepEqual(matches(m, buf, false), [[0, 0], [0, 2]]);
  assert.deepEqual(matches(m, buf, true), [[0, 0]]);
});

test('enter records are not evaluated; failed execs do not replace the process', async () => {
  const m = await fresh();
  const buf = concat([
    rec('execve', H(5, 'bash'), { filename: '/bin/bash' }, 0),
    rec('execve', H(5, 'bash'), { res: -2, exe: '/bin/bash', args: [], comm: 'bash' }),
    rec('execve', H(6, 'python'), { res: 0, exe: 'python', args: ['-c', 'x'], comm: 'python' }),
  ]);
  // the failed exec (index 1) still matches 'shell' (proc.name is the header comm); index 0 is an enter record
  assert.deepEqual(matches(m, buf), [[1, 0]]);
});

test('a malformed record stops the stream with its byte offset', async () => {
  const m = await (mod ??= fresh());
  const good = rec('close', H(1, 'a'), { res: 0, fd: 1 });
  const bad = rec('close', H(1, 'a'), { res: 0, fd: 1 });
  new DataView(bad.buffer).setUint16(0, 9, true); // unknown format version
  assert.throws(() => matches(m, concat([good, good, bad])), (e: unknown) => e instanceof RecordStreamError && e.offset === good.length * 2);
});

test('fields the back end cannot compile fail the build naming the field; skipUnsupported drops the rule', async () => {
  const rs = ruleset([
    rule(0, 'sname', cmp(field('proc.sname', undefined, 'string'), 'contains', 'X'), ['execve']),
    rule(1, 'ok', cmp(field('proc.name'), '=', 'sh'), ['execve']),
  ]);
  const r = await compileBackend(rs, { build: false });
  assert.equal(r.wasm, undefined);
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].severity, 'error');
  assert.match(r.diagnostics[0].message, /rule "sname": field proc\.sname is not supported/);
  assert.equal(r.diagnostics[0].span?.file, 't.yaml');
  const s = await compileBackend(rs, { skipUnsupported: true });
  assert.equal(s.diagnostics[0].severity, 'warning');
  assert.deepEqual(s.manifest.rules.map((x) => x.compiled), [false, true]);
  const m = await FilterModule.load(s.wasm!);
  assert.deepEqual(matches(m, rec('execve', H(1, 'sh'), { res: 0, comm: 'sh' })), [[0, 1]]);
});

test('manifest lists rules, outputs and the interest set', async () => {
  const r = await compileBackend(RULES, { build: false });
  assert.deepEqual(r.manifest.interest.names.sort(), ['connect', 'execve', 'execveat', 'open', 'openat', 'read']);
  assert.equal(r.manifest.rules.length, 12);
  assert.equal(r.manifest.rules[3].name, 'read shadow');
});
