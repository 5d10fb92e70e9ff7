// Accessors for the thread facts exec and clone records carry beyond the basics: environment,
// capability sets, pid-namespace id and start time (proc.env, thread.cap_*, proc.vpid,
// proc.duration), and the fs.path.* paths of file events. Same contract as fields.ts: true when the
// field has a value, left in SP/SL or IV.
import { slot_len, slot_ptr, copy_nul_to_space } from './mem';
import { fd_name_ready } from './fdname';
import { fd_get, T_ENV, T_START, T_VPID, T_HAVE, TH_CAPS, TH_VPID, TH_START, F_NAME, F_RAW } from './state';
import { SP, SL, IV, s_param, i_param, scratch, set_str, set_int, normalize_path } from './fields';

/** proc.env: the variables joined by single spaces, as Falco prints them. */
export function s_env(e: usize): bool {
  if (e == 0) return false;
  const n = slot_len(e + T_ENV);
  const src = slot_ptr(e + T_ENV);
  const out = scratch(n);
  copy_nul_to_space(out, src, n);
  return set_str(out, n);
}

/** proc.env[KEY]: the value of the first `KEY=` entry; no value when the variable is not set. */
export function s_env_key(e: usize, key: usize, kl: i32): bool {
  if (e == 0) return false;
  const n = slot_len(e + T_ENV);
  const p = slot_ptr(e + T_ENV);
  let at = 0;
  while (at < n) {
    let end = at; while (end < n && load<u8>(p + <usize>end) != 0) end++;
    if (end - at > kl && load<u8>(p + <usize>(at + kl)) == 61 && memory.compare(p + <usize>at, key, <usize>kl) == 0) {
      return set_str(p + <usize>(at + kl + 1), end - at - kl - 1);
    }
    at = end + 1;
  }
  return false;
}

/**
 * A capability set as text, names joined by '|' (thread.cap_*, evt.arg.cap_* of capset). The
 * table is {count, (bit, off, len)...} in the literal pool.
 */
export function s_caps(v: u64, table: usize, pool: usize): bool {
  const n = load<u32>(table);
  const out = scratch(1024);
  let len = 0;
  for (let k: u32 = 0; k < n; k++) {
    const e = table + 4 + <usize>(k * 12);
    if (((v >> <u64>load<u32>(e)) & 1) == 0) continue;
    const fl = <i32>load<u32>(e + 8);
    if (len > 0) { store<u8>(out + <usize>len, 124); len++; }
    memory.copy(out + <usize>len, pool + <usize>load<u32>(e + 4), <usize>fl); len += fl;
  }
  return set_str(out, len);
}

/** thread.cap_permitted/effective/inheritable of thread entry e (off: the set's offset). */
export function s_thread_caps(e: usize, off: usize, table: usize, pool: usize): bool {
  if (e == 0 || (load<u32>(e + T_HAVE) & TH_CAPS) == 0) return false;
  return s_caps(load<u64>(e + off), table, pool);
}

export function i_vpid(e: usize): bool {
  if (e == 0 || (load<u32>(e + T_HAVE) & TH_VPID) == 0) return false;
  return set_int(<i64>load<u32>(e + T_VPID));
}

/** proc.duration: ns from the thread's start to this record. */
export function i_duration(e: usize, rec: usize): bool {
  if (e == 0 || (load<u32>(e + T_HAVE) & TH_START) == 0) return false;
  return set_int(<i64>(load<u64>(rec + 8) - load<u64>(e + T_START)));
}

/**
 * fs.path.name/source/target: path parameter i resolved against the dirfd parameter's fd (no
 * value when that fd is unknown) or the cwd (`cwd`, a slot; 0 when the thread is unknown), then
 * normalized. An absolute path is taken as given.
 */
export function s_fspath(rec: usize, i: i32, dirfd: i32, cwd: usize): bool {
  if (!s_param(rec, i)) return false;
  if (SL > 0 && load<u8>(SP) == 47) return true;
  const np = SP, nl = SL;
  let base: usize = 0, bl = 0;
  if (dirfd >= 0 && i_param(rec, dirfd, 8, true) && IV != -100) {
    const f = fd_get(load<u32>(rec + 20), IV);
    if (f == 0) return false;
    fd_name_ready(f); base = slot_ptr(f + F_NAME); bl = slot_len(f + F_NAME);
  } else if (cwd != 0) { base = slot_ptr(cwd); bl = slot_len(cwd); }
  const out = scratch(bl + 2 + nl);
  store<u8>(out, 47);
  memory.copy(out + 1, base, <usize>bl);
  store<u8>(out + 1 + <usize>bl, 47);
  memory.copy(out + 2 + <usize>bl, np, <usize>nl);
  return set_str(out, normalize_path(out, bl + 2 + nl));
}

/** fd.nameraw of an fd entry: the path as the process passed it, else the fd name. */
export function s_fd_raw(e: usize): bool {
  if (e == 0) return false;
  const n = slot_len(e + F_RAW);
  if (n > 0) return set_str(slot_ptr(e + F_RAW), n);
  fd_name_ready(e);
  return set_str(slot_ptr(e + F_NAME), slot_len(e + F_NAME));
}
