// State that does not come from the records themselves: a /proc scan at start, a capture's process,
// fd and user lists, container metadata. A detector takes it through StateSeeds so the JS state and
// (for the WASM filter) the module's own tables receive the same facts.
import type { FilterModule } from '../../compiler/backend/host.js';
import type { ContainerInfo, FdInfo, FdType, GroupInfo, ThreadInfo, UserInfo } from '../../schema/model.js';
import type { State } from '../state/state.js';

export interface StateSeeds {
  /** Adds or replaces a thread (with its fd table, when it carries one). */
  thread(t: ThreadInfo): void;
  /** An fd of process `pid` (its thread-group leader's tid). */
  fd(pid: number, fd: FdInfo): void;
  user(u: UserInfo): void;
  group(g: GroupInfo): void;
  container(c: ContainerInfo): void;
  hostname(name: string): void;
}

export function seedsOf(state: State): StateSeeds {
  return {
    thread: (t) => { state.threads.add(t); },
    fd: (pid, fd) => { const t = state.threads.get(pid); if (t) state.threads.setFd(t, fd); },
    user: (u) => state.users.addUser(u),
    group: (g) => state.users.addGroup(g),
    container: (c) => state.containers.set(c),
    hostname: (h) => { state.hostname = h; },
  };
}

const TYPECHAR: Partial<Record<FdType, string>> = {
  file: 'f', directory: 'd', ipv4: '4', ipv6: '6', unix: 'u', pipe: 'p', event: 'e', memfd: 'm', netlink: 'n',
};
const L4 = { tcp: 1, udp: 2, icmp: 3, raw: 4 } as const;

// A full module table is not an error (the module evicts, as the JS side does); anything else is.
function unlessFull(f: () => void): boolean {
  try { f(); return true; } catch (e) { if (/table full/.test((e as Error).message)) return false; throw e; }
}

// The module's exec flags word, as track.ts stores the execve `flags` parameter.
const exeflags = (t: ThreadInfo) => (t.exeWritable ? 1 : 0) | (t.exeUpperLayer ? 2 : 0) | (t.exeFromMemfd ? 4 : 0) | (t.exeLowerLayer ? 8 : 0);

/** Seeds for a filter module. */
export function moduleSeeds(m: FilterModule): StateSeeds {
  const fd = (pid: number, f: FdInfo) => { unlessFull(() => m.seedFd(pid, f.num, TYPECHAR[f.type] ?? 'o', f.name, f.l4proto ? L4[f.l4proto] : 0)); };
  return {
    thread: (t) => {
      const ok = unlessFull(() => m.seedThread({
          tid: t.tid, pid: t.pid, ppid: t.ppid, uid: t.uid, loginuid: t.loginuid, tty: t.tty, exeflags: exeflags(t), comm: t.comm, exe: t.exe,
          exepath: t.exepath, args: t.args, cwd: t.cwd, containerId: t.containerId, env: t.env.length ? t.env : undefined,
          startTs: t.startTs, vpid: t.vpid, capPermitted: t.capPermitted, capEffective: t.capEffective, capInheritable: t.capInheritable,
      }));
      if (ok && t.fds && t.pid === t.tid) for (const f of t.fds.values()) fd(t.pid, f);
    },
    fd: (pid, f) => fd(pid, f),
    user: (u) => m.seedUser(u.uid, u.name),
    group: () => undefined, // the module has no group table: group.name is resolved in JS for outputs only
    container: (c) => {
      const set = (k: Parameters<FilterModule['setContainer']>[1], v: string | boolean | undefined) => { if (v !== undefined) unlessFull(() => m.setContainer(c.id, k, v)); };
      set('name', c.name); set('image.repository', c.imageRepository); set('image', c.image); set('type', c.type);
      set('k8s.ns.name', c.k8s?.ns); set('k8s.pod.name', c.k8s?.podName); set('privileged', c.privileged);
    },
    hostname: () => undefined,
  };
}

/** Copies everything a JS state knows into seeds (a new module at start or after a swap). */
export function mirror(state: State, to: StateSeeds): void {
  for (const u of state.users.users.values()) to.user(u);
  for (const g of state.users.groups.values()) to.group(g);
  for (const c of state.containers.map.values()) to.container(c);
  // Parents before children is not needed: the module links ancestors by ppid at lookup.
  for (const t of state.threads.map.values()) to.thread(t);
  for (const [pid, fds] of state.threads.leaderlessFds()) for (const f of fds.values()) to.fd(pid, f);
  if (state.hostname) to.hostname(state.hostname);
}

export function both(a: StateSeeds, b: StateSeeds): StateSeeds {
  return {
    thread: (t) => { a.thread(t); b.thread(t); }, fd: (tid, f) => { a.fd(tid, f); b.fd(tid, f); },
    user: (u) => { a.user(u); b.user(u); }, group: (g) => { a.group(g); b.group(g); },
    container: (c) => { a.container(c); b.container(c); }, hostname: (h) => { a.hostname(h); b.hostname(h); },
  };
}
