// Reads a .vcap file (plain or gzip'd, told apart by the first bytes): checks the header, then
// hands over chunks of whole records with their byte offset in the file, so any later complaint
// about a record (the Detector's RecordError) can name where it is. Each record's header is
// checked here (version, length, known type): a damaged or cut-off file is reported at the first
// bad record, after every record before it has been handed over.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
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

/** Called per chunk of whole records with the chunk's offset in the (decompressed) file; false stops. */
export type ChunkFn = (records: Uint8Array, offset: number) => boolean | void;

export class VcapReader {
  header: VcapHeader | undefined;
  readonly stats: VcapStats = { records: 0, bytes: 0 };
  constructor(readonly path: string, private readonly chunkBytes = 1 << 20) {}

  async run(onChunk: ChunkFn): Promise<VcapStats> {
    const file = this.path;
    let first: Uint8Array;
    try { first = head(file, 2); } catch (e) { throw new VcapError(file, undefined, `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    const gz = isGzip(first);
    const raw = createReadStream(file, { highWaterMark: this.chunkBytes });
    const stream = gz ? raw.pipe(createGunzip({ chunkSize: 64 * 1024 })) : raw;
    if (gz) raw.on('error', (e) => stream.destroy(e));
    let carry: Uint8Array = new Uint8Array(0);
    let base = 0; // file offset of carry[0]
    let stopped = false;
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        let buf: Uint8Array = carry.length ? concat(carry, c) : c;
        if (!this.header) {
          this.header = decodeHeader(file, buf);
          if (!this.header) { carry = buf; continue; }
          buf = buf.subarray(this.header.headerLen);
          base = this.header.headerLen;
        }
        const end = this.walk(buf, base);
        if (end > 0 && onChunk(buf.subarray(0, end), base) === false) { stopped = true; break; }
        this.stats.bytes += end;
        // Copy the partial tail: the stream may reuse the chunk's memory.
        carry = buf.slice(end);
        base += end;
      }
    } catch (e) {
      if (e instanceof VcapError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') {
        throw new VcapError(file, undefined, `gzip data ${err.code === 'Z_BUF_ERROR' ? 'ends early (truncated file?)' : 'is damaged'} after ${base + carry.length} decompressed bytes, ${this.stats.records} records read`);
      }
      if (err.code) throw new VcapError(file, undefined, `cannot read: ${err.code}`);
      throw e;
    } finally {
      stream.destroy();
      raw.destroy();
    }
    if (stopped) return this.stats;
    if (!this.header) throw new VcapError(file, 0, `truncated file header (${carry.length} bytes)`);
    if (carry.length) {
      const want = carry.length >= HDR_SIZE ? ` of ${new DataView(carry.buffer, carry.byteOffset).getUint32(HDR.len, true)}` : ` of at least ${HDR_SIZE}`;
      throw new VcapError(file, base, `truncated record (${carry.length}${want} bytes) at the end of the file, after ${this.stats.records} whole records`);
    }
    return this.stats;
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
      if (off + len > buf.length) break;
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
