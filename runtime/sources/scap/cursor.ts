// Bounds-checked little-endian reads over one block body; every overrun becomes a ScapError naming
// the block, so no length field in a capture is ever trusted.
import { ScapError } from './errors.js';

const utf8 = new TextDecoder('utf-8');

export class Cursor {
  pos = 0;
  private readonly v: DataView;
  constructor(readonly b: Uint8Array, readonly blockOffset: number, readonly what: string) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  get left(): number { return this.b.length - this.pos; }
  need(n: number): number {
    if (n < 0 || this.pos + n > this.b.length) throw new ScapError(this.blockOffset, `${this.what}: needs ${n} bytes at body offset ${this.pos}, ${this.left} left`);
    const at = this.pos; this.pos += n; return at;
  }
  u8(): number { return this.v.getUint8(this.need(1)); }
  u16(): number { return this.v.getUint16(this.need(2), true); }
  u32(): number { return this.v.getUint32(this.need(4), true); }
  u64(): number { return Number(this.v.getBigUint64(this.need(8), true)); }
  i64(): number { return Number(this.v.getBigInt64(this.need(8), true)); }
  bytes(n: number): Uint8Array { const at = this.need(n); return this.b.subarray(at, at + n); }
  /** A u16-length-prefixed string (scap lists store strings without their NUL). */
  str16(max = 0xffff): string {
    const n = this.u16();
    if (n > max) throw new ScapError(this.blockOffset, `${this.what}: string of ${n} bytes over the ${max}-byte limit`);
    return text(this.bytes(n));
  }
}

/** Text up to the first NUL. */
export function text(b: Uint8Array): string {
  const z = b.indexOf(0);
  return utf8.decode(z < 0 ? b : b.subarray(0, z));
}

/** NUL-separated strings (argv, env), without the empty string a trailing NUL leaves. */
export function strList(b: Uint8Array): string[] {
  if (b.length === 0) return [];
  const parts = utf8.decode(b).split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
