// The agent's state stage, shared by every syscall source. `apply` keeps the tables current and
// is cheap: one array lookup and a return for events that change nothing. `toEvent` builds the full
// Event, only for matched events and the reference interpreter.
import { EVENTS_BY_ID, EVENTS_BY_NAME } from '../../schema/events.js';
import type { Event, FdInfo, ParamValue, SockAddr, SockTuple, ThreadInfo } from '../../schema/model.js';
import { i64ParamAt, paramValueAt, u32ParamAt, u64ParamAt, type DecodedRecord } from '../decode/record.js';
import { HDR, RECORD_VERSION } from '../decode/schema.gen.js';
import { ContainerTable } from './containers.js';
import { applyBind, applyTuple, familyType, resolvePath } from './fd-names.js';
import { blankThread, DEFAULT_LIMITS, ThreadTable, type TableLimits } from './threads.js';
import { oldestKey } from './bounded-map.js';
import { UserTable } from './users.js';
import { ANCESTORS_ALL } from '../../compiler/fields/syscall-proc.js';

const enum K { NONE, OPEN, SOCKET, CONNECT, ACCEPT, BIND, DUP, CLOSE, CLONE, EXEC, EXIT, CHDIR, FCHDIR, SETUID, SETGID, MEMFD, PIPE }
const KIND = new Uint8Array(1024);
const byName: Array<[string, K]> = [
  ['open', K.OPEN], ['openat', K.OPEN], ['openat2', K.OPEN], ['creat', K.OPEN], ['memfd_create', K.MEMFD],
  ['socket', K.SOCKET], ['connect', K.CONNECT], ['accept', K.ACCEPT], ['accept4', K.ACCEPT], ['bind', K.BIND],
  ['dup', K.DUP], ['dup2', K.DUP], ['dup3', K.DUP], ['close', K.CLOSE], ['userfaultfd', K.MEMFD],
  ['clone', K.CLONE], ['clone3', K.CLONE], ['fork', K.CLONE], ['vfork', K.CLONE],
  ['execve', K.EXEC], ['execveat', K.EXEC], ['procexit', K.EXIT], ['chdir', K.CHDIR], ['fchdir', K.FCHDIR],
  ['setuid', K.SETUID], ['setreuid', K.SETUID], ['setresuid', K.SETUID], ['setgid', K.SETGID], ['setregid', K.SETGID], ['setresgid', K.SETGID],
];
for (const [n, k] of byName) { const e = EVENTS_BY_NAME.get(n); if (e) KIND[e.id] = k; }

// Where a close record keeps what applyQuick reads, from the schema.
const paramIndex = (event: string, name: string) => EVENTS_BY_NAME.get(event)!.params.findIndex((p) => p.name === name);
const CLOSE_RES = paramIndex('close', 'res'), CLOSE_FD = paramIndex('close', 'fd');
const SOCKET_FD = paramIndex('socket', 'fd'), SOCKET_DOMAIN = paramIndex('socket', 'domain'), SOCKET_TYPE = paramIndex('socket', 'type');
const CONNECT_FD = paramIndex('connect', 'fd'), CONNECT_TUPLE = paramIndex('connect', 'tuple');
/** Per open event type: where its fd, dirfd, path, flags, dev and inode sit (-1: it has none). */
const OPEN_AT: Array<{ fd: number; dirfd: number; name: number; flags: number; dev: number; ino: number } | undefined> = [];
for (const n of ['open', 'openat', 'openat2', 'creat']) {
  const e = EVENTS_BY_NAME.get(n);
  if (e) OPEN_AT[e.id] = { fd: paramIndex(n, 'fd'), dirfd: paramIndex(n, 'dirfd'), name: paramIndex(n, 'name'), flags: paramIndex(n, 'flags'), dev: paramIndex(n, 'dev'), ino: paramIndex(n, 'ino') };
}

/** Event types with an `fd` parameter that names a descriptor (the event's fd.* fields read it). */
const HAS_FD_PARAM = new Uint8Array(65536);
for (const e of EVENTS_BY_ID.values()) if (e.params.some((x) => x.name === 'fd' && x.fmt === 'fd')) HAS_FD_PARAM[e.id] = 1;

/** The kinds of record that change only fds (left to the fd source when there is one). */
const FD_KINDS = new Uint8Array(32);
for (const k of [K.OPEN, K.MEMFD, K.SOCKET, K.CONNECT, K.ACCEPT, K.BIND, K.DUP, K.CLOSE, K.PIPE]) FD_KINDS[k] = 1;
/** Whether records of this type change only fds: with an fd source, State leaves them to it. */
export const changesOnlyFds = (type: number): boolean => FD_KINDS[KIND[type] ?? K.NONE] === 1;

const O_CLOEXEC = 0o2000000;
const O_DIRECTORY = 0o200000;
const CLONE_THREAD = 0x10000;
const ENTER = 0, EXIT_DIR = 1;

const int = (v: ParamValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN);
const str = (v: ParamValue | undefined): string => (typeof v === 'string' ? v : '');

export interface StateOptions { limits?: TableLimits; users?: UserTable; containers?: ContainerTable; hostname?: string }

/** Fds kept outside the JS state, read when an event needs them. */
export interface FdSource {
  get(pid: number, fd: number): FdInfo | undefined;
  /** Every fd of process `pid` (fd.types). */
  list(pid: number): FdInfo[];
}

/** An fd table as an event reads it (fd.types, fs.path.* relative to a dirfd). */
export interface FdLookup { get(fd: number): FdInfo | undefined; values(): Iterable<FdInfo> }

export class State {
  readonly threads: ThreadTable;
  readonly users: UserTable;
  readonly containers: ContainerTable;
  hostname?: string;
  /** Enter-record parameters waiting for their exit, per tid (only events with enterParams). */
  private readonly pendingEnter = new Map<number, { type: number; params: Record<string, ParamValue> }>();
  private exitedTid = -1;
  /** Threads made up from a header that carried no credentials (a replayed capture's unknown tid). */
  private readonly credsUnknown = new WeakSet<ThreadInfo>();
  private lastClosed: FdInfo | undefined;
  private files: FdSource | undefined;

  constructor(opts: StateOptions = {}) {
    this.threads = new ThreadTable(opts.limits ?? DEFAULT_LIMITS);
    this.users = opts.users ?? new UserTable();
    this.containers = opts.containers ?? new ContainerTable();
    this.hostname = opts.hostname;
  }

  /**
   * Leaves fds to `src` (the WASM filter module, which follows them anyway) from now on: this state
   * follows no fd records and reads every fd from there; what it held goes (the source has it).
   */
  useFiles(src: FdSource): void {
    this.files = src;
    for (const t of this.threads.map.values()) delete t.fds;
    this.threads.clearLeaderless();
  }

  /** The thread of a record, created from the record header when the table does not have it. */
  thread(rec: DecodedRecord): ThreadInfo {
    const h = rec.header;
    let t = this.threads.get(h.tid);
    if (!t) {
      t = blankThread(h.tid, h.pid || h.tid, h.ppid);
      t.comm = h.comm; t.exe = h.comm; t.uid = h.uid; t.gid = h.gid; t.euid = h.euid; t.loginuid = h.loginuid; t.tty = h.tty;
      t.containerId = h.containerId || 'host';
      if (!h.comm) this.credsUnknown.add(t);
      this.threads.add(t);
    }
    return t;
  }

  /**
   * apply() for the common state records of a thread the table has (a close, a task exit, an open,
   * a socket, a connect), read from the record in place: decodeRecord's objects were most of their
   * cost. False when the record is anything else or looks wrong: apply() on the decoded record then
   * does the work (and reports a damaged record with its offset).
   */
  applyQuick(v: DataView, off: number): boolean {
    if (v.getUint16(off + HDR.version, true) !== RECORD_VERSION || v.getUint8(off + HDR.dir) === ENTER) return false;
    const type = v.getUint16(off + HDR.type, true);
    // with an fd source, an fd record only needs its thread known (apply() makes it otherwise)
    if (this.files && FD_KINDS[KIND[type]]) return !!this.knownThread(v, off);
    switch (KIND[type]) {
      case K.OPEN: return this.openQuick(v, off, OPEN_AT[type]!);
      case K.SOCKET: return this.socketQuick(v, off);
      case K.CONNECT: return this.connectQuick(v, off);
      case K.CLOSE: return this.closeQuick(v, off);
      case K.EXIT: { const t = this.knownThread(v, off); if (t) this.exitedTid = t.tid; return !!t; }
      default: return false;
    }
  }

  private closeQuick(v: DataView, off: number): boolean {
    const res = i64ParamAt(v, off, CLOSE_RES), fd = i64ParamAt(v, off, CLOSE_FD);
    if (res === undefined || fd === undefined) return false;
    const t = this.knownThread(v, off);
    if (!t) return false;
    if (res < 0) return true;
    const fds = this.threads.fds(t);
    this.lastClosed = fds.get(fd);
    fds.delete(fd);
    return true;
  }

  /**
   * The record's thread when the table has it, after settling what the previous record left (first:
   * that may have been this thread's exit). Undefined hands the record to apply(), which makes the
   * thread from the header and settles again, harmlessly.
   */
  private knownThread(v: DataView, off: number): ThreadInfo | undefined {
    this.settlePrevious();
    return this.threads.get(v.getUint32(off + HDR.tid, true));
  }

  // Opens, sockets and connects of known threads, read in place (together 45% of a busy host's
  // state records, and their header and parameter objects were most of the agent's allocation):
  // the same fds apply() makes, through the same builders.
  private openQuick(v: DataView, off: number, at: NonNullable<(typeof OPEN_AT)[number]>): boolean {
    const fd = i64ParamAt(v, off, at.fd), dirfd = at.dirfd < 0 ? NaN : i64ParamAt(v, off, at.dirfd), name = paramValueAt(v, off, at.name);
    const flags = at.flags < 0 ? NaN : u32ParamAt(v, off, at.flags), dev = u32ParamAt(v, off, at.dev), ino = u64ParamAt(v, off, at.ino);
    if (fd === undefined || dirfd === undefined || name === false || flags === undefined || dev === undefined || ino === undefined) return false;
    const t = this.knownThread(v, off);
    if (!t) return false;
    if (fd >= 0) this.threads.setFd(t, this.fileFd(t, fd, typeof name === 'string' ? name : '', dirfd, flags, dev, ino));
    return true;
  }

  /** An fd of thread t's process, from the fd source when there is one. */
  private fdOf(t: ThreadInfo, fd: number): FdInfo | undefined {
    return this.files ? this.files.get(t.pid, fd) : this.threads.fdsIfAny(t)?.get(fd);
  }

  private socketQuick(v: DataView, off: number): boolean {
    const fd = i64ParamAt(v, off, SOCKET_FD), domain = u32ParamAt(v, off, SOCKET_DOMAIN), st = u32ParamAt(v, off, SOCKET_TYPE);
    if (fd === undefined || domain === undefined || st === undefined) return false;
    const t = this.knownThread(v, off);
    if (!t) return false;
    if (fd >= 0) this.threads.setFd(t, socketFd(fd, domain, st));
    return true;
  }

  private connectQuick(v: DataView, off: number): boolean {
    const fd = i64ParamAt(v, off, CONNECT_FD), tuple = paramValueAt(v, off, CONNECT_TUPLE);
    if (fd === undefined || tuple === false) return false;
    const t = this.knownThread(v, off);
    if (!t) return false;
    this.connected(t, fd, tuple);
    return true;
  }

  /** A connect's tuple names its fd (made from the tuple's family when the table lacks it). */
  private connected(t: ThreadInfo, fd: number, tuple: ParamValue | undefined): void {
    if (!(fd >= 0) || !tuple || typeof tuple !== 'object') return;
    const tup = tuple as SockTuple;
    const cur = this.threads.fds(t).get(fd) ?? { num: fd, type: familyType(tup.family), name: '' };
    applyTuple(cur, tup, false);
    this.threads.setFd(t, cur);
  }

  /** What the previous record left for this one: its exited thread goes, its closed fd is forgotten. */
  private settlePrevious(): void {
    if (this.exitedTid >= 0) { this.threads.remove(this.exitedTid); this.exitedTid = -1; }
    this.lastClosed = undefined;
  }

  apply(rec: DecodedRecord): void {
    this.settlePrevious();
    const h = rec.header;
    const spec = EVENTS_BY_ID.get(h.type);
    if (spec?.enterParams) {
      if (h.dir === ENTER) { this.pendingEnter.set(h.tid, { type: h.type, params: rec.params }); if (this.pendingEnter.size > 65536) this.pendingEnter.delete(oldestKey(this.pendingEnter) as number); return; }
      const pend = this.pendingEnter.get(h.tid);
      if (pend && h.dir === EXIT_DIR) {
        this.pendingEnter.delete(h.tid);
        if (pend.type === h.type) for (const k in pend.params) if (rec.params[k] === undefined || rec.params[k] === null || rec.params[k] === '') {
          if (!(k in rec.params)) rec.paramOrder.push(k);
          rec.params[k] = pend.params[k];
        }
      }
    }
    const kind = KIND[h.type];
    if (kind === K.NONE) return;
    // with an fd source, fds are its business; the record's thread is still made from its header
    if (this.files && FD_KINDS[kind]) { this.thread(rec); return; }
    const p = rec.params;
    const t = this.thread(rec);
    switch (kind) {
      case K.OPEN: case K.MEMFD: {
        if (!(int(p.fd) >= 0)) return;
        this.threads.setFd(t, this.openedFd(t, h.type, p, kind === K.MEMFD));
        return;
      }
      case K.SOCKET: {
        const fd = int(p.fd);
        if (fd >= 0) this.threads.setFd(t, socketFd(fd, int(p.domain), int(p.type)));
        return;
      }
      case K.CONNECT: return this.connected(t, int(p.fd), p.tuple);
      case K.ACCEPT: {
        const fd = int(p.fd);
        const tuple = p.tuple as SockTuple | null | undefined;
        if (!(fd >= 0)) return;
        const info: FdInfo = { num: fd, type: tuple ? familyType(tuple.family) : 'unknown', name: '', l4proto: 'tcp' };
        if (tuple && typeof tuple === 'object') applyTuple(info, tuple, true);
        this.threads.setFd(t, info);
        return;
      }
      case K.BIND: {
        const fd = int(p.fd), addr = p.addr as SockAddr | null | undefined;
        if (!(int(p.res) >= 0) || !(fd >= 0) || !addr || typeof addr !== 'object') return;
        const cur = this.threads.fds(t).get(fd) ?? { num: fd, type: familyType(addr.family), name: '' };
        applyBind(cur, addr);
        this.threads.setFd(t, cur);
        return;
      }
      case K.DUP: {
        const res = int(p.res), old = int(p.oldfd);
        if (!(res >= 0)) return;
        const src = this.threads.fds(t).get(old);
        if (src) this.threads.setFd(t, { ...src, num: res });
        else this.threads.fds(t).delete(res);
        return;
      }
      case K.CLOSE: {
        const fd = int(p.fd);
        if (int(p.res) < 0) return;
        const fds = this.threads.fds(t);
        this.lastClosed = fds.get(fd);
        fds.delete(fd);
        return;
      }
      case K.CLONE: return this.applyClone(rec, t);
      case K.EXEC: return this.applyExec(rec, t);
      case K.EXIT: this.exitedTid = h.tid; return;
      case K.CHDIR: if (int(p.res) === 0) t.cwd = withSlash(resolvePath(t.cwd, str(p.path))); return;
      case K.FCHDIR: { const d = this.fdOf(t, int(p.fd)); if (int(p.res) === 0 && d) t.cwd = withSlash(d.name); return; }
      case K.SETUID: { if (int(p.res) !== 0) return; const u = int(p.uid ?? p.ruid), eu = int(p.euid); if (u >= 0 && u !== 0xffffffff) t.uid = u; if (eu >= 0 && eu !== 0xffffffff) t.euid = eu; else if (p.uid !== undefined && u >= 0) t.euid = u; return; }
      case K.SETGID: { if (int(p.res) !== 0) return; const g = int(p.gid ?? p.rgid); if (g >= 0 && g !== 0xffffffff) t.gid = g; return; }
    }
  }

  private applyClone(rec: DecodedRecord, t: ThreadInfo): void {
    const p = rec.params;
    const res = int(p.res);
    if (!(res >= 0)) return;
    const flags = int(p.flags);
    const isThread = flags >= 0 && (flags & CLONE_THREAD) !== 0;
    // In the child (res 0) the record describes the caller itself; in the parent, the new task.
    // The parent's record describes the caller as it is now: refresh what a late-created entry lacks.
    if (res > 0) {
      if (int(p.uid) >= 0) { t.uid = int(p.uid); this.credsUnknown.delete(t); }
      if (int(p.gid) >= 0) t.gid = int(p.gid);
      if (t.ppid === 0 && int(p.ptid) > 0 && t.pid === t.tid) t.ppid = int(p.ptid);
      if (!t.comm && str(p.comm)) t.comm = str(p.comm);
      if (!t.exe && str(p.exe)) { t.exe = str(p.exe); if (Array.isArray(p.args)) t.args = p.args; }
    }
    const childTid = res === 0 ? int(p.tid) >= 0 ? int(p.tid) : rec.header.tid : res;
    if (res === 0 && this.threads.get(childTid) && childTid !== rec.header.tid) return;
    const parent = res === 0 ? this.threads.get(int(p.ptid)) : t;
    const existing = this.threads.get(childTid);
    if (existing && res !== 0) return; // the child's own record came first and knows better
    const base = parent ?? t;
    const child: ThreadInfo = {
      ...base, tid: childTid, parent: undefined, fds: undefined,
      pid: isThread ? base.pid : int(p.pid) >= 0 && res === 0 ? int(p.pid) : childTid,
      ppid: isThread ? base.ppid : base.pid,
      comm: str(p.comm) || base.comm, exe: str(p.exe) || base.exe, args: Array.isArray(p.args) ? p.args : base.args,
      cwd: str(p.cwd) ? withSlash(str(p.cwd)) : base.cwd, startTs: Number(rec.header.ts),
    };
    if (int(p.uid) >= 0) child.uid = int(p.uid);
    if (int(p.gid) >= 0) child.gid = int(p.gid);
    if (int(p.vtid) >= 0) child.vtid = int(p.vtid);
    if (int(p.vpid) >= 0) child.vpid = int(p.vpid);
    // A new process gets copies of its parent process's descriptors: a connect or bind changes an
    // fd in place, which must not reach the other process.
    if (!isThread) { const fds = this.threads.fds(base); if (fds.size) { child.fds = new Map(); for (const [n, f] of fds) child.fds.set(n, { ...f }); } }
    if (res === 0 && existing?.fds && !child.fds) child.fds = existing.fds;
    delete child.parent; if (!child.fds) delete child.fds;
    this.threads.add(child);
  }

  private applyExec(rec: DecodedRecord, t: ThreadInfo): void {
    const p = rec.params;
    if (int(p.res) !== 0) return;
    if (str(p.exe)) t.exe = str(p.exe);
    if (Array.isArray(p.args)) t.args = p.args;
    if (int(p.ptid) > 0 && t.tid === t.pid) t.ppid = int(p.ptid);
    const parent = this.credsUnknown.has(t) ? this.threads.parentOf(t) : undefined;
    if (parent) { t.uid = parent.uid; t.gid = parent.gid; t.euid = parent.euid; t.loginuid = parent.loginuid; this.credsUnknown.delete(t); }
    if (str(p.comm)) t.comm = str(p.comm); else if (str(p.exe)) t.comm = str(p.exe).split('/').pop()!.slice(0, 15);
    if (str(p.cwd)) t.cwd = withSlash(str(p.cwd));
    if (Array.isArray(p.env) && p.env.length) t.env = p.env;
    const exepath = str(p.exepath) || str(p.filename) || str(p.pathname);
    t.exepath = exepath ? resolvePath(t.cwd, exepath) : t.exe;
    for (const k of ['uid', 'gid', 'loginuid', 'tty'] as const) if (int(p[k]) >= 0) t[k] = int(p[k]);
    if (p.cap_permitted != null) { t.capPermitted = BigInt(p.cap_permitted as number); t.capEffective = BigInt((p.cap_effective ?? 0) as number); t.capInheritable = BigInt((p.cap_inheritable ?? 0) as number); }
    const fl = int(p.flags);
    if (fl >= 0) { t.exeWritable = (fl & 1) !== 0; t.exeUpperLayer = (fl & 2) !== 0; t.exeFromMemfd = (fl & 4) !== 0; t.exeLowerLayer = (fl & 8) !== 0; }
    // The new image keeps only the descriptors not marked close-on-exec (an fd source drops its own:
    // asking for the table here would make an empty one per exec).
    const fds = this.files ? undefined : this.threads.fdsIfAny(t);
    if (fds) for (const [n, fd] of fds) if (fd.openFlags !== undefined && (fd.openFlags & O_CLOEXEC) !== 0) fds.delete(n);
  }

  /** The descriptor an open-family record creates (for a failed open, what Falco still shows of it). */
  private openedFd(t: ThreadInfo, type: number, p: DecodedRecord['params'], memfd: boolean): FdInfo {
    const kind = !memfd ? undefined : type === EVENTS_BY_NAME.get('userfaultfd')?.id ? 'userfaultfd' : 'memfd';
    return this.fileFd(t, int(p.fd), str(p.name), int(p.dirfd), int(p.flags), int(p.dev), int(p.ino), kind);
  }

  /** An opened file's fd: the path resolved against the dirfd's name or the cwd; NaN for what the record lacks. */
  private fileFd(t: ThreadInfo, fd: number, name: string, dirfd: number, flags: number, dev: number, ino: number, memfd?: 'memfd' | 'userfaultfd'): FdInfo {
    let info: FdInfo;
    if (memfd) info = { num: fd, type: memfd, name: `memfd:${name}`, nameraw: name };
    else {
      const base = dirfd >= 0 && !name.startsWith('/') ? this.fdOf(t, dirfd)?.name ?? t.cwd : t.cwd;
      info = { num: fd, type: flags >= 0 && (flags & O_DIRECTORY) !== 0 ? 'directory' : 'file', name: resolvePath(base, name), nameraw: name };
    }
    if (flags >= 0) info.openFlags = flags;
    if (dev >= 0) info.dev = dev;
    if (ino >= 0) info.ino = ino;
    return info;
  }

  /** A process's fds as the fd source holds them (listed only when asked). */
  private lookup(t: ThreadInfo, closed: number): FdLookup {
    // (`closed`: the fd a close removes, which the paused module still holds)
    const files = this.files!;
    return {
      get: (n) => (n === closed ? undefined : files.get(t.pid, n)),
      values: () => files.list(t.pid).filter((f) => f.num !== closed),
    };
  }

  /**
   * The full event for a record `apply` has seen; `typeName` names events outside Vigil's schema.
   * Ancestors are linked `depth` levels up: as deep as the fields read from the event go (ancestorsRead).
   */
  toEvent(rec: DecodedRecord, num: number, typeName?: string, depth = ANCESTORS_ALL): Event {
    const h = rec.header;
    const spec = EVENTS_BY_ID.get(h.type);
    const t = this.threads.get(h.tid) ?? this.thread(rec);
    this.threads.linkAncestors(t, depth);
    const p = rec.params;
    let fd: FdInfo | undefined;
    const fdNum = HAS_FD_PARAM[h.type] || p.fd !== undefined ? int(p.fd) : NaN;
    // (a close's fd: this state dropped it and kept it aside; an fd source still holds it, paused on the close)
    if (fdNum >= 0) fd = this.fdOf(t, fdNum) ?? (KIND[h.type] === K.CLOSE ? this.lastClosed : undefined);
    else if (KIND[h.type] === K.DUP && int(p.res) >= 0) fd = this.fdOf(t, int(p.res));
    // Falco names a failed open's descriptor from the path it was given (fd.name, fd.typechar)
    else if (KIND[h.type] === K.OPEN && typeof p.name === 'string') fd = this.openedFd(t, h.type, p, false);
    const ev: Event = {
      num, ts: Number(h.ts), type: typeName ?? spec?.name ?? `unknown_${h.type}`, typeId: h.type,
      dir: h.dir === ENTER ? 'enter' : h.dir === EXIT_DIR ? 'exit' : 'event', cpu: h.cpu,
      params: p, paramOrder: rec.paramOrder, thread: t, source: 'syscall',
    };
    if (fd) ev.fd = fd;
    // threads share their process's table, kept on the main thread's entry (or by pid without one)
    if (this.files) ev.fds = this.lookup(t, KIND[h.type] === K.CLOSE && int(p.res) >= 0 ? fdNum : -1);
    else if (t.pid !== t.tid) { const fds = this.threads.fdsIfAny(t); if (fds) ev.fds = fds; }
    const user = this.users.user(t.uid); if (user) ev.user = user;
    const lu = t.loginuid !== 0xffffffff ? this.users.user(t.loginuid) : undefined; if (lu) ev.loginUser = lu;
    const group = this.users.group(t.gid); if (group) ev.group = group;
    const c = this.containers.get(t.containerId); if (c) ev.container = c;
    if (this.hostname) ev.hostname = this.hostname;
    return ev;
  }
}

/** A socket's fd: the family's type and, from the socket type's low bits, its layer-4 protocol (none for unix). */
function socketFd(fd: number, domain: number, socketType: number): FdInfo {
  const info: FdInfo = { num: fd, type: familyType(domain), name: '' };
  // a unix socket has no layer-4 protocol, whatever its type (Falco leaves fd.l4proto unset there)
  const l4 = domain === 1 ? 0 : socketType & 0xf;
  if (l4 === 1) info.l4proto = 'tcp'; else if (l4 === 2) info.l4proto = 'udp'; else if (l4 === 3) info.l4proto = 'raw';
  return info;
}

function withSlash(p: string): string { return p.endsWith('/') ? p : `${p}/`; }
