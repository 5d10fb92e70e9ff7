// One output's delivery machinery. The caller enqueues and returns at once; a single async pump
// sends in order, retries with exponential backoff and jitter, and when the endpoint stays down
// (or the memory queue fills) moves everything to the disk spool and keeps delivering from there,
// so order holds and nothing is lost across a restart. Without a spool, a full queue or exhausted
// retries drop alerts, and every drop is counted.
import type { Alert } from '../alerts/alert.js';
import { meetsMinimum, type Priority } from '../alerts/priority.js';
import { Spool } from './spool.js';
import { PermanentError, type Sink } from './types.js';

export interface DispatcherOptions {
  name: string;
  minPriority?: Priority;
  /** Memory queue bound. */
  capacity?: number;
  /** Without a spool: give up on an alert after this many failed attempts. */
  maxRetries?: number;
  backoff?: { baseMs: number; maxMs: number };
  spool?: { dir: string; afterMs?: number; maxBytes?: number };
  onError?: (output: string, err: unknown) => void;
}

export interface DispatcherStats {
  enqueued: number; delivered: number; failures: number; dropped: number; spooled: number;
  filtered: number; depth: number; spoolDepth: number;
}

const DEDUPE_WINDOW = 8192;
/** Alerts per sendMany call: a few hundred lines make one write of tens of kilobytes. */
const MAX_BATCH = 256;

export class Dispatcher {
  readonly name: string;
  readonly stats: DispatcherStats = { enqueued: 0, delivered: 0, failures: 0, dropped: 0, spooled: 0, filtered: 0, depth: 0, spoolDepth: 0 };
  private readonly mem: Alert[] = [];
  /** Alerts bound for the spool, written (one write + fsync) once per tick, not per enqueue. */
  private spoolBuf: Alert[] = [];
  private spoolFlushScheduled = false;
  private readonly spool?: Spool;
  private spoolMode = false;
  private pumping?: Promise<void>;
  private failingSince?: number;
  private attempt = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private wake?: () => void;
  /** Resolved when the memory queue has room again (roomy()): a replay waits on it. */
  private roomWaiters: Array<() => void> = [];
  private readonly delivered = new Set<string>();
  private readonly deliveredRing: Array<string | undefined> = new Array(DEDUPE_WINDOW).fill(undefined);
  private ringAt = 0;
  private readonly o: Required<Omit<DispatcherOptions, 'spool' | 'onError' | 'minPriority'>> & DispatcherOptions;

  constructor(readonly sink: Sink, opts: DispatcherOptions) {
    this.name = opts.name;
    this.o = { capacity: 10_000, maxRetries: 5, backoff: { baseMs: 100, maxMs: 30_000 }, ...opts };
    if (opts.spool) {
      this.spool = new Spool(opts.spool.dir, opts.spool.maxBytes);
      // Whatever a previous run left undelivered goes first, before anything new.
      if (this.spool.pending > 0) { this.spoolMode = true; this.kick(); }
    }
    this.syncDepth();
  }

  enqueue(a: Alert): void {
    if (this.closed) { this.stats.dropped++; return; }
    if (this.o.minPriority && !meetsMinimum(a.priority, this.o.minPriority)) { this.stats.filtered++; return; }
    this.stats.enqueued++;
    if (this.spoolMode) this.toSpool([a]);
    else if (this.mem.length >= this.o.capacity) {
      if (this.spool) { this.spill(); this.toSpool([a]); } else this.stats.dropped++;
    } else this.mem.push(a);
    this.syncDepth();
    this.kick();
  }

  /**
   * Whether the memory queue is at most a quarter full. A source that can wait (a replayed file) waits
   * for whenRoomy() otherwise, so a slow output slows the replay instead of dropping its alerts; the
   * live device cannot wait (the kernel would drop) and enqueues regardless.
   */
  roomy(): boolean { return this.spoolMode || this.closed || this.mem.length <= this.o.capacity >> 2; }

  whenRoomy(): Promise<void> {
    if (this.roomy()) return Promise.resolve();
    return new Promise((r) => { this.roomWaiters.push(r); });
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0 || !this.roomy()) return;
    const ws = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of ws) w();
  }

  /** Resolves when everything queued is delivered, or after timeoutMs. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.backlog() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.backlog() === 0;
  }

  private backlog(): number { return this.mem.length + this.spoolBuf.length + (this.spool?.pending ?? 0); }

  /** Tries to deliver the backlog within timeoutMs, then spools (or counts as dropped) the rest. */
  async close(timeoutMs = 5000): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    this.abort.abort();
    this.wake?.();
    // A sink that ignores the abort must not hang shutdown; its alert stays queued and is spooled.
    await Promise.race([this.pumping, new Promise((r) => setTimeout(r, 1000).unref())]);
    if (this.mem.length) { if (this.spool) this.spill(); else { this.stats.dropped += this.mem.length; this.mem.length = 0; } }
    this.writeSpool();
    this.syncDepth();
    this.spool?.close();
    await this.sink.close?.();
  }

  private toSpool(alerts: Alert[]): void {
    for (const a of alerts) this.spoolBuf.push(a);
    if (!this.spoolFlushScheduled) { this.spoolFlushScheduled = true; setImmediate(() => this.writeSpool()); }
  }

  private writeSpool(): void {
    this.spoolFlushScheduled = false;
    if (!this.spoolBuf.length || !this.spool) return;
    const batch = this.spoolBuf;
    this.spoolBuf = [];
    const rejected = this.spool.append(batch);
    this.stats.spooled += batch.length - rejected;
    this.stats.dropped += rejected;
    this.syncDepth();
  }

  private spill(): void {
    this.toSpool(this.mem.splice(0));
    this.spoolMode = true;
  }

  private syncDepth(): void {
    this.stats.depth = this.mem.length;
    this.stats.spoolDepth = (this.spool?.pending ?? 0) + this.spoolBuf.length;
    this.wakeRoomWaiters();
  }

  // New alerts do not cut a backoff short: a down endpoint is not hammered faster under load.
  private kick(): void {
    if (!this.pumping && !this.closed) this.pumping = this.pump().finally(() => { this.pumping = undefined; });
  }

  private async pump(): Promise<void> {
    while (!this.closed) {
      if (this.spoolMode) this.writeSpool();
      const fromSpool = this.spoolMode;
      const item = fromSpool ? this.spool!.peek() : this.mem[0];
      if (!item) {
        if (fromSpool) { this.spoolMode = false; continue; }
        return;
      }
      if (this.spool && this.delivered.has(item.id)) { this.consume(item, fromSpool); continue; }
      // A sink that writes several alerts at once (one write for many lines) takes what the memory
      // queue holds, in order; the spool is read one record at a time.
      const batch = !fromSpool && this.sink.sendMany && this.mem.length > 1 ? this.takeBatch() : undefined;
      try {
        if (batch) await this.sink.sendMany!(batch, this.abort.signal);
        else await this.sink.send(item, this.abort.signal);
        // Only a spool hands an alert over twice (one delivered as it spilled, or before a crash
        // let the spool's ack be lost): without one, remembering ids would cost each alert for nothing.
        if (this.spool) for (const a of batch ?? [item]) this.markDelivered(a.id);
        this.stats.delivered += batch ? batch.length : 1;
        this.failingSince = undefined;
        this.attempt = 0;
        this.consumeSent(item, batch, fromSpool);
      } catch (err) {
        if (this.closed) return;
        this.stats.failures++;
        this.attempt++;
        this.o.onError?.(this.name, err);
        const n = batch ? batch.length : 1;
        if (err instanceof PermanentError) {
          this.consumeSent(item, batch, fromSpool);
          this.stats.dropped += n;
          this.attempt = 0;
          continue;
        }
        const now = Date.now();
        this.failingSince ??= now;
        if (this.spool) {
          if (!this.spoolMode && now - this.failingSince >= (this.o.spool!.afterMs ?? 10_000)) { this.spill(); this.syncDepth(); }
        } else if (this.attempt > this.o.maxRetries) {
          this.consumeSent(item, batch, false);
          this.stats.dropped += n;
          this.attempt = 0;
          continue;
        }
        await this.sleep(backoffMs(this.attempt, this.o.backoff));
      }
    }
  }

  /** The head of the memory queue up to the first alert already delivered (that one is skipped on its own). */
  private takeBatch(): Alert[] {
    const n = Math.min(this.mem.length, MAX_BATCH);
    let k = 1;
    if (!this.spool) k = n;
    else while (k < n && !this.delivered.has(this.mem[k].id)) k++;
    return this.mem.slice(0, k);
  }

  private consume(item: Alert, fromSpool: boolean): void {
    if (fromSpool) this.spool!.ack();
    else if (this.mem[0] === item) this.mem.shift();
    this.syncDepth();
  }

  /** What one send took leaves the queue; a batch only if still at its head (a spill while sending moved it to the spool). */
  private consumeSent(item: Alert, batch: Alert[] | undefined, fromSpool: boolean): void {
    if (!batch) return this.consume(item, fromSpool);
    if (this.mem[0] === batch[0]) this.mem.splice(0, batch.length);
    this.syncDepth();
  }

  private markDelivered(id: string): void {
    // The window forgets the oldest id; a ring of the ids in order says which one without making
    // an iterator over the set per alert.
    const old = this.deliveredRing[this.ringAt];
    if (old !== undefined) this.delivered.delete(old);
    this.deliveredRing[this.ringAt] = id;
    this.ringAt = (this.ringAt + 1) % DEDUPE_WINDOW;
    this.delivered.add(id);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many agents spread out. */
export function backoffMs(attempt: number, b: { baseMs: number; maxMs: number }, rnd = Math.random): number {
  const full = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
  return full / 2 + rnd() * (full / 2);
}
