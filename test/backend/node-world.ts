// The benchmark's "node" event mix: the simulated host of world.ts (processes in host and container
// namespaces, users, containers), doing what a recorded node did. How often each kind of event
// comes, the paths opened (and how often that failed), open flags, the programs executed with
// their arguments, connect targets and file operations are drawn from node-profile.json, which
// bench/calibrate-mix.ts derives from a recorded capture of ordinary work. Every event is made
// both as a record and as the interpreter's Event, as world.ts does, so the differential tests
// run on this mix too.
import { readFileSync } from 'node:fs';
import type { FdInfo } from '../../schema/model.js';
import { resolvePath } from '../../runtime/state/fd-names.js';
import { World, concat2, pick, type Generated, type Rng, type SimThread } from './world.js';

export interface NodeProfile {
  source: Record<string, unknown>;
  types: Record<string, number>;
  openFlags: Array<[number, number]>;
  paths: Array<[string, number, number]>;   // path, opens, of which succeeded
  programs: Array<[string, string, string[], number]>;  // exepath, comm, args, execs
  connects: Array<[number, string, number, number, number]>;  // family, address (unix: path), port, result, count
  fsops: Array<[string, string, number]>;   // event type, path, count
}

export const NODE_PROFILE: NodeProfile = JSON.parse(readFileSync(new URL('./node-profile.json', import.meta.url), 'utf8'));

/** Draws entries in proportion to their weights. */
class Weighted<T> {
  private readonly cum: number[] = [];
  private total = 0;
  constructor(readonly items: T[], weight: (x: T) => number) {
    for (const x of items) { this.total += weight(x); this.cum.push(this.total); }
    if (this.total <= 0) throw new Error('node profile: a table without weight');
  }
  draw(r: Rng): T {
    const k = r.int(this.total);
    let lo = 0, hi = this.cum.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cum[mid] > k) hi = mid; else lo = mid + 1; }
    return this.items[lo];
  }
}

type Action = 'open' | 'close' | 'exec' | 'connect' | 'dup' | 'fsop';
const FSOPS = new Set(['unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'rmdir', 'mkdir', 'mkdirat', 'chmod', 'fchmodat']);
const VFORK_FLAGS = 0x4111; // CLONE_VM | CLONE_VFORK | SIGCHLD, as a shell's posix_spawn shows

/**
 * Which record types of the profile this generator makes, and with what weight per action. An exec
 * makes a vfork and an execve (and, past the live-process bound, a leaf's exit); a connect makes
 * a socket and a connect. Types it does not make (accept4, chdir, fchdir, threads' clone/clone3)
 * are listed by `omitted` with their counts.
 */
export function actionWeights(p: NodeProfile): { weights: Array<[Action, number]>; omitted: Record<string, number> } {
  const t = p.types, n = (k: string) => t[k] ?? 0;
  const fs = Object.entries(t).filter(([k]) => FSOPS.has(k)).reduce((a, [, v]) => a + v, 0);
  const weights: Array<[Action, number]> = [['open', n('openat') + n('open') + n('creat')], ['close', n('close')], ['exec', n('execve')],
    ['connect', n('connect')], ['dup', n('dup') + n('dup2') + n('dup3')], ['fsop', fs]];
  const made = new Set(['openat', 'open', 'creat', 'close', 'execve', 'vfork', 'procexit', 'socket', 'connect', 'dup', 'dup2', 'dup3', ...FSOPS]);
  const omitted = Object.fromEntries(Object.entries(t).filter(([k]) => !made.has(k)));
  return { weights: weights.filter(([, w]) => w > 0), omitted };
}

export class NodeWorld extends World {
  private readonly actions: Weighted<[Action, number]>;
  private readonly paths: Weighted<[string, number, number]>;
  private readonly flags: Weighted<[number, number]>;
  private readonly programs: Weighted<[string, string, string[], number]>;
  private readonly connects: Weighted<[number, string, number, number, number]>;
  private readonly fsops: Weighted<[string, string, number]>;
  /** An exit that follows the exec just returned. */
  private pending: Generated | undefined;

  constructor(r: Rng, profile: NodeProfile = NODE_PROFILE) {
    super(r);
    this.actions = new Weighted(actionWeights(profile).weights, (x) => x[1]);
    this.paths = new Weighted(profile.paths, (x) => x[1]);
    this.flags = new Weighted(profile.openFlags, (x) => x[1]);
    this.programs = new Weighted(profile.programs, (x) => x[3]);
    this.connects = new Weighted(profile.connects, (x) => x[4]);
    this.fsops = new Weighted(profile.fsops, (x) => x[2]);
  }

  override next(): Generated {
    if (this.pending) { const g = this.pending; this.pending = undefined; return g; }
    const r = this.r;
    const all = [...this.threads.values()];
    const t = pick(r, all);
    switch (this.actions.draw(r)[0]) {
      case 'exec': return this.exec(t, all);
      case 'connect': return this.connect(t);
      case 'close': return this.close(t);
      case 'dup': if (t.fds.size) return this.dup(t, pick(this.r, [...t.fds.values()]), 'dup2'); return this.open(t);
      case 'fsop': return this.fsop(t);
      default: return this.open(t);
    }
  }

  private open(t: SimThread): Generated {
    const [path, n, ok] = this.paths.draw(this.r);
    const flags = this.flags.draw(this.r)[0];
    const good = this.r.int(n) < ok;
    const fdn = good ? t.nextFd++ : -2;
    const fd: FdInfo = { num: fdn, type: (flags & 0o200000) ? 'directory' : 'file', name: resolvePath(t.cwd, path), nameraw: path, openFlags: flags };
    if (good) t.fds.set(fdn, fd);
    return this.event(t, 'openat', { fd: fdn, dirfd: -100, name: path, flags, mode: 0 }, fd);
  }

  /** The oldest descriptor the thread holds; one it does not hold (closed twice, or never seen opened) when it holds none. */
  private close(t: SimThread): Generated {
    const fd = t.fds.values().next().value as FdInfo | undefined;
    if (!fd) return this.event(t, 'close', { res: 0, fd: 99 });
    t.fds.delete(fd.num);
    return this.event(t, 'close', { res: 0, fd: fd.num }, fd);
  }

  private exec(t: SimThread, all: SimThread[]): Generated {
    const [exepath, comm, args] = this.programs.draw(this.r);
    const child = this.addThread(this.nextTid++, t.pid, comm, exepath, args, t.containerId, t.uid);
    Object.assign(child, { exe: exepath, cwd: t.cwd, env: t.env, exeWritable: false, exeUpperLayer: false, exeFromMemfd: false });
    const caps = t.capPermitted === undefined ? {} : { cap_permitted: t.capPermitted, cap_effective: t.capEffective, cap_inheritable: t.capInheritable };
    if (t.capPermitted !== undefined) Object.assign(child, { capPermitted: t.capPermitted, capEffective: t.capEffective, capInheritable: t.capInheritable });
    const vf = this.event(t, 'vfork', { res: child.tid, exe: t.exe, args: t.args, tid: t.tid, pid: t.pid, ptid: t.ppid, cwd: t.cwd, comm: t.comm, env: t.env, flags: VFORK_FLAGS, uid: t.uid, loginuid: t.loginuid, ...caps });
    // the module starts a process at the clone that made it
    child.startTs = vf.event.ts;
    if (child.containerId !== 'host') child.vpid = 2 + this.r.int(50);
    const vpid = child.vpid === undefined ? {} : { vpid: child.vpid };
    const ex = this.event(child, 'execve', { res: 0, exe: exepath, args, tid: child.tid, pid: child.pid, ptid: t.tid, cwd: child.cwd, comm, exepath, env: child.env, flags: 0, uid: child.uid, loginuid: child.loginuid, ...caps, ...vpid });
    const gone = this.threads.size > 400 ? this.leaf(all) : undefined;
    if (gone && gone !== child) {
      this.threads.delete(gone.tid);
      this.pending = this.event(gone, 'procexit', { status: 0, ret: 0, sig: 0, core: 0, reaper_tid: 1 });
    }
    return { record: concat2(vf.record, ex.record), event: ex.event, before: vf.event };
  }

  private connect(t: SimThread): Generated {
    const [family, addr, port, res] = this.connects.draw(this.r);
    const sport = 30000 + this.r.int(30000);
    return this.socketConnect(t, res, family === 1 ? { family: 1, path: addr } : { family: 2, sip: '127.0.0.1', sport, dip: addr, dport: port });
  }

  private fsop(t: SimThread): Generated {
    const [type, path] = this.fsops.draw(this.r);
    return this.event(t, type, { res: 0, dirfd: -100, olddirfd: -100, newdirfd: -100, name: path, path, filename: path, oldpath: path, newpath: `${path}.new`, mode: 0o755, flags: 0 });
  }
}
