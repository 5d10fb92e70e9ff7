// Record builders for back-end tests and the benchmark.
import { encodeRecord, type HeaderInput } from '../../runtime/decode/record.js';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { ParamValue } from '../../schema/model.js';

export function rec(type: string, h: Omit<HeaderInput, 'type'>, params: Record<string, ParamValue>, dir = 1): Uint8Array {
  const ev = EVENTS_BY_NAME.get(type);
  if (!ev) throw new Error(`no event ${type}`);
  return encodeRecord({ ...h, type: ev.id }, params, dir);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
