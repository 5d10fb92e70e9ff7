// Every config key, its type, default and one-line meaning, in one table: defaults, validation and
// the README check are all derived from it, so they cannot drift apart.

export type Spec =
  | { t: 'bool'; def: boolean; doc: string }
  | { t: 'int'; def: number; min?: number; max?: number; doc: string }
  | { t: 'string'; def: string; enum?: readonly string[]; doc: string }
  | { t: 'strings'; def: string[]; doc: string }
  | { t: 'map'; def: Record<string, string>; doc: string }
  | { t: 'object'; fields: Record<string, Spec>; doc: string };

const PRIO = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'info', 'debug'] as const;
const minPriority = (def = 'debug'): Spec => ({ t: 'string', def, enum: PRIO, doc: 'lowest priority this output receives' });
const enabled = (def: boolean): Spec => ({ t: 'bool', def, doc: 'turn the output on' });
const spoolOn: Spec = { t: 'bool', def: false, doc: 'spill to the disk spool when the endpoint stays down (needs outputs_queue.spool_dir)' };

export const SCHEMA: Record<string, Spec> = {
  rules_files: { t: 'strings', def: ['/etc/vigil/rules.d'], doc: 'rule files or directories, loaded in order' },
  priority: { t: 'string', def: 'debug', enum: PRIO, doc: 'rules below this priority are not loaded' },
  rule_matching: { t: 'string', def: 'first', enum: ['first', 'all'], doc: 'syscall events: alert for the first matching rule only (rule order), or for every matching rule' },
  hostname: { t: 'string', def: '', doc: 'hostname put in alerts; empty = the machine hostname' },
  json_output: { t: 'bool', def: false, doc: 'stdout/file/program/syslog lines as Falco JSON instead of text' },
  json_include_output_property: { t: 'bool', def: true, doc: 'JSON lines carry the formatted "output" string' },
  json_include_tags_property: { t: 'bool', def: true, doc: 'JSON lines carry the rule "tags"' },
  time_format_iso_8601: { t: 'bool', def: false, doc: 'text lines start with an ISO 8601 date-time instead of the clock' },
  utc: { t: 'bool', def: false, doc: 'print the text-line clock in UTC instead of the local zone' },
  rate_limit: { t: 'object', doc: 'per-rule token bucket in front of all outputs', fields: {
    enabled: { t: 'bool', def: false, doc: 'turn rate limiting on' },
    rate: { t: 'int', def: 1, min: 1, doc: 'alerts per second a rule earns' },
    burst: { t: 'int', def: 1000, min: 1, doc: 'alerts a rule may send at once' },
  } },
  outputs_queue: { t: 'object', doc: 'delivery queue settings shared by every output', fields: {
    capacity: { t: 'int', def: 10000, min: 1, doc: 'alerts held in memory per output; beyond it alerts spool or are dropped (counted)' },
    max_retries: { t: 'int', def: 5, min: 0, doc: 'attempts before an alert is dropped (outputs without spool)' },
    backoff_base_ms: { t: 'int', def: 100, min: 1, doc: 'first retry delay; doubles each attempt, with jitter' },
    backoff_max_ms: { t: 'int', def: 30000, min: 1, doc: 'longest retry delay' },
    spool_dir: { t: 'string', def: '/var/lib/vigil/spool', doc: 'directory for the per-output disk spools' },
    spool_after_ms: { t: 'int', def: 10000, min: 0, doc: 'how long an endpoint fails before its queue moves to disk' },
    spool_max_bytes: { t: 'int', def: 268435456, min: 1024, doc: 'spool size limit per output; beyond it alerts are dropped (counted)' },
  } },
  stdout_output: { t: 'object', doc: 'alerts on standard output', fields: { enabled: enabled(true), min_priority: minPriority() } },
  file_output: { t: 'object', doc: 'alerts appended to a file (reopened on SIGUSR1)', fields: {
    enabled: enabled(false), min_priority: minPriority(),
    filename: { t: 'string', def: './vigil_events.txt', doc: 'path of the file' },
  } },
  program_output: { t: 'object', doc: 'alerts piped to a long-running command (restarted if it dies)', fields: {
    enabled: enabled(false), min_priority: minPriority(),
    program: { t: 'string', def: 'cat', doc: 'shell command that reads alerts on stdin' },
  } },
  http_output: { t: 'object', doc: 'alerts POSTed to a webhook', fields: {
    enabled: enabled(false), min_priority: minPriority(), spool: spoolOn,
    url: { t: 'string', def: '', doc: 'endpoint URL (http or https)' },
    format: { t: 'string', def: 'json', enum: ['json', 'protobuf'], doc: 'body: Falco JSON or vigil.v1.Alert protobuf' },
    headers: { t: 'map', def: {}, doc: 'extra request headers' },
    ca_file: { t: 'string', def: '', doc: 'PEM CA bundle to verify the server' },
    cert_file: { t: 'string', def: '', doc: 'PEM client certificate (mutual TLS)' },
    key_file: { t: 'string', def: '', doc: 'PEM client key (mutual TLS)' },
    insecure: { t: 'bool', def: false, doc: 'skip server certificate verification' },
    timeout_ms: { t: 'int', def: 10000, min: 1, doc: 'request timeout' },
  } },
  falcosidekick_output: { t: 'object', doc: 'alerts to a Falcosidekick instance in Falco JSON', fields: {
    enabled: enabled(false), min_priority: minPriority(), spool: spoolOn,
    url: { t: 'string', def: 'http://localhost:2801/', doc: 'Falcosidekick address' },
  } },
  slack_output: { t: 'object', doc: 'alerts to a Slack incoming webhook', fields: {
    enabled: enabled(false), min_priority: minPriority('warning'), spool: spoolOn,
    webhook_url: { t: 'string', def: '', doc: 'the incoming-webhook URL' },
    username: { t: 'string', def: 'Vigil', doc: 'name the message is posted under' },
    icon_url: { t: 'string', def: '', doc: 'avatar URL' },
    minimal: { t: 'bool', def: false, doc: 'only the output text and time, no per-field table' },
  } },
  syslog_output: { t: 'object', doc: 'RFC 5424 syslog', fields: {
    enabled: enabled(false), min_priority: minPriority(),
    transport: { t: 'string', def: 'udp', enum: ['udp', 'tcp', 'unix'], doc: 'udp, tcp (octet counting) or unix (stream socket)' },
    host: { t: 'string', def: '127.0.0.1', doc: 'server host (udp/tcp)' },
    port: { t: 'int', def: 514, min: 1, max: 65535, doc: 'server port (udp/tcp)' },
    path: { t: 'string', def: '/dev/log', doc: 'socket path (unix)' },
    facility: { t: 'int', def: 1, min: 0, max: 23, doc: 'syslog facility number (1 user, 16-23 local0-7)' },
  } },
  webserver: { t: 'object', doc: 'health and metrics HTTP server', fields: {
    enabled: { t: 'bool', def: true, doc: 'serve /healthz and /metrics' },
    listen_address: { t: 'string', def: '127.0.0.1', doc: 'address to bind' },
    listen_port: { t: 'int', def: 8765, min: 0, max: 65535, doc: 'port to bind (0 = any free port)' },
  } },
  syscall: { t: 'object', doc: 'the kernel event source of `vigil run`', fields: {
    enabled: { t: 'bool', def: true, doc: 'read kernel events; false runs other sources (k8s_audit) alone' },
    device: { t: 'string', def: '/dev/vigil', doc: 'the kernel module\'s device (kmod/README.md)' },
    stats_file: { t: 'string', def: '/sys/class/misc/vigil/stats', doc: 'the module\'s per-CPU counters, polled for kernel drops' },
    buffer_kb: { t: 'int', def: 1024, min: 64, max: 65536, doc: 'bytes per read() of the device, in KiB (4 such buffers are in flight)' },
    snaplen: { t: 'int', def: 80, min: 0, max: 4096, doc: 'bytes of read/write data the module copies per event' },
    engine: { t: 'string', def: 'wasm', enum: ['wasm', 'interp'], doc: 'rule engine: the compiled WASM filter, or the reference interpreter' },
    drops_check_ms: { t: 'int', def: 1000, min: 10, doc: 'how often the kernel drop counters are read (an internal alert when they grow)' },
    proc_scan: { t: 'bool', def: true, doc: 'seed the process and fd tables from /proc at start' },
  } },
  k8s_audit: { t: 'object', doc: 'Kubernetes audit webhook endpoint of `vigil run` (runtime/sources/k8saudit/README.md)', fields: {
    enabled: { t: 'bool', def: false, doc: 'serve the HTTPS audit webhook and run the k8s_audit rules on what it receives' },
    listen_address: { t: 'string', def: '0.0.0.0', doc: 'address to bind' },
    listen_port: { t: 'int', def: 9765, min: 0, max: 65535, doc: 'port to bind (0 = any free port)' },
    path: { t: 'string', def: '/k8s-audit', doc: 'URL path the API server posts to' },
    cert_file: { t: 'string', def: '', doc: 'PEM server certificate (required)' },
    key_file: { t: 'string', def: '', doc: 'PEM server key (required)' },
    client_ca_file: { t: 'string', def: '', doc: 'PEM CA bundle: a client certificate signed by it authenticates the caller' },
    token_file: { t: 'string', def: '', doc: 'file holding a bearer token that authenticates the caller' },
    max_body_bytes: { t: 'int', def: 10485760, min: 1024, doc: 'largest request body accepted (413 beyond it)' },
    queue_capacity: { t: 'int', def: 100000, min: 1, doc: 'events held between the endpoint and the rules (503 + Retry-After beyond it)' },
    cluster_name: { t: 'string', def: '', doc: 'cluster name the events carry (ka.cluster.name)' },
  } },
  log: { t: 'object', doc: "the agent's own log (JSON lines on stderr)", fields: {
    level: { t: 'string', def: 'info', enum: ['debug', 'info', 'warn', 'error'], doc: 'lowest level written' },
  } },
  shutdown_timeout_ms: { t: 'int', def: 5000, min: 0, doc: 'on SIGTERM/SIGINT, how long to keep delivering before spooling the rest' },
};

export function defaults(spec: Record<string, Spec> = SCHEMA): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec)) o[k] = s.t === 'object' ? defaults(s.fields) : structuredClone(s.def);
  return o;
}

/** Every dotted key with its spec, for documentation checks. */
export function allKeys(spec: Record<string, Spec> = SCHEMA, prefix = ''): Array<[string, Spec]> {
  return Object.entries(spec).flatMap(([k, s]) => (s.t === 'object' ? [[prefix + k, s] as [string, Spec], ...allKeys(s.fields, `${prefix}${k}.`)] : [[prefix + k, s] as [string, Spec]]));
}
