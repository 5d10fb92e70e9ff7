// The audit matcher's shortcuts (rules indexed by target resource, conditions compiled to
// closures, lazy per-event extraction) must not change which rules match: on generated audit
// events it agrees with the reference interpreter run over every rule, for the upstream audit
// rules and for a rule file that exercises the interpreter fallbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compileRules, type CompiledRules } from '../../../../runtime/pipeline/rules.js';
import { AuditMatcher } from '../../../../runtime/sources/k8saudit/match.js';
import { evaluate, getterFor } from '../../../../compiler/interp/index.js';
import { auditEvent, k8sAuditFields, type AuditEvent } from '../../../../compiler/fields/k8saudit.js';
import type { Json } from '../../../../compiler/fields/k8saudit-json.js';

const SHARED = fileURLToPath(new URL('../../../../../shared/falco/', import.meta.url));
const samples = readdirSync(join(SHARED, 'k8s_audit')).flatMap((f) =>
  readFileSync(join(SHARED, 'k8s_audit', f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { [k: string]: Json }));

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const container = fc.record({
  name: fc.constant('c'),
  image: pick(['nginx', 'docker.io/calico/node:v3', 'registry.k8s.io/kube-proxy@sha256:ab', 'reg:5000/app:1', 'falcosecurity/falco']),
  securityContext: maybe(fc.record({ privileged: maybe(fc.boolean()), capabilities: maybe(fc.record({ add: fc.array(pick(['NET_ADMIN', 'SYS_ADMIN']), { maxLength: 2 }) })) })),
  ports: maybe(fc.array(fc.record({ containerPort: fc.constant(80), hostPort: maybe(pick([80, 8080])) }), { maxLength: 2 })),
}, { requiredKeys: ['name', 'image'] });

/** A shared sample with the parts the rules test replaced by generated values (undefined = removed). */
const event = fc.record({
  base: pick(samples),
  stage: pick(['ResponseComplete', 'ResponseStarted', 'RequestReceived']),
  verb: pick(['create', 'get', 'delete', 'update', 'patch', 'list']),
  resource: pick(['pods', 'secrets', 'configmaps', 'namespaces', 'roles', 'clusterroles', 'clusterrolebindings', 'rolebindings', 'services', 'deployments', 'nodes', 'ingresses', 'serviceaccounts', 'widgets']),
  subresource: maybe(pick(['exec', 'attach', 'portforward', 'ephemeralcontainers'])),
  namespace: maybe(pick(['default', 'kube-system', 'kube-public', 'foo'])),
  name: maybe(pick(['foo', 'system:x', 'coredns', 'system:coredns', 'default'])),
  user: pick(['minikube-user', 'system:anonymous', 'admin', 'bob', 'system:serviceaccount:kube-system:x', 'eks:node-manager']),
  decision: maybe(pick(['allow', 'forbid'])),
  code: maybe(pick([200, 201, 101, 403, 404])),
  uri: pick(['/api/v1/pods', '/healthz', '/readyz?verbose', '/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c']),
  spec: maybe(fc.record({
    containers: maybe(fc.array(container, { maxLength: 3 })),
    initContainers: maybe(fc.array(container, { maxLength: 2 })),
    hostNetwork: maybe(fc.boolean()), hostPID: maybe(fc.boolean()), hostIPC: maybe(fc.boolean()),
    type: maybe(pick(['NodePort', 'ClusterIP'])),
    volumes: maybe(fc.array(fc.record({ name: fc.constant('v'), hostPath: maybe(fc.record({ path: pick(['/proc', '/etc', '/data', '/var/run/docker.sock']) })) }), { maxLength: 2 })),
    tls: maybe(fc.constant([{ hosts: ['a'] }])),
  })),
  rules: maybe(fc.array(fc.record({ verbs: fc.array(pick(['*', 'get', 'create', 'delete']), { maxLength: 2 }), resources: fc.array(pick(['*', 'pods', 'pods/exec', 'secrets']), { maxLength: 2 }) }), { maxLength: 2 })),
  roleRef: maybe(pick(['cluster-admin', 'view'])),
  data: maybe(pick(['{"a":"password=1"}', '{"a":"b"}'])),
}).map((g) => {
  const j = structuredClone(g.base) as Record<string, any>;
  const set = (o: Record<string, any>, k: string, v: unknown) => { if (v === undefined) delete o[k]; else o[k] = v; };
  j.stage = g.stage; j.verb = g.verb; j.requestURI = g.uri;
  j.objectRef = { resource: g.resource };
  set(j.objectRef, 'subresource', g.subresource); set(j.objectRef, 'namespace', g.namespace); set(j.objectRef, 'name', g.name);
  j.user = { username: g.user, groups: ['system:authenticated'] };
  j.annotations = g.decision ? { 'authorization.k8s.io/decision': g.decision, 'authorization.k8s.io/reason': '' } : undefined;
  set(j, 'responseStatus', g.code === undefined ? undefined : { code: g.code });
  const req: Record<string, any> = { kind: 'X' };
  set(req, 'spec', g.spec && JSON.parse(JSON.stringify(g.spec)));
  set(req, 'rules', g.rules);
  set(req, 'roleRef', g.roleRef && { name: g.roleRef });
  set(req, 'data', g.data && JSON.parse(g.data));
  j.requestObject = req;
  return auditEvent(JSON.parse(JSON.stringify(j)));
});

function agreesWithInterpreter(rules: CompiledRules, runs: number) {
  const matcher = new AuditMatcher(rules);
  const all = rules.rules.filter((r) => r.source === 'k8s_audit');
  let matched = 0;
  fc.assert(fc.property(event, (ev: AuditEvent) => {
    const got: string[] = [];
    matcher.match(ev, (m) => got.push(m.rule.name));
    const get = getterFor(k8sAuditFields, ev);
    const want = all.filter((r) => evaluate(r.condition, get)).map((r) => r.name);
    assert.deepEqual(got, want);
    matched += got.length;
  }), { numRuns: runs, seed: 7 });
  return matched;
}

test('upstream audit rules: the matcher raises exactly the rules the interpreter matches, in order', () => {
  const matched = agreesWithInterpreter(compileRules([join(SHARED, 'rules/k8s_audit_rules.yaml')]), 1500);
  assert.ok(matched > 300, `generated events exercise the rules (${matched} matches)`);
});

test('rules outside the string fast forms (quantifiers, globs, ints, field-to-field, transformers) still agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-rules-'));
  try {
    const file = join(dir, 'r.yaml');
    const rule = (name: string, condition: string) => `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: o %ka.verb\n  priority: WARNING\n  source: k8s_audit\n`;
    writeFileSync(file, [
      rule('glob user', 'ka.user.name glob "system:*" and ka.verb != get'),
      rule('groups', 'ka.user.groups intersects (system:authenticated) and ka.target.resource in (pods, secrets)'),
      rule('images in', 'ka.req.pod.containers.image.repository in (nginx, docker.io/calico/node)'),
      rule('not privileged', 'not ka.req.pod.containers.privileged intersects (true) and ka.target.resource=pods'),
      rule('time', 'jevt.rawtime > 0 and ka.response.code startswith 2'),
      rule('lower', 'tolower(ka.verb) = create or ka.uri contains exec'),
      rule('ptr', 'jevt.value[/objectRef/resource] = ka.target.resource and ka.target.name exists'),
      rule('ne multi', 'ka.req.pod.containers.image != nginx'),
      rule('ends', 'ka.target.name endswith x or ka.uri.param[command] = sh'),
      rule('int eq', 'jevt.rawtime = 0 and ka.verb = create'),
      rule('int ne', 'jevt.rawtime != 0 or ka.verb = get'),
      rule('int in', 'jevt.rawtime in (0, 1) and ka.target.resource = pods'),
    ].join(''));
    agreesWithInterpreter(compileRules([file]), 800);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
