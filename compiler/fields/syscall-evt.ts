// evt.* fields of the syscall source: the event itself, its parameters and its return value.
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { Event } from '../../schema/model.js';
import type { FieldValue } from './types.js';
import { int, type TableBuilder } from './define.js';
import { errnoName, paramDef, renderParam, returnParam } from './render.js';

const rawRes = (ev: Event): number | undefined => {
  const name = returnParam(ev.type);
  const v = name ? ev.params[name] : undefined;
  return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined;
};

const openFlags = (ev: Event): number | undefined => {
  if (ev.type !== 'open' && ev.type !== 'openat' && ev.type !== 'openat2') return undefined;
  const f = ev.params.flags;
  return typeof f === 'number' ? f : typeof f === 'bigint' ? Number(f) : undefined;
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Names of the event's parameters in order, enter-only parameters included (evt.arg[N], evt.args). */
const paramNames = (ev: Event): string[] => ev.paramOrder;

export function addEvtFields(t: TableBuilder<Event>): void {
  t.def('evt.num', 'int', 'event sequence number', (ev) => int(ev.num))
    .def('evt.type', 'string', 'event type name (open, execve...)', (ev) => ev.type)
    .def('evt.dir', 'string', "'>' for enter events, '<' for exit events", (ev) => (ev.dir === 'enter' ? '>' : '<'))
    .def('evt.cpu', 'int', 'CPU the event happened on', (ev) => int(ev.cpu))
    .def('evt.rawtime', 'abstime', 'event timestamp, ns since the epoch', (ev) => int(ev.ts))
    .def('evt.time', 'string', 'event time as HH:MM:SS.nnnnnnnnn (UTC)', (ev) => {
      const d = new Date(Math.floor(ev.ts / 1e6));
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(ev.ts % 1e9, 9)}`;
    })
    .def('evt.time.iso8601', 'string', 'event time in ISO 8601 (UTC)', (ev) => new Date(Math.floor(ev.ts / 1e6)).toISOString())
    .def('evt.hostname', 'string', 'host name of the machine', (ev) => ev.hostname)
    .def('evt.source', 'string', 'event source (syscall)', (ev) => ev.source)
    .def('evt.category', 'string', 'event category from the schema (file, net, process...)', (ev) => EVENTS_BY_NAME.get(ev.type)?.category)
    .def('evt.args', 'string', 'all parameters as name=value pairs', (ev) =>
      paramNames(ev).map((n) => `${n}=${renderParam(paramDef(ev.type, n), ev.params[n])}`).join(' '))
    .def('evt.arg', 'string', 'one parameter as Falco renders it: evt.arg.flags, evt.arg[0]', (ev, arg) => {
      if (!arg) return undefined;
      const name = arg.kind === 'index' ? paramNames(ev)[arg.value] : arg.value;
      if (name === undefined || !(name in ev.params)) return undefined;
      const v = ev.params[name];
      return v === null ? undefined : renderParam(paramDef(ev.type, name), v);
    }, { arg: { required: true, kind: 'any' } })
    .def('evt.rawres', 'int', 'return value as a number', (ev) => int(rawRes(ev)))
    .def('evt.res', 'string', "'SUCCESS', or the errno name (ENOENT) of a failed call", (ev) => {
      const r = rawRes(ev);
      return r === undefined ? undefined : r >= 0 ? 'SUCCESS' : errnoName(r);
    })
    .def('evt.failed', 'bool', 'the call returned an error', (ev) => { const r = rawRes(ev); return r === undefined ? undefined : r < 0; })
    .def('evt.is_open_read', 'bool', 'an open-family event opening for reading (O_RDONLY or O_RDWR)', (ev) => {
      const f = openFlags(ev);
      return f === undefined ? false : (f & 3) === 0 || (f & 3) === 2;
    })
    .def('evt.is_open_write', 'bool', 'an open-family event opening for writing (O_WRONLY or O_RDWR)', (ev) => {
      const f = openFlags(ev);
      return f === undefined ? false : (f & 3) === 1 || (f & 3) === 2;
    })
    .def('evt.is_open_create', 'bool', 'an open-family event with O_CREAT', (ev) => ((openFlags(ev) ?? 0) & 0o100) !== 0)
    .def('evt.buffer', 'bytes', 'the data buffer of read/write/send/recv events', (ev) => {
      const d = ev.params.data;
      return d instanceof Uint8Array ? d : typeof d === 'string' ? new TextEncoder().encode(d) : undefined;
    })
    .def('evt.buflen', 'int', 'length of the data buffer', (ev) => {
      const d = ev.params.data;
      return d instanceof Uint8Array ? int(d.length) : typeof d === 'string' ? int(d.length) : undefined;
    });
}

export type { FieldValue };
