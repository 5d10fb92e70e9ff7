// Splits a scap stream into blocks: {u32 type, u32 total length, body, u32 total length}, little
// endian, lengths padded to 4. The stream may be gzip'd (detected by magic). Input is consumed
// chunk by chunk and only one block is held at a time, so memory stays bounded by maxBlock.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ScapError } from './errors.js';

export const SHB = 0x0a0d0d0a;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Larger blocks are refused rather than buffered; scap writers keep blocks far below this. */
export const DEFAULT_MAX_BLOCK = 16 << 20;

export interface Block { type: number; offset: number; body: Uint8Array }

/** Checks the block header at `off` (absolute offset `abs`); returns its total length. */
export function blockLength(buf: Uint8Array, off: number, abs: number, maxBlock: number): number {
  const v = new DataView(buf.buffer, buf.byteOffset + off, 8);
  const type = v.getUint32(0, true), len = v.getUint32(4, true);
  if (len < 12) throw new ScapError(abs, `block type 0x${type.toString(16)} has impossible length ${len}`);
  if (len > maxBlock) throw new ScapError(abs, `block type 0x${type.toString(16)} claims ${len} bytes, over the ${maxBlock}-byte limit`);
  return len;
}

function finish(buf: Uint8Array, off: number, len: number, abs: number, first: boolean): Block {
  const v = new DataView(buf.buffer, buf.byteOffset + off, len);
  const type = v.getUint32(0, true);
  if (v.getUint32(len - 4, true) !== len) throw new ScapError(abs, `block type 0x${type.toString(16)}: trailing length ${v.getUint32(len - 4, true)} differs from leading ${len}`);
  if (first && type !== SHB) throw new ScapError(abs, `not a scap file: first block type 0x${type.toString(16)}, expected a section header`);
  if (type === SHB && (len < 28 || v.getUint32(8, true) !== BYTE_ORDER_MAGIC)) throw new ScapError(abs, 'section header without the little-endian byte-order magic');
  return { type, offset: abs, body: buf.subarray(off + 8, off + len - 4) };
}

/** Blocks of a whole capture already in memory (plain, not gzip'd). */
export function* blocksOf(buf: Uint8Array, maxBlock = DEFAULT_MAX_BLOCK): Generator<Block> {
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 12) throw new ScapError(off, `truncated block header (${buf.length - off} bytes left)`);
    const len = blockLength(buf, off, off, maxBlock);
    if (off + len > buf.length) throw new ScapError(off, `truncated block (${buf.length - off} of ${len} bytes)`);
    yield finish(buf, off, len, off, off === 0);
    off += len;
  }
}

/** Decompresses when the stream starts with the gzip magic, passes it through otherwise. */
export async function* maybeGunzip(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = src[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => it };
  const head = first.value;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    async function* again() { yield head; yield* rest; }
    const gunzip = Readable.from(again()).pipe(createGunzip());
    try {
      for await (const c of gunzip) yield c as Uint8Array;
    } catch (e) {
      throw new ScapError(-1, `gzip stream is corrupt: ${(e as Error).message}`);
    }
    return;
  }
  yield head;
  yield* rest;
}

/** Blocks of a streamed capture; each block's body is a fresh copy, valid after the next block. */
export async function* blocksFrom(src: AsyncIterable<Uint8Array>, maxBlock = DEFAULT_MAX_BLOCK): AsyncGenerator<Block> {
  let pend: Uint8Array = new Uint8Array(0); // unconsumed bytes, at absolute offset `abs`
  let abs = 0;
  for await (const chunk of maybeGunzip(src)) {
    pend = pend.length ? concat(pend, chunk) : chunk;
    let off = 0;
    while (pend.length - off >= 12) {
      const len = blockLength(pend, off, abs, maxBlock);
      if (pend.length - off < len) break;
      yield finish(pend.slice(off, off + len), 0, len, abs, abs === 0);
      off += len; abs += len;
    }
    pend = pend.subarray(off);
  }
  if (pend.length) {
    if (pend.length < 12) throw new ScapError(abs, `truncated block header (${pend.length} bytes left)`);
    throw new ScapError(abs, `truncated block (${pend.length} of ${blockLength(pend, 0, abs, maxBlock)} bytes)`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}
