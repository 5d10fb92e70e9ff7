// Reads and writes Vigil records (the binary format of schema/events.ts). The decoder checks every
// length against the buffer and names the byte offset of the record when something is wrong, so a
// corrupt stream is reported, never half-trusted.
import {
  EVENT_SPECS, HDR, HDR_SIZE, PARAM_ENTRY_SIZE, PT, RECORD_ALIGN, RECORD_VERSION,
  type ParamSpec,
} from './schema.gen.js';
import type { ParamValue, SockAddr, SockTuple } from '../../schema/model.js';

export class RecordError extends Error {
  constructor(readonly offset: number, reason: string) {
    super(`bad record at offset ${offset}: ${reason}`);
  }
}

export interface RecordHeader {
  version: number; type: number; len: number; ts: bigint;
  tid: number; pid: number; ppid: number; uid: number; gid: number; euid: number; loginuid: number;
  tty: number; cgroupId: bigint; drops: number; cpu: number; dir: number; nparams: number;
  comm: string; containerId: string;
}

export interface DecodedRecord { header: RecordHeader; params: Record<string, ParamValue>; paramOrder: string[] }

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

// Views of the buffer being decoded, made once per buffer rather than per record: the agent decodes
// record after record of one batch. Buffer#toString(utf8, start, end) decodes the short strings of
// a record (names, paths, comm) in about half the time of TextDecoder#decode on a subarray, with the
// same replacement of invalid sequences (and without dropping a leading BOM, which a path may have).
let lastBuf: Uint8Array | undefined;
let lastView: DataView = new DataView(new ArrayBuffer(0));
let lastText: Buffer = Buffer.alloc(0);

function views(b: Uint8Array): void {
  if (b === lastBuf) return;
  lastBuf = b;
  lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  lastText = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function text(b: Uint8Array, start: number, end: number): string {
  views(b);
  return lastText.toString('utf8', start, end);
}

function cstr(b: Uint8Array, off: number, max: number): string {
  let n = 0;
  while (n < max && b[off + n] !== 0) n++;
  return text(b, off, off + n);
}

/** Reads the fixed header at `off`; throws RecordError when it cannot be a record. */
export function decodeHeader(buf: Uint8Array, off: number): RecordHeader {
  if (off + HDR_SIZE > buf.length) throw new RecordError(off, `truncated header (${buf.length - off} of ${HDR_SIZE} bytes)`);
  views(buf);
  const v = lastView;
  const h: RecordHeader = {
    version: v.getUint16(off + HDR.version, true), type: v.getUint16(off + HDR.type, true), len: v.getUint32(off + HDR.len, true),
    ts: v.getBigUint64(off + HDR.ts, true), tid: v.getUint32(off + HDR.tid, true), pid: v.getUint32(off + HDR.pid, true),
    ppid: v.getUint32(off + HDR.ppid, true), uid: v.getUint32(off + HDR.uid, true), gid: v.getUint32(off + HDR.gid, true),
    euid: v.getUint32(off + HDR.euid, true), loginuid: v.getUint32(off + HDR.loginuid, true), tty: v.getUint32(off + HDR.tty, true),
    cgroupId: v.getBigUint64(off + HDR.cgroup_id, true), drops: v.getUint32(off + HDR.drops, true), cpu: v.getUint16(off + HDR.cpu, true),
    dir: v.getUint8(off + HDR.dir), nparams: v.getUint8(off + HDR.nparams),
    comm: cstr(buf, off + HDR.comm, 16), containerId: cstr(buf, off + HDR.container_id, 16),
  };
  if (h.version !== RECORD_VERSION) throw new RecordError(off, `format version ${h.version}, this reader knows ${RECORD_VERSION}`);
  if (h.len < HDR_SIZE + h.nparams * PARAM_ENTRY_SIZE || h.len % RECORD_ALIGN !== 0) throw new RecordError(off, `impossible length ${h.len}`);
  if (off + h.len > buf.length) throw new RecordError(off, `truncated record (${buf.length - off} of ${h.len} bytes)`);
  return h;
}

function ipv4(b: Uint8Array, o: number): string { return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`; }
function ipv6(b: Uint8Array, o: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  // Shorten the longest run of zero groups, as inet_ntop does.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (parts[i] !== '0') { i++; continue; }
    let j = i; while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}
const port = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];

function decodeSockaddr(b: Uint8Array, o: number, n: number, at: number): SockAddr {
  if (n < 1) return { family: 0 };
  const family = b[o];
  if (family === AF_INET) { if (n < 7) throw new RecordError(at, 'short inet sockaddr'); return { family, addr: ipv4(b, o + 1), port: port(b, o + 5) }; }
  if (family === AF_INET6) { if (n < 19) throw new RecordError(at, 'short inet6 sockaddr'); return { family, addr: ipv6(b, o + 1), port: port(b, o + 17) }; }
  if (family === AF_UNIX) return { family, path: text(b, o + 1, o + n) };
  return { family };
}

function decodeTuple(b: Uint8Array, o: number, n: number, at: number): SockTuple {
  if (n < 1) return { family: 0 };
  const family = b[o];
  if (family === AF_INET) {
    if (n < 13) throw new RecordError(at, 'short inet tuple');
    return { family, sip: ipv4(b, o + 1), sport: port(b, o + 5), dip: ipv4(b, o + 7), dport: port(b, o + 11) };
  }
  if (family === AF_INET6) {
    if (n < 37) throw new RecordError(at, 'short inet6 tuple');
    return { family, sip: ipv6(b, o + 1), sport: port(b, o + 17), dip: ipv6(b, o + 19), dport: port(b, o + 35) };
  }
  if (family === AF_UNIX) return { family, path: text(b, o + 1, o + n) };
  return { family };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER), MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const FIXED: Record<number, number> = { [PT.u8]: 1, [PT.u16]: 2, [PT.u32]: 4, [PT.u64]: 8, [PT.i32]: 4, [PT.i64]: 8 };

function decodeValue(spec: ParamSpec, b: Uint8Array, v: DataView, o: number, n: number, at: number): ParamValue {
  const want = FIXED[spec.type];
  if (want !== undefined && n === 0) return null; // parameter the producer could not fill
  if (want !== undefined && n !== want) throw new RecordError(at, `parameter ${spec.name} has ${n} bytes, expected ${want}`);
  switch (spec.type) {
    case PT.u8: return v.getUint8(o);
    case PT.u16: return v.getUint16(o, true);
    case PT.u32: return v.getUint32(o, true);
    case PT.i32: return v.getInt32(o, true);
    // 64-bit values within 2^53 are numbers; read as two halves, so those make no BigInt at all
    case PT.u64: { const hi = v.getUint32(o + 4, true); return hi < 0x200000 ? hi * 4294967296 + v.getUint32(o, true) : v.getBigUint64(o, true); }
    case PT.i64: {
      const hi = v.getInt32(o + 4, true);
      if (hi > -0x200000 && hi < 0x200000) return hi * 4294967296 + v.getUint32(o, true);
      const x = v.getBigInt64(o, true);
      return x >= MIN_SAFE && x <= MAX_SAFE ? Number(x) : x;
    }
    case PT.str: return text(b, o, o + n);
    case PT.strlist: return n === 0 ? [] : text(b, o, o + n).split('\0');
    case PT.bytes: return b.subarray(o, o + n);
    case PT.sockaddr: return decodeSockaddr(b, o, n, at);
    case PT.socktuple: return decodeTuple(b, o, n, at);
    default: throw new RecordError(at, `unknown parameter type ${spec.type}`);
  }
}

/** Decodes the record at `off`. Unknown event types decode with no named parameters. */
// Per parameter list (an event's exit or enter parameters): the names in order, shared by every
// record of that shape (frozen, so no holder can change them for the others), and a maker of its
// params object with every name in place. Filling a fresh {} key by key, and pushing each name onto
// a fresh array, was a quarter of the agent's allocation in a replay.
interface Shape { names: readonly string[]; make: () => Record<string, ParamValue> }
const shapes = new Map<readonly ParamSpec[], Shape[]>();

function shapeOf(specs: readonly ParamSpec[], n: number): Shape {
  let byN = shapes.get(specs);
  if (!byN) shapes.set(specs, (byN = []));
  let sh = byN[n];
  if (!sh) {
    const names = Object.freeze(specs.slice(0, n).map((p) => p.name));
    // An object literal with the names as keys: one hidden class, properties held in the object.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function(`return {${names.map((k) => `${JSON.stringify(k)}: undefined`).join(', ')}};`) as Shape['make'];
    sh = byN[n] = { names, make };
  }
  return sh;
}

export function decodeRecord(buf: Uint8Array, off: number): DecodedRecord {
  const header = decodeHeader(buf, off);
  const spec = EVENT_SPECS[header.type];
  const specs = spec ? (header.dir === 0 && spec.enterParams ? spec.enterParams : spec.params) : [];
  const v = lastView;
  const n = Math.min(header.nparams, specs.length);
  const shape = shapeOf(specs, n);
  const params = shape.make();
  for (let i = 0; i < n; i++) {
    const e = off + HDR_SIZE + i * PARAM_ENTRY_SIZE;
    const po = v.getUint16(e, true), pl = v.getUint16(e + 2, true);
    if (po < HDR_SIZE + header.nparams * PARAM_ENTRY_SIZE || po + pl > header.len) {
      throw new RecordError(off, `parameter ${i} (${specs[i].name}) spans ${po}..${po + pl}, outside the record's ${header.len} bytes`);
    }
    params[specs[i].name] = decodeValue(specs[i], buf, v, off + po, pl, off);
  }
  return { header, params, paramOrder: shape.names as string[] };
}

/**
 * An i64 parameter read in place, for state updates that need nothing else of a record: its value
 * (exact below 2^53), NaN when the record lacks it or the producer left it empty (what a decoded
 * null reads as), undefined when the parameter table is not sound, for decodeRecord to report.
 */
export function i64ParamAt(v: DataView, off: number, i: number): number | undefined {
  const at = fixedAt(v, off, i, 8);
  return at === undefined ? undefined : at < 0 ? NaN : v.getInt32(at + 4, true) * 4294967296 + v.getUint32(at, true);
}

/** A u64 parameter read in place as a number (as the state keeps it), like i64ParamAt. */
export function u64ParamAt(v: DataView, off: number, i: number): number | undefined {
  const at = fixedAt(v, off, i, 8);
  return at === undefined ? undefined : at < 0 ? NaN : v.getUint32(at + 4, true) * 4294967296 + v.getUint32(at, true);
}

/** A u32 parameter read in place, like i64ParamAt. */
export function u32ParamAt(v: DataView, off: number, i: number): number | undefined {
  const at = fixedAt(v, off, i, 4);
  return at === undefined ? undefined : at < 0 ? NaN : v.getUint32(at, true);
}

let lastValView: DataView | undefined;
let lastValBytes: Uint8Array = new Uint8Array(0);

/**
 * Exit parameter i decoded in place, as decodeRecord decodes it (undefined when the record has
 * fewer parameters); false when the record looks wrong, for decodeRecord to report.
 */
export function paramValueAt(v: DataView, off: number, i: number): ParamValue | undefined | false {
  const at = paramAt(v, off, i);
  if (at === undefined) return false;
  if (at < 0) return undefined;
  const spec = EVENT_SPECS[v.getUint16(off + HDR.type, true)]?.params[i];
  if (!spec) return false;
  if (v !== lastValView) { lastValView = v; lastValBytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength); }
  try {
    return decodeValue(spec, lastValBytes, v, at, paramLen(v, off, i), off);
  } catch (e) {
    if (e instanceof RecordError) return false;
    throw e;
  }
}

const paramLen = (v: DataView, off: number, i: number) => v.getUint16(off + HDR_SIZE + i * PARAM_ENTRY_SIZE + 2, true);

/** Offset of parameter i's bytes, -1 when the record has fewer parameters, undefined when the table is unsound. */
function paramAt(v: DataView, off: number, i: number): number | undefined {
  const len = v.getUint32(off + HDR.len, true), n = v.getUint8(off + HDR.nparams);
  if (i < 0 || i >= n) return -1;
  const e = off + HDR_SIZE + i * PARAM_ENTRY_SIZE, po = v.getUint16(e, true), pl = v.getUint16(e + 2, true);
  if (po < HDR_SIZE + n * PARAM_ENTRY_SIZE || po + pl > len) return undefined;
  return off + po;
}

/** paramAt for a fixed-size parameter: -1 also when the producer left it empty, undefined for any other size. */
function fixedAt(v: DataView, off: number, i: number, size: number): number | undefined {
  const at = paramAt(v, off, i);
  if (at === undefined || at < 0) return at;
  const pl = paramLen(v, off, i);
  return pl === 0 ? -1 : pl === size ? at : undefined;
}

/** Iterates the records of a buffer holding whole records back to back. */
export function* records(buf: Uint8Array): Generator<{ offset: number; record: DecodedRecord }> {
  for (let off = 0; off < buf.length;) {
    const record = decodeRecord(buf, off);
    yield { offset: off, record };
    off += record.header.len;
  }
}

// ---- encoding (capture files, tests, replay of foreign formats) ----

export type HeaderInput = Partial<Omit<RecordHeader, 'version' | 'len' | 'nparams'>> & { type: number };

function encodeValue(spec: ParamSpec, val: ParamValue | undefined): Uint8Array {
  if (val === undefined || val === null) return new Uint8Array(0);
  const fixed = FIXED[spec.type];
  if (fixed !== undefined) {
    const out = new Uint8Array(fixed);
    const v = new DataView(out.buffer);
    const num = typeof val === 'bigint' ? val : BigInt(val as number);
    switch (spec.type) {
      case PT.u8: v.setUint8(0, Number(num)); break;
      case PT.u16: v.setUint16(0, Number(num), true); break;
      case PT.u32: v.setUint32(0, Number(BigInt.asUintN(32, num)), true); break;
      case PT.i32: v.setInt32(0, Number(BigInt.asIntN(32, num)), true); break;
      case PT.u64: v.setBigUint64(0, BigInt.asUintN(64, num), true); break;
      case PT.i64: v.setBigInt64(0, BigInt.asIntN(64, num), true); break;
    }
    return out;
  }
  const te = new TextEncoder();
  switch (spec.type) {
    case PT.str: return te.encode(String(val));
    case PT.strlist: return te.encode((val as string[]).join('\0'));
    case PT.bytes: return val instanceof Uint8Array ? val : te.encode(String(val));
    case PT.sockaddr: return encodeAddr(val as SockAddr, false);
    case PT.socktuple: return encodeAddr(val as SockTuple, true);
  }
  throw new Error(`cannot encode parameter ${spec.name}`);
}

function ipBytes(s: string | undefined, family: number): number[] {
  if (family === AF_INET) return (s ?? '0.0.0.0').split('.').map(Number);
  const [head, tail] = (s ?? '::').split('::');
  const h = head ? head.split(':') : [], t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => { const x = parseInt(g, 16); return [x >> 8, x & 255]; });
}

function encodeAddr(a: SockAddr | SockTuple, isTuple: boolean): Uint8Array {
  if (a.family === AF_UNIX) return new Uint8Array([AF_UNIX, ...new TextEncoder().encode(a.path ?? '')]);
  if (a.family !== AF_INET && a.family !== AF_INET6) return new Uint8Array([a.family]);
  const pb = (p?: number) => [((p ?? 0) >> 8) & 255, (p ?? 0) & 255];
  if (!isTuple) { const s = a as SockAddr; return new Uint8Array([a.family, ...ipBytes(s.addr, a.family), ...pb(s.port)]); }
  const t = a as SockTuple;
  return new Uint8Array([a.family, ...ipBytes(t.sip, a.family), ...pb(t.sport), ...ipBytes(t.dip, a.family), ...pb(t.dport)]);
}

/** Builds one record; `params` are by name, missing ones are written empty. */
export function encodeRecord(h: HeaderInput, params: Record<string, ParamValue>, dir = 1): Uint8Array {
  const spec = EVENT_SPECS[h.type];
  if (!spec) throw new Error(`unknown event type ${h.type}`);
  const specs = dir === 0 && spec.enterParams ? spec.enterParams : spec.params;
  const values = specs.map((s) => encodeValue(s, params[s.name]));
  const tableEnd = HDR_SIZE + specs.length * PARAM_ENTRY_SIZE;
  const raw = tableEnd + values.reduce((a, v) => a + v.length, 0);
  const len = Math.ceil(raw / RECORD_ALIGN) * RECORD_ALIGN;
  if (len > 0xffff) throw new Error(`record of ${len} bytes exceeds the 64 KiB parameter offset range`);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint16(HDR.version, RECORD_VERSION, true); v.setUint16(HDR.type, h.type, true); v.setUint32(HDR.len, len, true);
  v.setBigUint64(HDR.ts, h.ts ?? 0n, true);
  for (const k of ['tid', 'pid', 'ppid', 'uid', 'gid', 'euid', 'tty'] as const) v.setUint32(HDR[k], h[k] ?? 0, true);
  v.setUint32(HDR.loginuid, h.loginuid ?? 0xffffffff, true);
  v.setBigUint64(HDR.cgroup_id, h.cgroupId ?? 0n, true); v.setUint32(HDR.drops, h.drops ?? 0, true);
  v.setUint16(HDR.cpu, h.cpu ?? 0, true); v.setUint8(HDR.dir, dir); v.setUint8(HDR.nparams, specs.length);
  const te = new TextEncoder();
  out.set(te.encode(h.comm ?? '').subarray(0, 15), HDR.comm);
  out.set(te.encode(h.containerId ?? 'host').subarray(0, 15), HDR.container_id);
  let at = tableEnd;
  values.forEach((val, i) => {
    v.setUint16(HDR_SIZE + i * PARAM_ENTRY_SIZE, at, true); v.setUint16(HDR_SIZE + i * PARAM_ENTRY_SIZE + 2, val.length, true);
    out.set(val, at); at += val.length;
  });
  return out;
}
