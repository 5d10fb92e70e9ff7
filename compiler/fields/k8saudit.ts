// The `k8s_audit` source's field table: Falco's k8saudit plugin fields (ka.*) and the json plugin
// fields (jevt.*) over one audit.k8s.io Event. As in Falco, every ka.* field is text (flags read
// "true"/"false", codes "201"), list fields yield one value per item, and a missing value is
// undefined (printed <NA>); an empty list is also undefined so `exists` and comparisons agree.
import type { FieldArg, FieldType } from '../ir/types.js';
import type { Extractor, FieldDef, FieldTable, FieldValue } from './types.js';
import type { AuditEvent } from './k8saudit-event.js';
import { asText, get, getPath, pointer, type Json } from './k8saudit-json.js';
import { containerExtractors, volumeExtractors, specItems, perItem, flatPerItem } from './k8saudit-pod.js';

export type { AuditEvent } from './k8saudit-event.js';
export { auditEvent } from './k8saudit-event.js';

type Ex = Extractor<AuditEvent>;
interface Opts { type?: FieldType; multi?: boolean; arg?: FieldDef['arg'] }

const fields = new Map<string, FieldDef>();
const extractors = new Map<string, Ex>();

function def(name: string, desc: string, ex: Ex, o: Opts = {}): void {
  fields.set(name, { name, type: o.type ?? 'string', desc, ...(o.multi ? { multi: true } : {}), ...(o.arg ? { arg: o.arg } : {}) });
  extractors.set(name, ex);
}

/** A single text value at a key path of the event. */
function at(...keys: string[]): Ex {
  return (ev) => {
    const v = getPath(ev.json, keys);
    return v === undefined || v === null ? undefined : asText(v);
  };
}

/** A list at a key path, one text value per element (objects rendered as JSON). */
function listAt(...keys: string[]): Ex {
  return (ev, arg) => {
    const v = getPath(ev.json, keys);
    if (!Array.isArray(v)) return undefined;
    const items = arg?.kind === 'index' ? (v[arg.value] === undefined ? [] : [v[arg.value]]) : v;
    const out = items.filter((x) => x !== null).map(asText);
    return out.length ? out : undefined;
  };
}

const INDEX = { required: false, kind: 'index' } as const;
const KEY = { required: true, kind: 'key' } as const;
const keyArg = (arg: FieldArg | undefined): string | undefined => (arg?.kind === 'key' ? arg.value : undefined);

def('ka.auditid', 'The unique id of the audit event', at('auditID'));
def('ka.audit_id', 'Alias of ka.auditid', at('auditID'));
def('ka.stage', 'Stage of the request (RequestReceived, ResponseStarted, ResponseComplete, Panic)', at('stage'));
def('ka.auth.decision', 'The authorization decision', at('annotations', 'authorization.k8s.io/decision'));
def('ka.auth.reason', 'The authorization reason', at('annotations', 'authorization.k8s.io/reason'));
def('ka.user.name', 'The user name performing the request', at('user', 'username'));
def('ka.user.groups', 'The groups to which the user belongs', listAt('user', 'groups'), { multi: true });
def('ka.impuser.name', 'The impersonated user name', at('impersonatedUser', 'username'));
def('ka.verb', 'The action being performed', at('verb'));
def('ka.uri', 'The request URI as sent from client to server', at('requestURI'));
def('ka.uri.param', 'The first value of a query parameter of the URI (ka.uri.param[key])', (ev, arg) => {
  const uri = ev.json.requestURI;
  const key = keyArg(arg);
  if (typeof uri !== 'string' || key === undefined) return undefined;
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  const v = new URLSearchParams(uri.slice(q + 1)).get(key);
  return v === null ? undefined : v;
}, { arg: KEY });
def('ka.target.name', 'The target object name', at('objectRef', 'name'));
def('ka.target.namespace', 'The target object namespace', at('objectRef', 'namespace'));
def('ka.target.resource', 'The target object resource', at('objectRef', 'resource'));
def('ka.target.subresource', 'The target object subresource', at('objectRef', 'subresource'));
const targetResource = at('objectRef', 'resource'), targetName = at('objectRef', 'name');
def('ka.target.pod.name', 'The target pod name (pods resource only)', (ev) =>
  targetResource(ev, undefined) === 'pods' ? targetName(ev, undefined) : undefined);

// Bindings: subjects as JSON objects, and by kind.
def('ka.req.binding.subjects', 'The subjects of a (cluster) role binding, each as JSON', listAt('requestObject', 'subjects'), { multi: true });
function subjectsOfKind(kind: string, withNs: boolean): Ex {
  return (ev) => {
    const subs = get(ev.json, 'requestObject', 'subjects');
    if (!Array.isArray(subs)) return undefined;
    const out: FieldValue[] = [];
    for (const s of subs) {
      if (get(s, 'kind') !== kind) continue;
      const name = get(s, 'name');
      if (typeof name !== 'string') continue;
      const ns = get(s, 'namespace');
      out.push(withNs ? `${typeof ns === 'string' ? ns : ''}:${name}` : name);
    }
    return out.length ? out : undefined;
  };
}
def('ka.req.binding.subjects.user_names', 'User subjects of a binding', subjectsOfKind('User', false), { multi: true });
def('ka.req.binding.subjects.serviceaccount_names', 'ServiceAccount subjects of a binding', subjectsOfKind('ServiceAccount', false), { multi: true });
def('ka.req.binding.subjects.serviceaccount_ns_names', 'ServiceAccount subjects of a binding as namespace:name', subjectsOfKind('ServiceAccount', true), { multi: true });
def('ka.req.binding.subjects.group_names', 'Group subjects of a binding', subjectsOfKind('Group', false), { multi: true });
def('ka.req.binding.role', 'The role a binding refers to', at('requestObject', 'roleRef', 'name'));
// Deprecated in Falco (its plugin answers "true" whatever the key); here it says whether a subject has that name.
def('ka.req.binding.subject.has_name', 'Whether any binding subject has the given name ("true"/"false")', (ev, arg) => {
  const subs = get(ev.json, 'requestObject', 'subjects');
  const key = keyArg(arg);
  if (!Array.isArray(subs) || key === undefined) return undefined;
  return subs.some((s) => get(s, 'name') === key) ? 'true' : 'false';
}, { arg: KEY });

def('ka.req.configmap.name', 'The configmap name (objectRef.name)', at('objectRef', 'name'));
def('ka.req.configmap.obj', 'The configmap data, as JSON', at('requestObject', 'data'));

for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
  for (const [suffix, ex, what] of containerExtractors(list)) {
    def(`ka.req.pod.${list}.${suffix}`, `Pod ${list}: ${what}, one per container`, ex, { multi: true, arg: INDEX });
  }
}
for (const [suffix, ex, what] of volumeExtractors) def(`ka.req.pod.volumes.${suffix}`, `Pod: ${what}`, ex, { multi: true, arg: INDEX });

const FIRST: FieldArg = { kind: 'index', value: 0 };
const firstOf = (name: string): Ex => (ev) => {
  const v = extractors.get(name)!(ev, FIRST);
  return Array.isArray(v) ? v[0] : v;
};
def('ka.req.container.image', 'Deprecated: the image of the first container', firstOf('ka.req.pod.containers.image'));
def('ka.req.container.image.repository', 'Deprecated: the repository of the first container', firstOf('ka.req.pod.containers.image.repository'));
def('ka.req.container.privileged', 'Deprecated: "true" if any container is privileged', (ev) => {
  const items = specItems(ev, 'containers', undefined);
  if (!items) return undefined;
  return items.some((c) => get(c, 'securityContext', 'privileged') === true) ? 'true' : 'false';
});

def('ka.req.pod.host_ipc', 'The pod hostIPC flag', at('requestObject', 'spec', 'hostIPC'));
def('ka.req.pod.host_network', 'The pod hostNetwork flag', at('requestObject', 'spec', 'hostNetwork'));
def('ka.req.container.host_network', 'Deprecated alias of ka.req.pod.host_network', at('requestObject', 'spec', 'hostNetwork'));
def('ka.req.pod.host_pid', 'The pod hostPID flag', at('requestObject', 'spec', 'hostPID'));
def('ka.req.pod.run_as_user', 'The pod securityContext runAsUser', at('requestObject', 'spec', 'securityContext', 'runAsUser'));
def('ka.req.pod.run_as_group', 'The pod securityContext runAsGroup', at('requestObject', 'spec', 'securityContext', 'runAsGroup'));
def('ka.req.pod.fs_group', 'The pod securityContext fsGroup', at('requestObject', 'spec', 'securityContext', 'fsGroup'));
def('ka.req.pod.supplemental_groups', 'The pod securityContext supplementalGroups', listAt('requestObject', 'spec', 'securityContext', 'supplementalGroups'), { multi: true });
// Names from Falco's older built-in k8s audit support, kept so older rule files load.
def('ka.req.sec_ctx.fs_group', 'Old name of ka.req.pod.fs_group', at('requestObject', 'spec', 'securityContext', 'fsGroup'));
def('ka.req.sec_ctx.supplemental_groups', 'Old name of ka.req.pod.supplemental_groups', listAt('requestObject', 'spec', 'securityContext', 'supplementalGroups'), { multi: true });
def('ka.req.sec_ctx.added_capabilities', 'Old name of ka.req.pod.containers.add_capabilities', extractors.get('ka.req.pod.containers.add_capabilities')!, { multi: true });

const RULES = ['requestObject', 'rules'];
function ruleField(key: string): Ex {
  const keys = [key];
  return (ev, arg) => flatPerItem(arg?.kind === 'index' ? listIndex(getPath(ev.json, RULES), arg.value) : asArray(getPath(ev.json, RULES)), keys);
}
const asArray = (v: Json | undefined): Json[] | undefined => (Array.isArray(v) ? v : undefined);
const listIndex = (v: Json | undefined, i: number): Json[] | undefined => (Array.isArray(v) && v[i] !== undefined ? [v[i]] : undefined);
def('ka.req.role.rules', 'The rules of a (cluster) role, each as JSON', listAt('requestObject', 'rules'), { multi: true });
for (const [suffix, key] of [['apigroups', 'apiGroups'], ['apiGroups', 'apiGroups'], ['nonresource_urls', 'nonResourceURLs'], ['nonResourceURLs', 'nonResourceURLs'], ['verbs', 'verbs'], ['resources', 'resources']]) {
  def(`ka.req.role.rules.${suffix}`, `The ${key} of all the role's rules (or of rule [i])`, ruleField(key), { multi: true, arg: INDEX });
}

def('ka.req.service.type', 'The service type', at('requestObject', 'spec', 'type'));
def('ka.req.service.ports', 'The service ports, each as JSON', (ev, arg) => perItemWhole(specItems(ev, 'ports', arg)), { multi: true, arg: INDEX });
function perItemWhole(items: Json[] | undefined): FieldValue[] | undefined {
  const out = (items ?? []).filter((x) => x !== null).map(asText);
  return out.length ? out : undefined;
}
const HOST_PATH = ['hostPath', 'path'];
def('ka.req.volume.hostpath', 'Deprecated: "true" if a volume uses the host path given as key (a trailing * matches a prefix)', (ev, arg) => {
  const key = keyArg(arg);
  if (key === undefined) return undefined;
  const paths = perItem(specItems(ev, 'volumes', undefined), HOST_PATH) ?? [];
  const prefix = key.endsWith('*') ? key.slice(0, -1) : undefined;
  return paths.some((p) => p === key || (prefix !== undefined && (p as string).startsWith(prefix))) ? 'true' : 'false';
}, { arg: KEY });

def('ka.resp.name', 'The response object name', at('responseObject', 'metadata', 'name'));
def('ka.response.code', 'The response code (text, so `startswith 2` works)', at('responseStatus', 'code'));
def('ka.response.reason', 'The response reason (usually only for failures)', at('responseStatus', 'reason'));
def('ka.useragent', 'The user agent of the client', at('userAgent'));
def('ka.sourceips', 'The client IP addresses', listAt('sourceIPs'), { multi: true, arg: INDEX });
def('ka.cluster.name', 'The cluster name configured on the source that received the event', (ev) => ev.cluster);

// json plugin fields over the same event.
def('jevt.time', 'The event time as RFC 3339 text with nanoseconds', (ev) => nsToText(ev.ts));
def('jevt.time.iso8601', 'Alias of jevt.time', (ev) => nsToText(ev.ts));
def('jevt.rawtime', 'The event time in epoch ns', (ev) => ev.ts, { type: 'int' });
def('jevt.obj', 'The whole event as JSON', (ev) => ev.text ?? JSON.stringify(ev.json));
def('jevt.value', 'The value at an RFC 6901 JSON pointer (jevt.value[/objectRef/name]); non-strings as JSON', (ev, arg) => {
  const ptr = keyArg(arg);
  if (ptr === undefined) return undefined;
  const v = pointer(ev.json, ptr);
  return v === undefined || v === null ? undefined : asText(v);
}, { arg: KEY });

function nsToText(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}

export const k8sAuditFields: FieldTable<AuditEvent> = { source: 'k8s_audit', fields, extractors };
