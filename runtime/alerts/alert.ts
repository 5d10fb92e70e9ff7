// The alert as every output sees it. Times are kept as epoch nanoseconds in a bigint because Falco
// prints all nine digits and a double cannot hold them.
import { randomBytes } from 'node:crypto';
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
  /** The rule's own list, shared by its alerts: no output changes it. */
  tags: readonly string[];
}

export interface RuleInfo {
  name: string;
  priority: Priority;
  source: string;
  tags: readonly string[];
  output: CompiledTemplate;
}

// Alert ids: 80 random bits per process and a 48-bit counter, laid out as a version-4 UUID. Unique
// across restarts and agents like randomUUID(), at the cost of a counter rather than fresh random
// bytes per alert (those were ~7% of the audit path, where most events alert).
const seed = randomBytes(16);
seed[6] = (seed[6] & 0x0f) | 0x40;
seed[8] = (seed[8] & 0x3f) | 0x80;
const hex = seed.toString('hex');
const idPrefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-`;
// The counter's top 24 bits change every 16M alerts, so their text is kept; the low 24 bits are
// written from a byte table (Number#toString(16) on a 48-bit value was most of this function).
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let hi = seed.readUIntBE(10, 3);
let lo = seed.readUIntBE(13, 3);
let hiText = idPrefix + hi.toString(16).padStart(6, '0');

export function alertId(): string {
  if (++lo > 0xffffff) {
    lo = 0;
    hi = (hi + 1) & 0xffffff;
    hiText = idPrefix + hi.toString(16).padStart(6, '0');
  }
  return hiText + HEX2[lo >>> 16] + HEX2[(lo >>> 8) & 0xff] + HEX2[lo & 0xff];
}

/** Builds the alert for one matched event. Runs only on a match, so allocating here is fine. */
export function makeAlert(rule: RuleInfo, timeNs: bigint, hostname: string, resolve: Resolve): Alert {
  const r = rule.output.render(resolve);
  return {
    id: alertId(), time: timeNs, rule: rule.name, priority: rule.priority, source: rule.source,
    hostname, output: r.output, output_fields: r.fields, tags: rule.tags,
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

// Alerts come in bursts within the same second: its clock text is kept from the last call (the
// local-zone conversion is the costly part).
let clockSec = -1n, clockUtc = false, clockText = '';

/** Falco's evt.time: HH:MM:SS.nnnnnnnnn in the chosen zone. */
export function clockTime(ns: bigint, utc: boolean): string {
  const sec = ns / 1_000_000_000n;
  if (sec !== clockSec || utc !== clockUtc) {
    const d = new Date(Number(sec) * 1000);
    const [h, m, s] = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
    clockText = `${pad(h)}:${pad(m)}:${pad(s)}`;
    clockSec = sec;
    clockUtc = utc;
  }
  return `${clockText}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** Falco's evt.time.iso8601 form used with time_format_iso_8601: 2026-11-22T22:14:48.123456789+0000. */
export function iso8601Time(ns: bigint): string {
  return rfc3339Nano(ns).replace(/Z$/, '+0000');
}
