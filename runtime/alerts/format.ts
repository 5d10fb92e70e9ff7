// Falco's two line formats. Text: `<time>: <Priority> <output>`. JSON: one object with the keys in
// the order Falco writes them (its JSON library keeps keys sorted), output_fields sorted too.
import { clockTime, iso8601Time, rfc3339Nano, type Alert } from './alert.js';

export interface TextOptions {
  /** time_format_iso_8601: print the date and zone instead of the bare clock. */
  iso8601?: boolean;
  /** Print the clock in UTC instead of the local zone (Falco uses the local zone). */
  utc?: boolean;
}

export function textLine(a: Alert, o: TextOptions = {}): string {
  const t = o.iso8601 ? iso8601Time(a.time) : clockTime(a.time, o.utc ?? false);
  return `${t}: ${a.priority} ${a.output}`;
}

export interface JsonOptions {
  /** json_include_output_property */
  includeOutput?: boolean;
  /** json_include_tags_property */
  includeTags?: boolean;
}

/** The alert as Falco's JSON object (also the body Falcosidekick accepts). */
export function falcoJson(a: Alert, o: JsonOptions = {}): Record<string, unknown> {
  const fields: Record<string, string | null> = {};
  for (const k of Object.keys(a.output_fields).sort()) fields[k] = a.output_fields[k];
  const obj: Record<string, unknown> = { hostname: a.hostname };
  if (o.includeOutput ?? true) obj.output = a.output;
  obj.output_fields = fields;
  obj.priority = a.priority;
  obj.rule = a.rule;
  obj.source = a.source;
  if (o.includeTags ?? true) obj.tags = a.tags;
  obj.time = rfc3339Nano(a.time);
  return obj;
}

export function jsonLine(a: Alert, o: JsonOptions = {}): string {
  return JSON.stringify(falcoJson(a, o));
}
