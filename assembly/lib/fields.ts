// Field extraction for the generated filter. An accessor returns whether the field has a value for
// this event and leaves it in SP/SL (strings) or IV (integers), so comparisons read it straight
// from linear memory without building strings. Derived strings go to the scratch area.
import { SCRATCH, SCRATCH_CAP, slot_len, slot_ptr } from './mem';
import { thread_get, fd_get, user_get, ctr_find, T_ARGS, T_COMM, T_CWD, T_PPID, F_NAME } from './state';
import { fd_name_ready } from './fdname';
import { param_ptr, param_len } from '../schema.gen';
import { hash_cache_reset } from './str';

export let SP: usize = 0;
export let SL: i32 = 0;
export let IV: i64 = 0;

// Per-event caches, reset by begin_event().
let REC: usize = 0;
let THR: usize = 0; let THR_DONE = false;
let CTR: usize = 0; let CTR_DONE = false;
let SCR: usize = 0;   // bump pointer into the scratch area for this event

let EPOCH: u32 = 1;  // bumped per event; a field cache entry is valid while its epoch matches
let FD_I: i32 = -1; let FD_E: usize = 0;

export function begin_event(rec: usize): void {
  hash_cache_reset(); REC = rec; ANC_N = 0; THR_DONE = false; CTR_DONE = false; SCR = 0; EPOCH++; FD_I = -1; COMM_LEN = -1; CID_LEN = -1;
}

/**
 * Per-event cache of derived string fields (resolved paths, cmdlines, rendered flags), so a value
 * that several rules test is built once. Entry i at `cache + 12*i`: ptr, len (-1 absent), epoch.
 * Returns 0 on a miss, 1 present (SP/SL set), 2 absent.
 */
export function fc_get(cache: usize, i: i32): i32 {
  const e = cache + (<usize>i) * 12;
  if (load<u32>(e + 8) != EPOCH) return 0;
  const l = load<i32>(e + 4);
  if (l < 0) return 2;
  SP = <usize>load<u32>(e); SL = l; return 1;
}
export function fc_put(cache: usize, i: i32, ok: bool): bool {
  const e = cache + (<usize>i) * 12;
  store<u32>(e, <u32>SP); store<i32>(e + 4, ok ? SL : -1); store<u32>(e + 8, EPOCH);
  return ok;
}

export function cur_thread(): usize {
  if (!THR_DONE) { THR = thread_get(load<u32>(REC + 16)); THR_DONE = true; }
  return THR;
}

/** Ancestor n of the current event's process; 1 is the parent (looked up by the header's ppid). */
export function cur_ancestor(n: i32): usize {
  if (n <= 0) return cur_thread();
  if (n > ANC_MAX) return 0;
  // the chain is looked up once per event, as far as some rule asks (proc.aname loops ask k = 1, 2, ...)
  while (ANC_N < n) {
    let next: usize = 0;
    if (ANC_N == 0) next = thread_get(load<u32>(REC + 24));
    else {
      const prev = load<usize>(ANC + (<usize>(ANC_N - 1) << 2));
      if (prev == 0) return 0;
      next = thread_get(load<u32>(prev + T_PPID));
    }
    store<usize>(ANC + (<usize>ANC_N << 2), next);
    ANC_N++;
  }
  return load<usize>(ANC + (<usize>(n - 1) << 2));
}
const ANC_MAX: i32 = 64;
const ANC: usize = memory.data(64 * 4, 4);
let ANC_N: i32 = 0;

export function cur_container(): usize {
  if (!CTR_DONE) {
    let n = 0; while (n < 16 && load<u8>(REC + 80 + <usize>n) != 0) n++;
    CTR = ctr_find(REC + 80, n, false); CTR_DONE = true;
  }
  return CTR;
}

let COMM_LEN: i32 = -1; let CID_LEN: i32 = -1;

@inline function cstr_len(p: usize): i32 { let n = 0; while (n < 16 && load<u8>(p + <usize>n) != 0) n++; return n; }

/** NUL-padded header text (comm at 64, container_id at 80); lengths are measured once per event. */
export function s_hdr(rec: usize, off: usize): bool {
  SP = rec + off;
  if (off == 64) { if (COMM_LEN < 0) COMM_LEN = cstr_len(SP); SL = COMM_LEN; }
  else if (off == 80) { if (CID_LEN < 0) CID_LEN = cstr_len(SP); SL = CID_LEN; }
  else SL = cstr_len(SP);
  return true;
}

export function s_param(rec: usize, i: i32): bool {
  if (i >= <i32>load<u8>(rec + 63)) return false;
  SP = param_ptr(rec, i); SL = param_len(rec, i); return true;
}

export function i_param(rec: usize, i: i32, size: i32, signed: bool): bool {
  if (i >= <i32>load<u8>(rec + 63)) return false;
  const n = param_len(rec, i);
  if (n != size) return false;
  const p = param_ptr(rec, i);
  if (size == 8) IV = load<i64>(p);
  else if (size == 4) IV = signed ? <i64>load<i32>(p) : <i64>load<u32>(p);
  else if (size == 2) IV = <i64>load<u16>(p);
  else IV = <i64>load<u8>(p);
  return true;
}

/** fd.name of an fd entry (a socket's tuple name is rendered on first use). */
export function s_fdname(e: usize): bool {
  if (e == 0) return false;
  fd_name_ready(e);
  SP = slot_ptr(e + F_NAME); SL = slot_len(e + F_NAME); return true;
}

export function s_slot(e: usize, off: usize): bool {
  if (e == 0) return false;
  SP = slot_ptr(e + off); SL = slot_len(e + off); return true;
}

export function i_u32(e: usize, off: usize): bool { if (e == 0) return false; IV = <i64>load<u32>(e + off); return true; }
export function i_u64(e: usize, off: usize): bool { if (e == 0) return false; IV = load<i64>(e + off); return true; }
export function i_u8(e: usize, off: usize): bool { if (e == 0) return false; IV = <i64>load<u8>(e + off); return true; }
export function i_const(v: i64): bool { IV = v; return true; }

/** For accessors in other files: leave a string or an integer as the field's value. */
export function set_str(p: usize, n: i32): bool { SP = p; SL = n; return true; }
export function set_int(v: i64): bool { IV = v; return true; }
export function scratch(n: i32): usize { return scratch_take(n); }
export function normalize_path(p: usize, n: i32): i32 { return normalize(p, n); }

@inline function scratch_take(n: i32): usize {
  // Wrapping reuses space cached values may point at: drop the caches (new epoch).
  if (SCR + <usize>n > SCRATCH_CAP) { SCR = 0; EPOCH++; hash_cache_reset(); }
  const p = SCRATCH + SCR; SCR += <usize>n; return p;
}

/** proc.cmdline: the process name, a space, then the arguments (Falco's rendering). */
export function s_cmdline(e: usize): bool {
  if (e == 0) return false;
  const nl = slot_len(e + T_COMM), al = slot_len(e + T_ARGS);
  const out = scratch_take(nl + 1 + al);
  memory.copy(out, slot_ptr(e + T_COMM), <usize>nl);
  let n = nl;
  if (al > 0) { store<u8>(out + <usize>n, 32); n++; memory.copy(out + <usize>n, slot_ptr(e + T_ARGS), <usize>al); n += al; }
  SP = out; SL = n; return true;
}

/** A path parameter resolved against the process's cwd or a dirfd, as fd.name shows it. */
export function s_path(rec: usize, i: i32, dirfd: i32, cwd: usize): bool {
  if (!s_param(rec, i)) return false;
  if (SL == 0) return true;
  if (load<u8>(SP) == 47) {
    // absolute: normalized only when it has `//`, `/.` or `/..` in it (as the runtime's state does)
    if (!has_odd(SP, SL)) return true;
    const out = scratch_take(SL);
    memory.copy(out, SP, <usize>SL);
    SL = normalize(out, SL); SP = out; return true;
  }
  let base: usize = 0; let bl = 0;
  const f = dirfd >= 0 && i_param(rec, dirfd, 8, true) && IV != -100 ? fd_get(load<u32>(rec + 20), IV) : 0;
  if (f != 0) { fd_name_ready(f); base = slot_ptr(f + F_NAME); bl = slot_len(f + F_NAME); }
  else {
    // an unknown dirfd falls back to the cwd, as the runtime's state does
    if (cwd == 0) return true;
    base = slot_ptr(cwd); bl = slot_len(cwd);
  }
  // an empty cwd leaves the path as given; a dirfd with no name is joined as "" (the runtime does so)
  if (bl == 0 && f == 0) return true;
  const np = SP, nl = SL;
  const sep: i32 = bl > 0 && load<u8>(base + <usize>(bl - 1)) == 47 ? 0 : 1;
  const out = scratch_take(bl + sep + nl);
  memory.copy(out, base, <usize>bl);
  if (sep) store<u8>(out + <usize>bl, 47);
  memory.copy(out + <usize>(bl + sep), np, <usize>nl);
  SP = out; SL = normalize(out, bl + sep + nl); return true;
}

/** Whether a path has `//` or `/.` in it: the only paths normalization changes. */
function has_odd(p: usize, n: i32): bool {
  let k = 0;
  // 16 positions at a time: a '/' whose next byte is '/' or '.' (both loads inside the path)
  if (n >= 17) {
    const slash = i8x16.splat(47), dot = i8x16.splat(46);
    for (; k + 17 <= n; k += 16) {
      const next = v128.load(p + <usize>k + 1);
      if (i8x16.bitmask(v128.and(i8x16.eq(v128.load(p + <usize>k), slash), v128.or(i8x16.eq(next, slash), i8x16.eq(next, dot)))) != 0) return true;
    }
  }
  for (; k + 1 < n; k++) { if (load<u8>(p + <usize>k) == 47) { const c = load<u8>(p + <usize>k + 1); if (c == 47 || c == 46) return true; } }
  return false;
}

/** Collapses `//`, `/./` and `/../` in place, as Falco does when it joins a relative path. */
function normalize(p: usize, n: i32): i32 {
  // as the runtime's resolvePath: a path without `//` or `/.` is kept as it is; one with them comes
  // out rooted, whatever its base was
  if (!has_odd(p, n)) return n;
  const rooted = load<u8>(p) == 47;
  let w = 0, r = 0;
  while (r < n) {
    // at the start of a segment (r points after a '/', or at 0)
    if (load<u8>(p + <usize>r) == 47) { if (w == 0 || load<u8>(p + <usize>(w - 1)) != 47) { store<u8>(p + <usize>w, 47); w++; } r++; continue; }
    let e = r; while (e < n && load<u8>(p + <usize>e) != 47) e++;
    const len = e - r;
    if (len == 1 && load<u8>(p + <usize>r) == 46) { r = e + 1; continue; }
    if (len == 2 && load<u8>(p + <usize>r) == 46 && load<u8>(p + <usize>(r + 1)) == 46) {
      // drop the previous segment, keep the root
      if (w > 1) { w--; while (w > 0 && load<u8>(p + <usize>(w - 1)) != 47) w--; }
      r = e + 1; continue;
    }
    memory.copy(p + <usize>w, p + <usize>r, <usize>len); w += len; r = e;
  }
  if (w > 1 && load<u8>(p + <usize>(w - 1)) == 47) w--;
  // never longer than n: the odd part removed at least the byte the root takes
  if (!rooted) { memory.copy(p + 1, p, <usize>w); store<u8>(p, 47); w++; }
  return w;
}

// fd type codes of path-like fds (fd.typechar): file, directory, memfd
@inline function is_path_type(c: u8): bool { return c == 102 || c == 100 || c == 109; }

/** fd.directory from the fd's name in SP/SL and its type code: a directory is its own, a file's is before the last '/'. */
export function s_dirname(ok: bool, type: u8): bool {
  if (!ok || !is_path_type(type)) return false;
  if (type == 100) return true;
  let i = SL - 1; while (i >= 0 && load<u8>(SP + <usize>i) != 47) i--;
  SL = i < 0 ? 0 : i == 0 ? 1 : i; return true;
}

/** fd.filename: after the last '/'; directories have none. */
export function s_basename(ok: bool, type: u8): bool {
  if (!ok || !is_path_type(type) || type == 100) return false;
  let i = SL - 1; while (i >= 0 && load<u8>(SP + <usize>i) != 47) i--;
  SP += <usize>(i + 1); SL -= i + 1; return true;
}

export function s_user_name(uid: u32): bool {
  const u = user_get(uid);
  if (u == 0) return false;
  SP = slot_ptr(u + 8); SL = slot_len(u + 8); return true;
}

/**
 * Flag rendering as the field table prints evt.arg.flags (`O_WRONLY|O_CREAT`). The table is
 * {u32 count, count x (u32 value, u32 off, u32 len)}: first the access-mode names (values within
 * modeMask), then the bit flags widest first. Bits no name covers print as hex; nothing as "0".
 */
export function s_flags(v: u32, table: usize, pool: usize, modeMask: u32): bool {
  const n = load<u32>(table);
  const out = scratch_take(512);
  let len = 0;
  let rest = v & ~modeMask;
  for (let k: u32 = 0; k < n; k++) {
    const e = table + 4 + <usize>(k * 12);
    const fv = load<u32>(e);
    let hit = false;
    if (modeMask != 0 && k < 3) hit = (v & modeMask) == fv;
    else if ((rest & fv) == fv) { hit = true; rest &= ~fv; }
    if (!hit) continue;
    const fl = <i32>load<u32>(e + 8);
    if (len + fl + 1 > 480) break;
    if (len > 0) { store<u8>(out + <usize>len, 124); len++; }
    memory.copy(out + <usize>len, pool + <usize>load<u32>(e + 4), <usize>fl); len += fl;
  }
  if (rest != 0) {
    if (len > 0) { store<u8>(out + <usize>len, 124); len++; }
    store<u8>(out + <usize>len, 48); store<u8>(out + <usize>len + 1, 120); len += 2;
    let digits = 0; let x = rest; while (x != 0) { digits++; x >>= 4; }
    for (let d = digits - 1; d >= 0; d--) { const h = (rest >> (<u32>d * 4)) & 15; store<u8>(out + <usize>len, <u8>(h < 10 ? 48 + h : 87 + h)); len++; }
  }
  if (len == 0) { store<u8>(out, 48); len = 1; }
  SP = out; SL = len; return true;
}

/** Whether s_flags would print entry k of `table` for v (the same walk, without the text). */
export function flag_hit(v: u32, table: usize, k: u32, modeMask: u32): bool {
  let rest = v & ~modeMask;
  for (let j: u32 = 0; j <= k; j++) {
    const fv = load<u32>(table + 4 + <usize>(j * 12));
    if (modeMask != 0 && j < 3) { if (j == k) return (v & modeMask) == fv; continue; }
    if ((rest & fv) == fv) { if (j == k) return true; rest &= ~fv; }
  }
  return false;
}

/** Enum rendering: the name whose value equals v, else the decimal number. */
export function s_enum(v: u32, table: usize, pool: usize): bool {
  const n = load<u32>(table);
  for (let k: u32 = 0; k < n; k++) {
    const e = table + 4 + <usize>(k * 12);
    if (load<u32>(e) == v) { SP = pool + <usize>load<u32>(e + 4); SL = <i32>load<u32>(e + 8); return true; }
  }
  IV = <i64>v; return s_dec(true);
}

/** A fixed string (from the literal pool or the module's own data). */
export function s_set(p: usize, n: i32): bool { SP = p; SL = n; return true; }

/** One character, for fd.typechar. */
export function s_char(c: u8): bool {
  if (c == 0) return false;
  const out = scratch_take(1); store<u8>(out, c); SP = out; SL = 1; return true;
}

/** Decimal rendering of IV, for integer parameters compared as text. */
export function s_dec(ok: bool): bool {
  if (!ok) return false;
  const out = scratch_take(24);
  let v = IV; let neg = v < 0; let u: u64 = neg ? <u64>(-v) : <u64>v;
  let n = 0;
  do { store<u8>(out + 23 - <usize>n, <u8>(48 + u % 10)); u /= 10; n++; } while (u != 0);
  if (neg) { store<u8>(out + 23 - <usize>n, 45); n++; }
  SP = out + 24 - <usize>n; SL = n; return true;
}

const FDTYPE_NAMES = memory.data<u8>([
  102,105,108,101, 100,105,114,101,99,116,111,114,121, 105,112,118,52, 105,112,118,54, 117,110,105,120,
  112,105,112,101, 101,118,101,110,116, 109,101,109,102,100, 110,101,116,108,105,110,107, 117,110,107,110,111,119,110,
]);
/** fd.type from a type code: file directory ipv4 ipv6 unix pipe event memfd netlink unknown. */
export function s_fdtype(c: u8): bool {
  let o = 0, n = 0;
  switch (c) {
    case 102: o = 0; n = 4; break; case 100: o = 4; n = 9; break; case 52: o = 13; n = 4; break;
    case 54: o = 17; n = 4; break; case 117: o = 21; n = 4; break; case 112: o = 25; n = 4; break;
    case 101: o = 29; n = 5; break; case 109: o = 34; n = 5; break; case 110: o = 39; n = 7; break;
    case 111: o = 46; n = 7; break;
    default: return false;
  }
  SP = FDTYPE_NAMES + <usize>o; SL = n; return true;
}

const L4_NAMES = memory.data<u8>([116,99,112, 117,100,112, 105,99,109,112, 114,97,119]);
export function s_l4(c: u8): bool {
  if (c == 1) { SP = L4_NAMES; SL = 3; } else if (c == 2) { SP = L4_NAMES + 3; SL = 3; }
  else if (c == 3) { SP = L4_NAMES + 6; SL = 4; } else if (c == 4) { SP = L4_NAMES + 10; SL = 3; }
  else return false;
  return true;
}

/** fd.name of an open-type event: its path parameter resolved against the cwd or dirfd. */
export function s_open_path(rec: usize, i: i32, dirfd: i32): bool {
  // track_before already resolved it for a successful open (same cwd: the thread's)
  if (OP_EPOCH == EPOCH && OP_REC == rec && OP_I == i) { SP = OP_SP; SL = OP_SL; return true; }
  const t = cur_thread();
  return s_path(rec, i, dirfd, t != 0 ? t + T_CWD : 0);
}

let OP_EPOCH: u32 = 0; let OP_REC: usize = 0; let OP_I: i32 = -1; let OP_SP: usize = 0; let OP_SL: i32 = 0;
/** s_path for track_before's open handling; the result is kept for s_open_path in the rules. */
export function s_path_keep(rec: usize, i: i32, dirfd: i32, cwd: usize): bool {
  if (!s_path(rec, i, dirfd, cwd)) return false;
  OP_EPOCH = EPOCH; OP_REC = rec; OP_I = i; OP_SP = SP; OP_SL = SL;
  return true;
}

/** The fd entry an event acts on, from its fd parameter. */
export function fd_of(rec: usize, i: i32): usize {
  if (FD_I == i) return FD_E;
  FD_I = i;
  FD_E = i_param(rec, i, 8, true) ? fd_get(load<u32>(rec + 20), IV) : 0;
  return FD_E;
}

/** The event's fd entry when it is an IPv4 socket (addresses are kept for IPv4 only). */
export function fd4_of(rec: usize, i: i32): usize {
  const e = fd_of(rec, i);
  return e != 0 && load<u8>(e + 12) == 52 ? e : 0;
}
/** fd_of for an IPv4 or IPv6 socket (ports are kept for both; addresses only for IPv4). */
export function fdin_of(rec: usize, i: i32): usize {
  const e = fd_of(rec, i);
  return e != 0 && (load<u8>(e + 12) == 52 || load<u8>(e + 12) == 54) ? e : 0;
}
/** An IPv4 address of an fd entry as a big-endian number in IV: off 24 client (sip), 28 server (dip). */
export function i_ip(e: usize, off: usize): bool { if (e == 0) return false; IV = <i64>bswap<u32>(load<u32>(e + off)); return true; }
/** A port of an fd entry: off 20 client, 22 server. */
export function i_port(e: usize, off: usize): bool { if (e == 0) return false; IV = <i64>load<u16>(e + off); return true; }
/** Local (local = true) or remote side of a socket: the server side is local when the fd was accepted. */
@inline function is_server(e: usize): bool { return load<u8>(e + 14) != 0; }
export function i_ip_side(e: usize, local: bool): bool { if (e == 0) return false; return i_ip(e, (is_server(e) == local) ? 28 : 24); }
export function i_port_side(e: usize, local: bool): bool { if (e == 0) return false; return i_port(e, (is_server(e) == local) ? 22 : 20); }

/**
 * evt.res: "SUCCESS" for a result >= 0, else the errno name from the table ({count, (value, off,
 * len)...}, as s_enum) or "E<n>". `ok` is the result parameter's accessor, leaving it in IV.
 */
export function s_res(ok: bool, success: usize, table: usize, pool: usize): bool {
  if (!ok) return false;
  if (IV >= 0) { SP = success; SL = 7; return true; }
  const n = load<u32>(table);
  const v = <u32>(-IV);
  for (let k: u32 = 0; k < n; k++) {
    const e = table + 4 + <usize>(k * 12);
    if (load<u32>(e) == v) { SP = pool + <usize>load<u32>(e + 4); SL = <i32>load<u32>(e + 8); return true; }
  }
  IV = <i64>v; s_dec(true);
  SP -= 1; store<u8>(SP, 69); SL += 1;   // "E" in front; s_dec leaves room before its digits
  return true;
}

/** Octal rendering with a leading 0 (evt.arg.mode), of IV. */
export function s_oct(ok: bool): bool {
  if (!ok) return false;
  const out = scratch_take(24);
  let u = <u64>IV; let n = 0;
  do { store<u8>(out + 23 - <usize>n, <u8>(48 + (u & 7))); u >>= 3; n++; } while (u != 0);
  store<u8>(out + 23 - <usize>n, 48); n++;
  SP = out + 24 - <usize>n; SL = n; return true;
}

const FAMILY_NAMES = memory.data<u8>([105, 112, 117, 110, 105, 120]);  // "ip" "unix"
/** fd.sockfamily from a type code: ip for IPv4/IPv6 sockets, unix for unix sockets. */
export function s_sockfamily(e: usize): bool {
  if (e == 0) return false;
  const t = load<u8>(e + 12);
  if (t == 52 || t == 54) { SP = FAMILY_NAMES; SL = 2; return true; }
  if (t == 117) { SP = FAMILY_NAMES + 2; SL = 4; return true; }
  return false;
}
