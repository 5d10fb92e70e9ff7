// Pod fields of the k8s_audit table: one value per container (or volume) of the pod in the request
// object. Each container list (containers, initContainers, ephemeralContainers) has the same set.
import type { FieldArg } from '../ir/types.js';
import type { FieldValue } from './types.js';
import type { AuditEvent } from './k8saudit-event.js';
import { asText, getPath, imageRepository, type Json } from './k8saudit-json.js';

type Multi = FieldValue[] | undefined;

// Key paths are arrays made once: a rest-parameter call allocates one per call, per event.
const SPEC_PATHS = new Map<string, readonly string[]>();

/** The objects of requestObject.spec[list], or only the arg'th one; undefined when absent or out of range. */
export function specItems(ev: AuditEvent, list: string, arg: FieldArg | undefined): Json[] | undefined {
  let path = SPEC_PATHS.get(list);
  if (!path) SPEC_PATHS.set(list, (path = ['requestObject', 'spec', list]));
  const arr = getPath(ev.json, path);
  if (!Array.isArray(arr)) return undefined;
  if (arg?.kind === 'index') {
    const one = arr[arg.value];
    return one === undefined ? undefined : [one];
  }
  return arr;
}

/** Empty lists read as "no value" so that `exists` is false and comparisons do not match, as in Falco. */
function nonEmpty(out: FieldValue[]): Multi {
  return out.length ? out : undefined;
}

/** One value per item that has `keys`; items without it are skipped (Falco skips unset privileged flags too). */
export function perItem(items: Json[] | undefined, keys: readonly string[]): Multi {
  if (!items) return undefined;
  const out: FieldValue[] = [];
  for (const it of items) {
    const v = getPath(it, keys);
    if (v !== undefined && v !== null) out.push(asText(v));
  }
  return nonEmpty(out);
}

/** Like perItem, but the value at `keys` is a list whose elements are all collected. */
export function flatPerItem(items: Json[] | undefined, keys: readonly string[]): Multi {
  if (!items) return undefined;
  const out: FieldValue[] = [];
  for (const it of items) {
    const v = getPath(it, keys);
    if (Array.isArray(v)) for (const x of v) if (x !== null) out.push(asText(x));
  }
  return nonEmpty(out);
}

/** The container's own securityContext value, else the pod's, else "0" (what the kubelet would use). */
function effective(ev: AuditEvent, items: Json[] | undefined, podPath: readonly string[], ctrPath: readonly string[]): Multi {
  if (!items) return undefined;
  const pod = getPath(ev.json, podPath);
  const dflt = pod === undefined || pod === null ? '0' : asText(pod);
  return nonEmpty(items.map((c) => {
    const v = getPath(c, ctrPath);
    return v === undefined || v === null ? dflt : asText(v);
  }));
}

const PORTS = ['ports'], HOST_PORT = ['hostPort'], CONTAINER_PORT = ['containerPort'];

function hostPorts(items: Json[] | undefined): Multi {
  if (!items) return undefined;
  const out: FieldValue[] = [];
  for (const c of items) {
    const ports = getPath(c, PORTS);
    if (!Array.isArray(ports)) continue;
    // With hostNetwork the containerPort is the host port, which is why Falco falls back to it.
    for (const p of ports) {
      const v = getPath(p, HOST_PORT) ?? getPath(p, CONTAINER_PORT);
      if (v !== undefined && v !== null) out.push(asText(v));
    }
  }
  return nonEmpty(out);
}

const POD_UID = ['requestObject', 'spec', 'securityContext', 'runAsUser'], CTR_UID = ['securityContext', 'runAsUser'];
const POD_GID = ['requestObject', 'spec', 'securityContext', 'runAsGroup'], CTR_GID = ['securityContext', 'runAsGroup'];

export type PodExtractor = (ev: AuditEvent, arg: FieldArg | undefined) => Multi;

/** Per-container fields, keyed by the suffix after `ka.req.pod.<list>.`. */
export function containerExtractors(list: string): Array<[string, PodExtractor, string]> {
  const items = (ev: AuditEvent, arg: FieldArg | undefined) => specItems(ev, list, arg);
  const per = (keys: readonly string[]): PodExtractor => (ev, a) => perItem(items(ev, a), keys);
  const flat = (keys: readonly string[]): PodExtractor => (ev, a) => flatPerItem(items(ev, a), keys);
  const image = per(['image']);
  return [
    ['name', per(['name']), 'names'],
    ['image', per(['image']), 'images'],
    ['image.repository', (ev, a) => {
      const imgs = image(ev, a);
      return imgs?.map((i) => imageRepository(i as string));
    }, 'image repositories (no tag or digest)'],
    ['command', flat(['command']), 'commands'],
    ['args', flat(['args']), 'args'],
    ['privileged', per(['securityContext', 'privileged']), 'privileged flags (containers that set it)'],
    ['allow_privilege_escalation', per(['securityContext', 'allowPrivilegeEscalation']), 'allowPrivilegeEscalation flags'],
    ['read_only_fs', per(['securityContext', 'readOnlyRootFilesystem']), 'readOnlyRootFilesystem flags'],
    ['run_as_user', per(['securityContext', 'runAsUser']), 'runAsUser uids'],
    ['eff_run_as_user', (ev, a) => effective(ev, items(ev, a), POD_UID, CTR_UID), 'effective uids (container, else pod, else 0)'],
    ['run_as_group', per(['securityContext', 'runAsGroup']), 'runAsGroup gids'],
    ['eff_run_as_group', (ev, a) => effective(ev, items(ev, a), POD_GID, CTR_GID), 'effective gids (container, else pod, else 0)'],
    ['proc_mount', per(['securityContext', 'procMount']), 'procMount types'],
    ['add_capabilities', flat(['securityContext', 'capabilities', 'add']), 'capabilities added'],
    ['host_port', (ev, a) => hostPorts(items(ev, a)), 'hostPort values (containerPort when no hostPort)'],
  ];
}

function volumeItems(keys: readonly string[]): PodExtractor {
  return (ev, a) => perItem(specItems(ev, 'volumes', a), keys);
}

/** Volume fields, keyed by the suffix after `ka.req.pod.volumes.`. */
export const volumeExtractors: Array<[string, PodExtractor, string]> = [
  ['hostpath', volumeItems(['hostPath', 'path']), 'hostPath paths of all volumes'],
  ['flexvolume_driver', volumeItems(['flexVolume', 'driver']), 'flexVolume drivers of all volumes'],
  ['volume_type', (ev, a) => {
    const vols = specItems(ev, 'volumes', a);
    if (!vols) return undefined;
    const out: FieldValue[] = [];
    for (const v of vols) {
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) if (k !== 'name') out.push(k);
    }
    return nonEmpty(out);
  }, 'volume types (the volume source keys: hostPath, secret...)'],
];
