// Calls the host makes into a filter module: where to put records and strings, and how to seed the
// state tables. Re-exported by every generated module; documented in assembly/README.md.
import { mem_init, BATCH, BATCH_CAP, OUT, OUT_CAP, ARG, ARG_CAP, slot_set } from './mem';
import {
  thread_put, thread_get, thread_del, fd_put, fd_del, user_put, ctr_find,
  T_PID, T_PPID, T_UID, T_LOGINUID, T_TTY, T_EXEFLAGS, T_COMM, T_EXE, T_EXEPATH, T_ARGS, T_CWD, T_CID,
  T_ENV, T_START, T_VPID, T_HAVE, T_CAP_PERM, T_CAP_EFF, T_CAP_INH, TH_CAPS, TH_VPID, TH_START,
  F_TYPE, F_L4, F_NAME, F_NAME_PENDING, U_NAME, C_PRIV, C_NAME, C_REPO, C_IMAGE, C_NS, C_POD, C_TYPE,
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
