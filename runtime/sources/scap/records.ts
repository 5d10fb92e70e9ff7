// A scap capture as Vigil's binary records, for a Detector: each evaluated event (exit with its
// enter's parameters) is encoded with Vigil's record format; the capture's metadata (process, fd and
// user lists, containers) reaches the detector's state as seeds, in stream order, so every record
// meets the state it would have met in the capture. Events Vigil's schema lacks have no record
// form and are counted, not sent.
import type { StateSeeds } from '../../filter/seed.js';
import { encodeRecord, type DecodedRecord } from '../../decode/record.js';
import { ScapReplay, type ReplayOptions } from './replay.js';

export interface RecordSink {
  readonly seeds: StateSeeds;
  /** Whole records, back to back; the buffer is reused after the call returns. */
  feed(buf: Uint8Array): void;
  /** Asked after each feed: a promise holds the replay until it settles (outputs catching up). */
  ready?(): Promise<void> | undefined;
}

export interface RecordReplayStats { events: number; records: number; outsideSchema: number }

/** One record's bytes from a decoded (converted) record. */
export function encodeDecoded(r: DecodedRecord): Uint8Array {
  const h = r.header;
  return encodeRecord({
    type: h.type, ts: h.ts, tid: h.tid, pid: h.pid, ppid: h.ppid, uid: h.uid, gid: h.gid, euid: h.euid, loginuid: h.loginuid,
    tty: h.tty, cgroupId: h.cgroupId, drops: h.drops, cpu: h.cpu, comm: h.comm, containerId: h.containerId,
  }, r.params, h.dir);
}

export class ScapRecords {
  readonly stats: RecordReplayStats = { events: 0, records: 0, outsideSchema: 0 };
  readonly replay: ScapReplay;
  private buf: Uint8Array;
  private n = 0;
  private fed = false;

  constructor(private readonly sink: RecordSink, opts: Omit<ReplayOptions, 'seeds'> & { chunk?: number } = {}) {
    this.buf = new Uint8Array(opts.chunk ?? 1 << 20);
    const s = sink.seeds;
    const flushing = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => { this.flush(); f(...a); };
    this.replay = new ScapReplay({
      ...opts,
      seeds: {
        thread: flushing(s.thread), fd: flushing(s.fd), user: flushing(s.user), group: flushing(s.group),
        container: flushing(s.container), hostname: flushing(s.hostname),
      },
    });
  }

  /** Sends what is buffered to the sink. */
  flush(): void {
    if (this.n === 0) return;
    const n = this.n;
    this.n = 0;
    this.sink.feed(this.buf.subarray(0, n));
    this.fed = true;
  }

  private push(rec: Uint8Array): void {
    if (this.n + rec.length > this.buf.length) {
      this.flush();
      if (rec.length > this.buf.length) this.buf = new Uint8Array(rec.length);
    }
    this.buf.set(rec, this.n);
    this.n += rec.length;
  }

  /** Replays a capture file or byte stream; `each` runs once per event (metrics, a stop check). */
  async run(src: string | AsyncIterable<Uint8Array>, each?: () => boolean | void): Promise<void> {
    try {
      for await (const re of this.replay.fromStream(src)) {
        this.stats.events++;
        if (this.fed) {
          this.fed = false;
          const room = this.sink.ready?.();
          if (room) await room;
        }
        if (each?.() === false) break;
        if (re.record.header.type === 0) { this.stats.outsideSchema++; continue; }
        this.push(encodeDecoded(re.record));
        this.stats.records++;
      }
    } finally {
      // a damaged capture still delivers every event before the damage
      this.flush();
    }
  }

  /** The same for a capture held in memory. */
  runBuffer(buf: Uint8Array): void {
    for (const re of this.replay.fromBuffer(buf)) {
      this.stats.events++;
      if (re.record.header.type === 0) { this.stats.outsideSchema++; continue; }
      this.push(encodeDecoded(re.record));
      this.stats.records++;
    }
    this.flush();
  }
}
