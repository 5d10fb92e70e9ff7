// Turns a scap event (with its enter event's parameters merged in) into a Vigil DecodedRecord:
// the schema's event when Vigil has it, parameters matched by name and converted to Vigil's types.
// Events outside the schema keep their scap parameters under header type 0 and their scap name.
import { EVENTS_BY_NAME, type EventDef } from '../../../schema/events.js';
import type { ParamValue, ThreadInfo } from '../../../schema/model.js';
import type { DecodedRecord, RecordHeader } from '../../decode/record.js';
import type { ScapEvent } from './decode-event.js';

// PPM_O_* bits as drivers write open flags, and the Linux O_* bit each stands for.
const PPM_OPEN: Array<[number, number]> = [
  [1 << 1, 0o1], [1 << 2, 0o100], [1 << 3, 0o2000], [1 << 4, 0o10000], [1 << 5, 0o200], [1 << 6, 0o4000],
  [1 << 7, 0o4010000], [1 << 8, 0o1000], [1 << 9, 0o40000], [1 << 10, 0o200000], [1 << 11, 0o100000],
  [1 << 12, 0o2000000], [1 << 13, 0o20200000],
];
export function linuxOpenFlags(ppm: number): number {
  let out = (ppm & 3) === 3 ? 2 : 0; // PPM_O_RDWR is both low bits; PPM_O_RDONLY (bit 0) alone is 0
  for (const [bit, lin] of PPM_OPEN) if (bit === 2 ? (ppm & 3) === 2 : (ppm & bit) !== 0) out |= lin;
  return out;
}
const OPENS = new Set(['open', 'openat', 'openat2', 'creat']);

export interface Converted { record: DecodedRecord; name: string; spec: EventDef | undefined }

/**
 * The header's comm, as the kernel module writes it at the syscall's exit: an exec or clone
 * carries the (new) comm itself, and its thread may be unknown (its clone came before the capture).
 */
function headerComm(params: Record<string, ParamValue>, t: ThreadInfo | undefined): string {
  return typeof params.comm === 'string' && params.comm !== '' && (params.res === 0 || !t) ? params.comm : t?.comm ?? '';
}

/**
 * `creds` gives the header's credentials when `t` is unknown: the parent of an exec or clone whose
 * thread started before the capture (the kernel module reads them from the task itself).
 */
export function toVigil(ev: ScapEvent, enter: ScapEvent | undefined, t: ThreadInfo | undefined, creds: ThreadInfo | undefined = t): Converted {
  const info = ev.info!;
  const name = info.vigil ?? info.name;
  const spec = EVENTS_BY_NAME.get(name);
  const merged: Record<string, ParamValue> = ev.params;
  const order = ev.paramOrder;
  if (enter) for (const k of enter.paramOrder) if (merged[k] === undefined) { merged[k] = enter.params[k]; order.push(k); }
  let params = merged, paramOrder = order;
  if (spec) {
    params = {}; paramOrder = [];
    for (const ps of spec.params) {
      let v = merged[ps.name];
      if (v === undefined) continue;
      if (ps.type === 'strlist' && typeof v === 'string') v = [v];
      else if (ps.type === 'str' && Array.isArray(v)) v = v.join(' ');
      if (ps.name === 'flags' && OPENS.has(name) && typeof v === 'number') v = linuxOpenFlags(v);
      params[ps.name] = v; paramOrder.push(ps.name);
    }
  }
  const header: RecordHeader = {
    version: 1, type: spec ? spec.id : 0, len: 0, ts: ev.ts, tid: ev.tid,
    pid: t?.pid ?? ev.tid, ppid: t?.ppid ?? 0, uid: creds?.uid ?? 0, gid: creds?.gid ?? 0, euid: creds?.euid ?? creds?.uid ?? 0,
    loginuid: creds?.loginuid ?? 0xffffffff, tty: creds?.tty ?? 0, cgroupId: 0n, drops: 0, cpu: ev.cpu,
    dir: info.dir === 'exit' ? 1 : 2, nparams: paramOrder.length, comm: headerComm(merged, t), containerId: t?.containerId ?? 'host',
  };
  return { record: { header, params, paramOrder }, name: info.name, spec };
}
