// Containers by 12-hex short id. The metadata (image, names, k8s) is filled by the container
// engine integration; this table only owns lookup and the size bound.
import type { ContainerInfo } from '../../schema/model.js';
import { BoundedMap } from './bounded-map.js';

const HOST: ContainerInfo = { id: 'host', name: 'host', type: 'host' };

export class ContainerTable {
  readonly map: BoundedMap<string, ContainerInfo>;
  constructor(cap = 4096) { this.map = new BoundedMap(cap); }
  set(c: ContainerInfo): void { this.map.set(c.id.slice(0, 12), c); }
  get(id: string): ContainerInfo | undefined {
    if (!id || id === 'host') return HOST;
    return this.map.peek(id.slice(0, 12)) ?? { id: id.slice(0, 12) };
  }
}

/** The 12-hex container id in a cgroup path (docker, containerd, cri-o layouts), or 'host'. */
export function containerIdOfCgroup(path: string): string {
  const m = /(?:docker-|crio-|cri-containerd-|\/docker\/|\/crio\/|containerd\/|libpod-)?([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path);
  return m ? m[1].slice(0, 12) : 'host';
}
