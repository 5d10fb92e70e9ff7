// Keeps the thread and fd tables current from the records of each batch, so the host only seeds
// them. Runs before the rules see an event (exec/clone/open/socket/connect/dup update what the event
// itself shows, as Falco's parser does) and after (close and exit remove entries).
import { slot_set, slot_len, slot_ptr, copy_nul_to_space } from './mem';
import {
  thread_get, thread_put, thread_del, fd_get, fd_put, fd_new, fd_del, fds_fork, fds_drop,
  T_PID, T_PPID, T_UID, T_LOGINUID, T_TTY, T_EXEFLAGS, T_COMM, T_EXE, T_EXEPATH, T_ARGS, T_CWD, T_CID, T_CAP_PERM, T_CAP_EFF, T_CAP_INH, T_START, T_VPID, T_HAVE, T_ENV, TH_CAPS, TH_VPID, TH_START, F_RAW,
  F_TYPE, F_L4, F_FLAGS, F_SPORT, F_DPORT, F_SIP, F_DIP, F_NAME, F_NAME_PENDING, FD_SIZE_COPY, F_HAS, F_DEV, F_INO, FH_FLAGS, FH_DEV, FH_INO,
  FT_FILE, FT_DIR, FT_IPV4, FT_IPV6, FT_UNIX, FT_MEMFD, FT_NETLINK, FT_OTHER, L4_TCP, L4_UDP, L4_RAW,
} from './state';
import { SP, SL, IV, s_param, i_param, s_path, s_path_keep, scratch } from './fields';
import { be16, fd_name_ipv6, fd_name_ready, fd_name_bind } from './fdname';
import * as S from '../schema.gen';

@inline function hdr_u32(rec: usize, off: usize): u32 { return load<u32>(rec + off); }

function param_i64(rec: usize, i: i32): i64 { return i_param(rec, i, 8, true) ? IV : -1; }

function set_str(e: usize, off: usize, cap: i32, rec: usize, i: i32): void {
  if (s_param(rec, i)) slot_set(e + off, cap, SP, SL);
}

/** The cwd as proc.cwd shows it, with a trailing slash; an empty value leaves the one known. */
function set_cwd(e: usize, p: usize, n: i32): void {
  if (n <= 0) return;
  slot_set(e + T_CWD, 255, p, n);
  const k = <i32>load<u16>(e + T_CWD);
  if (load<u8>(e + T_CWD + 1 + <usize>k) != 47) { store<u8>(e + T_CWD + 2 + <usize>k, 47); store<u16>(e + T_CWD, <u16>(k + 1)); }
}

@inline function cwd_root(e: usize): void { store<u16>(e + T_CWD, 1); store<u8>(e + T_CWD + 2, 47); }

/** args are NUL-separated in the record; the table keeps them space-joined as proc.args prints. */
function set_args(e: usize, rec: usize, i: i32): void {
  if (!s_param(rec, i)) return;
  const n = SL < 512 ? SL : 512;
  const d = e + T_ARGS + 2;
  store<u16>(e + T_ARGS, <u16>n);
  copy_nul_to_space(d, SP, n);
}

/** Fills a thread entry from an exec/clone record (same parameter layout in all of them). */
function fill_proc(e: usize, rec: usize, pid: u32, ppid: u32): void {
  store<u32>(e + T_PID, pid); store<u32>(e + T_PPID, ppid);
  store<u32>(e + T_UID, hdr_u32(rec, 28)); store<u32>(e + T_LOGINUID, hdr_u32(rec, 40)); store<u32>(e + T_TTY, hdr_u32(rec, 44));
  set_str(e, T_EXE, 256, rec, 1);
  set_args(e, rec, 2);
  if (s_param(rec, 6)) set_cwd(e, SP, SL);
  if (s_param(rec, 7) && SL > 0) slot_set(e + T_COMM, 16, SP, SL);
  else { let n = 0; while (n < 16 && load<u8>(rec + 64 + <usize>n) != 0) n++; slot_set(e + T_COMM, 16, rec + 64, n); }
  let n = 0; while (n < 16 && load<u8>(rec + 80 + <usize>n) != 0) n++;
  slot_set(e + T_CID, 16, rec + 80, n);
  // optional facts: a record that lacks them leaves what the entry knew (inherited or seeded)
  if (i_param(rec, 14, 8, false)) {
    store<i64>(e + T_CAP_PERM, IV);
    store<i64>(e + T_CAP_EFF, i_param(rec, 15, 8, false) ? IV : 0);
    store<i64>(e + T_CAP_INH, i_param(rec, 13, 8, false) ? IV : 0);
    store<u32>(e + T_HAVE, load<u32>(e + T_HAVE) | TH_CAPS);
  }
  if (i_param(rec, 18, 8, false)) { store<u32>(e + T_VPID, <u32>IV); store<u32>(e + T_HAVE, load<u32>(e + T_HAVE) | TH_VPID); }
  if (s_param(rec, 8) && SL > 0) slot_set(e + T_ENV, 1024, SP, SL);
}

@inline function set_start(e: usize, rec: usize): void {
  store<u64>(e + T_START, load<u64>(rec + 8)); store<u32>(e + T_HAVE, load<u32>(e + T_HAVE) | TH_START);
}

function on_exec(rec: usize): void {
  if (param_i64(rec, 0) != 0) return;
  const tid = hdr_u32(rec, 16);
  const known = thread_get(tid) != 0;
  const e = thread_put(tid);
  if (e == 0) return;
  // a process first seen at its exec (its clone was not seen) is taken to start there
  if (!known) set_start(e, rec);
  fill_proc(e, rec, hdr_u32(rec, 20), hdr_u32(rec, 24));
  // the new image keeps only the descriptors not marked close-on-exec
  fds_drop(hdr_u32(rec, 20), O_CLOEXEC);
  store<u32>(e + T_EXEFLAGS, i_param(rec, 20, 4, false) ? <u32>IV : 0);
  set_str(e, T_EXEPATH, 256, rec, 21);
}

const CLONE_THREAD: i64 = 0x10000;
const O_CLOEXEC: u32 = 0o2000000;

function on_clone(rec: usize): void {
  const res = param_i64(rec, 0);
  if (res < 0) return;
  const flags: i64 = i_param(rec, 20, 4, false) ? IV : 0;
  let tid: u32, pid: u32, ppid: u32;
  let parent: usize;
  if (res == 0) {
    tid = hdr_u32(rec, 16); pid = hdr_u32(rec, 20); ppid = hdr_u32(rec, 24);
    // the calling thread (ptid), which may be a thread of the parent process rather than its leader
    parent = thread_get(i_param(rec, 5, 8, true) && IV > 0 ? <u32>IV : ppid);
  } else {
    tid = <u32>res;
    if (thread_get(tid) != 0) return;          // the child's own record came first
    parent = thread_get(hdr_u32(rec, 16));
    if (flags & CLONE_THREAD) { pid = hdr_u32(rec, 20); ppid = hdr_u32(rec, 24); }
    else { pid = tid; ppid = hdr_u32(rec, 20); }
  }
  const e = thread_put(tid);
  if (e == 0) return;
  if (parent != 0 && parent != e) {
    // exepath, exec facts, capabilities, pid namespace id and environment are inherited from the
    // parent image unless the record says otherwise (fill_proc below)
    memory.copy(e + T_EXEPATH, parent + T_EXEPATH, 258);
    store<u32>(e + T_EXEFLAGS, load<u32>(parent + T_EXEFLAGS));
    memory.copy(e + T_CAP_PERM, parent + T_CAP_PERM, 24);
    store<u32>(e + T_VPID, load<u32>(parent + T_VPID));
    store<u32>(e + T_HAVE, load<u32>(parent + T_HAVE) & (TH_CAPS | TH_VPID));
    memory.copy(e + T_ENV, parent + T_ENV, 2 + <usize>load<u16>(parent + T_ENV));
    memory.copy(e + T_CWD, parent + T_CWD, 2 + <usize>load<u16>(parent + T_CWD));
  }
  set_start(e, rec);
  fill_proc(e, rec, pid, ppid);
  // a new process starts with a copy of its parent's descriptors; threads share them (same pid)
  if (!(flags & CLONE_THREAD)) fds_fork(res != 0 ? hdr_u32(rec, 20) : parent != 0 ? load<u32>(parent + T_PID) : ppid, pid);
}

// An open's device and inode are kept only when the host reads them (keep_devino): no compiled
// rule tests them, and reading two more parameters of every open cost ~5% of the filter's time.
let KEEP_DEVINO = false;
export function set_keep_devino(on: bool): void { KEEP_DEVINO = on; }

function on_open(rec: usize, fdi: i32, name: i32, dirfd: i32, flagsi: i32, ftype: u8, devi: i32, inoi: i32): void {
  const fd = param_i64(rec, fdi);
  if (fd < 0) return;
  const t = thread_get(hdr_u32(rec, 16));
  if (ftype == FT_MEMFD ? !memfd_name(rec, name) : !s_path_keep(rec, name, dirfd, t != 0 ? t + T_CWD : 0)) return;
  const np = SP, nl = SL;
  const hasFlags = flagsi >= 0 && i_param(rec, flagsi, 4, false);
  const flags: u32 = hasFlags ? <u32>IV : 0;
  const f = fd_new(hdr_u32(rec, 20), fd);
  if (f == 0) return;
  // what the record carried, so the host's view of the fd (fd_snap) shows what its own parser would
  let has: u8 = hasFlags ? FH_FLAGS : 0;
  if (KEEP_DEVINO) {
    if (devi >= 0 && i_param(rec, devi, 4, false)) { store<u32>(f + F_DEV, <u32>IV); has |= FH_DEV; }
    if (inoi >= 0 && i_param(rec, inoi, 8, false)) { store<u64>(f + F_INO, <u64>IV); has |= FH_INO; }
  }
  store<u8>(f + F_HAS, has);
  slot_set(f + F_NAME, 256, np, nl); store<u8>(f + F_NAME_PENDING, 0);
  if (s_param(rec, name)) slot_set(f + F_RAW, 256, SP, SL);
  store<u8>(f + F_TYPE, ftype == FT_FILE && (flags & 0o200000) != 0 ? FT_DIR : ftype);
  store<u32>(f + F_FLAGS, flags);
}

/** A memfd is named `memfd:NAME` (NAME as given, not a path), as Falco shows it. */
function memfd_name(rec: usize, i: i32): bool {
  if (!s_param(rec, i)) return false;
  const out = scratch(6 + SL);
  store<u8>(out, 109); store<u8>(out + 1, 101); store<u8>(out + 2, 109); store<u8>(out + 3, 102); store<u8>(out + 4, 100); store<u8>(out + 5, 58);
  memory.copy(out + 6, SP, <usize>SL);
  SP = out; SL += 6;
  return true;
}

function on_socket(rec: usize): void {
  const fd = param_i64(rec, 0);
  if (fd < 0) return;
  const dom: u32 = i_param(rec, 1, 4, false) ? <u32>IV : 0;
  const ty: u32 = i_param(rec, 2, 4, false) ? <u32>IV & 0xf : 0;
  const f = fd_new(hdr_u32(rec, 20), fd);
  if (f == 0) return;
  store<u16>(f + F_NAME, 0); store<u8>(f + F_NAME_PENDING, 0);
  store<u8>(f + F_TYPE, dom == 2 ? FT_IPV4 : dom == 10 ? FT_IPV6 : dom == 1 ? FT_UNIX : dom == 16 ? FT_NETLINK : FT_OTHER);
  store<u8>(f + F_L4, dom == 1 ? 0 : ty == 1 ? L4_TCP : ty == 2 ? L4_UDP : ty == 3 ? L4_RAW : 0);
}

/**
 * Writes a socket tuple into fd entry f: addresses, ports and the name. An IPv4 name
 * (`sip:sport->dip:dport`) is rendered only when a rule asks for it: most connects are never named.
 */
function set_tuple(f: usize, p: usize, n: i32, isInbound: bool): void {
  if (n < 1) return;
  const fam = load<u8>(p);
  store<u8>(f + F_NAME_PENDING, 0);
  if (fam == 2 && n >= 13) {
    store<u8>(f + F_TYPE, FT_IPV4);
    store<u32>(f + F_SIP, load<u32>(p + 1)); store<u16>(f + F_SPORT, <u16>be16(p + 5));
    store<u32>(f + F_DIP, load<u32>(p + 7)); store<u16>(f + F_DPORT, <u16>be16(p + 11));
    store<u8>(f + F_NAME_PENDING, 1);
  } else if (fam == 1) {
    store<u8>(f + F_TYPE, FT_UNIX);
    slot_set(f + F_NAME, 256, p + 1, n - 1);
  } else if (fam == 10) {
    store<u8>(f + F_TYPE, FT_IPV6);
    if (n >= 37) { fd_name_ipv6(f, p + 1); store<u16>(f + F_SPORT, <u16>be16(p + 17)); store<u16>(f + F_DPORT, <u16>be16(p + 35)); }
  }
  // an IP tuple says which end this process holds and that the socket is connected (unix ones neither)
  if (fam == 2 || fam == 10) { store<u8>(f + 14, isInbound ? 1 : 0); store<u8>(f + 15, 1); }
}

function on_connect(rec: usize): void {
  // a failed connect still names its socket by the address it tried, as Falco and the host's state do
  const fd = param_i64(rec, 2);
  let f = fd_get(hdr_u32(rec, 20), fd);
  if (f == 0) { f = fd_put(hdr_u32(rec, 20), fd); if (f == 0) return; }
  if (s_param(rec, 1)) set_tuple(f, SP, SL, false);
}

function on_accept(rec: usize): void {
  const fd = param_i64(rec, 0);
  if (fd < 0) return;
  const f = fd_new(hdr_u32(rec, 20), fd);
  if (f == 0) return;
  store<u8>(f + F_L4, L4_TCP);
  if (s_param(rec, 1)) set_tuple(f, SP, SL, true);
}

function on_dup(rec: usize, oldi: i32): void {
  const res = param_i64(rec, 0);
  if (res < 0) return;
  const pid = hdr_u32(rec, 20);
  const src = fd_get(pid, param_i64(rec, oldi));
  // an unknown source still replaces the target: what the table knew of it is stale
  if (src == 0) { fd_del(pid, res); return; }
  const dst = fd_put(pid, res);
  if (dst == 0 || dst == src) return;
  memory.copy(dst + 12, src + 12, FD_SIZE_COPY);
}

function on_chdir(rec: usize): void {
  if (param_i64(rec, 0) != 0) return;
  const t = thread_get(hdr_u32(rec, 16));
  if (t == 0) return;
  if (!s_path(rec, 1, -1, t + T_CWD)) return;
  // an empty path leaves "/", as the host's state resolves it
  if (SL == 0) cwd_root(t); else set_cwd(t, SP, SL);
}

function on_fchdir(rec: usize): void {
  if (param_i64(rec, 0) != 0) return;
  const t = thread_get(hdr_u32(rec, 16));
  const f = fd_get(hdr_u32(rec, 20), param_i64(rec, 1));
  if (t == 0 || f == 0) return;
  fd_name_ready(f);
  const n = <i32>load<u16>(f + F_NAME);
  if (n == 0) cwd_root(t); else set_cwd(t, f + F_NAME + 2, n);
}

/** A bound socket is named by its local address, kept as the server end (dip/dport). */
function on_bind(rec: usize): void {
  const fd = param_i64(rec, 2);
  if (param_i64(rec, 0) < 0 || fd < 0 || !s_param(rec, 1) || SL < 1) return;
  const p = SP, n = SL, fam = load<u8>(p);
  if (fam != 1 && !(fam == 2 && n >= 7) && !(fam == 10 && n >= 19)) return;
  // the socket's entry, or a fresh (zeroed) one when the table missed its creation
  const f = fd_put(hdr_u32(rec, 20), fd);
  if (f == 0) return;
  if (fam == 1) { store<u8>(f + F_TYPE, FT_UNIX); if (n > 1) { slot_set(f + F_NAME, 256, p + 1, n - 1); store<u8>(f + F_NAME_PENDING, 0); } return; }
  store<u8>(f + F_TYPE, fam == 2 ? FT_IPV4 : FT_IPV6);
  if (fam == 2) { store<u32>(f + F_DIP, load<u32>(p + 1)); store<u16>(f + F_DPORT, <u16>be16(p + 5)); }
  else store<u16>(f + F_DPORT, <u16>be16(p + 17));
  store<u8>(f + 14, 1);
  fd_name_bind(f, p, fam == 10);
}

/** State changes the event itself shows; run before the rules evaluate it. */
export function track_before(rec: usize, ty: u16): void {
  switch (ty) {
    case S.EVT_EXECVE: case S.EVT_EXECVEAT: on_exec(rec); break;
    case S.EVT_CLONE: case S.EVT_CLONE3: case S.EVT_FORK: case S.EVT_VFORK: on_clone(rec); break;
    case S.EVT_OPEN: on_open(rec, S.P_OPEN_FD, S.P_OPEN_NAME, -1, S.P_OPEN_FLAGS, FT_FILE, S.P_OPEN_DEV, S.P_OPEN_INO); break;
    case S.EVT_OPENAT: on_open(rec, S.P_OPENAT_FD, S.P_OPENAT_NAME, S.P_OPENAT_DIRFD, S.P_OPENAT_FLAGS, FT_FILE, S.P_OPENAT_DEV, S.P_OPENAT_INO); break;
    case S.EVT_OPENAT2: on_open(rec, S.P_OPENAT2_FD, S.P_OPENAT2_NAME, S.P_OPENAT2_DIRFD, S.P_OPENAT2_FLAGS, FT_FILE, S.P_OPENAT2_DEV, S.P_OPENAT2_INO); break;
    case S.EVT_CREAT: on_open(rec, S.P_CREAT_FD, S.P_CREAT_NAME, -1, -1, FT_FILE, S.P_CREAT_DEV, S.P_CREAT_INO); break;
    case S.EVT_MEMFD_CREATE: on_open(rec, 0, 1, -1, -1, FT_MEMFD, -1, -1); break;
    case S.EVT_SOCKET: on_socket(rec); break;
    case S.EVT_CONNECT: on_connect(rec); break;
    case S.EVT_ACCEPT: case S.EVT_ACCEPT4: on_accept(rec); break;
    case S.EVT_DUP: on_dup(rec, 1); break;
    case S.EVT_DUP2: case S.EVT_DUP3: on_dup(rec, 1); break;
    case S.EVT_CHDIR: on_chdir(rec); break;
    case S.EVT_FCHDIR: on_fchdir(rec); break;
    case S.EVT_BIND: on_bind(rec); break;
    default: break;
  }
}

/**
 * Record types the host reads module state at even when no rule matched them (filter's pause
 * mode; pause_on): an fchdir's new cwd is the name of an fd the host does not keep.
 */
export function host_reads(ty: u16): bool { return ty < 1024 && load<u8>(PAUSE_TYPES + <usize>ty) != 0; }
const PAUSE_TYPES: usize = memory.data(1024);
export function set_host_reads(ty: u32, on: bool): void { if (ty < 1024) store<u8>(PAUSE_TYPES + <usize>ty, on ? 1 : 0); }

/** Removals; run after the rules saw the event (a close still shows the fd it closes). */
export function track_after(rec: usize, ty: u16): void {
  if (ty == S.EVT_CLOSE) { if (param_i64(rec, 0) == 0) fd_del(hdr_u32(rec, 20), param_i64(rec, 1)); }
  else if (ty == S.EVT_PROCEXIT) {
    thread_del(hdr_u32(rec, 16));
    // the process's descriptors go with its main thread (as the host's state keeps them there)
    if (hdr_u32(rec, 16) == hdr_u32(rec, 20)) fds_drop(hdr_u32(rec, 20), 0);
  }
}
