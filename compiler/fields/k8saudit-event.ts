// What the k8s_audit field table reads: one audit.k8s.io Event object, parsed, plus what the source
// knows about it (its original text for jevt.obj, the cluster it came from).
import type { Json } from './k8saudit-json.js';
import { get, rfc3339ToNs } from './k8saudit-json.js';

export interface AuditEvent {
  /** The parsed Event object. */
  json: { [k: string]: Json };
  /** The event's own JSON text when the source has it (one Event of a file or of an EventList is re-serialised). */
  text?: string;
  /** Cluster name configured on the source that received the event (ka.cluster.name). */
  cluster?: string;
  /** Event time in epoch ns, computed once by auditEvent(). */
  ts: bigint;
}

/** Falco's k8saudit plugin stamps events with stageTimestamp; older logs may only carry timestamp. */
export function auditEvent(json: { [k: string]: Json }, text?: string, cluster?: string): AuditEvent {
  let ts: bigint | undefined;
  for (const key of ['stageTimestamp', 'requestReceivedTimestamp', 'timestamp']) {
    const v = get(json, key);
    if (typeof v === 'string' && (ts = rfc3339ToNs(v)) !== undefined) break;
  }
  return { json, text, cluster, ts: ts ?? 0n };
}
