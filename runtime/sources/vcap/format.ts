// Vigil's capture file (.vcap): a small file header, then the device's records back to back exactly
// as /dev/vigil returned them, so replay feeds a Detector the same bytes the live agent saw. The
// whole file may be gzip'd (readers detect gzip by its magic, not by the name).
//
//   0  magic "VIGILCAP"            8 bytes
//   8  format version              u16   this layout; readers refuse a newer one
//  10  record schema version       u16   RECORD_FORMAT_VERSION of schema/events.ts
//  12  header length               u32   offset of the first record (a multiple of 8)
//  16  schema hash                 32    sha-256 of the record layout (below)
//  48  start time                  u64   epoch ns when the capture started
//  56  boot-to-epoch offset        i64   ns to add to a record's boot-time stamp for epoch time
//  64  host info length            u32   bytes of the JSON at 72
//  68  reserved                    u32   zero
//  72  host info                   JSON (hostname, kernel, machine, writer), zero-padded
//
// All integers little-endian, like the records. A later format version may lengthen the header;
// header length lets an older field layout still find the records.
import { createHash } from 'node:crypto';
import { EVENTS, HEADER, RECORD_FORMAT_VERSION } from '../../../schema/events.js';

export const VCAP_MAGIC = new TextEncoder().encode('VIGILCAP');
export const VCAP_FORMAT_VERSION = 1;
export const VCAP_FIXED_SIZE = 72;
const ALIGN = 8;

export interface HostInfo { hostname?: string; kernel?: string; machine?: string; writer?: string; [k: string]: unknown }

export interface VcapHeader {
  formatVersion: number;
  schemaVersion: number;
  schemaHash: string;
  headerLen: number;
  startNs: bigint;
  bootToEpochNs: bigint;
  host: HostInfo;
}

export class VcapError extends Error {
  /** Byte offset in the (decompressed) file of the problem, when it has one. */
  constructor(readonly file: string, readonly offset: number | undefined, reason: string) {
    super(`${file}${offset === undefined ? '' : ` at byte offset ${offset}`}: ${reason}`);
  }
}

/**
 * What a record reader depends on: the header layout and each event's id, name and parameter types
 * in order. Descriptions and display formats are left out, so rewording a doc string does not make
 * old captures unreadable.
 */
function layout(): string {
  return JSON.stringify({
    v: RECORD_FORMAT_VERSION,
    header: HEADER.map((h) => [h.name, h.type, h.size]),
    events: EVENTS.map((e) => [e.id, e.name, e.params.map((p) => [p.name, p.type]), (e.enterParams ?? []).map((p) => [p.name, p.type])]),
  });
}

export const SCHEMA_HASH = createHash('sha256').update(layout()).digest('hex');

export function encodeHeader(h: { startNs: bigint; bootToEpochNs: bigint; host: HostInfo }): Uint8Array {
  const info = new TextEncoder().encode(JSON.stringify(h.host));
  const len = Math.ceil((VCAP_FIXED_SIZE + info.length) / ALIGN) * ALIGN;
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  b.set(VCAP_MAGIC, 0);
  v.setUint16(8, VCAP_FORMAT_VERSION, true);
  v.setUint16(10, RECORD_FORMAT_VERSION, true);
  v.setUint32(12, len, true);
  b.set(Buffer.from(SCHEMA_HASH, 'hex'), 16);
  v.setBigUint64(48, h.startNs, true);
  v.setBigInt64(56, h.bootToEpochNs, true);
  v.setUint32(64, info.length, true);
  b.set(info, VCAP_FIXED_SIZE);
  return b;
}

export const hasMagic = (b: Uint8Array): boolean => b.length >= VCAP_MAGIC.length && VCAP_MAGIC.every((c, i) => b[i] === c);

/**
 * Parses and checks the header at the start of `b`. Returns undefined while `b` is too short to
 * hold it (a stream reader waits for more); throws VcapError for anything this reader cannot trust.
 */
export function decodeHeader(file: string, b: Uint8Array): VcapHeader | undefined {
  if (b.length >= VCAP_MAGIC.length && !hasMagic(b)) {
    throw new VcapError(file, 0, `not a Vigil capture (magic ${JSON.stringify(Buffer.from(b.subarray(0, 8)).toString('latin1'))}, expected "VIGILCAP")`);
  }
  if (b.length < 16) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const formatVersion = v.getUint16(8, true);
  if (formatVersion > VCAP_FORMAT_VERSION || formatVersion === 0) {
    throw new VcapError(file, 8, `capture format version ${formatVersion} is newer than this Vigil reads (up to ${VCAP_FORMAT_VERSION}); upgrade Vigil to replay it`);
  }
  const headerLen = v.getUint32(12, true);
  if (headerLen < VCAP_FIXED_SIZE || headerLen % ALIGN !== 0) throw new VcapError(file, 12, `impossible header length ${headerLen}`);
  if (b.length < headerLen) return undefined;
  const schemaVersion = v.getUint16(10, true);
  const schemaHash = Buffer.from(b.subarray(16, 48)).toString('hex');
  if (schemaVersion !== RECORD_FORMAT_VERSION || schemaHash !== SCHEMA_HASH) {
    throw new VcapError(file, 10, `recorded with a different event schema (record format ${schemaVersion}, schema ${schemaHash.slice(0, 12)}; this Vigil has ${RECORD_FORMAT_VERSION}, ${SCHEMA_HASH.slice(0, 12)}): replay it with the Vigil version that wrote it`);
  }
  const infoLen = v.getUint32(64, true);
  if (VCAP_FIXED_SIZE + infoLen > headerLen) throw new VcapError(file, 64, `host info length ${infoLen} overruns the ${headerLen}-byte header`);
  let host: HostInfo;
  try { host = JSON.parse(new TextDecoder().decode(b.subarray(VCAP_FIXED_SIZE, VCAP_FIXED_SIZE + infoLen))) as HostInfo; } catch {
    throw new VcapError(file, VCAP_FIXED_SIZE, 'host info is not valid JSON');
  }
  return { formatVersion, schemaVersion, schemaHash, headerLen, startNs: v.getBigUint64(48, true), bootToEpochNs: v.getBigInt64(56, true), host };
}
