// Writes a .vcap file: the header, then whole records as the source hands them over. Used by
// `vigil capture -w FILE`: one copy per chunk (the device reader reuses its slots), none per record.
import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname, machine, release } from 'node:os';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { RecordError } from '../../decode/record.js';
import { HDR, HDR_SIZE, RECORD_ALIGN, RECORD_VERSION } from '../../decode/schema.gen.js';
import { encodeHeader, type HostInfo } from './format.js';

export interface VcapWriterOptions {
  /** gzip the file; default: when the name ends in .gz. */
  gzip?: boolean;
  /** Epoch ns of the start; default now. */
  startNs?: bigint;
  /** Added to records' boot-time stamps for epoch time on replay (0 when they already are epoch ns). */
  bootToEpochNs?: bigint;
  /** Merged over the host's own name, kernel release and machine. */
  host?: HostInfo;
}

export class VcapWriter {
  records = 0;
  /** Record bytes written (before compression). */
  bytes = 0;
  private readonly out: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private failure: Error | undefined;

  private constructor(readonly path: string, opts: VcapWriterOptions) {
    this.out = createWriteStream(path, { flags: 'w' });
    const gz = opts.gzip ?? /\.gz$/i.test(path);
    this.sink = gz ? createGzip() : this.out;
    if (gz) this.sink.pipe(this.out);
    const fail = (e: Error) => { this.failure ??= e; };
    this.out.on('error', fail);
    this.sink.on('error', fail);
    this.sink.write(encodeHeader({
      startNs: opts.startNs ?? BigInt(Date.now()) * 1_000_000n,
      bootToEpochNs: opts.bootToEpochNs ?? 0n,
      host: { hostname: hostname(), kernel: release(), machine: machine(), writer: 'vigil', ...opts.host },
    }));
  }

  /** Creates the file (an unwritable path fails here, with the system's reason). */
  static async open(path: string, opts: VcapWriterOptions = {}): Promise<VcapWriter> {
    const w = new VcapWriter(path, opts);
    await Promise.race([once(w.out, 'open'), once(w.out, 'error').then(([e]) => { throw e; })]);
    return w;
  }

  /**
   * Appends the whole records at the start of `buf` and returns the bytes taken: a trailing
   * partial record is left for the caller's next chunk, as with Detector.feed().
   */
  write(buf: Uint8Array): number {
    if (this.failure) throw this.failure;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0, n = 0;
    while (off + HDR_SIZE <= buf.length) {
      const len = v.getUint32(off + HDR.len, true);
      // what the reader would refuse is refused here, before it is in a file
      if (v.getUint16(off + HDR.version, true) !== RECORD_VERSION) throw new RecordError(off, `unknown record version ${v.getUint16(off + HDR.version, true)}`);
      if (len < HDR_SIZE || len % RECORD_ALIGN !== 0) throw new RecordError(off, `impossible length ${len}`);
      if (off + len > buf.length) break;
      off += len; n++;
    }
    if (off === 0) return 0;
    this.sink.write(buf.slice(0, off));
    this.records += n;
    this.bytes += off;
    return off;
  }

  /** True when the file is behind: await drain() before writing more. */
  get backlogged(): boolean { return this.sink.writableNeedDrain; }
  async drain(): Promise<void> { if (this.sink.writableNeedDrain) await once(this.sink, 'drain'); }

  /** Flushes (and ends the gzip stream) and closes the file. */
  async close(): Promise<void> {
    const closed = once(this.out, 'close');
    this.sink.end();
    await closed;
    if (this.failure) throw this.failure;
  }
}
