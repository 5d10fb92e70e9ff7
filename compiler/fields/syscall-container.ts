// container.* and k8s.* fields: metadata the container engine and Kubernetes know about the
// event's container. For host processes container.id and container.name are 'host'.
import type { ContainerInfo, Event } from '../../schema/model.js';
import { int, type TableBuilder } from './define.js';

const c = (ev: Event): ContainerInfo | undefined => (ev.thread.containerId === 'host' ? undefined : ev.container);
const labels = (m: Record<string, string> | undefined) => (m ? Object.entries(m).map(([k, v]) => `${k}:${v}`).join(', ') : undefined);
const KEY = { arg: { required: true, kind: 'key' as const } };

export function addContainerFields(t: TableBuilder<Event>): void {
  t.def('container.id', 'string', "12-hex container id, 'host' for host processes", (ev) => ev.thread.containerId)
    .def('container.name', 'string', "container name, 'host' for host processes", (ev) => (ev.thread.containerId === 'host' ? 'host' : ev.container?.name))
    .def('container.image', 'string', 'image name as the container was started with', (ev) => c(ev)?.image)
    .def('container.image.repository', 'string', 'image repository (no tag or digest)', (ev) => c(ev)?.imageRepository)
    .def('container.image.tag', 'string', 'image tag', (ev) => c(ev)?.imageTag)
    .def('container.image.digest', 'string', 'image digest', (ev) => c(ev)?.imageDigest)
    .def('container.image.id', 'string', 'image id', (ev) => c(ev)?.imageId)
    .def('container.type', 'string', 'container engine (docker, containerd, cri-o...)', (ev) => (ev.thread.containerId === 'host' ? 'host' : ev.container?.type))
    .def('container.privileged', 'bool', 'the container runs privileged', (ev) => c(ev)?.privileged)
    .def('container.start_ts', 'abstime', 'container start, ns since the epoch', (ev) => int(c(ev)?.startTs))
    .def('container.label', 'string', 'one container label: container.label[app]', (ev, arg) => (arg ? c(ev)?.labels?.[String(arg.value)] : undefined), KEY)
    .def('container.labels', 'string', 'all container labels as key:value pairs', (ev) => labels(c(ev)?.labels))
    .def('container.mount.dest', 'string', 'destinations of the container mounts', (ev) => {
      const m = c(ev)?.mounts;
      return m?.length ? m.map((x) => x.dest) : undefined;
    }, { multi: true })
    .def('k8s.pod.name', 'string', 'Kubernetes pod name', (ev) => c(ev)?.k8s?.podName)
    .def('k8s.pod.uid', 'string', 'Kubernetes pod uid', (ev) => c(ev)?.k8s?.podUid)
    .def('k8s.pod.ip', 'string', 'Kubernetes pod IP', (ev) => c(ev)?.k8s?.podIp)
    .def('k8s.pod.sa', 'string', 'service account of the pod', (ev) => c(ev)?.k8s?.serviceAccount)
    .def('k8s.ns.name', 'string', 'Kubernetes namespace', (ev) => c(ev)?.k8s?.ns)
    .def('k8s.pod.label', 'string', 'one pod label: k8s.pod.label[app]', (ev, arg) => (arg ? c(ev)?.k8s?.podLabels?.[String(arg.value)] : undefined), KEY)
    .def('k8s.pod.labels', 'string', 'all pod labels as key:value pairs', (ev) => labels(c(ev)?.k8s?.podLabels))
    .def('k8s.ns.label', 'string', 'one namespace label', (ev, arg) => (arg ? c(ev)?.k8s?.nsLabels?.[String(arg.value)] : undefined), KEY);
}
