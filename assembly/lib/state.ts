// State tables the filter reads beyond the record: threads (by tid, with the parent link through
// ppid), fds (by pid and fd number), users (by uid) and containers (by short id). The module keeps
// threads and fds current from the records themselves; the host seeds them (/proc scan, capture
// process lists) and adds names and container metadata through the exported calls in rules.ts.
import { THREADS, THREAD_SLOTS, THREAD_SIZE, FDS, FD_SLOTS, FD_SIZE, USERS, USER_SLOTS, USER_SIZE, CTRS, CTR_SLOTS, CTR_SIZE, THREAD_KEYS, FD_KEYS, USER_KEYS, THREAD_IDX, FD_IDX, USER_IDX, POOLS, PROCS, PROC_SLOTS, PROC_SIZE, PROC_KEYS, PROC_IDX, FD_LIST, FD_LINKS, slot_set } from './mem';

// ---- thread entry layout ----
export const T_TID: usize = 0, T_PID: usize = 4, T_PPID: usize = 8, T_UID: usize = 12, T_LOGINUID: usize = 16;
export const T_TTY: usize = 20, T_EXEFLAGS: usize = 24, T_STATE: usize = 28;
export const T_COMM: usize = 32;     // cap 16
export const T_EXE: usize = 56;      // cap 256
export const T_EXEPATH: usize = 320; // cap 256
export const T_ARGS: usize = 584;    // cap 512, arguments joined by single spaces
export const T_CWD: usize = 1104;    // cap 256
export const T_CID: usize = 1368;    // cap 16
export const T_CAP_PERM: usize = 1392, T_CAP_EFF: usize = 1400, T_CAP_INH: usize = 1408;
export const T_START: usize = 1416;  // u64 start time (record ts of the clone, or of the exec that first showed it)
export const T_VPID: usize = 1424;   // u32 pid in its own pid namespace
export const T_HAVE: usize = 1428;   // u32 which optional facts are known: TH_CAPS, TH_VPID, TH_START
export const T_ENV: usize = 1432;    // cap 1024, NUL-separated as the record carries it
export const TH_CAPS: u32 = 1, TH_VPID: u32 = 2, TH_START: u32 = 4;

// ---- fd entry layout ----
export const F_KEY: usize = 0, F_STATE: usize = 8, F_TYPE: usize = 12, F_L4: usize = 13, F_FLAGS: usize = 16;
export const F_SPORT: usize = 20, F_DPORT: usize = 22, F_SIP: usize = 24, F_DIP: usize = 28;
export const F_NAME: usize = 32;     // cap 256
export const F_NAME_PENDING: usize = 290; // u8 1: an IPv4 tuple whose name is rendered when first asked for (fdname.ts)
export const F_HAS: usize = 291;     // u8: which of flags, dev, ino the opening record carried (FH_*)
export const F_DEV: usize = 292;     // u32 device of an opened file
export const F_INO: usize = 296;     // u64 inode of an opened file
export const FH_FLAGS: u8 = 1, FH_DEV: u8 = 2, FH_INO: u8 = 4;
export const F_RAW: usize = 304;     // cap 256: the path as the process passed it (fd.nameraw); empty when it is the name
export const FD_SIZE_COPY: usize = 568 - 12;   // what a dup or a fork copies: all but the key, state and chain
// Each process's fds are chained (entry index + 1, 0 = none) from its process entry, so a fork can
// copy them, an exec drop the close-on-exec ones and an exit free them without a table scan. The
// links live in a dense array beside the table (L_* per entry), not in the entries: linking touches
// the previous head's links, which are then a few bytes in a small array rather than a cold entry.
const L_NEXT: usize = 0, L_PREV: usize = 4, L_PROC: usize = 8;
const P_PID: usize = 0, P_STATE: usize = 4, P_HEAD: usize = 8;

// fd type codes, as fd.typechar prints them
export const FT_FILE: u8 = 102, FT_DIR: u8 = 100, FT_IPV4: u8 = 52, FT_IPV6: u8 = 54, FT_UNIX: u8 = 117;
export const FT_PIPE: u8 = 112, FT_EVENT: u8 = 101, FT_MEMFD: u8 = 109, FT_NETLINK: u8 = 110, FT_OTHER: u8 = 111;
export const L4_NONE: u8 = 0, L4_TCP: u8 = 1, L4_UDP: u8 = 2, L4_ICMP: u8 = 3, L4_RAW: u8 = 4;

// ---- user and container entries ----
export const U_UID: usize = 0, U_STATE: usize = 4, U_NAME: usize = 8;          // name cap 126
export const C_STATE: usize = 0, C_PRIV: usize = 4, C_ID: usize = 8;           // id cap 16
export const C_NAME: usize = 32, C_REPO: usize = 192, C_IMAGE: usize = 456, C_NS: usize = 720, C_POD: usize = 880; // caps 128,256,256,128,128
export const C_TYPE: usize = 1040;   // cap 32

const EMPTY: u32 = 0, USED: u32 = 1;

@inline function mix(x: u64): u32 { return <u32>((x * 0x9E3779B97F4A7C15) >> 32); }

/** Zeroes the fixed part of an entry and empties its string slots, not the whole slot bytes. */
function clear_entry(e: usize, size: usize): void {
  if (size == THREAD_SIZE) {
    memory.fill(e, 0, 32);
    store<u16>(e + T_COMM, 0); store<u16>(e + T_EXE, 0); store<u16>(e + T_EXEPATH, 0); store<u16>(e + T_ARGS, 0);
    store<u16>(e + T_CWD, 0); store<u16>(e + T_CID, 0); store<u64>(e + T_CAP_PERM, 0); store<u64>(e + T_CAP_EFF, 0);
    store<u64>(e + T_CAP_INH, 0); store<u64>(e + T_START, 0); store<u32>(e + T_VPID, 0); store<u32>(e + T_HAVE, 0); store<u16>(e + T_ENV, 0);
  } else if (size == FD_SIZE) {
    memory.fill(e, 0, F_TYPE); fd_clear(e);
  } else memory.fill(e, 0, size);
}

/** Empties an fd entry's fields (type, flags, addresses, name, raw name), not its key and state. */
@inline function fd_clear(f: usize): void {
  memory.fill(f + F_TYPE, 0, F_NAME + 2 - F_TYPE); store<u8>(f + F_NAME_PENDING, 0); store<u8>(f + F_HAS, 0); store<u16>(f + F_RAW, 0);
}

/** Longest probe run; a full neighbourhood evicts its home entry instead of scanning the table. */
const MAX_PROBE: u32 = 32;
// Dense key arrays, one u64 per slot: 0 empty, else the key + 2 (deletion leaves no tombstone). Probing scans
// these (8 bytes a slot) instead of the entries (kilobytes apart), so a miss costs a few cache lines.
const K_EMPTY: u64 = 0;

// A slot holds a key and the index of its entry; entries are handed out from the front of the
// table (freed ones first), not at the slot the key hashes to. Hashed placement spread a few
// thousand 2.4 KB thread entries over the whole 20 MB table, touching most of its pages; handed
// out from the front, resident memory follows the entries in use. Entries never move while they
// live, and a deletion's backward shift moves 12 bytes per slot rather than whole entries.
@inline function pool_take(pool: usize, base: usize, size: usize, keyOff: usize): u32 {
  const head = load<u32>(pool);
  if (head != 0) { store<u32>(pool, load<u32>(base + <usize>(head - 1) * size + keyOff)); return head - 1; }
  const n = load<u32>(pool + 4);
  store<u32>(pool + 4, n + 1);
  return n;
}
@inline function pool_give(pool: usize, base: usize, size: usize, keyOff: usize, stateOff: usize, idx: u32): void {
  const e = base + <usize>idx * size;
  store<u32>(e + stateOff, EMPTY);
  store<u32>(e + keyOff, load<u32>(pool)); // the free list runs through the freed entries' key fields
  store<u32>(pool, idx + 1);
}

// What the last probe with `create` did: made a new entry, and whether that took over (evicted) a
// live one, whose key it reports.
let PROBE_NEW = false, PROBE_EVICTED = false;
let PROBE_OLD_KEY: u64 = 0;

/**
 * Open-addressing probe for `key`; returns the entry or, when `create`, a fresh one. Probes are
 * bounded so a table filled by leaked entries (exits the host never saw) costs no more than
 * MAX_PROBE compares; inserting into a full neighbourhood evicts its home entry (and reuses it).
 * A table has as many entries as slots, so the pool never runs dry while a slot is free.
 */
function probe(keys: usize, idxs: usize, pool: usize, base: usize, slots: u32, size: usize, keyOff: usize, stateOff: usize, key: u64, wide: bool, create: bool): usize {
  const mask = slots - 1;
  const want = key + 2;
  const home = mix(key) & mask;
  let i = home;
  let free: i32 = -1;
  for (let n: u32 = 0; n < MAX_PROBE; n++) {
    const k = load<u64>(keys + (<usize>i << 3));
    if (k == want) { PROBE_NEW = false; return base + <usize>load<u32>(idxs + (<usize>i << 2)) * size; }
    if (k == K_EMPTY) { free = <i32>i; break; }
    i = (i + 1) & mask;
  }
  if (!create) return 0;
  let slot: u32, idx: u32;
  PROBE_NEW = true;
  if (free >= 0) { slot = <u32>free; idx = pool_take(pool, base, size, keyOff); store<u32>(idxs + (<usize>slot << 2), idx); PROBE_EVICTED = false; }
  else { slot = home; idx = load<u32>(idxs + (<usize>slot << 2)); PROBE_EVICTED = true; PROBE_OLD_KEY = load<u64>(keys + (<usize>slot << 3)) - 2; }
  const at = base + <usize>idx * size;
  clear_entry(at, size);
  store<u64>(keys + (<usize>slot << 3), want);
  if (wide) store<u64>(at + keyOff, key); else store<u32>(at + keyOff, <u32>key);
  store<u32>(at + stateOff, USED);
  return at;
}

/**
 * Deletes `key`: its entry goes back to the pool and the later slots of its run shift back into
 * the hole (linear probing's backward-shift deletion), so no tombstone is left and a long-running
 * table keeps the empty slots that end a lookup early. A key sits at most MAX_PROBE - 1 slots past
 * its home, so only the next MAX_PROBE - 1 slots after the hole can move into it.
 */
function unlink(keys: usize, idxs: usize, pool: usize, base: usize, slots: u32, size: usize, keyOff: usize, stateOff: usize, key: u64): usize {
  const mask = slots - 1;
  const want = key + 2;
  let hole = mix(key) & mask;
  let n: u32 = 0;
  while (load<u64>(keys + (<usize>hole << 3)) != want) {
    if (++n >= MAX_PROBE || load<u64>(keys + (<usize>hole << 3)) == K_EMPTY) return 0;
    hole = (hole + 1) & mask;
  }
  const idx = load<u32>(idxs + (<usize>hole << 2));
  pool_give(pool, base, size, keyOff, stateOff, idx);
  let j = hole;
  while (true) {
    j = (j + 1) & mask;
    if (((j - hole) & mask) >= MAX_PROBE) break;
    const k = load<u64>(keys + (<usize>j << 3));
    if (k == K_EMPTY) break;
    // movable when its home is not after the hole: its distance to j covers the hole's
    if (((j - (mix(k - 2) & mask)) & mask) < ((j - hole) & mask)) continue;
    store<u64>(keys + (<usize>hole << 3), k);
    store<u32>(idxs + (<usize>hole << 2), load<u32>(idxs + (<usize>j << 2)));
    hole = j;
  }
  store<u64>(keys + (<usize>hole << 3), K_EMPTY);
  // the freed entry (its key and state fields now hold the free list; the rest is as it was)
  return base + <usize>idx * size;
}

export function thread_get(tid: u32): usize { return tid == 0 ? 0 : probe(THREAD_KEYS, THREAD_IDX, POOLS, THREADS, THREAD_SLOTS, THREAD_SIZE, T_TID, T_STATE, <u64>tid, false, false); }
export function thread_put(tid: u32): usize { return probe(THREAD_KEYS, THREAD_IDX, POOLS, THREADS, THREAD_SLOTS, THREAD_SIZE, T_TID, T_STATE, <u64>tid, false, true); }
export function thread_del(tid: u32): void { if (tid != 0) unlink(THREAD_KEYS, THREAD_IDX, POOLS, THREADS, THREAD_SLOTS, THREAD_SIZE, T_TID, T_STATE, <u64>tid); }

/** The n-th ancestor of thread entry `e` (1 = parent); follows ppid to the parent's group leader. */
export function thread_ancestor(e: usize, n: i32): usize {
  for (let k = 0; k < n && e != 0; k++) e = thread_get(load<u32>(e + T_PPID));
  return e;
}

@inline function fdkey(pid: u32, fd: i64): u64 { return (<u64>pid << 32) | (<u64>fd & 0xffffffff); }
export function fd_get(pid: u32, fd: i64): usize { return fd < 0 ? 0 : probe(FD_KEYS, FD_IDX, POOLS + 8, FDS, FD_SLOTS, FD_SIZE, F_KEY, F_STATE, fdkey(pid, fd), true, false); }
/** Whether the last fd_put made its entry (rather than finding it). */
let FD_FRESH = false;
export function fd_put(pid: u32, fd: i64): usize {
  if (fd < 0) return 0;
  const f = probe(FD_KEYS, FD_IDX, POOLS + 8, FDS, FD_SLOTS, FD_SIZE, F_KEY, F_STATE, fdkey(pid, fd), true, true);
  FD_FRESH = f != 0 && PROBE_NEW;
  if (FD_FRESH) {
    if (PROBE_EVICTED) chain_unlink(f, <u32>(PROBE_OLD_KEY >> 32));
    chain_link(f, pid);
  }
  return f;
}
/** fd_put for a descriptor the event creates anew (open, socket, accept): nothing of an earlier one with its number is kept. */
export function fd_new(pid: u32, fd: i64): usize {
  const f = fd_put(pid, fd);
  if (f != 0 && !FD_FRESH) fd_clear(f);
  return f;
}

export function fd_del(pid: u32, fd: i64): void {
  if (fd < 0) return;
  const f = unlink(FD_KEYS, FD_IDX, POOLS + 8, FDS, FD_SLOTS, FD_SIZE, F_KEY, F_STATE, fdkey(pid, fd));
  if (f != 0) chain_unlink(f, pid);
}

// Records come in runs from one process: its process entry is kept from the last lookup (checked, since entries are reused).
let LAST_PROC: usize = 0;
@inline function proc_live(p: usize, pid: u32): bool { return p != 0 && load<u32>(p + P_PID) == pid && load<u32>(p + P_STATE) == USED; }
function proc_get(pid: u32): usize {
  if (proc_live(LAST_PROC, pid)) return LAST_PROC;
  const p = probe(PROC_KEYS, PROC_IDX, POOLS + 24, PROCS, PROC_SLOTS, PROC_SIZE, P_PID, P_STATE, <u64>pid, false, false);
  if (p != 0) LAST_PROC = p;
  return p;
}
/** The process entry of links l, from the stored index when that still holds the process. */
@inline function proc_of(l: usize, pid: u32): usize {
  const i = load<u32>(l + L_PROC);
  const p = i == 0 ? 0 : PROCS + <usize>(i - 1) * PROC_SIZE;
  return proc_live(p, pid) ? p : proc_get(pid);
}
@inline export function fd_at(i1: u32): usize { return FDS + <usize>(i1 - 1) * FD_SIZE; }
/** Whether entry f holds a descriptor (its number is the key's low half, its pid the high half). */
@inline export function fd_used(f: usize): bool { return load<u32>(f + F_STATE) == USED; }
/** How many fd entries were ever handed out (entries 1..n may be in use). */
@inline export function fd_handed(): u32 { return load<u32>(POOLS + 12); }
@inline function fd_index1(f: usize): u32 { return <u32>((f - FDS) / FD_SIZE) + 1; }
/** The links of the entry with index + 1 `i1`. */
@inline function lk(i1: u32): usize { return FD_LINKS + (<usize>(i1 - 1) << 4); }

/** Puts fd entry f at the head of its process's chain (an entry whose process entry cannot be made stays unchained). */
function chain_link(f: usize, pid: u32): void {
  let p = proc_get(pid), head: u32 = 0;
  if (p != 0) head = load<u32>(p + P_HEAD);
  else {
    p = probe(PROC_KEYS, PROC_IDX, POOLS + 24, PROCS, PROC_SLOTS, PROC_SIZE, P_PID, P_STATE, <u64>pid, false, true);
    // (a process entry that took over another's leaves that one's chain unreachable but consistent)
    LAST_PROC = p;
  }
  const me = fd_index1(f), l = lk(me);
  store<u32>(l + L_PREV, 0);
  if (p == 0) { store<u32>(l + L_NEXT, 0); store<u32>(l + L_PROC, 0); return; }
  store<u32>(l + L_PROC, <u32>((p - PROCS) / PROC_SIZE) + 1);
  store<u32>(l + L_NEXT, head);
  if (head != 0) store<u32>(lk(head) + L_PREV, me);
  store<u32>(p + P_HEAD, me);
}

function chain_unlink(f: usize, pid: u32): void {
  const me = fd_index1(f), l = lk(me);
  const prev = load<u32>(l + L_PREV), next = load<u32>(l + L_NEXT);
  if (next != 0) store<u32>(lk(next) + L_PREV, prev);
  if (prev != 0) { store<u32>(lk(prev) + L_NEXT, next); return; }
  const p = proc_of(l, pid);
  if (p == 0 || load<u32>(p + P_HEAD) != me) return;
  if (next != 0) store<u32>(p + P_HEAD, next);
  else unlink(PROC_KEYS, PROC_IDX, POOLS + 24, PROCS, PROC_SLOTS, PROC_SIZE, P_PID, P_STATE, <u64>pid);
}

/** The fd entries of process `pid` into FD_LIST (changing the table while walking a chain could reorder it); returns how many. */
export function fd_list(pid: u32): i32 {
  const p = proc_get(pid);
  let n = 0;
  if (p == 0) return 0;
  for (let i = load<u32>(p + P_HEAD); i != 0 && n < <i32>FD_SLOTS; i = load<u32>(lk(i) + L_NEXT)) {
    store<u32>(FD_LIST + (<usize>n << 2), i);
    n++;
  }
  return n;
}

/** A fork: the child process starts with a copy of the parent's fds (replacing any it had). */
export function fds_fork(parent: u32, child: u32): void {
  if (parent == child) return;
  fds_drop(child, 0);
  const n = fd_list(parent);
  for (let k = 0; k < n; k++) {
    const src = fd_at(load<u32>(FD_LIST + (<usize>k << 2)));
    const key = load<u64>(src + F_KEY);
    const dst = fd_put(child, <i64>(key & 0xffffffff));
    // the put may have evicted the source; copy only from an entry that still holds it
    if (dst != 0 && dst != src && load<u64>(src + F_KEY) == key && load<u32>(src + F_STATE) == USED) memory.copy(dst + 12, src + 12, FD_SIZE_COPY);
  }
}

/** Drops process `pid`'s fds whose open flags have any of `mask` (0: all of them). */
export function fds_drop(pid: u32, mask: u32): void {
  const n = fd_list(pid);
  for (let k = 0; k < n; k++) {
    const f = fd_at(load<u32>(FD_LIST + (<usize>k << 2)));
    if (mask == 0 || (load<u32>(f + F_FLAGS) & mask) != 0) fd_del(pid, <i64>(load<u64>(f + F_KEY) & 0xffffffff));
  }
}

export function user_get(uid: u32): usize { return probe(USER_KEYS, USER_IDX, POOLS + 16, USERS, USER_SLOTS, USER_SIZE, U_UID, U_STATE, <u64>uid + 1, false, false); }
export function user_put(uid: u32): usize { return probe(USER_KEYS, USER_IDX, POOLS + 16, USERS, USER_SLOTS, USER_SIZE, U_UID, U_STATE, <u64>uid + 1, false, true); }

/** Containers are keyed by the hash of their short id; the id itself is kept and compared. */
export function ctr_find(id: usize, len: i32, create: bool): usize {
  let h: u64 = 1469598103934665603;
  for (let i = 0; i < len; i++) { h ^= <u64>load<u8>(id + <usize>i); h *= 1099511628211; }
  const mask = CTR_SLOTS - 1;
  let i = mix(h) & mask;
  for (let n: u32 = 0; n < CTR_SLOTS; n++) {
    const e = CTRS + <usize>i * CTR_SIZE;
    const st = load<u32>(e + C_STATE);
    if (st == EMPTY) {
      if (!create) return 0;
      memory.fill(e, 0, CTR_SIZE);
      store<u32>(e + C_STATE, USED);
      slot_set(e + C_ID, 16, id, len);
      return e;
    }
    if (<i32>load<u16>(e + C_ID) == len && memory.compare(e + C_ID + 2, id, <usize>len) == 0) return e;
    i = (i + 1) & mask;
  }
  return 0;
}
