// Builds schema/model.ts Events from the compact case fixtures in cases/*.yaml: a case gives
// only what matters to the rule (type, params, process, parent chain, fd, user, container) and
// this fills the rest with an ordinary workload's values.
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { ContainerInfo, Event, FdInfo, ParamValue, ThreadInfo } from '../../schema/model.js';

export interface ProcSpec {
  name?: string; exepath?: string; args?: string[]; tty?: number; vpid?: number; uid?: number;
  cwd?: string; exeUpperLayer?: boolean; exeFromMemfd?: boolean; parent?: ProcSpec;
}

export interface EventSpec {
  type: string;
  params?: Record<string, unknown>;
  proc?: ProcSpec;
  user?: { uid: number; name: string };
  /** `host` for a host process; otherwise fields over the default container. */
  container?: 'host' | Partial<ContainerInfo> & { k8s?: ContainerInfo['k8s'] };
  fd?: FdInfo;
}

export const DEFAULT_CONTAINER: ContainerInfo = {
  id: '3f2a9c1d7e6b', name: 'web', type: 'containerd', image: 'docker.io/library/nginx:1.27',
  imageRepository: 'docker.io/library/nginx', imageTag: '1.27',
  k8s: { podName: 'web-6d5f8b7c9-x2x4q', ns: 'shop', serviceAccount: 'default' },
};

let pid = 4000;

function thread(spec: ProcSpec, containerId: string, uid: number, depth: number): ThreadInfo {
  const exepath = spec.exepath ?? `/usr/bin/${spec.name ?? 'node'}`;
  const p = ++pid;
  const t: ThreadInfo = {
    tid: p, pid: p, ppid: p - 1, vpid: spec.vpid ?? (containerId === 'host' ? p : 40 + depth), comm: spec.name ?? exepath.slice(exepath.lastIndexOf('/') + 1),
    exe: exepath, exepath, args: spec.args ?? [], cwd: spec.cwd ?? '/', env: [], uid: spec.uid ?? uid, gid: spec.uid ?? uid,
    loginuid: 4294967295, tty: spec.tty ?? 0, containerId,
    exeUpperLayer: spec.exeUpperLayer ?? false, exeFromMemfd: spec.exeFromMemfd ?? false, fds: new Map(),
  };
  const parentSpec = spec.parent ?? (depth < 2 ? { name: depth === 0 ? 'node' : 'containerd-shim', exepath: depth === 0 ? '/usr/local/bin/node' : '/usr/bin/containerd-shim-runc-v2' } : undefined);
  if (parentSpec) t.parent = thread(parentSpec, depth === 0 ? containerId : 'host', uid, depth + 1);
  return t;
}

/** Converts a fixture's param values to what the decoder produces for the schema's types. */
function params(type: string, given: Record<string, unknown>): { params: Record<string, ParamValue>; order: string[] } {
  const def = EVENTS_BY_NAME.get(type);
  if (!def) throw new Error(`unknown event type ${type} in fixture`);
  const all = [...def.params, ...(def.enterParams ?? []).filter((e) => !def.params.some((p) => p.name === e.name))];
  for (const k of Object.keys(given)) if (!all.some((p) => p.name === k)) throw new Error(`${type} has no parameter ${k}`);
  const out: Record<string, ParamValue> = {};
  for (const p of all) {
    const v = given[p.name];
    if (v === undefined) { out[p.name] = p.name === 'res' || p.name === 'fd' ? 0 : null; continue; }
    out[p.name] = (p.type === 'u64' || p.type === 'i64') && typeof v === 'string' ? BigInt(v) : v as ParamValue;
  }
  return { params: out, order: all.map((p) => p.name) };
}

let num = 0;

export function buildEvent(spec: EventSpec): Event {
  const onHost = spec.container === 'host';
  const container: ContainerInfo | undefined = onHost ? undefined
    : { ...DEFAULT_CONTAINER, ...(spec.container as object | undefined), k8s: { ...DEFAULT_CONTAINER.k8s, ...(spec.container as ContainerInfo | undefined)?.k8s } };
  const user = spec.user ?? { uid: 0, name: 'root' };
  const th = thread(spec.proc ?? {}, container?.id ?? 'host', user.uid, 0);
  const { params: ps, order } = params(spec.type, spec.params ?? {});
  const def = EVENTS_BY_NAME.get(spec.type)!;
  const ev: Event = {
    num: ++num, ts: 1_760_000_000_000_000_000 + num, type: spec.type, typeId: def.id, dir: def.syscalls.length ? 'exit' : 'event', cpu: 0,
    params: ps, paramOrder: order, thread: th, user: { uid: user.uid, name: user.name, homedir: user.uid === 0 ? '/root' : `/home/${user.name}` },
    group: { gid: user.uid, name: user.name }, hostname: 'node-1', source: 'syscall',
    ...(container ? { container } : {}), ...(spec.fd ? { fd: spec.fd } : {}),
  };
  if (spec.fd) th.fds!.set(spec.fd.num, spec.fd);
  return ev;
}
