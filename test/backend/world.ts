// A small simulated host for differential tests and the benchmark: processes in a tree, users,
// containers, and a generator of realistic events. Each event is produced both as a binary record
// (for the WASM filter) and as the state-enriched Event model (for the reference interpreter), from
// the same facts.
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { Event, FdInfo, ThreadInfo, ContainerInfo, UserInfo } from '../../schema/model.js';
import type { FilterModule } from '../../compiler/backend/host.js';
import { rec } from './records.js';
import { resolvePath } from '../../runtime/state/fd-names.js';

export const NAMES = ['bash', 'sh', 'zsh', 'nc', 'ncat', 'curl', 'wget', 'python3', 'sudo', 'passwd', 'chmod', 'find', 'grep', 'cat', 'ls',
  'nginx', 'node', 'java', 'sshd', 'systemd', 'kubectl', 'docker', 'runc', 'apt', 'dpkg', 'rpm', 'useradd', 'iptables', 'nmap', 'tcpdump', 'mysql', 'crontab'];
export const PATHS = ['/etc/passwd', '/etc/shadow', '/etc/sudoers', '/etc/pam.d/sshd', '/etc/ld.so.preload', '/etc/hosts', '/etc/kubernetes/admin.conf',
  '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/bin/ls', '/usr/local/bin/run', '/bin/sh', '/sbin/init', '/proc/self/mem', '/proc/1/environ',
  '/var/log/syslog', '/var/log/auth.log', '/var/lib/dpkg/status', '/var/run/docker.sock', '/home/alice/.ssh/authorized_keys',
  '/root/.bash_history', '/root/.ssh/id_rsa', '/tmp/x', '/dev/shm/p', '/dev/null', '/boot/vmlinuz', '/lib/modules/6.1/kernel.ko',
  '/sys/kernel/debug/x', '/run/secrets/kubernetes.io/serviceaccount/token', '/home/alice/notes.txt', '/etc/cron.d/job'];
export const ARGS = [[], ['-c', 'id'], ['-la'], ['-e', '/bin/sh', '10.0.0.9', '4444'], ['-O', '-', 'http://x/y.sh'], ['-d'], ['--decode'],
  ['-i'], ['-c', 'echo aGk= | base64 -d | sh'], ['/etc/shadow'], ['-R', '777', '/tmp'], ['-s', '/bin/bash'], ['--privileged']];
export const DIRS = ['/usr/bin/', '/bin/', '/usr/local/bin/', '/tmp/', '/dev/shm/', '/usr/sbin/', '/opt/app/'];
/** Relative and dotted names: resolved against the cwd as the runtime's state does. */
export const ODD_PATHS = ['notes.txt', '../etc/shadow', './x', 'a/../../etc/passwd', '/etc/../etc/shadow', '/tmp/../etc/sudoers', '/tmp//x', '../../../../etc/pam.d/sshd'];
export const ENVS = [[], ['PATH=/usr/bin:/bin', 'HOME=/root'], ['HOME=/home/alice', 'HTTP_PROXY=http://proxy.evil:3128'], ['GLIBC_TUNABLES=glibc.malloc.mxfast=1', 'LANG=C'],
  ['https_proxy=http://10.0.0.9:8080'], ['TERM=xterm', 'HOME=/', 'SHELL=/bin/bash']];
const CAP = (...bits: number[]) => bits.reduce((a, b) => a | (1n << BigInt(b)), 0n);
/** Capability sets (bit numbers: 1 DAC_OVERRIDE, 12 NET_ADMIN, 13 NET_RAW, 16 SYS_MODULE, 19 SYS_PTRACE, 21 SYS_ADMIN, 39 BPF). */
export const CAPSETS = [0n, CAP(21), CAP(1, 21), CAP(12, 13), CAP(16), CAP(19, 39), (1n << 41n) - 1n];
export const FLAGS = [0, 1, 2, 0o101, 0o1101, 0o2001, 0o102, 0o200000, 0o2000000, 0o100101];
export const IPS = ['10.0.0.2', '10.0.0.9', '127.0.0.1', '8.8.8.8', '169.254.169.254', '192.168.1.20', '1.2.3.4'];
export const PORTS = [22, 53, 80, 443, 4444, 6443, 2379, 10250, 8080, 31337];

const USERS: UserInfo[] = [{ uid: 0, name: 'root' }, { uid: 33, name: 'www-data' }, { uid: 1000, name: 'alice' }, { uid: 65534, name: 'nobody' }];
const CONTAINERS: ContainerInfo[] = [
  { id: 'a1b2c3d4e5f6', name: 'web', imageRepository: 'docker.io/library/nginx', image: 'docker.io/library/nginx:1.25', k8s: { ns: 'default', podName: 'web-1' } },
  { id: '0f9e8d7c6b5a', name: 'etcd', imageRepository: 'registry.k8s.io/etcd', image: 'registry.k8s.io/etcd:3.5', k8s: { ns: 'kube-system', podName: 'etcd-0' } },
  { id: '112233445566', name: 'dbg', imageRepository: 'quay.io/attacker/tools', image: 'quay.io/attacker/tools:latest', privileged: true, k8s: { ns: 'prod', podName: 'dbg' } },
];

export interface Rng { int(n: number): number }
export function mulberry(seed: number): Rng {
  let a = seed >>> 0;
  return { int(n: number) { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return (((t ^ (t >>> 14)) >>> 0) % n); } };
}
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)];

/** `record` may hold two records (socket then connect); `before` is the first one's event then. */
export interface Generated { record: Uint8Array; event: Event; before?: Event }

/** ns between generated events: 600 events span 12 s, so proc.duration crosses the rules' thresholds. */
const TICK = 20_000_000;

export type SimThread = ThreadInfo & { fds: Map<number, FdInfo>; nextFd: number };

export class World {
  readonly threads = new Map<number, SimThread>();
  protected num = 0;
  protected nextTid = 1000;

  constructor(protected r: Rng) {
    const mk = (tid: number, ppid: number, comm: string, cid = 'host', uid = 0) => this.addThread(tid, ppid, comm, `/usr/bin/${comm}`, [], cid, uid);
    mk(1, 0, 'systemd'); mk(50, 1, 'containerd'); mk(60, 1, 'sshd'); mk(61, 60, 'bash', 'host', 1000);
    mk(200, 50, 'nginx', CONTAINERS[0].id, 33); mk(300, 50, 'etcd', CONTAINERS[1].id); mk(400, 50, 'sh', CONTAINERS[2].id);
    // what a /proc scan tells about the seeded processes: the privileged container's shell has every capability
    const sys = this.threads.get(1)!; sys.vpid = 1; sys.startTs = 0; sys.capPermitted = sys.capEffective = (1n << 41n) - 1n; sys.capInheritable = 0n;
    const sh = this.threads.get(400)!; sh.vpid = 1; sh.env = ['HOME=/root', 'PATH=/bin']; sh.capPermitted = sh.capEffective = (1n << 41n) - 1n; sh.capInheritable = 0n;
  }

  protected addThread(tid: number, ppid: number, comm: string, exepath: string, args: string[], cid: string, uid: number): SimThread {
    const t: SimThread = { tid, pid: tid, ppid, comm, exe: comm, exepath, args, cwd: '/', env: [] as string[], uid, gid: uid, loginuid: uid === 0 ? -1 >>> 0 : uid, tty: 0,
      containerId: cid, parent: this.threads.get(ppid), fds: new Map<number, FdInfo>(), nextFd: 3 };
    this.threads.set(tid, t);
    return t;
  }

  /** Seeds the module with the same processes, users and containers. */
  seed(m: FilterModule): void {
    for (const t of this.threads.values()) m.seedThread({ tid: t.tid, pid: t.pid, ppid: t.ppid, uid: t.uid, loginuid: t.loginuid, comm: t.comm, exe: t.exe, exepath: t.exepath, args: t.args, cwd: t.cwd, containerId: t.containerId,
      env: t.env, startTs: t.startTs, vpid: t.vpid, capPermitted: t.capPermitted, capEffective: t.capEffective, capInheritable: t.capInheritable });
    for (const u of USERS) m.seedUser(u.uid, u.name);
    for (const c of CONTAINERS) {
      m.setContainer(c.id, 'name', c.name!); m.setContainer(c.id, 'image.repository', c.imageRepository!); m.setContainer(c.id, 'image', c.image!);
      m.setContainer(c.id, 'k8s.ns.name', c.k8s!.ns!); m.setContainer(c.id, 'k8s.pod.name', c.k8s!.podName!); m.setContainer(c.id, 'privileged', !!c.privileged);
    }
  }

  protected event(t: ThreadInfo, type: string, params: Record<string, unknown>, fd?: FdInfo): Generated {
    const ev = EVENTS_BY_NAME.get(type)!;
    this.num++;
    const record = rec(type, { tid: t.tid, pid: t.pid, ppid: t.ppid, uid: t.uid, gid: t.gid, loginuid: t.loginuid, comm: t.comm, containerId: t.containerId, ts: BigInt(this.num * TICK) }, params as never);
    const full: Record<string, never> = {};
    for (const p of ev.params) full[p.name] = (params[p.name] ?? (p.type === 'str' ? '' : p.type === 'strlist' ? [] : p.type === 'bytes' ? new Uint8Array(0) : null)) as never;
    const event: Event = {
      num: this.num, ts: this.num * TICK, type, typeId: ev.id, dir: 'exit', cpu: 0, params: full, paramOrder: ev.params.map((p) => p.name),
      thread: t, fd, user: USERS.find((u) => u.uid === t.uid), container: CONTAINERS.find((c) => c.id === t.containerId), source: 'syscall',
    };
    return { record, event };
  }

  /**
   * A process past the seeded ones that no other process has as its parent: one of a few random
   * picks, else the oldest. (Giving up after the picks let ~1.6% of execs end nothing, and the live
   * set grew without bound: 7,426 processes after 3M events, which every table downstream followed.)
   */
  protected leaf(all: SimThread[]): SimThread | undefined {
    const parents = new Set<number>();
    for (const x of this.threads.values()) parents.add(x.ppid);
    for (let i = 0; i < 8; i++) {
      const c = all[7 + this.r.int(all.length - 7)];
      if (this.threads.has(c.tid) && !parents.has(c.pid)) return c;
    }
    for (let i = 7; i < all.length; i++) if (!parents.has(all[i].pid)) return all[i];
    return undefined;
  }

  /** A socket, then its connect to an IPv4 tuple or a unix path: the connect, the socket record first. */
  protected socketConnect(t: SimThread, res: number, to: { family: 2; sip: string; sport: number; dip: string; dport: number } | { family: 1; path: string }): Generated {
    const fdn = t.nextFd++;
    const unix = to.family === 1;
    const sock = this.event(t, 'socket', { fd: fdn, domain: to.family, type: 1, proto: 0 }, { num: fdn, type: unix ? 'unix' : 'ipv4', name: '', l4proto: unix ? undefined : 'tcp', connected: false });
    // a refused connect leaves the socket as it was; success or EINPROGRESS records the tuple
    const fd: FdInfo = to.family === 1 ? { num: fdn, type: 'unix', name: to.path, connected: false }
      : res === 0 || res === -115
        ? { num: fdn, type: 'ipv4', name: `${to.sip}:${to.sport}->${to.dip}:${to.dport}`, l4proto: 'tcp', sip: to.sip, sport: to.sport, dip: to.dip, dport: to.dport, connected: true }
        : { num: fdn, type: 'ipv4', name: '', l4proto: 'tcp', connected: false };
    t.fds.set(fdn, fd);
    const conn = this.event(t, 'connect', { res, tuple: to, fd: fdn }, fd);
    return { record: concat2(sock.record, conn.record), event: conn.event, before: sock.event };
  }

  /** A dup of `old` (dup, dup2, dup3): the event's fd is the new descriptor, a copy of the old one. */
  protected dup(t: SimThread, old: FdInfo, type: string): Generated {
    const res = t.nextFd++;
    const fd: FdInfo = { ...old, num: res };
    t.fds.set(res, fd);
    return this.event(t, type, { res, oldfd: old.num, newfd: res, flags: 0 }, fd);
  }

  /** One random event; state in the world changes as the record says. */
  next(): Generated {
    const r = this.r;
    const all = [...this.threads.values()];
    const t = pick(r, all);
    const k = r.int(100);
    if (k < 15) {
      // a new child process execs something
      const comm = pick(r, NAMES), exepath = pick(r, DIRS) + comm, args = pick(r, ARGS);
      const child = this.addThread(this.nextTid++, t.pid, comm, exepath, args, t.containerId, pick(r, [t.uid, t.uid, 0, 1000, 4242]));
      child.exe = comm; child.cwd = pick(r, ['/', '/tmp', '/root', '/home/alice']);
      child.exeWritable = false; child.exeUpperLayer = false; child.exeFromMemfd = false;
      // a process first seen at its exec starts there
      child.startTs = (this.num + 1) * TICK;
      child.env = pick(r, ENVS);
      const extra: Record<string, unknown> = { env: child.env };
      if (r.int(4) > 0) {
        child.capPermitted = pick(r, CAPSETS); child.capEffective = r.int(2) ? child.capPermitted : pick(r, CAPSETS); child.capInheritable = 0n;
        Object.assign(extra, { cap_permitted: child.capPermitted, cap_effective: child.capEffective, cap_inheritable: 0n });
      }
      if (child.containerId !== 'host' || r.int(2)) { child.vpid = r.int(3) === 0 ? 1 : 2 + r.int(50); extra.vpid = child.vpid; }
      const exec = this.event(child, 'execve', { res: 0, exe: comm, args, tid: child.tid, pid: child.pid, ptid: t.tid, cwd: child.cwd, comm, exepath, flags: 0, uid: child.uid, loginuid: child.loginuid, ...extra });
      // processes end: an earlier one without children exits first (as on a real host, the tables stay bounded)
      const gone = this.threads.size > 400 ? this.leaf(all) : undefined;
      if (!gone) return exec;
      this.threads.delete(gone.tid);
      const exit = this.event(gone, 'procexit', { status: 0, ret: 0, sig: 0, core: 0, reaper_tid: 1 });
      return { record: concat2(exit.record, exec.record), event: exec.event, before: exit.event };
    }
    if (k < 55) {
      const path = r.int(5) ? pick(r, PATHS) : pick(r, ODD_PATHS), flags = pick(r, FLAGS);
      const ok = r.int(10) > 0;
      // programs close what they open: past 8 descriptors the oldest is closed first
      const old = ok && t.fds.size >= 8 ? t.fds.values().next().value : undefined;
      let close: Generated | undefined;
      if (old) { close = this.event(t, 'close', { res: 0, fd: old.num }, old); t.fds.delete(old.num); }
      const fdn = ok ? t.nextFd++ : -2;
      const fd: FdInfo = { num: fdn, type: (flags & 0o200000) ? 'directory' : 'file', name: resolvePath(t.cwd, path), nameraw: path, openFlags: flags };
      if (ok) t.fds.set(fdn, fd);
      const open = this.event(t, pick(r, ['openat', 'open']), { fd: fdn, dirfd: -100, name: path, flags, mode: 0o644 }, fd);
      return close ? { record: concat2(close.record, open.record), event: open.event, before: close.event } : open;
    }
    if (k < 85) {
      const fds = [...t.fds.values()];
      const fd = fds.length ? pick(r, fds) : undefined;
      const num = fd?.num ?? 99;
      const type = pick(r, ['read', 'write', 'write', 'close']);
      if (type === 'close') { t.fds.delete(num); return this.event(t, 'close', { res: 0, fd: num }, fd); }
      return this.event(t, type, { res: 16, data: new TextEncoder().encode('hello world 1234'), fd: num, size: 16 }, fd);
    }
    if (k < 95) {
      const sip = pick(r, IPS), dip = pick(r, IPS), sport = 30000 + r.int(30000), dport = pick(r, PORTS);
      return this.socketConnect(t, pick(r, [0, 0, -115, -111]), { family: 2, sip, sport, dip, dport });
    }
    if (k < 97) {
      const fds = [...t.fds.values()];
      if (k === 95 && fds.length) {
        // dup: the event's fd is the new descriptor, a copy of the old one
        const old = pick(r, fds);
        return this.dup(t, old, pick(r, ['dup', 'dup2', 'dup3']));
      }
      const c = pick(r, CAPSETS);
      return this.event(t, 'capset', { res: 0, cap_inheritable: 0n, cap_permitted: c, cap_effective: r.int(2) ? c : pick(r, CAPSETS) });
    }
    const path = r.int(3) ? pick(r, PATHS) : pick(r, ODD_PATHS);
    if (k === 97) return this.event(t, pick(r, ['rename', 'renameat']), { res: 0, olddirfd: -100, newdirfd: -100, oldpath: path, newpath: pick(r, [...PATHS, ...ODD_PATHS]) });
    // a dirfd the thread never opened leaves relative fs.path.* without a value
    const dirfd = r.int(4) === 0 ? 77 : -100;
    return this.event(t, pick(r, ['unlinkat', 'chmod', 'mkdir', 'mkdirat', 'unlink']), { res: 0, dirfd, name: path, path, filename: path, mode: 0o777, flags: 0 });
  }
}

export function concat2(a: Uint8Array, b: Uint8Array): Uint8Array { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o; }
