// Calls the host makes into a filter module: where to put records and strings, and how to seed the
// state tables. Re-exported by every generated module; documented in assembly/README.md.
import { mem_init, BATCH, BATCH_CAP, OUT, OUT_CAP, ARG, ARG_CAP, FD_LIST, slot_set } from './mem';
import { fd_name_ready } from './fdname';
import { set_host_reads, set_keep_devino } from './track';
import {
  thread_put, thread_get, thread_del, fd_put, fd_del, user_put, ctr_find,
  T_PID, T_PPID, T_UID, T_LOGINUID, T_TTY, T_EXEFLAGS, T_COMM, T_EXE, T_EXEPATH, T_ARGS, T_CWD, T_CID,
  T_ENV, T_START, T_VPID, T_HAVE, T_CAP_PERM, T_CAP_EFF, T_CAP_INH, TH_CAPS, TH_VPID, TH_START,
  F_TYPE, F_L4, F_NAME, F_NAME_PENDING, F_RAW, F_HAS, F_DEV, F_INO, F_KEY, fd_get, fd_new, fd_list, fd_at, fd_used, fd_handed, U_NAME, C_PRIV, C_NAME, C_REPO, C_IMAGE, C_NS, C_POD, C_TYPE,
} from './state';

export const ABI_VERSION: i32 = 1;

export function init(): void { mem_init(); }
export function batch_ptr(): usize { mem_init(); return BATCH; }
export function batch_cap(): usize { return BATCH_CAP; }
export function out_ptr(): usize { mem_init(); return OUT; }
export function out_cap(): i32 { return OUT_CAP; }
export function arg_ptr(): usize { mem_init(); return ARG; }
export function arg_cap(): usize { return ARG_CAP; }

/** Adds or updates a thread; strings are set separately with thread_set_str. Returns false when the table is full. */
export function thread_seed(tid: u32, pid: u32, ppid: u32, uid: u32, loginuid: u32, tty: u32, exeflags: u32): bool {
  mem_init();
  const e = thread_put(tid);
  if (e == 0) return false;
  store<u32>(e + T_PID, pid); store<u32>(e + T_PPID, ppid); store<u32>(e + T_UID, uid);
  store<u32>(e + T_LOGINUID, loginuid); store<u32>(e + T_TTY, tty); store<u32>(e + T_EXEFLAGS, exeflags);
  return true;
}

// String fields of a thread, for thread_set_str: the value is `len` bytes at arg_ptr().
export const TS_COMM: i32 = 0, TS_EXE: i32 = 1, TS_EXEPATH: i32 = 2, TS_ARGS: i32 = 3, TS_CWD: i32 = 4, TS_CONTAINER: i32 = 5;

export function thread_set_str(tid: u32, which: i32, len: i32): bool {
  const e = thread_get(tid);
  if (e == 0) return false;
  switch (which) {
    case 0: slot_set(e + T_COMM, 16, ARG, len); break;
    case 1: slot_set(e + T_EXE, 256, ARG, len); break;
    case 2: slot_set(e + T_EXEPATH, 256, ARG, len); break;
    case 3: {
      // NUL-separated like the record's args; kept space-joined
      slot_set(e + T_ARGS, 512, ARG, len);
      const n = <i32>load<u16>(e + T_ARGS);
      for (let i = 0; i < n; i++) if (load<u8>(e + T_ARGS + 2 + <usize>i) == 0) store<u8>(e + T_ARGS + 2 + <usize>i, 32);
      break;
    }
    case 4: slot_set(e + T_CWD, 256, ARG, len); break;
    case 5: slot_set(e + T_CID, 16, ARG, len); break;
    case 6: slot_set(e + T_ENV, 1024, ARG, len); break;   // NUL-separated, as exec records carry it
    default: return false;
  }
  return true;
}

// Numeric facts of a thread, for thread_set_u64: 0 start time (ns, the records' clock), 1 vpid,
// 2 cap_permitted, 3 cap_effective, 4 cap_inheritable (setting any capability set marks them known).
export function thread_set_u64(tid: u32, which: i32, v: u64): bool {
  const e = thread_get(tid);
  if (e == 0) return false;
  const have = load<u32>(e + T_HAVE);
  switch (which) {
    case 0: store<u64>(e + T_START, v); store<u32>(e + T_HAVE, have | TH_START); break;
    case 1: store<u32>(e + T_VPID, <u32>v); store<u32>(e + T_HAVE, have | TH_VPID); break;
    case 2: store<u64>(e + T_CAP_PERM, v); store<u32>(e + T_HAVE, have | TH_CAPS); break;
    case 3: store<u64>(e + T_CAP_EFF, v); store<u32>(e + T_HAVE, have | TH_CAPS); break;
    case 4: store<u64>(e + T_CAP_INH, v); store<u32>(e + T_HAVE, have | TH_CAPS); break;
    default: return false;
  }
  return true;
}

export function thread_remove(tid: u32): void { mem_init(); thread_del(tid); }

/** Adds an fd of process `pid`; the name is `len` bytes at arg_ptr(). `type` is the fd.typechar code, `l4` 0 none 1 tcp 2 udp 3 icmp 4 raw. */
export function fd_seed(pid: u32, fd: i32, type: u8, l4: u8, len: i32): bool {
  mem_init();
  const e = fd_put(pid, <i64>fd);
  if (e == 0) return false;
  store<u8>(e + F_TYPE, type); store<u8>(e + F_L4, l4);
  slot_set(e + F_NAME, 256, ARG, len); store<u8>(e + F_NAME_PENDING, 0);
  return true;
}
export function fd_remove(pid: u32, fd: i32): void { mem_init(); fd_del(pid, <i64>fd); }

/** user.name for a uid; the name is `len` bytes at arg_ptr(). */
export function user_seed(uid: u32, len: i32): bool {
  mem_init();
  const e = user_put(uid);
  if (e == 0) return false;
  slot_set(e + U_NAME, 126, ARG, len);
  return true;
}

// Container metadata fields, for container_set: 0 name, 1 image.repository, 2 image, 3 k8s.ns.name, 4 k8s.pod.name, 5 type, 6 privileged (value: len != 0).
/** The container id is the first `idLen` bytes at arg_ptr(), the value the `len` bytes after it. */
export function container_set(idLen: i32, which: i32, len: i32): bool {
  mem_init();
  const e = ctr_find(ARG, idLen, true);
  if (e == 0) return false;
  const v = ARG + <usize>idLen;
  switch (which) {
    case 0: slot_set(e + C_NAME, 128, v, len); break;
    case 1: slot_set(e + C_REPO, 256, v, len); break;
    case 2: slot_set(e + C_IMAGE, 256, v, len); break;
    case 3: slot_set(e + C_NS, 128, v, len); break;
    case 4: slot_set(e + C_POD, 128, v, len); break;
    case 5: slot_set(e + C_TYPE, 32, v, len); break;
    case 6: store<u8>(e + C_PRIV, len != 0 ? 1 : 0); break;
    default: return false;
  }
  return true;
}

// ---- the host reading fds (assembly/README.md "Reading fds") ----
// The host names an alert's fd from these rather than keeping its own copy of every open: the
// module follows every record anyway, and the host asks only for the events that matched.
const SN_HAS: usize = 32, SN_NAME: usize = 36, SN_RAW: usize = 294;
// (552 bytes in all: compiler/backend/host.ts's SNAP reads this layout)

/** Writes fd `fd` of process `pid` to arg_ptr() (layout in the README); false when the table lacks it. */
export function fd_snap(pid: u32, fd: i32): bool {
  mem_init();
  const f = fd_get(pid, <i64>fd);
  if (f == 0) return false;
  fd_name_ready(f);
  memory.copy(ARG, f + F_TYPE, 20);
  store<u32>(ARG + 20, load<u32>(f + F_DEV)); store<u64>(ARG + 24, load<u64>(f + F_INO));
  store<u8>(ARG + SN_HAS, load<u8>(f + F_HAS));
  memory.copy(ARG + SN_NAME, f + F_NAME, 2 + <usize>load<u16>(f + F_NAME));
  memory.copy(ARG + SN_RAW, f + F_RAW, 2 + <usize>load<u16>(f + F_RAW));
  return true;
}

/** The reverse of fd_snap: fd `fd` of process `pid` made from the snapshot at arg_ptr() (a new module taking over). */
export function fd_load(pid: u32, fd: i32): bool {
  mem_init();
  const f = fd_new(pid, <i64>fd);
  if (f == 0) return false;
  memory.copy(f + F_TYPE, ARG, 20);
  store<u32>(f + F_DEV, load<u32>(ARG + 20)); store<u64>(f + F_INO, load<u64>(ARG + 24));
  store<u8>(f + F_HAS, load<u8>(ARG + SN_HAS));
  slot_set(f + F_NAME, 256, ARG + SN_NAME + 2, <i32>load<u16>(ARG + SN_NAME)); store<u8>(f + F_NAME_PENDING, 0);
  slot_set(f + F_RAW, 256, ARG + SN_RAW + 2, <i32>load<u16>(ARG + SN_RAW));
  return true;
}

/** The fd numbers process `pid` holds, as i32 at arg_ptr(); returns how many (at most arg_cap()/4). */
export function proc_fds(pid: u32): i32 {
  mem_init();
  const n = fd_list(pid), cap = <i32>(ARG_CAP >> 2);
  const m = n < cap ? n : cap;
  for (let k = 0; k < m; k++) store<i32>(ARG + (<usize>k << 2), <i32>load<u32>(fd_at(load<u32>(FD_LIST + (<usize>k << 2))) + F_KEY));
  return m;
}

let FD_ALL_NEXT: u32 = 1;
/**
 * Every fd in the table from entry `from` (1 to start), as (u32 pid, i32 fd) pairs at arg_ptr();
 * returns how many. fd_all_next() is where to go on, 0 when done.
 */
export function fd_all(from: u32): i32 {
  mem_init();
  const end = fd_handed(), cap = <i32>(ARG_CAP >> 3);
  let n = 0;
  let i: u32 = from < 1 ? 1 : from;
  for (; i <= end && n < cap; i++) {
    const f = fd_at(i);
    if (!fd_used(f)) continue;
    const key = load<u64>(f + F_KEY);
    store<u32>(ARG + (<usize>n << 3), <u32>(key >> 32)); store<i32>(ARG + (<usize>n << 3) + 4, <i32>(key & 0xffffffff));
    n++;
  }
  FD_ALL_NEXT = i <= end ? i : 0;
  return n;
}
export function fd_all_next(): u32 { return FD_ALL_NEXT; }

/** Pause mode also stops after every record of type `ty` (on != 0), matched or not. */
export function pause_on(ty: u32, on: bool): void { set_host_reads(ty, on); }

/** Opens keep their device and inode for fd_snap (fd.dev, fd.ino in the host's outputs) when on. */
export function keep_devino(on: bool): void { set_keep_devino(on); }
