// Every container of the chart (and of the plain manifests) that runs the agent starts it with a
// command line and config the agent itself accepts: the args parse with vigil's own command-line
// parser, the mounted config.yaml plus every `-o key=value` load with the agent's config loader
// without error, and the keys agree with the pod around them (ports, mounted files, sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { renderChart } from '../../scripts/deploy/helm-template.js';
import { manifestText } from '../../scripts/deploy/render-manifests.js';
import { loadConfig } from '../../runtime/config/load.js';
import type { VigilConfig } from '../../runtime/config/types.js';
import { parseCommandLine } from '../../runtime/cli/command.js';
import { ALL } from '../../runtime/cli/commands.js';

type Obj = Record<string, any>;
interface AgentContainer { workload: string; pod: Obj; c: Obj; cfg: VigilConfig }

/** Every agent container of a set of objects, with the config it would run with. */
function agentContainers(objs: Obj[]): AgentContainer[] {
  const out: AgentContainer[] = [];
  for (const w of objs.filter((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment')) {
    const pod = w.spec.template.spec;
    for (const c of pod.containers) {
      const cmd = ALL.find((x) => x.name === c.args?.[0]);
      assert.ok(cmd, `${w.metadata.name}/${c.name}: args start with a vigil command (${c.args?.[0]})`);
      const { flags, positionals } = parseCommandLine(cmd, c.args.slice(1));
      assert.deepEqual(positionals, [], `${w.metadata.name}: no stray arguments`);
      const path = flags.config as string;
      const mount = c.volumeMounts.find((m: Obj) => m.mountPath === path);
      assert.ok(mount, `${w.metadata.name}: --config ${path} is a mounted file`);
      const vol = pod.volumes.find((v: Obj) => v.name === mount.name);
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === vol.configMap.name)!;
      const text = cm.data[mount.subPath];
      assert.equal(typeof text, 'string', `${w.metadata.name}: ConfigMap ${cm.metadata.name} has ${mount.subPath}`);
      const overrides = (flags.option as string[] | undefined) ?? [];
      // Throws ConfigError naming the key on any unknown key or bad value.
      const cfg = loadConfig({ file: `${cm.metadata.name}/${mount.subPath}`, text, overrides });
      out.push({ workload: `${w.kind}/${w.metadata.name}`, pod, c, cfg });
    }
  }
  return out;
}

/** The volume and key a mounted file path comes from. */
function mountedFile(pod: Obj, c: Obj, file: string): { volume: Obj; key: string } {
  const m = c.volumeMounts.find((x: Obj) => file.startsWith(x.mountPath + '/'));
  assert.ok(m, `${file} is under a volume mount of ${c.name}`);
  return { volume: pod.volumes.find((v: Obj) => v.name === m.name), key: file.slice(m.mountPath.length + 1) };
}

const AUDIT_ON = {
  fullnameOverride: 'sec', k8sAudit: { enabled: true, port: 8443, replicas: 2, tlsSecretName: 'audit-tls', tokenSecretName: 'audit-token' },
  agent: { httpPort: 9876, logLevel: 'debug' },
  config: { json_output: true, k8s_audit: { cluster_name: 'prod', max_body_bytes: 1048576 }, http_output: { enabled: true, url: 'https://siem.example/v' } },
};

test('chart, default and non-default values: every agent container\'s args and config load in the agent', () => {
  for (const values of [[], [AUDIT_ON], [{ k8sAudit: { enabled: true } }]]) {
    const objs = renderChart({ values }).map((d) => d.obj);
    const agents = agentContainers(objs);
    assert.equal(agents.length, values.length && (values[0] as Obj).k8sAudit ? 2 : 1);
    for (const a of agents) {
      const http = a.c.ports.find((p: Obj) => p.name === 'http').containerPort;
      assert.equal(a.cfg.webserver.enabled, true, a.workload);
      assert.equal(a.cfg.webserver.listen_port, http, `${a.workload}: probes hit the ops server`);
      assert.equal(a.c.livenessProbe.httpGet.path, '/healthz');
    }
  }
});

test('the audit Deployment runs only the audit source, on its Service port, with its mounted TLS and token', () => {
  const objs = renderChart({ values: [AUDIT_ON] }).map((d) => d.obj);
  const a = agentContainers(objs).find((x) => x.workload === 'Deployment/sec-audit')!;
  assert.ok(a, 'audit Deployment present');
  const k = a.cfg.k8s_audit;
  assert.equal(a.cfg.syscall.enabled, false);
  assert.equal(k.enabled, true);
  assert.equal(k.listen_port, 8443);
  assert.equal(k.listen_port, a.c.ports.find((p: Obj) => p.name === 'audit').containerPort);
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'sec-audit')!;
  assert.deepEqual([svc.spec.ports[0].port, svc.spec.ports[0].targetPort], [8443, 'audit']);
  assert.equal(k.path, '/k8s-audit');
  // values.config reaches the audit receiver too, beside what the Deployment sets.
  assert.equal(k.cluster_name, 'prod');
  assert.equal(k.max_body_bytes, 1048576);
  for (const [file, secret, key] of [[k.cert_file, 'audit-tls', 'tls.crt'], [k.key_file, 'audit-tls', 'tls.key'], [k.client_ca_file, 'audit-tls', 'ca.crt'], [k.token_file, 'audit-token', 'token']]) {
    const m = mountedFile(a.pod, a.c, file);
    assert.equal(m.volume.secret?.secretName, secret, file);
    assert.equal(m.key, key, file);
  }
  // The DaemonSet's agents leave the webhook to the Deployment.
  const ds = agentContainers(objs).find((x) => x.workload === 'DaemonSet/sec')!;
  assert.equal(ds.cfg.k8s_audit.enabled, false);
  assert.equal(ds.cfg.syscall.enabled, true);
});

test('without a token Secret the audit receiver authenticates by client certificate alone', () => {
  const objs = renderChart({ values: [{ k8sAudit: { enabled: true, tokenSecretName: '' } }] }).map((d) => d.obj);
  const a = agentContainers(objs).find((x) => x.workload.startsWith('Deployment/'))!;
  assert.equal(a.cfg.k8s_audit.token_file, '');
  assert.notEqual(a.cfg.k8s_audit.client_ca_file, '');
});

test('the check is live: an unknown key in an override is refused, naming it', () => {
  const objs = renderChart({ values: [AUDIT_ON] }).map((d) => d.obj);
  const dep = objs.find((o) => o.kind === 'Deployment')!;
  dep.spec.template.spec.containers[0].args.push('-o', 'k8s_audit.tls_cert=/x');
  assert.throws(() => agentContainers(objs), /unknown key 'k8s_audit.tls_cert'/);
});

test('deploy/manifests/vigil.yaml: its agent config loads in the agent', () => {
  const objs = parseAllDocuments(manifestText()).map((d) => d.toJS()).filter(Boolean);
  const agents = agentContainers(objs);
  assert.equal(agents.length, 1);
  assert.equal(agents[0].cfg.syscall.enabled, true);
});
