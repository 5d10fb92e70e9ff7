// The device reader: a worker thread does blocking read()s of large chunks into shared slots and
// posts the index of each filled slot; the main thread hands the slot's bytes to a consumer (the
// Detector) without copying them, then gives the slot back. A consumer that leaves a partial record
// unconsumed gets it again, joined with the next chunk (the only copy, and only for such records).
import { closeSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openDevice, DeviceError } from './open.js';
import { setInterestCmd, setSnaplenCmd } from './ioctl.js';
import { FREE, lenWord, slotMemory, stateWord, STOP, type SlotMemory, type WorkerMessage } from './slots.js';
import { ROOT_URL } from '../../../compiler/root.js';

/** The device never returns a record longer than this (kmod/README.md: 64 KiB always suffices). */
export const MAX_RECORD = 64 * 1024;

export interface DeviceReaderOptions {
  path: string;
  /** Bytes per read() and per slot. */
  slotBytes?: number;
  nslots?: number;
  /** A non-blocking source (a pipe in tests): the worker idles this long on EAGAIN. */
  nonblocking?: boolean;
  /** End the stream at end of file (a regular file); a device or pipe waits for more. */
  eofEnds?: boolean;
  readOnly?: boolean;
}

/** Called with each chunk (carried bytes first); returns how many bytes it consumed. */
export type Consumer = (chunk: Uint8Array) => number;

export interface ReaderStats { chunks: number; bytes: number; carried: number }

export class DeviceReader {
  readonly stats: ReaderStats = { chunks: 0, bytes: 0, carried: 0 };
  private readonly mem: SlotMemory;
  private readonly views: Uint8Array[];
  private readonly carry: Uint8Array;
  private carryLen = 0;
  private worker?: Worker;
  private finished?: Promise<'stopped' | 'eof'>;
  private closed = false;

  private constructor(readonly path: string, readonly fd: number, private readonly opts: DeviceReaderOptions) {
    const slotBytes = opts.slotBytes ?? 1 << 20;
    if (slotBytes < MAX_RECORD) throw new DeviceError(`read chunk of ${slotBytes} bytes is below the largest record (${MAX_RECORD})`);
    this.mem = slotMemory(slotBytes, opts.nslots ?? 4);
    this.views = Array.from({ length: this.mem.nslots }, (_, i) => new Uint8Array(this.mem.data, i * slotBytes, slotBytes));
    this.carry = new Uint8Array(slotBytes + MAX_RECORD);
  }

  /** Opens the source; throws DeviceError (one line) when it cannot. */
  static open(opts: DeviceReaderOptions): DeviceReader {
    return new DeviceReader(opts.path, openDevice(opts.path, opts), opts);
  }

  /** Selects the events the kernel produces (the Detector's interest set). */
  setInterest(ids: Iterable<number>): void { this.command(setInterestCmd(ids), 'set interest'); }
  setSnaplen(bytes: number): void { this.command(setSnaplenCmd(bytes), 'set snaplen'); }

  private command(cmd: Buffer, what: string): void {
    try { writeSync(this.fd, cmd); } catch (e) {
      throw new DeviceError(`${this.path}: ${what} failed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /**
   * Starts reading. Settles with how the stream ended ('stopped' after stop(), 'eof' for a file),
   * or rejects with a read error or with what the consumer threw.
   */
  start(consume: Consumer): Promise<'stopped' | 'eof'> {
    if (this.finished) throw new Error('DeviceReader already started');
    const { ctl, data, slotBytes, nslots } = this.mem;
    const w = new Worker(new URL('runtime/sources/device/read-worker.mjs', ROOT_URL), {
      workerData: { fd: this.fd, ctl, data, slotBytes, nslots, idleMs: this.opts.nonblocking ? 5 : 0, eofEnds: !!this.opts.eofEnds },
    });
    this.worker = w;
    this.finished = new Promise((resolve, reject) => {
      let failed: Error | undefined;
      let ended: 'stopped' | 'eof' = 'stopped';
      const fail = (e: Error) => { failed ??= e; Atomics.store(ctl, STOP, 1); };
      w.on('message', (m: WorkerMessage) => {
        if (typeof m === 'number') {
          if (!failed) { try { this.deliver(m, consume); } catch (e) { fail(e as Error); } }
          Atomics.store(ctl, stateWord(m), FREE);
          Atomics.notify(ctl, stateWord(m));
        } else if ('end' in m) {
          if (!failed && m.end === 'eof' && this.carryLen) failed = new DeviceError(`${this.path}: stream ends inside a record (${this.carryLen} bytes left at byte offset ${this.stats.bytes - this.carryLen})`);
          ended = m.end;
        } else {
          failed ??= new DeviceError(`${this.path}: read failed: ${m.code ?? m.error}`, m.code);
        }
      });
      w.on('error', (e) => fail(e));
      w.on('exit', () => { this.release(); if (failed) reject(failed); else resolve(ended); });
    });
    return this.finished;
  }

  private deliver(slot: number, consume: Consumer): void {
    const n = Atomics.load(this.mem.ctl, lenWord(slot));
    const chunk = this.views[slot].subarray(0, n);
    this.stats.chunks++;
    this.stats.bytes += n;
    if (this.carryLen === 0) {
      const used = consume(chunk);
      if (used < n) this.keep(chunk.subarray(used));
      return;
    }
    // A record straddled the previous chunk: join the two and feed the joined bytes.
    if (this.carryLen + n > this.carry.length) throw new DeviceError(`${this.path}: record longer than ${MAX_RECORD} bytes at byte offset ${this.stats.bytes - n - this.carryLen}`);
    this.carry.set(chunk, this.carryLen);
    const joined = this.carry.subarray(0, this.carryLen + n);
    this.carryLen = 0;
    const used = consume(joined);
    if (used < joined.length) this.keep(joined.subarray(used));
  }

  private keep(rest: Uint8Array): void {
    if (rest.length > MAX_RECORD) throw new DeviceError(`${this.path}: record longer than ${MAX_RECORD} bytes at byte offset ${this.stats.bytes - rest.length}`);
    this.stats.carried++;
    // copyWithin when the rest is already in the carry buffer (it may overlap its own start).
    if (rest.buffer === this.carry.buffer) this.carry.copyWithin(0, rest.byteOffset, rest.byteOffset + rest.length);
    else this.carry.set(rest, 0);
    this.carryLen = rest.length;
  }

  /** Asks the worker to leave (within one blocking read: 100 ms on the device) and closes the fd. */
  async stop(): Promise<void> {
    Atomics.store(this.mem.ctl, STOP, 1);
    for (let i = 0; i < this.mem.nslots; i++) Atomics.notify(this.mem.ctl, stateWord(i));
    if (this.finished) await this.finished.catch(() => undefined);
    else this.release();
  }

  // Only once the worker is gone: closing earlier could let the fd number be reused under a read.
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
