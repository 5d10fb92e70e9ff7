// Guest scenarios: each performs a real action and checks the records it produced, field by field.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { CMD_SIZE, SNAPLEN_MAX, setSnaplenCmd } from '../../../runtime/sources/device/ioctl.js';
import type { DecodedRecord } from '../../../runtime/decode/record.js';
import { Device } from './device.js';
import { HELPER, one, only, run } from './util.js';

const WATCH = [
  'execve', 'execveat', 'openat', 'open', 'connect', 'accept', 'accept4', 'bind', 'listen', 'symlink', 'symlinkat',
  'ptrace', 'unshare', 'setns', 'memfd_create', 'init_module', 'finit_module', 'clone', 'clone3', 'fork', 'vfork', 'procexit',
];
const O_WRONLY = 1, O_CREAT = 0o100, O_TRUNC = 0o1000, AT_FDCWD = -100, CLONE_NEWUTS = 0x4000000;
const EXE_FROM_MEMFD = 4, EXE_UPPER_LAYER = 2, EXE_LOWER_LAYER = 8, PTRACE_ATTACH = 16;

type Scenario = [string, (dev: Device) => void];

/** Runs an action with capture on and returns the records of the processes it spawned. */
function capture(dev: Device, action: () => void): DecodedRecord[] {
  dev.drain();
  action();
  return dev.drain().filter((r) => r.header.pid !== process.pid);
}

function containerShell(dev: Device, cgdir: string, shortId: string) {
  mkdirSync(cgdir, { recursive: true });
  const recs = capture(dev, () => run('/bin/sh', ['-c', `echo $$ > ${cgdir}/cgroup.procs && exec /bin/sh -c /usr/bin/true`]));
  const exit = one(recs, 'execve', (r) => !r.params.filename && r.header.containerId === shortId && r.params.res === 0 && r.header.comm === 'sh');
  assert.equal(exit.params.exepath, '/usr/bin/dash');
  assert.equal(exit.params.exe, '/bin/sh');
  assert.deepEqual(exit.params.args, ['-c', '/usr/bin/true']);
  assert.notEqual(exit.header.cgroupId, 0n);
  const sameTask = (r: DecodedRecord) => r.header.tid === exit.header.tid && r.params.filename === '/bin/sh';
  // The same task exec'd /bin/sh twice: first on the host (from node), then inside the container.
  one(recs, 'execve', (r) => sameTask(r) && r.header.containerId === shortId, 0);
  const before = one(recs, 'execve', (r) => sameTask(r) && r.header.containerId === 'host', 0);
  assert.equal(before.header.comm, 'node');
}

export const SCENARIOS: Scenario[] = [
  ['second open is refused', () => {
    assert.throws(() => openSync('/dev/vigil', 'r'), /EBUSY/);
  }],
  ['commands are validated; snaplen bounds captured data', (dev) => {
    assert.throws(() => writeSync(dev.fd, Buffer.alloc(CMD_SIZE - 1)), /EINVAL/);
    const bad = Buffer.alloc(CMD_SIZE); bad.writeUInt32LE(99, 0);
    assert.throws(() => writeSync(dev.fd, bad), /EINVAL/);
    const big = setSnaplenCmd(0); big.writeUInt32LE(SNAPLEN_MAX + 1, 4);
    assert.throws(() => writeSync(dev.fd, big), /EINVAL/);
    try {
      dev.snaplen(4);
      dev.interest(['write']);
      let kv: Record<string, string> = {};
      const recs = capture(dev, () => { kv = run(HELPER, ['write', '/tmp/vigil-snap']); });
      const w = one(recs, 'write', (r) => r.header.comm === 'helper' && r.params.fd === Number(kv.fd));
      assert.deepEqual([w.params.res, w.params.size], [6, 6]);
      assert.equal(Buffer.from(w.params.data as Uint8Array).toString(), 'vigi');
    } finally { dev.snaplen(80); dev.interest(WATCH); }
  }],
  ['shell in a docker container', (dev) => {
    const cid = randomBytes(32).toString('hex');
    containerShell(dev, `/sys/fs/cgroup/docker/${cid}`, cid.slice(0, 12));
  }],
  ['shell in a cri-o container', (dev) => {
    const cid = randomBytes(32).toString('hex');
    containerShell(dev, `/sys/fs/cgroup/kubepods.slice/crio-${cid}.scope`, cid.slice(0, 12));
  }],
  ['shell in a podman container', (dev) => {
    const cid = randomBytes(32).toString('hex');
    containerShell(dev, `/sys/fs/cgroup/machine.slice/libpod-${cid}.scope`, cid.slice(0, 12));
  }],
  ['shell in a containerd (kubepods, bare id) container', (dev) => {
    const cid = randomBytes(32).toString('hex');
    containerShell(dev, `/sys/fs/cgroup/kubepods/burstable/pod1234/${cid}`, cid.slice(0, 12));
  }],
  ['a 64-char cgroup name that is not hex stays on the host', (dev) => {
    const dir = `/sys/fs/cgroup/docker/${'z'.repeat(64)}`;
    mkdirSync(dir, { recursive: true });
    const recs = capture(dev, () => run('/bin/sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec /bin/sh -c /usr/bin/true`]));
    const inside = only(recs, 'execve', (r) => r.params.res === 0 && r.header.comm === 'true');
    assert.equal(inside.length, 1);
    assert.equal(inside[0].header.containerId, 'host');
  }],
  ['read of /etc/shadow', (dev) => {
    const recs = capture(dev, () => run('/bin/cat', ['/etc/shadow']));
    const open = one(recs, 'openat', (r) => r.params.name === '/etc/shadow');
    assert.equal(open.header.comm, 'cat');
    assert.equal(open.header.uid, 0);
    assert.equal(open.header.containerId, 'host');
    assert.equal(open.params.dirfd, AT_FDCWD);
    assert.equal((open.params.flags as number) & 3, 0);
    assert.ok((open.params.fd as number) >= 3);
    assert.equal(typeof open.params.ino, 'number');
    assert.equal(typeof open.params.dev, 'number');
    const exec = one(recs, 'execve', (r) => r.header.tid === open.header.tid && r.params.res === 0);
    assert.equal(exec.params.exe, '/bin/cat');
    assert.equal(exec.params.exepath, '/usr/bin/cat');
    assert.deepEqual(exec.params.args, ['/etc/shadow']);
    assert.equal(exec.params.cwd, '/tmp');
    assert.equal(exec.params.comm, 'cat');
    assert.equal(exec.params.tid, exec.header.tid);
    assert.equal(exec.params.pid, exec.header.pid);
    assert.equal(exec.params.uid, 0);
    assert.equal(exec.params.loginuid, 0xffffffff);
    assert.equal(exec.header.loginuid, 0xffffffff);
    assert.notEqual(exec.params.cap_effective, 0);
    assert.equal((exec.params.flags as number) & (EXE_FROM_MEMFD | EXE_UPPER_LAYER | EXE_LOWER_LAYER), 0);
    assert.ok(Array.isArray(exec.params.env) && (exec.params.env as string[]).includes('PATH=/usr/bin:/usr/sbin'), `env ${exec.params.env}`);
    one(recs, 'execve', (r) => r.header.tid === open.header.tid && r.params.filename === '/bin/cat', 0);
    one(recs, 'procexit', (r) => r.header.tid === open.header.tid && r.params.ret === 0, 2);
  }],
  ['write below /etc and /usr/bin', (dev) => {
    let etc: Record<string, string> = {}, usr: Record<string, string> = {};
    const recs = capture(dev, () => {
      etc = run(HELPER, ['write', '/etc/vigil-test']);
      usr = run(HELPER, ['write', '/usr/bin/vigil-test']);
    });
    const a = one(recs, 'openat', (r) => r.params.name === '/etc/vigil-test');
    assert.equal(a.params.fd, Number(etc.fd));
    assert.equal(a.params.flags, O_WRONLY | O_CREAT | O_TRUNC);
    assert.equal(a.params.mode, 0o644);
    const b = one(recs, 'openat', (r) => r.params.name === '/usr/bin/vigil-test');
    // /usr is the host's, shared read-only: the attempt is what a rule sees.
    assert.equal(b.params.fd, Number(usr.fd) >= 0 ? Number(usr.fd) : -Number(usr.errno));
    assert.equal(b.params.flags, O_WRONLY | O_CREAT | O_TRUNC);
    if ((b.params.fd as number) < 0) { assert.equal(b.params.ino, null); assert.equal(b.params.dev, null); }
  }],
  ['connect to 127.0.0.1', (dev) => {
    let kv: Record<string, string> = {};
    const recs = capture(dev, () => { kv = run(HELPER, ['connect']); });
    const port = Number(kv.port);
    const c = one(recs, 'connect');
    assert.equal(c.params.res, 0);
    assert.equal(c.params.fd, Number(kv.connfd));
    const t = c.params.tuple as { family: number; sip: string; sport: number; dip: string; dport: number };
    assert.deepEqual({ family: t.family, sip: t.sip, dip: t.dip, dport: t.dport }, { family: 2, sip: '127.0.0.1', dip: '127.0.0.1', dport: port });
    assert.ok(t.sport > 0 && t.sport !== port);
    const acc = [...only(recs, 'accept'), ...only(recs, 'accept4')];
    assert.equal(acc.length, 1);
    assert.equal(acc[0].params.fd, Number(kv.acceptfd));
    assert.deepEqual(acc[0].params.tuple, { family: 2, sip: '127.0.0.1', sport: t.sport, dip: '127.0.0.1', dport: port });
    const bind = one(recs, 'bind');
    assert.deepEqual(bind.params.addr, { family: 2, addr: '127.0.0.1', port: 0 });
    assert.equal(one(recs, 'listen').params.backlog, 4);
  }],
  ['symlink over a sensitive file', (dev) => {
    const recs = capture(dev, () => run(HELPER, ['symlink', '/etc/shadow', '/tmp/shadow-link']));
    const s = [...only(recs, 'symlink'), ...only(recs, 'symlinkat')];
    assert.equal(s.length, 1);
    assert.equal(s[0].params.res, 0);
    assert.equal(s[0].params.target, '/etc/shadow');
    assert.equal(s[0].params.linkpath, '/tmp/shadow-link');
  }],
  ['ptrace attach', (dev) => {
    let kv: Record<string, string> = {};
    const recs = capture(dev, () => { kv = run(HELPER, ['ptrace']); });
    const p = one(recs, 'ptrace', (r) => r.params.request === PTRACE_ATTACH);
    assert.equal(p.params.res, 0);
    assert.equal(p.params.pid, Number(kv.target));
    assert.equal(p.header.comm, 'helper');
    // The traced child came from a fork: both sides of the clone are reported.
    const parent = only(recs, 'clone', (r) => r.params.res === Number(kv.target));
    const child = only(recs, 'clone', (r) => r.params.res === 0 && r.header.tid === Number(kv.target));
    assert.equal(parent.length + child.length, 2, 'parent and child clone records');
  }],
  ['unshare and setns', (dev) => {
    let kv: Record<string, string> = {};
    const recs = capture(dev, () => { kv = run(HELPER, ['ns']); });
    const u = one(recs, 'unshare');
    assert.deepEqual([u.params.res, u.params.flags], [0, CLONE_NEWUTS]);
    const s = one(recs, 'setns');
    assert.deepEqual([s.params.res, s.params.fd, s.params.nstype], [0, Number(kv.nsfd), CLONE_NEWUTS]);
  }],
  ['exec from memfd', (dev) => {
    const recs = capture(dev, () => run(HELPER, ['memfd']));
    const m = one(recs, 'memfd_create');
    assert.equal(m.params.name, 'vigil-memfd');
    assert.equal(m.params.flags, 1);
    const fd = m.params.fd as number;
    assert.ok(fd >= 3);
    const x = one(recs, 'execveat', (r) => r.params.res === 0);
    assert.equal((x.params.flags as number) & EXE_FROM_MEMFD, EXE_FROM_MEMFD);
    assert.match(String(x.params.exepath), /^\/memfd:vigil-memfd/);
    assert.equal(x.params.exe, 'vigil-from-memfd');
    assert.deepEqual(x.params.args, ['noop']);
    const enter = one(recs, 'execveat', (r) => r.header.tid === x.header.tid, 0);
    assert.equal(enter.params.dirfd, fd);
    assert.equal(enter.params.pathname, '');
  }],
  ['exec from the upper and the lower layer of an overlay', (dev) => {
    const d = '/tmp/ovl';
    for (const sub of ['lower', 'upper', 'work', 'merged']) mkdirSync(`${d}/${sub}`, { recursive: true });
    copyFileSync(HELPER, `${d}/lower/lowerbin`); chmodSync(`${d}/lower/lowerbin`, 0o755);
    run('/usr/bin/busybox', ['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${d}/lower,upperdir=${d}/upper,workdir=${d}/work`, `${d}/merged`]);
    try {
      // Written through the merged view, so it lives in the upper layer (a container's own drop).
      copyFileSync(HELPER, `${d}/merged/upperbin`); chmodSync(`${d}/merged/upperbin`, 0o755);
      const recs = capture(dev, () => { run(`${d}/merged/lowerbin`, ['noop']); run(`${d}/merged/upperbin`, ['noop']); });
      const layer = (name: string) => (one(recs, 'execve', (r) => r.params.res === 0 && r.params.exepath === `${d}/merged/${name}`).params.flags as number) & (EXE_UPPER_LAYER | EXE_LOWER_LAYER);
      assert.equal(layer('lowerbin'), EXE_LOWER_LAYER);
      assert.equal(layer('upperbin'), EXE_UPPER_LAYER);
    } finally { run('/usr/bin/busybox', ['umount', `${d}/merged`], { allowFail: true }); }
  }],
  ['kernel module load attempt', (dev) => {
    let kv: Record<string, string> = {};
    const recs = capture(dev, () => { kv = run(HELPER, ['module']); });
    const i = one(recs, 'init_module');
    assert.equal(i.params.res, Number(kv.init) < 0 ? -Number(kv.errno_init) : 0);
    assert.ok((i.params.res as number) < 0);
    assert.equal(i.params.length, 64);
    assert.equal(i.params.uargs, 'vigil_test=1');
    const f = one(recs, 'finit_module');
    assert.ok((f.params.res as number) < 0);
    assert.equal(f.params.fd, Number(kv.fd));
    assert.equal(f.params.uargs, 'vigil_test=2');
    assert.equal(f.params.flags, 0);
  }],
];

export function runScenarios(dev: Device) {
  dev.interest(WATCH);
  const results: { name: string; ok: boolean; error?: string }[] = [];
  const only = process.env.VIGIL_ONLY;
  for (const [name, fn] of SCENARIOS.filter(([n]) => !only || n.includes(only))) {
    // Printed before the action so that a guest which hangs names the scenario it hung in.
    console.log(`scenario ${name}: start`);
    try { fn(dev); results.push({ name, ok: true }); } catch (e) {
      results.push({ name, ok: false, error: String((e as Error).stack ?? e).slice(0, 3000) });
    }
    console.log(`scenario ${name}: ${results.at(-1)!.ok ? 'ok' : 'FAILED'}`);
  }
  writeFileSync('/out/scenarios.done', '');
  return results;
}
