// The thread table: one ThreadInfo per tid, bounded with LRU eviction. Threads of a process share
// the fd table of its main thread (tid == pid), as they do in the kernel.
import type { FdInfo, ThreadInfo } from '../../schema/model.js';
import { BoundedMap, oldestKey } from './bounded-map.js';

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
  add(t: ThreadInfo): ThreadInfo { this.map.set(t.tid, t); return t; }
  remove(tid: number): void { this.map.delete(tid); }
  get size(): number { return this.map.size; }
  get evictions(): number { return this.map.evictions; }

  /** The fd table a thread uses: its process's main thread's, created on first use. */
  fds(t: ThreadInfo): Map<number, FdInfo> {
    const owner = t.pid !== t.tid ? this.map.peek(t.pid) ?? t : t;
    return owner.fds ??= new Map();
  }
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
  /** Links `parent` pointers up to `depth` levels so field extraction can walk ancestors. */
  linkAncestors(t: ThreadInfo, depth = 32): void {
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
