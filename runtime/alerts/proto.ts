// Protobuf form of an alert, from proto/vigil.proto loaded at runtime so the .proto stays the one
// source of truth.
import type { Type } from 'protobufjs';
import { NA } from './template.js';
import { PRIORITIES, type Priority } from './priority.js';
import type { Alert } from './alert.js';
import { rootPath } from '../../compiler/root.js';

const PROTO_PATH = rootPath('proto/vigil.proto');
let cached: Type | undefined;
let protobuf: typeof import('protobufjs') | undefined;

/**
 * Loads protobufjs, which the protobuf calls below need: most agents never make a protobuf body, so
 * it is not loaded at start (undici, protobufjs and chokidar at start were ~6 MB of resident memory).
 */
export async function loadProtobuf(): Promise<void> {
  protobuf ??= ((await import('protobufjs')) as unknown as { default: typeof import('protobufjs') }).default;
}

export function alertType(): Type {
  if (!protobuf) throw new Error('protobufjs is not loaded: await loadProtobuf() first');
  if (!cached) cached = protobuf.loadSync(PROTO_PATH).lookupType('vigil.v1.Alert');
  return cached;
}

export function encodeAlert(a: Alert): Uint8Array {
  const T = alertType();
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.output_fields)) fields[k] = v ?? NA;
  return T.encode(T.fromObject({
    id: a.id, timeNs: a.time.toString(), rule: a.rule, priority: PRIORITIES.indexOf(a.priority),
    source: a.source, hostname: a.hostname, output: a.output, outputFields: fields, tags: a.tags,
  })).finish();
}

export function decodeAlert(buf: Uint8Array): Alert {
  const T = alertType();
  const o = T.toObject(T.decode(buf), { longs: String, enums: Number, defaults: true }) as {
    id: string; timeNs: string; rule: string; priority: number; source: string; hostname: string;
    output: string; outputFields: Record<string, string>; tags: string[];
  };
  const fields: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(o.outputFields)) fields[k] = v === NA ? null : v;
  return {
    id: o.id, time: BigInt(o.timeNs), rule: o.rule, priority: PRIORITIES[o.priority] as Priority, source: o.source,
    hostname: o.hostname, output: o.output, output_fields: fields, tags: o.tags,
  };
}
