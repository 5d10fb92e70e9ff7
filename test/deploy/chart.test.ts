import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderChart, type RenderedDoc } from '../../scripts/deploy/helm-template.js';
import { manifestText, MANIFEST_FILE } from '../../scripts/deploy/render-manifests.js';
import { validateObject } from './validate.js';
import { unknownFieldErrors } from './strict-fields.js';
import { loadConfig } from '../../runtime/config/load.js';

const find = (docs: RenderedDoc[], kind: string, name?: string) =>
  docs.filter((d) => d.obj.kind === kind && (name === undefined || d.obj.metadata.name === name)).map((d) => d.obj);
const one = (docs: RenderedDoc[], kind: string, name?: string) => {
  const found = find(docs, kind, name);
  assert.equal(found.length, 1, `expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
};

const NON_DEFAULT = {
  fullnameOverride: 'sec-agent',
  image: { repository: 'registry.example.com/vigil', tag: '9.9.9' },
  imagePullSecrets: [{ name: 'regcred' }],
  serviceAccount: { annotations: { 'example.com/role': 'vigil' } },
  agent: { extraEnv: [{ name: 'VIGIL_DEBUG', value: '1' }], nodeSelector: { 'kubernetes.io/os': 'linux' }, loadModule: false },
  customRules: { 'tuning.yaml': '- list: vigil_package_managers\n  items: [my-installer]\n  override:\n    items: append\n' },
  serviceMonitor: { enabled: true, labels: { release: 'prom' } },
  k8sAudit: { enabled: true, replicas: 2, tlsSecretName: 'audit-tls', tokenSecretName: 'audit-token' },
  config: { priority: 'warning', http_output: { enabled: true, url: 'https://siem.example/vigil' }, rate_limit: { enabled: true } },
};

test('default render: every object passes the Kubernetes OpenAPI schema', async () => {
  const docs = renderChart();
  assert.deepEqual(docs.map((d) => d.obj.kind),
    ['PriorityClass', 'ServiceAccount', 'ConfigMap', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'DaemonSet']);
  for (const d of docs) await validateObject(d.obj);
});

test('non-default render (audit endpoint, ServiceMonitor, custom rules) passes the schemas', async () => {
  const docs = renderChart({ values: [NON_DEFAULT] });
  for (const d of docs) await validateObject(d.obj);
  const sm = one(docs, 'ServiceMonitor');
  assert.equal(sm.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(sm.metadata.labels.release, 'prom');
  assert.deepEqual(sm.spec.endpoints.map((e: any) => [e.port, e.path]), [['http', '/metrics']]);

  const audit = one(docs, 'Deployment', 'sec-agent-audit');
  assert.equal(audit.spec.replicas, 2);
  const c = audit.spec.template.spec.containers[0];
  assert.ok(c.args.includes('k8s_audit.listen_port=9765'));
  assert.ok(c.args.includes('k8s_audit.token_file=/etc/vigil/token/token'));
  assert.equal(audit.spec.template.spec.volumes.find((v: any) => v.name === 'token').secret.secretName, 'audit-token');
  assert.deepEqual(c.ports.find((p: any) => p.name === 'audit'), { name: 'audit', containerPort: 9765, protocol: 'TCP' });
  assert.equal(audit.spec.template.spec.volumes.find((v: any) => v.name === 'tls').secret.secretName, 'audit-tls');
  assert.notEqual(c.securityContext.privileged, true);
  assert.equal(audit.spec.template.spec.automountServiceAccountToken, false);
  const svc = one(docs, 'Service', 'sec-agent-audit');
  assert.equal(svc.spec.ports[0].port, 9765);
  // The agents' Service must not select the audit pods, nor the audit Service the agents.
  assert.equal(one(docs, 'Service', 'sec-agent').spec.selector['app.kubernetes.io/component'], 'agent');
  assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'k8s-audit');

  const rules = one(docs, 'ConfigMap', 'sec-agent-rules');
  assert.deepEqual(parse(rules.data['tuning.yaml']), parse(NON_DEFAULT.customRules['tuning.yaml']));
  const ds = one(docs, 'DaemonSet', 'sec-agent');
  const agent = ds.spec.template.spec.containers[0];
  assert.equal(agent.image, 'registry.example.com/vigil:9.9.9');
  assert.deepEqual(ds.spec.template.spec.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(agent.env.find((e: any) => e.name === 'VIGIL_LOAD_MODULE').value, 'false');
  assert.equal(agent.env.find((e: any) => e.name === 'VIGIL_DEBUG').value, '1');
  assert.deepEqual(ds.spec.template.spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
});

test('the agent config the chart renders is accepted by the agent\'s own config loader', () => {
  for (const values of [[], [NON_DEFAULT]]) {
    const docs = renderChart({ values });
    const cm = docs.find((d) => d.obj.kind === 'ConfigMap' && !d.obj.metadata.name.endsWith('-rules'))!.obj;
    const cfg = loadConfig({ file: 'config.yaml', text: cm.data['config.yaml'] });
    const ds = one(docs, 'DaemonSet');
    const c = ds.spec.template.spec.containers[0];
    assert.equal(cfg.webserver.listen_port, c.ports.find((p: any) => p.name === 'http').containerPort);
    assert.equal(cfg.webserver.listen_address, '0.0.0.0', 'probes reach the pod IP');
    assert.ok(cfg.outputs_queue.spool_dir.startsWith(c.volumeMounts.find((m: any) => m.name === 'spool').mountPath + '/'));
    assert.deepEqual(cfg.rules_files.slice(0, 1), ['/usr/lib/vigil/rules/macros.yaml']);
    assert.equal(cfg.rules_files.at(-1), c.volumeMounts.find((m: any) => m.name === 'rules').mountPath);
    assert.deepEqual(c.args, ['run', '--config', c.volumeMounts.find((m: any) => m.name === 'config').mountPath]);
  }
  const cfg = loadConfig({ file: 'config.yaml', text: one(renderChart({ values: [NON_DEFAULT] }), 'ConfigMap', 'sec-agent').data['config.yaml'] });
  assert.equal(cfg.http_output.url, 'https://siem.example/vigil');
  assert.equal(cfg.priority, 'warning');
  // A typo in values.config is caught by the agent at start, naming the key.
  const bad = one(renderChart({ values: [{ config: { stdout_ouput: { enabled: true } } }] }), 'ConfigMap', 'vigil');
  assert.throws(() => loadConfig({ file: 'config.yaml', text: bad.data['config.yaml'] }), /stdout_ouput/);
});

test('the schema check is live: a broken object is rejected', async () => {
  const ds = structuredClone(one(renderChart(), 'DaemonSet'));
  ds.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
  await assert.rejects(validateObject(ds), /containerPort/);
  const cr = structuredClone(one(renderChart(), 'ClusterRole'));
  cr.rules = 'everything';
  await assert.rejects(validateObject(cr), /rules/);
});

test('strict: no object has a field its Kubernetes API type lacks (default and non-default)', () => {
  assert.deepEqual(unknownFieldErrors(renderChart().map((d) => d.obj), 'default'), []);
  assert.deepEqual(unknownFieldErrors(renderChart({ values: [NON_DEFAULT] }).map((d) => d.obj), 'non-default'), []);
  const ds = structuredClone(one(renderChart(), 'DaemonSet'));
  ds.spec.template.spec.containers[0].volumeMounts[0].readonly = true;
  const errs = unknownFieldErrors([ds], 'live');
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /'"readonly"' does not exist in type 'IVolumeMount'/);
});

test('DaemonSet: privileged on every node with host PID, mounts, probes, resources', () => {
  const docs = renderChart();
  const ds = one(docs, 'DaemonSet');
  const spec = ds.spec.template.spec;
  assert.equal(spec.hostPID, true);
  assert.equal(spec.priorityClassName, one(docs, 'PriorityClass').metadata.name);
  assert.ok(spec.tolerations.some((t: any) => t.key === 'node-role.kubernetes.io/control-plane' && t.operator === 'Exists' && t.effect === 'NoSchedule'));
  const c = spec.containers[0];
  assert.equal(c.securityContext.privileged, true);
  const mounts = new Map(c.volumeMounts.map((m: any) => [m.mountPath, m]));
  const vols = new Map(spec.volumes.map((v: any) => [v.name, v]));
  const hostPathOf = (mountPath: string) => (vols.get((mounts.get(mountPath) as any)?.name) as any)?.hostPath?.path;
  for (const [mountPath, host, ro] of [
    ['/host/dev', '/dev', false], ['/lib/modules', '/lib/modules', true], ['/usr/src', '/usr/src', true],
    ['/host/proc', '/proc', true], ['/host/etc', '/etc', true],
    ['/host/run/containerd/containerd.sock', '/run/containerd/containerd.sock', false],
    ['/host/run/crio/crio.sock', '/run/crio/crio.sock', false], ['/var/lib/vigil', '/var/lib/vigil', false],
  ] as const) {
    assert.equal(hostPathOf(mountPath), host, `mount ${mountPath} from host ${host}`);
    assert.equal((mounts.get(mountPath) as any).readOnly === true, ro, `${mountPath} readOnly=${ro}`);
  }
  for (const probe of [c.livenessProbe, c.readinessProbe]) {
    assert.equal(probe.httpGet.path, '/healthz');
    assert.equal(probe.httpGet.port, 'http');
  }
  assert.equal(c.ports.find((p: any) => p.name === 'http').containerPort, 8765);
  for (const k of ['cpu', 'memory']) {
    assert.ok(c.resources.requests[k], `request ${k}`);
    assert.ok(c.resources.limits[k], `limit ${k}`);
  }
  assert.equal(spec.serviceAccountName, one(docs, 'ServiceAccount').metadata.name);
  assert.deepEqual(ds.spec.selector.matchLabels, Object.fromEntries(Object.entries(ds.spec.template.metadata.labels).filter(([k]) => k in ds.spec.selector.matchLabels)));
});

test('RBAC is least privilege: read-only pods and namespaces, no wildcards, no secrets', () => {
  for (const values of [[], [NON_DEFAULT]]) {
    const docs = renderChart({ values });
    const roles = [...find(docs, 'ClusterRole'), ...find(docs, 'Role')];
    assert.equal(roles.length, 1);
    for (const role of roles) {
      for (const r of role.rules) {
        for (const list of [r.apiGroups, r.resources, r.verbs]) assert.ok(!list.includes('*'), `wildcard in ${JSON.stringify(r)}`);
        assert.ok(!r.resources.includes('secrets'), 'no access to secrets');
        assert.ok(r.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v)), `read-only verbs: ${r.verbs}`);
        assert.deepEqual([...r.resources].sort(), ['namespaces', 'pods'], `resources: ${r.resources}`);
        assert.deepEqual(r.apiGroups, [''], 'core API group only');
        assert.equal(r.nonResourceURLs, undefined);
      }
    }
    const binding = one(docs, 'ClusterRoleBinding');
    assert.equal(binding.roleRef.name, roles[0]!.metadata.name);
    assert.equal(binding.subjects[0].name, one(docs, 'DaemonSet').spec.template.spec.serviceAccountName);
  }
});

test('optional parts are off by default; serviceAccount.create=false needs a name', () => {
  const docs = renderChart();
  assert.equal(find(docs, 'ServiceMonitor').length, 0);
  assert.equal(find(docs, 'Deployment').length, 0);
  assert.throws(() => renderChart({ values: [{ serviceAccount: { create: false } }] }), /serviceAccount.name is required/);
  const named = renderChart({ values: [{ serviceAccount: { create: false, name: 'existing' }, rbac: { create: false }, priorityClass: { create: false, name: 'system-node-critical' } }] });
  assert.equal(find(named, 'ServiceAccount').length, 0);
  assert.equal(find(named, 'ClusterRole').length, 0);
  assert.equal(one(named, 'DaemonSet').spec.template.spec.serviceAccountName, 'existing');
  assert.equal(one(named, 'DaemonSet').spec.template.spec.priorityClassName, 'system-node-critical');
});

test('config checksum annotation changes with the config, so agents roll', () => {
  const hash = (values: any[]) => one(renderChart({ values }), 'DaemonSet').spec.template.metadata.annotations['vigil.dev/config-hash'];
  assert.notEqual(hash([]), hash([{ config: { priority: 'warning' } }]));
  assert.equal(hash([]), hash([]));
});

test('deploy/manifests/vigil.yaml is the chart\'s current default render', () => {
  assert.equal(readFileSync(MANIFEST_FILE, 'utf8'), manifestText(),
    'stale manifests: run npx tsx scripts/deploy/render-manifests.ts');
});
