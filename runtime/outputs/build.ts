// Turns the validated config into dispatchers, one per enabled output, each with its own minimum
// priority, queue and (where asked) spool directory.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/load.js';
import { parsePriority, type Priority } from '../alerts/priority.js';
import type { VigilConfig } from '../config/types.js';
import { Dispatcher } from './dispatcher.js';
import { HttpSink } from './http.js';
import { ProgramSink } from './program.js';
import { SpoolError } from './spool.js';
import { FileSink, StdoutSink } from './stream.js';
import { SyslogSink } from './syslog.js';
import type { LineFormat, Sink } from './types.js';

export function buildDispatchers(c: VigilConfig, onError?: (output: string, err: unknown) => void): Dispatcher[] {
  const line: LineFormat = {
    json: c.json_output, includeOutput: c.json_include_output_property, includeTags: c.json_include_tags_property,
    iso8601: c.time_format_iso_8601, utc: c.utc,
  };
  const q = c.outputs_queue;
  const out: Dispatcher[] = [];
  const add = (name: string, sink: Sink, min: string, spool = false) => {
    try {
      out.push(new Dispatcher(sink, {
        name, minPriority: parsePriority(min) as Priority, capacity: q.capacity, maxRetries: q.max_retries,
        backoff: { baseMs: q.backoff_base_ms, maxMs: q.backoff_max_ms }, onError,
        spool: spool ? { dir: join(q.spool_dir, name), afterMs: q.spool_after_ms, maxBytes: q.spool_max_bytes } : undefined,
      }));
    } catch (e) {
      // A spool that cannot be opened is a configuration problem: one line at start-up.
      if (e instanceof SpoolError) throw new ConfigError(`outputs_queue.spool_dir (${name}.spool): ${e.message}`);
      throw e;
    }
  };
  if (c.stdout_output.enabled) add('stdout', new StdoutSink(line), c.stdout_output.min_priority);
  if (c.file_output.enabled) add('file', new FileSink(c.file_output.filename, line), c.file_output.min_priority);
  if (c.program_output.enabled) add('program', new ProgramSink(c.program_output.program, line), c.program_output.min_priority);
  const h = c.http_output;
  if (h.enabled) add('http', new HttpSink({
    url: h.url, format: h.format, headers: h.headers, timeoutMs: h.timeout_ms,
    tls: { caFile: h.ca_file || undefined, certFile: h.cert_file || undefined, keyFile: h.key_file || undefined, insecure: h.insecure },
  }), h.min_priority, h.spool);
  const f = c.falcosidekick_output;
  if (f.enabled) add('falcosidekick', new HttpSink({ url: f.url, format: 'falcosidekick' }), f.min_priority, f.spool);
  const s = c.slack_output;
  if (s.enabled) add('slack', new HttpSink({ url: s.webhook_url, format: 'slack', slack: { username: s.username, iconUrl: s.icon_url || undefined, minimal: s.minimal } }), s.min_priority, s.spool);
  const y = c.syslog_output;
  if (y.enabled) add('syslog', new SyslogSink({ transport: y.transport, host: y.host, port: y.port, path: y.path, facility: y.facility, format: line }), y.min_priority);
  return out;
}

/** Config problems the schema cannot see (a URL needed only when an output is on). One line each. */
export function checkOutputs(c: VigilConfig): string | undefined {
  const url = (k: string, v: string) => {
    try { const u = new URL(v); if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${k} must be an http(s) URL, got '${v}'`; }
    catch { return `${k} must be an http(s) URL, got '${v}'`; }
    return undefined;
  };
  if (c.http_output.enabled) { const e = url('http_output.url', c.http_output.url); if (e) return e; }
  if (c.falcosidekick_output.enabled) { const e = url('falcosidekick_output.url', c.falcosidekick_output.url); if (e) return e; }
  if (c.slack_output.enabled) { const e = url('slack_output.webhook_url', c.slack_output.webhook_url); if (e) return e; }
  if (c.file_output.enabled) {
    const dir = dirname(c.file_output.filename || '.');
    if (!c.file_output.filename) return 'file_output.filename is required when file_output.enabled is true';
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return `file_output.filename: directory ${dir} does not exist`;
  }
  return undefined;
}
