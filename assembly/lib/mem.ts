// Linear-memory layout of the filter module. Every table is sized once at init(); nothing grows
// while events flow, so memory stays constant however many events pass (see assembly/README.md).

export const BATCH_CAP: usize = 4 << 20;          // records to filter, written by the host
export const OUT_CAP: i32 = 65536;                 // matches per call: (u32 event index, u32 rule id)
export const ARG_CAP: usize = 64 << 10;            // strings the host passes to the seeding calls
export const SCRATCH_CAP: usize = 65536;           // per-event derived strings (resolved paths...)

export const THREAD_SLOTS: u32 = 8192;             // power of two
export const THREAD_SIZE: usize = 2464;
export const FD_SLOTS: u32 = 16384;
export const FD_SIZE: usize = 568;
export const USER_SLOTS: u32 = 1024;
export const USER_SIZE: usize = 136;
export const CTR_SLOTS: u32 = 512;
export const CTR_SIZE: usize = 1088;
export const PROC_SLOTS: u32 = 8192;               // processes that hold fds: the head of each one's fd chain
export const PROC_SIZE: usize = 16;

export let BATCH: usize = 0;
export let OUT: usize = 0;
export let ARG: usize = 0;
export let SCRATCH: usize = 0;
export let THREADS: usize = 0;
export let FDS: usize = 0;
export let USERS: usize = 0;
export let CTRS: usize = 0;
export let THREAD_KEYS: usize = 0;
export let FD_KEYS: usize = 0;
export let USER_KEYS: usize = 0;
export let THREAD_IDX: usize = 0;
export let FD_IDX: usize = 0;
export let USER_IDX: usize = 0;
export let PROCS: usize = 0;
export let PROC_KEYS: usize = 0;
export let PROC_IDX: usize = 0;
/** Room for one process's fd entry indices while its chain is copied or pruned (state.ts). */
export let FD_LIST: usize = 0;
/** Per fd entry, 16 bytes: the next and previous entry of its process's chain and its process entry (state.ts). */
export let FD_LINKS: usize = 0;
/** Per table (thread, fd, user, process): u32 free-list head (index + 1, 0 = none), u32 entries ever handed out. */
export let POOLS: usize = 0;
let ready = false;

@inline function up(x: usize, a: usize): usize { return (x + a - 1) & ~(a - 1); }

export function mem_init(): void {
  if (ready) return;
  let at = up(__heap_base, 64);
  BATCH = at; at += BATCH_CAP;
  OUT = at; at += <usize>OUT_CAP * 8;
  ARG = at; at += ARG_CAP;
  SCRATCH = at; at += SCRATCH_CAP;
  THREADS = at; at += <usize>THREAD_SLOTS * THREAD_SIZE;
  FDS = at; at += <usize>FD_SLOTS * FD_SIZE;
  USERS = at; at += <usize>USER_SLOTS * USER_SIZE;
  CTRS = at; at += <usize>CTR_SLOTS * CTR_SIZE;
  // dense probe keys (state.ts); fresh memory is zero, which is 'empty'
  THREAD_KEYS = at; at += <usize>THREAD_SLOTS * 8;
  FD_KEYS = at; at += <usize>FD_SLOTS * 8;
  USER_KEYS = at; at += <usize>USER_SLOTS * 8;
  // slot -> entry index (state.ts): entries are handed out from the front of each table
  THREAD_IDX = at; at += <usize>THREAD_SLOTS * 4;
  FD_IDX = at; at += <usize>FD_SLOTS * 4;
  USER_IDX = at; at += <usize>USER_SLOTS * 4;
  PROCS = at; at += <usize>PROC_SLOTS * PROC_SIZE;
  PROC_KEYS = at; at += <usize>PROC_SLOTS * 8;
  PROC_IDX = at; at += <usize>PROC_SLOTS * 4;
  FD_LIST = at; at += <usize>FD_SLOTS * 4;
  FD_LINKS = at; at += <usize>FD_SLOTS * 16;
  POOLS = at; at += 4 * 8;
  const need = <i32>((up(at, 65536) >> 16) - <usize>memory.size());
  if (need > 0 && memory.grow(need) < 0) unreachable();
  ready = true;
}

/** A string slot: u16 length, then up to `cap` bytes. Longer values are truncated, as snaplen does. */
@inline export function slot_set(slot: usize, cap: i32, src: usize, len: i32): void {
  const n = len < cap ? len : cap;
  store<u16>(slot, <u16>n);
  memory.copy(slot + 2, src, <usize>n);
}
@inline export function slot_len(slot: usize): i32 { return <i32>load<u16>(slot); }
@inline export function slot_ptr(slot: usize): usize { return slot + 2; }

/**
 * Copies `n` bytes with each NUL turned into a space: argument and environment lists are
 * NUL-separated in the record and space-joined as Falco prints them. 16 bytes per step (nearly
 * every block of such a list holds a NUL), the tail by bytes.
 */
export function copy_nul_to_space(dst: usize, src: usize, n: i32): void {
  const zero = i8x16.splat(0), space = i8x16.splat(32);
  let k = 0;
  for (; k + 16 <= n; k += 16) {
    const v = v128.load(src + <usize>k);
    v128.store(dst + <usize>k, v128.bitselect(space, v, i8x16.eq(v, zero)));
  }
  for (; k < n; k++) { const c = load<u8>(src + <usize>k); store<u8>(dst + <usize>k, c == 0 ? 32 : c); }
}
