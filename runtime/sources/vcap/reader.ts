// Reads a .vcap file (plain or gzip'd, told apart by the first bytes): checks the header, then
// hands over chunks of whole records with their byte offset in the file, so any later complaint
// about a record (the Detector's RecordError) can name where it is. Each record's header is
// checked here (version, length, known type): a damaged or cut-off file is reported at the first
// bad record, after every record before it has been handed over.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, constants, gunzipSync } from 'node:zlib';
import { EVENT_SPECS, HDR, HDR_SIZE, RECORD_ALIGN, RECORD_VERSION } from '../../decode/schema.gen.js';
import { decodeHeader, hasMagic, VcapError, type VcapHeader } from './format.js';

const GZIP = [0x1f, 0x8b];

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally { closeSync(fd); }
}

const isGzip = (b: Uint8Array) => b[0] === GZIP[0] && b[1] === GZIP[1];

/** Whether `path` is a Vigil capture (false for a missing file: the caller's own open reports that). */
export function isVcapFile(path: string): boolean {
  let b: Uint8Array;
  try { b = head(path, 4096); } catch { return false; }
  if (isGzip(b)) {
    // Inflate what the first block holds; a partial stream is expected, not an error.
    try { b = gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH }); } catch { return false; }
  }
  return hasMagic(b);
}

export interface VcapStats { records: number; bytes: number }

/**
 * Called per chunk of whole records with the chunk's offset in the (decompressed) file; false stops.
 * The chunk's bytes are only valid during the call (the reader reuses its buffer). A promise holds
 * the next read until it settles (a replay waiting for its outputs).
 */
export type ChunkFn = (records: Uint8Array, offset: number) => boolean | void | Promise<boolean | void>;

export class VcapReader {
  header: VcapHeader | undefined;
  readonly stats: VcapStats = { records: 0, bytes: 0 };
  /**
   * `chunkBytes` is how much one read takes; `handBytes` caps what one onChunk call is given (a
   * record larger than it still goes whole), so a caller can act between smaller runs of records
   * without reading in small pieces.
   */
  constructor(readonly path: string, private readonly chunkBytes = 1 << 20, private readonly handBytes = Infinity) {}

  async run(onChunk: ChunkFn): Promise<VcapStats> {
    const file = this.path;
    let first: Uint8Array;
    try { first = head(file, 2); } catch (e) { throw new VcapError(file, undefined, `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    this.base = 0;
    try {
      return isGzip(first) ? await this.runGzip(onChunk) : await this.runPlain(onChunk);
    } catch (e) {
      if (e instanceof VcapError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') {
        throw new VcapError(file, undefined, `gzip data ${err.code === 'Z_BUF_ERROR' ? 'ends early (truncated file?)' : 'is damaged'} after ${this.base} decompressed bytes, ${this.stats.records} records read`);
      }
      if (err.code) throw new VcapError(file, undefined, `cannot read: ${err.code}`);
      throw e;
    }
  }

  /** File offset of the first byte not yet handed over. */
  private base = 0;

  /**
   * Hands over the whole records at the start of `buf` (the file from `base` on; the file header
   * first, once), in runs of at most handBytes, and returns how many bytes it used, or -1 when
   * onChunk asked to stop.
   */
  private async consume(buf: Uint8Array, onChunk: ChunkFn): Promise<number> {
    let used = 0;
    if (!this.header) {
      this.header = decodeHeader(this.path, buf);
      if (!this.header) return 0;
      used = this.header.headerLen;
      this.base = used;
    }
    for (;;) {
      const body = buf.subarray(used);
      const end = this.walk(body, this.base);
      if (end === 0) return used;
      if ((await onChunk(body.subarray(0, end), this.base)) === false) return -1;
      this.stats.bytes += end;
      this.base += end;
      used += end;
    }
  }

  /** After the last chunk: what is left over is a cut-off header or record. */
  private finish(rest: Uint8Array): VcapStats {
    if (!this.header) throw new VcapError(this.path, 0, `truncated file header (${rest.length} bytes)`);
    if (rest.length) {
      const want = rest.length >= HDR_SIZE ? ` of ${new DataView(rest.buffer, rest.byteOffset).getUint32(HDR.len, true)}` : ` of at least ${HDR_SIZE}`;
      throw new VcapError(this.path, this.base, `truncated record (${rest.length}${want} bytes) at the end of the file, after ${this.stats.records} whole records`);
    }
    return this.stats;
  }

  // A plain file is read into one buffer, reused: the cut-off record at the end of a read moves to
  // the front and the next read lands after it. A fresh buffer per read (a read stream) plus a
  // concatenation for the carry were two large allocations per chunk, which left the agent's
  // malloc heap fragmented (tens of MB resident) and the GC chasing external memory.
  // Chunks are only valid during onChunk (ChunkFn).
  private async runPlain(onChunk: ChunkFn): Promise<VcapStats> {
    const fh = await open(this.path, 'r');
    try {
      let buf = new Uint8Array(Math.max(this.chunkBytes, 1));
      let have = 0;
      let pos = 0;
      for (;;) {
        // A record (or header) larger than the buffer: grow it to make room.
        if (have === buf.length) { const b = new Uint8Array(buf.length * 2); b.set(buf); buf = b; }
        const { bytesRead } = await fh.read(buf, have, buf.length - have, pos);
        if (bytesRead === 0) return this.finish(buf.subarray(0, have));
        pos += bytesRead;
        have += bytesRead;
        const used = await this.consume(buf.subarray(0, have), onChunk);
        if (used < 0) return this.stats;
        buf.copyWithin(0, used, have);
        have -= used;
      }
    } finally {
      await fh.close();
    }
  }

  private async runGzip(onChunk: ChunkFn): Promise<VcapStats> {
    const raw = createReadStream(this.path, { highWaterMark: this.chunkBytes });
    const stream = raw.pipe(createGunzip({ chunkSize: 64 * 1024 }));
    raw.on('error', (e) => stream.destroy(e));
    let carry: Uint8Array = new Uint8Array(0);
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        const buf: Uint8Array = carry.length ? concat(carry, c) : c;
        const used = await this.consume(buf, onChunk);
        if (used < 0) return this.stats;
        carry = buf.slice(used);
      }
    } finally {
      stream.destroy();
      raw.destroy();
    }
    return this.finish(carry);
  }

  /** Where the whole, plausible records of `buf` end; throws VcapError at the first bad one. */
  private walk(buf: Uint8Array, base: number): number {
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    while (off + HDR_SIZE <= buf.length) {
      const version = v.getUint16(off + HDR.version, true);
      const type = v.getUint16(off + HDR.type, true);
      const len = v.getUint32(off + HDR.len, true);
      const at = base + off;
      if (version !== RECORD_VERSION) throw new VcapError(this.path, at, `damaged record: version ${version}, expected ${RECORD_VERSION}`);
      if (len < HDR_SIZE || len % RECORD_ALIGN !== 0) throw new VcapError(this.path, at, `damaged record: impossible length ${len}`);
      if (!EVENT_SPECS[type]) throw new VcapError(this.path, at, `damaged record: unknown event type ${type}`);
      if (off + len > buf.length || (off > 0 && off + len > this.handBytes)) break;
      off += len;
      this.stats.records++;
    }
    return off;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}
