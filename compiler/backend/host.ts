// The JS side of a compiled filter module: copies records into its batch area, runs one filter
// call per batch and reads the matches back. The runtime and the benchmarks both use it.
export interface FilterExports {
  memory: WebAssembly.Memory;
  /** flags: 1 rule_matching first, 2 pause after each record with matches (or one the host reads: fchdir). */
  filter(off: number, len: number, firstIndex: number, flags: number): number;
  paused(): number; resume(): void; pause_on(ty: number, on: number): void; keep_devino(on: number): void;
  fd_snap(pid: number, fd: number): number;
  fd_load(pid: number, fd: number): number;
  proc_fds(pid: number): number;
  fd_all(from: number): number; fd_all_next(): number;
  consumed(): number; consumed_records(): number; bad_record(): number;
  batch_ptr(): number; batch_cap(): number; out_ptr(): number; arg_ptr(): number; arg_cap(): number;
  thread_seed(tid: number, pid: number, ppid: number, uid: number, loginuid: number, tty: number, exeflags: number): number;
  thread_set_str(tid: number, which: number, len: number): number;
  thread_remove(tid: number): void;
  /** Optional (ABI 1 modules built before it lack it): 0 start ns, 1 vpid, 2 cap_permitted, 3 cap_effective, 4 cap_inheritable. */
  thread_set_u64?(tid: number, which: number, v: bigint): number;
  fd_seed(pid: number, fd: number, type: number, l4: number, len: number): number;
  fd_remove(pid: number, fd: number): void;
  user_seed(uid: number, len: number): number;
  container_set(idLen: number, which: number, len: number): number;
}

export interface Match { index: number; rule: number }

export interface RunOptions {
  first?: boolean;
  firstIndex?: number;
  /**
   * Pause mode: called after the matches of each record that matched (and of each fchdir), with
   * that record's index, while the module's tables are as that record left them (fdSnap reads them).
   */
  onPause?: (index: number) => void;
}

/** An fd as the module holds it (fd_snap): fd.typechar code, addresses as the records carry them. */
export interface FdSnap {
  typechar: number; l4: number; server: boolean; connected: boolean;
  flags?: number; sport: number; dport: number;
  /** IPv4 addresses, network byte order as in the record. */
  sip: Uint8Array; dip: Uint8Array;
  dev?: number; ino?: number; name: string; raw: string;
}

export const THREAD_STR = { comm: 0, exe: 1, exepath: 2, args: 3, cwd: 4, container: 5, env: 6 } as const;
export const THREAD_U64 = { startTs: 0, vpid: 1, capPermitted: 2, capEffective: 3, capInheritable: 4 } as const;
export const CONTAINER_FIELD = { name: 0, 'image.repository': 1, image: 2, 'k8s.ns.name': 3, 'k8s.pod.name': 4, type: 5, privileged: 6 } as const;

const te = new TextEncoder();
const td = new TextDecoder();
/** fd_snap's layout at arg_ptr() (assembly/lib/abi.ts, assembly/README.md "Reading fds"). */
const SNAP = { size: 552, has: 32, name: 36, raw: 294 } as const;

export class RecordStreamError extends Error {
  constructor(readonly offset: number) { super(`bad record at offset ${offset}`); }
}

export class FilterModule {
  readonly x: FilterExports;
  private constructor(instance: WebAssembly.Instance) { this.x = instance.exports as unknown as FilterExports; }

  static async load(wasm: Uint8Array): Promise<FilterModule> {
    const mod = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(mod, {
      env: { abort: (_m: number, _f: number, line: number, col: number) => { throw new Error(`filter aborted at ${line}:${col}`); } },
    });
    return new FilterModule(instance);
  }

  private u8(): Uint8Array { return new Uint8Array(this.x.memory.buffer); }

  private putArg(...parts: string[]): number[] {
    // arg_ptr() first: on a fresh module it sizes the memory, which detaches an earlier view
    let at = this.x.arg_ptr();
    const mem = this.u8();
    const lens: number[] = [];
    for (const s of parts) { const b = te.encode(s); mem.set(b, at); at += b.length; lens.push(b.length); }
    return lens;
  }

  seedThread(t: {
    tid: number; pid: number; ppid: number; uid?: number; loginuid?: number; tty?: number; exeflags?: number; comm?: string; exe?: string; exepath?: string;
    args?: string[]; cwd?: string; containerId?: string;
    /** Environment (proc.env); start time in ns on the records' clock (proc.duration); pid in its namespace; capability sets (thread.cap_*). */
    env?: string[]; startTs?: number | bigint; vpid?: number; capPermitted?: bigint; capEffective?: bigint; capInheritable?: bigint;
  }): void {
    if (!this.x.thread_seed(t.tid, t.pid, t.ppid, t.uid ?? 0, t.loginuid ?? 0xffffffff, t.tty ?? 0, t.exeflags ?? 0)) throw new Error('thread table full');
    const strs: Array<[number, string | undefined]> = [[0, t.comm], [1, t.exe], [2, t.exepath], [3, t.args?.join('\0')], [4, t.cwd], [5, t.containerId], [6, t.env?.join('\0')]];
    for (const [w, s] of strs) if (s !== undefined) { const [n] = this.putArg(s); this.x.thread_set_str(t.tid, w, n); }
    const nums: Array<[number, number | bigint | undefined]> = [[0, t.startTs], [1, t.vpid], [2, t.capPermitted], [3, t.capEffective], [4, t.capInheritable]];
    for (const [w, v] of nums) if (v !== undefined) {
      if (!this.x.thread_set_u64) throw new Error('this filter module cannot take thread facts (built before thread_set_u64)');
      this.x.thread_set_u64(t.tid, w, BigInt(v));
    }
  }

  seedFd(pid: number, fd: number, typechar: string, name: string, l4 = 0): void {
    const [n] = this.putArg(name);
    if (!this.x.fd_seed(pid, fd, typechar.charCodeAt(0), l4, n)) throw new Error('fd table full');
  }

  seedUser(uid: number, name: string): void { const [n] = this.putArg(name); this.x.user_seed(uid, n); }

  setContainer(id: string, field: keyof typeof CONTAINER_FIELD, value: string | boolean): void {
    const v = typeof value === 'boolean' ? (value ? 'y' : '') : value;
    const [idLen, n] = this.putArg(id, v);
    if (!this.x.container_set(idLen, CONTAINER_FIELD[field], n)) throw new Error('container table full');
  }

  /**
   * Filters a buffer of whole records, in as many calls as the batch area and output area need.
   * `onMatch` gets each match (index counts records from `firstIndex`).
   */
  run(buf: Uint8Array, onMatch: (index: number, rule: number) => void, opts: RunOptions = {}): number {
    const cap = this.x.batch_cap();
    const batch = this.x.batch_ptr(), out = this.x.out_ptr();
    let idx = opts.firstIndex ?? 0, total = 0;
    for (let at = 0; at < buf.length;) {
      let n = Math.min(cap, buf.length - at);
      // end the chunk on a record boundary
      if (at + n < buf.length) {
        const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        let e = at;
        while (e < buf.length) { const l = v.getUint32(e + 4, true); if (l === 0 || e + l - at > cap) break; e += l; }
        n = e - at;
        if (n === 0) throw new RecordStreamError(at);
      }
      this.u8().set(buf.subarray(at, at + n), batch);
      let off = 0;
      while (off < n) {
        const k = this.x.filter(off, n - off, idx, (opts.first ? 1 : 0) | (opts.onPause ? 2 : 0));
        const bad = this.x.bad_record();
        const used = this.x.consumed();
        const mem = new Uint32Array(this.x.memory.buffer, out, k * 2);
        for (let i = 0; i < k; i++) onMatch(mem[2 * i], mem[2 * i + 1]);
        total += k;
        if (bad >= 0) throw new RecordStreamError(at + bad);
        idx += this.x.consumed_records();
        off += used;
        if (opts.onPause && this.x.paused()) {
          // the paused record is the last one consumed; its close/exit removals wait for resume()
          try { opts.onPause(idx - 1); } finally { this.x.resume(); }
        }
      }
      at += n;
    }
    return total;
  }

  /** Fd `fd` of process `pid` as the module holds it now, or undefined. */
  fdSnap(pid: number, fd: number): FdSnap | undefined {
    if (!(fd >= 0 && fd <= 0x7fffffff) || !this.x.fd_snap(pid, fd)) return undefined;
    const a = this.x.arg_ptr();
    const u8 = this.u8(), v = new DataView(u8.buffer, a, SNAP.size);
    const has = u8[a + SNAP.has];
    const str = (at: number) => td.decode(u8.subarray(a + at + 2, a + at + 2 + v.getUint16(at, true)));
    const s: FdSnap = {
      typechar: u8[a], l4: u8[a + 1], server: u8[a + 2] !== 0, connected: u8[a + 3] !== 0,
      sport: v.getUint16(8, true), dport: v.getUint16(10, true), sip: u8.slice(a + 12, a + 16), dip: u8.slice(a + 16, a + 20),
      name: str(SNAP.name), raw: str(SNAP.raw),
    };
    if (has & 1) s.flags = v.getUint32(4, true);
    if (has & 2) s.dev = v.getUint32(20, true);
    if (has & 4) s.ino = Number(v.getBigUint64(24, true));
    return s;
  }

  /** The fd numbers process `pid` holds in the module's table. */
  procFds(pid: number): number[] {
    const n = this.x.proc_fds(pid);
    return [...new Int32Array(this.x.memory.buffer, this.x.arg_ptr(), n)];
  }

  /**
   * Copies every fd of this module's table into `to` (a new module taking over after a rules
   * reload): the host does not keep the fds the module follows, so they pass module to module.
   */
  copyFdsTo(to: FilterModule): number {
    let copied = 0;
    for (let from = 1; from !== 0;) {
      const n = this.x.fd_all(from);
      const next = this.x.fd_all_next();
      const pairs = new Uint32Array(this.x.memory.buffer, this.x.arg_ptr(), n * 2).slice();
      for (let i = 0; i < n; i++) {
        const pid = pairs[2 * i], fd = pairs[2 * i + 1];
        if (!this.x.fd_snap(pid, fd)) continue;
        to.u8().set(this.u8().subarray(this.x.arg_ptr(), this.x.arg_ptr() + SNAP.size), to.x.arg_ptr());
        if (to.x.fd_load(pid, fd)) copied++;
      }
      from = next;
    }
    return copied;
  }

  memoryBytes(): number { return this.x.memory.buffer.byteLength; }
}
