// Turns a webhook body or a log record into audit events. The API server's webhook backend posts
// an audit.k8s.io EventList; log files hold one Event per line. Anything else is refused with a
// reason the HTTP layer returns as 400 and the file reader reports with its line number.
import { auditEvent, type AuditEvent } from '../../../compiler/fields/k8saudit.js';
import type { Json } from '../../../compiler/fields/k8saudit-json.js';

/** v1beta1 is still what older clusters (and Falco's own test captures) write. */
const API_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1']);

export class AuditParseError extends Error {}

type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkVersion(o: Obj, what: string): void {
  const v = o.apiVersion;
  // A log line may omit apiVersion (the shared captures do); a wrong one is refused.
  if (v !== undefined && (typeof v !== 'string' || !API_VERSIONS.has(v))) {
    throw new AuditParseError(`${what}: unsupported apiVersion ${JSON.stringify(v)} (want audit.k8s.io/v1)`);
  }
}

/** One parsed JSON value (an Event, an EventList, or an array of either) -> events. */
export function eventsFromJson(doc: unknown, cluster?: string, text?: string): AuditEvent[] {
  if (Array.isArray(doc)) return doc.flatMap((d, i) => {
    try { return eventsFromJson(d, cluster); } catch (e) { throw new AuditParseError(`item ${i}: ${(e as Error).message}`); }
  });
  if (!isObj(doc)) throw new AuditParseError(`expected a JSON object, got ${doc === null ? 'null' : typeof doc}`);
  if (doc.kind === 'Event') {
    checkVersion(doc, 'Event');
    return [auditEvent(doc, text, cluster)];
  }
  if (doc.kind === 'EventList') {
    checkVersion(doc, 'EventList');
    if (!Array.isArray(doc.items)) throw new AuditParseError('EventList: items must be a list');
    return doc.items.map((it, i) => {
      if (!isObj(it)) throw new AuditParseError(`EventList item ${i}: not an object`);
      if (it.kind !== undefined && it.kind !== 'Event') throw new AuditParseError(`EventList item ${i}: kind ${JSON.stringify(it.kind)} is not Event`);
      checkVersion(it, `EventList item ${i}`);
      return auditEvent(it, undefined, cluster);
    });
  }
  throw new AuditParseError(`unsupported kind ${JSON.stringify(doc.kind)} (want Event or EventList)`);
}

/** Parse a body; JSON syntax errors keep the parser's own position text. */
export function parseAuditBody(body: string, cluster?: string): AuditEvent[] {
  let doc: unknown;
  try { doc = JSON.parse(body); } catch (e) { throw new AuditParseError(`malformed JSON: ${(e as Error).message}`); }
  return eventsFromJson(doc, cluster, isObj(doc) && doc.kind === 'Event' ? body : undefined);
}
