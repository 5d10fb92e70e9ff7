// The thread table: one ThreadInfo per tid, bounded with LRU eviction. Threads of a process share
// the fd table of its main thread (tid == pid), as they do in the kernel.
import type { FdInfo, ThreadInfo } from '../../schema/model.js';
import { BoundedMap, oldestKey } from './bounded-map.js';
import { ANCESTORS_ALL } from '../../compiler/fields/syscall-proc.js';

export interface TableLimits { threads: number; fdsPerProcess: number }
export const DEFAULT_LIMITS: TableLimits = { threads: 131072, fdsPerProcess: 4096 };

export function blankThread(tid: number, pid = tid, ppid = 0): ThreadInfo {
  return { tid, pid, ppid, comm: '', exe: '', exepath: '', args: [], cwd: '/', env: [], uid: 0, gid: 0, loginuid: 0xffffffff, tty: 0, containerId: 'host' };
}

export class ThreadTable {
  readonly map: BoundedMap<number, ThreadInfo>;
  fdEvictions = 0;
  constructor(readonly limits: TableLimits = DEFAULT_LIMITS) { this.map = new BoundedMap(limits.threads); }
  get(tid: number): ThreadInfo | undefined { return this.map.peek(tid); }
  add(t: ThreadInfo): ThreadInfo {
    // a main thread seen after its threads takes over the table they used
    if (t.tid === t.pid) { const m = this.leaderless.peek(t.pid); if (m) { this.leaderless.delete(t.pid); t.fds ??= m; } }
    this.map.set(t.tid, t);
    return t;
  }
  remove(tid: number): void { this.map.delete(tid); }
  get size(): number { return this.map.size; }
  get evictions(): number { return this.map.evictions; }

  /**
   * Fd tables of processes whose main thread is gone while other threads run on (it exited first,
   * or was never seen): shared by those threads, as the kernel shares one table per process.
   */
  private readonly leaderless = new BoundedMap<number, Map<number, FdInfo>>(4096);

  /** The fd table a thread uses: its process's main thread's (or the process's own without one), created on first use. */
  fds(t: ThreadInfo): Map<number, FdInfo> {
    const have = this.fdsIfAny(t);
    if (have) return have;
    const m = new Map<number, FdInfo>();
    const owner = t.pid === t.tid ? t : this.map.peek(t.pid);
    if (owner) owner.fds = m; else this.leaderless.set(t.pid, m);
    return m;
  }
  /** The table fds(t) would return when it exists, without making one (for reading). */
  fdsIfAny(t: ThreadInfo): Map<number, FdInfo> | undefined {
    if (t.pid === t.tid) return t.fds;
    const leader = this.map.peek(t.pid);
    return leader ? leader.fds : this.leaderless.peek(t.pid);
  }
  clearLeaderless(): void { this.leaderless.clear(); }
  /** Leaderless fd tables, by pid (for mirroring the state into a new filter module). */
  leaderlessFds(): IterableIterator<[number, Map<number, FdInfo>]> { return this.leaderless.entries(); }
  setFd(t: ThreadInfo, fd: FdInfo): void {
    const m = this.fds(t);
    if (!m.has(fd.num) && m.size >= this.limits.fdsPerProcess) {
      m.delete(oldestKey(m) as number); this.fdEvictions++;
    }
    m.set(fd.num, fd);
  }
  /** The parent of a thread: the main thread of its parent process, when known. */
  parentOf(t: ThreadInfo): ThreadInfo | undefined {
    if (t.ppid <= 0 || t.ppid === t.pid) return undefined;
    return this.map.peek(t.ppid);
  }
  /**
   * Links `parent` pointers up to `depth` levels so field extraction can walk ancestors; the last
   * one linked gets none, so no field reads past `depth` into a stale chain.
   */
  linkAncestors(t: ThreadInfo, depth = ANCESTORS_ALL): void {
    let cur: ThreadInfo = t;
    for (let i = 0; i < depth; i++) {
      const p = this.parentOf(cur);
      if (!p || p === t) { delete cur.parent; return; }
      cur.parent = p; cur = p;
    }
    delete cur.parent;
  }
}

/** proc.aname[n] style walk: the n-th ancestor (1 = parent), or undefined. */
export function ancestor(t: ThreadInfo, n: number): ThreadInfo | undefined {
  let cur: ThreadInfo | undefined = t;
  for (let i = 0; i < n && cur; i++) cur = cur.parent;
  return cur;
}
