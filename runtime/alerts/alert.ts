// The alert as every output sees it. Times are kept as epoch nanoseconds in a bigint because Falco
// prints all nine digits and a double cannot hold them.
import { randomUUID } from 'node:crypto';
import type { Priority } from './priority.js';
import type { CompiledTemplate, Resolve } from './template.js';

export interface Alert {
  /** Unique per alert; outputs and the spool dedupe on it. */
  id: string;
  /** Event time, epoch ns. */
  time: bigint;
  rule: string;
  priority: Priority;
  source: string;
  hostname: string;
  output: string;
  /** Values of the fields the output names; null when the event had none. */
  output_fields: Record<string, string | null>;
  tags: string[];
}

export interface RuleInfo {
  name: string;
  priority: Priority;
  source: string;
  tags: string[];
  output: CompiledTemplate;
}

/** Builds the alert for one matched event. Runs only on a match, so allocating here is fine. */
export function makeAlert(rule: RuleInfo, timeNs: bigint, hostname: string, resolve: Resolve): Alert {
  const r = rule.output.render(resolve);
  const fields: Record<string, string | null> = {};
  for (const [k, v] of r.fields) fields[k] = v ?? null;
  return {
    id: randomUUID(), time: timeNs, rule: rule.name, priority: rule.priority, source: rule.source,
    hostname, output: r.output, output_fields: fields, tags: [...rule.tags],
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 in UTC with nanoseconds, as Falco writes `time` in JSON: 2026-11-22T22:14:48.123456789Z. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = ns % 1_000_000_000n;
  const d = new Date(ms - (ms % 1000));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac.toString().padStart(9, '0')}Z`;
}

/** Falco's evt.time: HH:MM:SS.nnnnnnnnn in the chosen zone. */
export function clockTime(ns: bigint, utc: boolean): string {
  const d = new Date(Number(ns / 1_000_000n));
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const [h, m, s] = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${pad(h)}:${pad(m)}:${pad(s)}.${frac}`;
}

/** Falco's evt.time.iso8601 form used with time_format_iso_8601: 2026-11-22T22:14:48.123456789+0000. */
export function iso8601Time(ns: bigint): string {
  return rfc3339Nano(ns).replace(/Z$/, '+0000');
}
