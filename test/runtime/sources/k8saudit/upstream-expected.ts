// What ../shared/falco/rules/k8s_audit_rules.yaml (unmodified) must raise for each event in
// ../shared/falco/k8s_audit/, derived by reading the rules' conditions against the events, not by
// recording Vigil's output. Alerts are Falco JSON lines with `-o hostname=node-1`.
//
// Semantics this relies on (Falco + its k8saudit/json plugins):
// - Every rule whose condition holds fires, in load order (Falco's `rule_matching: all`).
// - `kevt` is `jevt.value[/stage] in (ResponseComplete)`; `kevt_started` is stage = ResponseStarted.
// - Macros that are `(k8s_audit_always_true)` (allowed_k8s_containers, allowed_full_admin_users,
//   allow_all_k8s_nodes) make `not <macro>` false: those rules never fire on a stock rule file.
//   `(k8s_audit_never_true)` macros (user_known_*, consider_all_events) make `not <macro>` true
//   and `kall` false.
// - `ka.response.code` is text, so `startswith 2` is true for 201.
// - A list field (ka.req.pod.containers.image, ka.req.binding.subjects...) prints as `(v1,v2)` in
//   `output`, as libsinsp's filter check tostring() does for EPF_IS_LIST fields. In
//   `output_fields` Falco writes such a field as a JSON array (tojson()); Vigil's alert model
//   holds strings only, so it carries the same `(v1,v2)` text there: a known difference.
// - A field with no value prints `<NA>` in `output` and is null in `output_fields`; an empty
//   string (authorization.k8s.io/reason is "") is a value and prints as nothing.
// - `time` is the event's stageTimestamp with nanoseconds.

const K8S = ['k8s'];
const base = { hostname: 'node-1', source: 'k8s_audit', tags: K8S };

export interface Expected { file: string; why: string; alerts: Array<Record<string, unknown>> }

function configmap(time: string) {
  return [
    {
      ...base, time, rule: 'Create/Modify Configmap With Private Credentials', priority: 'Warning',
      output: 'K8s configmap with private credential (user=minikube-user verb=create resource=configmaps configmap=my-config)',
      output_fields: { 'ka.req.configmap.name': 'my-config', 'ka.target.resource': 'configmaps', 'ka.user.name': 'minikube-user', 'ka.verb': 'create' },
    },
    {
      ...base, time, rule: 'K8s ConfigMap Created', priority: 'Informational',
      output: 'K8s ConfigMap Created (user=minikube-user configmap=my-config ns=default resource=configmaps resp=201 decision=allow reason=)',
      output_fields: {
        'ka.auth.decision': 'allow', 'ka.auth.reason': '', 'ka.response.code': '201', 'ka.target.name': 'my-config',
        'ka.target.namespace': 'default', 'ka.target.resource': 'configmaps', 'ka.user.name': 'minikube-user',
      },
    },
  ];
}

export const EXPECTED: Expected[] = [
  {
    file: 'anonymous_creates_namespace_foo.json',
    why: `ResponseComplete create of namespaces/foo by system:anonymous, decision allow, code 201, uri /api/v1/namespaces.
      Anonymous Request Allowed: kevt, user = system:anonymous, decision "allow", uri is no health/live/ready endpoint -> fires.
      Create Disallowed Namespace: kevt, namespace, kcreate, foo not in (kube-system, kube-public, default) -> fires.
      K8s Namespace Created: kactivity, kcreate, namespace, 201 startswith 2 -> fires.
      Not: Disallowed K8s User and Full K8s Administrative Access (user starts with "system:", non_system_user false);
      K8s Namespace Deleted (verb create); port-forward (no subresource); every pod/role/secret rule (resource).`,
    alerts: [
      {
        ...base, time: '2018-10-25T13:58:49.736141000Z', rule: 'Anonymous Request Allowed', priority: 'Warning',
        output: 'Request by anonymous user allowed (user=system:anonymous verb=create uri=/api/v1/namespaces reason=))',
        output_fields: { 'ka.auth.reason': '', 'ka.uri': '/api/v1/namespaces', 'ka.user.name': 'system:anonymous', 'ka.verb': 'create' },
      },
      {
        ...base, time: '2018-10-25T13:58:49.736141000Z', rule: 'Create Disallowed Namespace', priority: 'Warning',
        output: 'Disallowed namespace created (user=system:anonymous ns=foo resource=namespaces)',
        output_fields: { 'ka.target.name': 'foo', 'ka.target.resource': 'namespaces', 'ka.user.name': 'system:anonymous' },
      },
      {
        ...base, time: '2018-10-25T13:58:49.736141000Z', rule: 'K8s Namespace Created', priority: 'Informational',
        output: 'K8s Namespace Created (user=system:anonymous namespace=foo resource=namespaces resp=201 decision=allow reason=)',
        output_fields: {
          'ka.auth.decision': 'allow', 'ka.auth.reason': '', 'ka.response.code': '201', 'ka.target.name': 'foo',
          'ka.target.resource': 'namespaces', 'ka.user.name': 'system:anonymous',
        },
      },
    ],
  },
  {
    file: 'attach_pod.json',
    why: `ResponseStarted create of pods/<name>/attach by minikube-user, code 101; the URI has container/stderr/stdin/stdout params, no command.
      Attach/Exec Pod: kevt_started, pod_subresource (pods + subresource exists), kcreate, attach in (exec, attach),
      not user_known_exec_pod_activities (never true) -> fires; command=%ka.uri.param[command] has no value -> <NA>.
      Not: every kevt rule (stage is not ResponseComplete), so no Disallowed K8s User / Full admin / activity rules;
      port-forward (subresource attach).`,
    alerts: [
      {
        ...base, time: '2018-10-26T13:42:46.808261000Z', rule: 'Attach/Exec Pod', priority: 'Notice',
        output: 'Attach/Exec to pod (user=minikube-user pod=nginx-deployment-7998647bdf-phvq7 resource=pods ns=default action=attach command=<NA>)',
        output_fields: {
          'ka.target.name': 'nginx-deployment-7998647bdf-phvq7', 'ka.target.namespace': 'default', 'ka.target.resource': 'pods',
          'ka.target.subresource': 'attach', 'ka.uri.param[command]': null, 'ka.user.name': 'minikube-user',
        },
      },
    ],
  },
  {
    file: 'create_clusterrolebinding.json',
    why: `ResponseComplete create of clusterrolebindings/some-reader-binding by minikube-user, roleRef system:basic-user, one User subject, 201.
      K8s ClusterRoleBinding Created: kactivity, kcreate, clusterrolebinding, 201 -> fires; subjects is a list field -> "(<json>)".
      Not: Attach to cluster-admin Role (role is system:basic-user); Disallowed K8s User (minikube-user is in allowed_k8s_users);
      Full K8s Administrative Access (minikube-user is a full admin but "not allowed_full_admin_users" is false).`,
    alerts: [
      {
        ...base, time: '2018-10-26T13:25:18.286399000Z', rule: 'K8s ClusterRoleBinding Created', priority: 'Informational',
        output: 'K8s ClusterRoleBinding Created (user=minikube-user binding=some-reader-binding resource=clusterrolebindings subjects=({"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"}) role=system:basic-user resp=201 decision=allow reason=)',
        output_fields: {
          'ka.auth.decision': 'allow', 'ka.auth.reason': '', 'ka.req.binding.role': 'system:basic-user',
          'ka.req.binding.subjects': '({"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"})',
          'ka.response.code': '201', 'ka.target.name': 'some-reader-binding', 'ka.target.resource': 'clusterrolebindings', 'ka.user.name': 'minikube-user',
        },
      },
    ],
  },
  {
    file: 'create_configmap_sensitive_values.json',
    why: `Six ResponseComplete creates of configmaps/my-config in default by minikube-user, 201. The data (ka.req.configmap.obj, the
      requestObject.data as JSON) holds in turn aws_access_key_id, aws-access-key-id, aws_s3_access_key_id, aws-s3-access-key-id,
      password and passphrase: each one of contains_private_credentials' strings.
      Each event: Create/Modify Configmap With Private Credentials (kevt, configmap, create in kmodify, credential) and
      K8s ConfigMap Created (kactivity, kcreate, configmap, 201) -> 2 alerts, 12 in all.
      Not: Disallowed K8s User (allowed user), Full admin (never, see above).`,
    alerts: [
      '2018-10-26T09:51:20.717013000Z', '2018-10-26T09:51:35.562843000Z', '2018-10-26T09:51:53.350181000Z',
      '2018-10-26T09:52:07.608730000Z', '2018-10-26T09:52:20.659835000Z', '2018-10-26T09:52:32.993095000Z',
    ].flatMap(configmap),
  },
  {
    file: 'create_nginx_pod_privileged.json',
    why: `ResponseComplete create of a pod in default by system:serviceaccount:kube-system:replicaset-controller, 201; one container
      "nginx" with securityContext.privileged true; the request has no volumes, no hostNetwork/hostPID/hostIPC.
      Create Privileged Pod: kevt, pod (no subresource), kcreate, containers.privileged intersects (true), repository "nginx" not in
      k8s_audit_privileged_images -> fires; images=(nginx), no init/ephemeral containers -> <NA>.
      Not: Create Disallowed Pod ("not allowed_k8s_containers" is false); Sensitive Mount / HostNetwork / HostPid / HostIPC (no such
      settings); Pod Created in Kube Namespace (ns default); Disallowed K8s User (system user).`,
    alerts: [
      {
        ...base, time: '2018-10-25T14:09:12.581541000Z', rule: 'Create Privileged Pod', priority: 'Warning',
        output: 'Pod started with privileged container (user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z resource=pods ns=default images=(nginx) init_images=<NA> ephemeral_images=<NA>)',
        output_fields: {
          'ka.req.pod.containers.image': '(nginx)', 'ka.req.pod.ephemeralContainers.image': null, 'ka.req.pod.initContainers.image': null,
          'ka.resp.name': 'nginx-deployment-5cdcc99dbf-rgw6z', 'ka.target.namespace': 'default', 'ka.target.resource': 'pods',
          'ka.user.name': 'system:serviceaccount:kube-system:replicaset-controller',
        },
      },
    ],
  },
  {
    file: 'create_nginx_pod_unprivileged.json',
    why: `The same pod creation without privileged: no container, init or ephemeral container is privileged, nothing else is set,
      the user is a system user and the namespace is default -> no rule fires.`,
    alerts: [],
  },
];
