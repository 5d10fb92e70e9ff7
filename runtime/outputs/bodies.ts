// Request bodies for the HTTP-based outputs: Falco's own JSON (what Falcosidekick's `/` accepts),
// protobuf, and a Slack incoming-webhook message laid out the way Falcosidekick lays out its Slack
// alerts (one attachment coloured by priority, a field per output field, rule/priority/time).
import type { Alert } from '../alerts/alert.js';
import { encodeAlert } from '../alerts/proto.js';
import { rfc3339Nano } from '../alerts/alert.js';
import { falcoJson } from '../alerts/format.js';
import type { Priority } from '../alerts/priority.js';

export type BodyFormat = 'json' | 'protobuf' | 'falcosidekick' | 'slack';

export interface Body { contentType: string; data: string | Uint8Array }

const COLORS: Record<Priority, string> = {
  Emergency: '#e20b0b', Alert: '#ff5400', Critical: '#ff9000', Error: '#ffc700',
  Warning: '#ffff00', Notice: '#5bffb5', Informational: '#68c2ff', Debug: '#ccfff2',
};

export interface SlackOptions { username?: string; iconUrl?: string; footer?: string; minimal?: boolean; messageText?: string }

/** Falcosidekick's layout: rule, priority, source, hostname, sorted tags, then the output fields
 *  (missing ones left out, short when under 36 characters), then the time. */
export function slackMessage(a: Alert, o: SlackOptions = {}): Record<string, unknown> {
  const fields: Array<{ title: string; value: string; short: boolean }> = [];
  if (!o.minimal) {
    fields.push({ title: 'rule', value: a.rule, short: true });
    fields.push({ title: 'priority', value: a.priority, short: true });
    fields.push({ title: 'source', value: a.source, short: true });
    if (a.hostname) fields.push({ title: 'hostname', value: a.hostname, short: true });
    if (a.tags.length) fields.push({ title: 'tags', value: [...a.tags].sort().join(', '), short: true });
    for (const k of Object.keys(a.output_fields).sort()) {
      const v = a.output_fields[k];
      if (v !== null) fields.push({ title: k, value: v, short: [...v].length < 36 });
    }
  }
  fields.push({ title: 'time', value: rfc3339Nano(a.time), short: false });
  const msg: Record<string, unknown> = {};
  if (o.messageText) msg.text = o.messageText;
  msg.username = o.username ?? 'Vigil';
  if (o.iconUrl) msg.icon_url = o.iconUrl;
  msg.attachments = [{ fallback: a.output, color: COLORS[a.priority], text: a.output, fields, footer: o.footer ?? 'Vigil' }];
  return msg;
}

export function makeBody(a: Alert, f: BodyFormat, slack?: SlackOptions): Body {
  switch (f) {
    case 'protobuf': return { contentType: 'application/x-protobuf', data: encodeAlert(a) };
    case 'slack': return { contentType: 'application/json', data: JSON.stringify(slackMessage(a, slack)) };
    case 'json':
    case 'falcosidekick': return { contentType: 'application/json', data: JSON.stringify(falcoJson(a)) };
  }
}
