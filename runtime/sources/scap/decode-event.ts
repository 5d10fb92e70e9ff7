// Decodes one event block (0x204/0x208/0x216/0x217 and the large-payload 0x221/0x222) into its
// scap event: header, then the parameter values named by Vigil's scap table.
import type { ParamValue, SockAddr, SockTuple } from '../../../schema/model.js';
import { ScapError } from './errors.js';
import { SCAP_EVENTS, type ScapEventInfo, type ScapKind } from './event-table.js';
import { strList, text } from './cursor.js';

export const EV = 0x204, EVF = 0x208, EV_V2 = 0x216, EVF_V2 = 0x217, EV_V2_LARGE = 0x221, EVF_V2_LARGE = 0x222;
export const EVENT_BLOCKS: ReadonlySet<number> = new Set([EV, EVF, EV_V2, EVF_V2, EV_V2_LARGE, EVF_V2_LARGE]);
/** Events whose parameter lengths are u32 even in ordinary blocks (plugin and container payloads). */
const LARGE_PAYLOAD = new Set([322, 324]);

export interface ScapEvent {
  offset: number; cpu: number; flags: number; ts: bigint; tid: number; type: number;
  /** undefined for event types Vigil's table does not know. */
  info: ScapEventInfo | undefined;
  params: Record<string, ParamValue>;
  paramOrder: string[];
}

/** Reads the header only: enough to count and skip events without decoding them. */
export function eventType(blockType: number, body: Uint8Array): number {
  const hasFlags = blockType === EVF || blockType === EVF_V2 || blockType === EVF_V2_LARGE;
  const at = 2 + (hasFlags ? 4 : 0) + 20;
  return at + 2 <= body.length ? body[at] | (body[at + 1] << 8) : -1;
}

export function decodeEvent(blockType: number, body: Uint8Array, offset: number): ScapEvent {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const hasFlags = blockType === EVF || blockType === EVF_V2 || blockType === EVF_V2_LARGE;
  const v2 = blockType !== EV && blockType !== EVF;
  let p = 2 + (hasFlags ? 4 : 0);
  const hdrSize = v2 ? 26 : 22;
  if (body.length < p + hdrSize) throw new ScapError(offset, `event header truncated (${body.length} bytes)`);
  const cpu = v.getUint16(0, true), flags = hasFlags ? v.getUint32(2, true) : 0;
  const ts = v.getBigUint64(p, true), tid = Number(v.getBigInt64(p + 8, true));
  const len = v.getUint32(p + 16, true), type = v.getUint16(p + 20, true);
  const info = SCAP_EVENTS[type];
  if (len < hdrSize || p + len > body.length) throw new ScapError(offset, `event type ${type} claims ${len} bytes, block holds ${body.length - p}`);
  const end = p + len;
  // An unknown type is counted and skipped by the caller; its parameters cannot be named anyway.
  if (!info) return { offset, cpu, flags, ts, tid, type, info, params: {}, paramOrder: [] };
  const lenSize = blockType === EV_V2_LARGE || blockType === EVF_V2_LARGE || LARGE_PAYLOAD.has(type) ? 4 : 2;
  let nparams: number;
  if (v2) {
    nparams = v.getUint32(p + 22, true);
    if (nparams * lenSize > len - hdrSize) throw new ScapError(offset, `event type ${type} claims ${nparams} parameters in ${len} bytes`);
  } else {
    nparams = fitParams(v, p + hdrSize, end, info ? info.params.length : 0, lenSize, offset, type);
  }
  p += hdrSize;
  const params: Record<string, ParamValue> = {};
  const paramOrder: string[] = [];
  let val = p + nparams * lenSize;
  for (let i = 0; i < nparams; i++) {
    const n = lenSize === 2 ? v.getUint16(p + i * 2, true) : v.getUint32(p + i * 4, true);
    if (val + n > end) throw new ScapError(offset, `event type ${type} parameter ${i} (${n} bytes) runs past the event's end`);
    const spec = info?.params[i];
    if (spec) {
      params[spec.name] = decodeParam(spec.kind, body, v, val, n, offset);
      paramOrder.push(spec.name);
    }
    val += n;
  }
  return { offset, cpu, flags, ts, tid, type, info, params, paramOrder };
}

// Version-1 blocks do not store the parameter count; drivers of that era wrote as many as their
// table said, which may be fewer than today's table lists. Take the count whose lengths add up.
function fitParams(v: DataView, p: number, end: number, max: number, lenSize: number, offset: number, type: number): number {
  for (let n = max; n >= 0; n--) {
    const tableEnd = p + n * lenSize;
    if (tableEnd > end) continue;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += v.getUint16(p + i * 2, true);
    if (tableEnd + sum === end) return n;
  }
  throw new ScapError(offset, `event type ${type}: parameter lengths do not add up to the event length`);
}

function num(v: DataView, o: number, n: number, signed: boolean): number | bigint | null {
  switch (n) {
    case 0: return null;
    case 1: return signed ? v.getInt8(o) : v.getUint8(o);
    case 2: return signed ? v.getInt16(o, true) : v.getUint16(o, true);
    case 4: return signed ? v.getInt32(o, true) : v.getUint32(o, true);
    case 8: {
      const x = signed ? v.getBigInt64(o, true) : v.getBigUint64(o, true);
      return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
    }
    default: return null; // an integer of odd width is not trusted
  }
}

function ip4(b: Uint8Array, o: number): string { return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`; }
function ip6(b: Uint8Array, o: number): string {
  if (b[o] === 0 && b.subarray(o, o + 10).every((x) => x === 0) && b[o + 10] === 0xff && b[o + 11] === 0xff) return ip4(b, o + 12);
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

function sockaddr(b: Uint8Array, v: DataView, o: number, n: number): SockAddr {
  if (n < 1) return { family: 0 };
  const family = b[o];
  if (family === AF_INET && n >= 7) return { family, addr: ip4(b, o + 1), port: v.getUint16(o + 5, true) };
  if (family === AF_INET6 && n >= 19) return { family, addr: ip6(b, o + 1), port: v.getUint16(o + 17, true) };
  if (family === AF_UNIX) return { family, path: text(b.subarray(o + 1, o + n)) };
  return { family };
}

function socktuple(b: Uint8Array, v: DataView, o: number, n: number): SockTuple {
  if (n < 1) return { family: 0 };
  const family = b[o];
  if (family === AF_INET && n >= 13) return { family, sip: ip4(b, o + 1), sport: v.getUint16(o + 5, true), dip: ip4(b, o + 7), dport: v.getUint16(o + 11, true) };
  if (family === AF_INET6 && n >= 37) return { family, sip: ip6(b, o + 1), sport: v.getUint16(o + 17, true), dip: ip6(b, o + 19), dport: v.getUint16(o + 35, true) };
  if (family === AF_UNIX && n >= 17) return { family, path: text(b.subarray(o + 17, o + n)) };
  return { family };
}

export function decodeParam(kind: ScapKind, b: Uint8Array, v: DataView, o: number, n: number, _offset: number): ParamValue {
  switch (kind) {
    case 'i8': case 'i16': case 'i32': case 'i64': return num(v, o, n, true);
    case 'u8': case 'u16': case 'u32': case 'u64': return num(v, o, n, false);
    case 'str': return text(b.subarray(o, o + n));
    case 'list': return strList(b.subarray(o, o + n));
    case 'sa': return sockaddr(b, v, o, n);
    case 'st': return socktuple(b, v, o, n);
    default: return new Uint8Array(b.buffer, b.byteOffset + o, n); // a plain view even when the input is a Buffer
  }
}
