import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { k8sAuditFields, auditEvent, type AuditEvent } from './k8saudit.js';
import { pointer, imageRepository, rfc3339ToNs, type Json } from './k8saudit-json.js';
import type { FieldArg } from '../ir/types.js';

const shared = new URL('../../../shared/falco/k8s_audit/', import.meta.url);
const load = (f: string): AuditEvent => auditEvent(JSON.parse(readFileSync(new URL(f, shared), 'utf8').split('\n')[0]));
const x = (ev: AuditEvent, field: string, arg?: FieldArg) => {
  const ex = k8sAuditFields.extractors.get(field);
  assert.ok(ex, `no extractor for ${field}`);
  return ex(ev, arg);
};
const idx = (value: number): FieldArg => ({ kind: 'index', value });
const key = (value: string): FieldArg => ({ kind: 'key', value });

const pod = auditEvent({
  verb: 'create',
  requestObject: {
    spec: {
      securityContext: { runAsUser: 1000 },
      hostNetwork: true,
      containers: [
        { name: 'a', image: 'docker.io/falcosecurity/falco:0.36', securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } }, ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 8081 }] },
        { name: 'b', image: 'reg.local:5000/team/app@sha256:abcd', command: ['sh', '-c'], args: ['echo hi'] },
      ],
      initContainers: [{ name: 'i', image: 'busybox', securityContext: { privileged: false } }],
      volumes: [{ name: 'h', hostPath: { path: '/var/run/docker.sock' } }, { name: 's', secret: { secretName: 'x' } }, { name: 'f', flexVolume: { driver: 'k/drv' } }],
    },
  },
});

test('every field the upstream k8s audit rules use is in the table', () => {
  const text = readFileSync(new URL('../../../shared/falco/rules/k8s_audit_rules.yaml', import.meta.url), 'utf8');
  const used = new Set([...text.matchAll(/\b((?:ka|jevt)\.[A-Za-z0-9_.]+?)(?=\[|[^A-Za-z0-9_.]|\.?\s|$)/g)].map((m) => m[1].replace(/\.$/, '')));
  assert.ok(used.size > 30);
  for (const f of used) assert.ok(k8sAuditFields.fields.has(f), `missing ${f}`);
  for (const [name, d] of k8sAuditFields.fields) {
    assert.equal(d.name, name);
    assert.ok(k8sAuditFields.extractors.has(name));
  }
});

test('scalar fields of the anonymous namespace creation', () => {
  const ev = load('anonymous_creates_namespace_foo.json');
  assert.equal(x(ev, 'ka.user.name'), 'system:anonymous');
  assert.equal(x(ev, 'ka.verb'), 'create');
  assert.equal(x(ev, 'ka.target.resource'), 'namespaces');
  assert.equal(x(ev, 'ka.target.name'), 'foo');
  assert.equal(x(ev, 'ka.target.namespace'), undefined);
  assert.equal(x(ev, 'ka.auth.decision'), 'allow');
  assert.equal(x(ev, 'ka.auth.reason'), '');
  assert.equal(x(ev, 'ka.response.code'), '201');
  assert.equal(x(ev, 'ka.auditid'), '841d3e6d-90d2-43df-8da4-684738bee3d5');
  assert.deepEqual(x(ev, 'ka.user.groups'), ['system:masters', 'system:authenticated']);
  assert.deepEqual(x(ev, 'ka.sourceips'), ['192.168.99.1']);
  assert.equal(x(ev, 'jevt.value', key('/stage')), 'ResponseComplete');
  assert.equal(x(ev, 'jevt.rawtime'), 1540475929736141000n);
  assert.equal(x(ev, 'jevt.time'), '2018-10-25T13:58:49.736141000Z');
  assert.equal(x(ev, 'ka.cluster.name'), undefined);
  assert.equal(x(auditEvent(ev.json, undefined, 'prod'), 'ka.cluster.name'), 'prod');
});

test('attach: subresource and uri params', () => {
  const ev = load('attach_pod.json');
  assert.equal(x(ev, 'ka.target.subresource'), 'attach');
  assert.equal(x(ev, 'ka.uri.param', key('container')), 'nginx1');
  assert.equal(x(ev, 'ka.uri.param', key('command')), undefined);
  const exec = auditEvent({ requestURI: '/api/v1/namespaces/d/pods/p/exec?command=sh&command=-c&command=cat+%2Fetc%2Fshadow' });
  assert.equal(x(exec, 'ka.uri.param', key('command')), 'sh');
  assert.equal(x(auditEvent({ requestURI: '/x?a=b+c%2F' }), 'ka.uri.param', key('a')), 'b c/');
});

test('privileged pod: per-container lists, skipping containers without the flag', () => {
  const priv = load('create_nginx_pod_privileged.json');
  assert.deepEqual(x(priv, 'ka.req.pod.containers.privileged'), ['true']);
  assert.deepEqual(x(priv, 'ka.req.pod.containers.image'), ['nginx']);
  assert.equal(x(priv, 'ka.req.pod.initContainers.image'), undefined);
  assert.equal(x(priv, 'ka.resp.name'), 'nginx-deployment-5cdcc99dbf-rgw6z');
  const unpriv = load('create_nginx_pod_unprivileged.json');
  assert.equal(x(unpriv, 'ka.req.pod.containers.privileged'), undefined, 'no container sets the flag: no value at all');
});

test('multi-valued container fields, index arguments and fallbacks', () => {
  assert.deepEqual(x(pod, 'ka.req.pod.containers.image'), ['docker.io/falcosecurity/falco:0.36', 'reg.local:5000/team/app@sha256:abcd']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.image.repository'), ['docker.io/falcosecurity/falco', 'reg.local:5000/team/app']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.image', idx(1)), ['reg.local:5000/team/app@sha256:abcd']);
  assert.equal(x(pod, 'ka.req.pod.containers.image', idx(2)), undefined);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.privileged'), ['true']);
  assert.deepEqual(x(pod, 'ka.req.pod.initContainers.privileged'), ['false']);
  assert.equal(x(pod, 'ka.req.pod.ephemeralContainers.privileged'), undefined);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.run_as_user'), ['0']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.eff_run_as_user'), ['0', '1000']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.eff_run_as_group'), ['0', '0']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.add_capabilities'), ['NET_ADMIN', 'SYS_TIME']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.host_port'), ['80', '8081']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.command'), ['sh', '-c']);
  assert.deepEqual(x(pod, 'ka.req.pod.containers.name'), ['a', 'b']);
  assert.equal(x(pod, 'ka.req.pod.host_network'), 'true');
  assert.equal(x(pod, 'ka.req.pod.host_pid'), undefined);
  assert.equal(x(pod, 'ka.req.pod.run_as_user'), '1000');
  assert.deepEqual(x(pod, 'ka.req.pod.volumes.hostpath'), ['/var/run/docker.sock']);
  assert.deepEqual(x(pod, 'ka.req.pod.volumes.flexvolume_driver'), ['k/drv']);
  assert.deepEqual(x(pod, 'ka.req.pod.volumes.volume_type'), ['hostPath', 'secret', 'flexVolume']);
  assert.equal(x(pod, 'ka.req.volume.hostpath', key('/var/run/*')), 'true');
  assert.equal(x(pod, 'ka.req.volume.hostpath', key('/var/run')), 'false');
  assert.equal(x(pod, 'ka.req.container.image'), 'docker.io/falcosecurity/falco:0.36');
  assert.equal(x(pod, 'ka.req.container.privileged'), 'true');
});

test('bindings, roles, configmaps and services', () => {
  const crb = load('create_clusterrolebinding.json');
  assert.equal(x(crb, 'ka.req.binding.role'), 'system:basic-user');
  assert.deepEqual(x(crb, 'ka.req.binding.subjects'), ['{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"}']);
  assert.deepEqual(x(crb, 'ka.req.binding.subjects.user_names'), ['minikube']);
  assert.equal(x(crb, 'ka.req.binding.subjects.group_names'), undefined);
  assert.equal(x(crb, 'ka.req.binding.subject.has_name', key('minikube')), 'true');
  const sa = auditEvent({ requestObject: { subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }, { kind: 'Group', name: 'g' }] } });
  assert.deepEqual(x(sa, 'ka.req.binding.subjects.serviceaccount_ns_names'), ['ns:sa']);
  assert.deepEqual(x(sa, 'ka.req.binding.subjects.group_names'), ['g']);
  const cm = load('create_configmap_sensitive_values.json');
  assert.equal(x(cm, 'ka.req.configmap.name'), 'my-config');
  assert.match(x(cm, 'ka.req.configmap.obj') as string, /^\{"access.properties":"aws_access_key_id = MY-ID\\n/);
  const role = auditEvent({ requestObject: { rules: [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get'] }, { resources: ['*'], verbs: ['create', 'delete'], nonResourceURLs: ['/x'] }] } });
  assert.deepEqual(x(role, 'ka.req.role.rules.resources'), ['pods', 'pods/exec', '*']);
  assert.deepEqual(x(role, 'ka.req.role.rules.verbs', idx(1)), ['create', 'delete']);
  assert.deepEqual(x(role, 'ka.req.role.rules.nonresource_urls'), ['/x']);
  assert.equal((x(role, 'ka.req.role.rules') as string[]).length, 2);
  const svc = auditEvent({ requestObject: { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } } });
  assert.equal(x(svc, 'ka.req.service.type'), 'NodePort');
  assert.deepEqual(x(svc, 'ka.req.service.ports'), ['{"port":80,"nodePort":30080}']);
});

test('jevt.value follows RFC 6901, escapes included', () => {
  const doc: Json = { 'a/b': { 'm~n': [10, { '': 'empty' }] }, '~1': 'tilde-one', s: 'str', n: null, o: { k: true } };
  const ev = auditEvent(doc as { [k: string]: Json });
  assert.equal(x(ev, 'jevt.value', key('/a~1b/m~0n/0')), '10');
  assert.equal(x(ev, 'jevt.value', key('/a~1b/m~0n/1/')), 'empty');
  assert.equal(x(ev, 'jevt.value', key('/~01')), 'tilde-one', '~01 decodes to ~1, not /');
  assert.equal(x(ev, 'jevt.value', key('/o')), '{"k":true}');
  assert.equal(x(ev, 'jevt.value', key('/s')), 'str');
  assert.equal(x(ev, 'jevt.value', key('/n')), undefined);
  assert.equal(x(ev, 'jevt.value', key('/a~1b/m~0n/01')), undefined, 'leading zeros are not array indexes');
  assert.equal(x(ev, 'jevt.value', key('/a~1b/m~0n/-')), undefined);
  assert.equal(x(ev, 'jevt.value', key('/missing/deeper')), undefined);
  assert.equal(x(ev, 'jevt.value', key('no-slash')), undefined);
  assert.deepEqual(pointer(doc, ''), doc);
});

test('jevt.value pointer round-trips any key (property)', () => {
  const enc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.string(), (keys, leaf) => {
    let doc: Json = leaf;
    for (const k of [...keys].reverse()) doc = { [k]: doc };
    return pointer(doc, '/' + keys.map(enc).join('/')) === leaf;
  }));
});

test('image repositories and timestamps', () => {
  assert.equal(imageRepository('nginx'), 'nginx');
  assert.equal(imageRepository('nginx:1.25'), 'nginx');
  assert.equal(imageRepository('gcr.io/a/b@sha256:00'), 'gcr.io/a/b');
  assert.equal(imageRepository('localhost:5000/x'), 'localhost:5000/x');
  assert.equal(rfc3339ToNs('1970-01-01T00:00:01.5Z'), 1_500_000_000n);
  assert.equal(rfc3339ToNs('1970-01-01T01:00:00+01:00'), 0n);
  assert.equal(rfc3339ToNs('yesterday'), undefined);
});

test('timestamps: the UTC fast path agrees with the general form, across second changes', () => {
  // The fast path keeps the last second it converted; alternate seconds so a stale cache would show.
  const frac = fc.stringMatching(/^\d{0,9}$/);
  fc.assert(fc.property(fc.integer({ min: 0, max: 4102444799 }), frac, fc.integer({ min: 0, max: 4102444799 }), frac, (s1, f1, s2, f2) => {
    for (const [sec, f] of [[s1, f1], [s2, f2], [s1, f1]] as const) {
      const base = new Date(sec * 1000).toISOString().slice(0, 19);
      const text = f ? `${base}.${f}Z` : `${base}Z`;
      const want = BigInt(sec) * 1_000_000_000n + BigInt(f.padEnd(9, '0') || '0');
      if (rfc3339ToNs(text) !== want) return false;
      // The same instant written with a zone offset goes the general way and must agree.
      if (rfc3339ToNs(text.replace(/Z$/, '+00:00')) !== want) return false;
    }
    return true;
  }));
  assert.equal(rfc3339ToNs('2026-12-04T03:00:00.1234567890Z'), undefined);
  assert.equal(rfc3339ToNs('2026-12-04T03:00:00.12x4Z'), undefined);
  assert.equal(rfc3339ToNs('2026-12-04 03:00:00.1Z'), undefined);
  assert.equal(rfc3339ToNs('2026-12-04T03:00:00.Z'), undefined);
});
