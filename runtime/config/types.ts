// The validated configuration, as the rest of the agent reads it. Mirrors schema.ts.
export type PrioName = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'informational' | 'info' | 'debug';
interface Out { enabled: boolean; min_priority: PrioName }

export interface VigilConfig {
  rules_files: string[];
  priority: PrioName;
  rule_matching: 'first' | 'all';
  hostname: string;
  json_output: boolean;
  json_include_output_property: boolean;
  json_include_tags_property: boolean;
  time_format_iso_8601: boolean;
  utc: boolean;
  rate_limit: { enabled: boolean; rate: number; burst: number };
  outputs_queue: {
    capacity: number; max_retries: number; backoff_base_ms: number; backoff_max_ms: number;
    spool_dir: string; spool_after_ms: number; spool_max_bytes: number;
  };
  stdout_output: Out;
  file_output: Out & { filename: string };
  program_output: Out & { program: string };
  http_output: Out & {
    spool: boolean; url: string; format: 'json' | 'protobuf'; headers: Record<string, string>;
    ca_file: string; cert_file: string; key_file: string; insecure: boolean; timeout_ms: number;
  };
  falcosidekick_output: Out & { spool: boolean; url: string };
  slack_output: Out & { spool: boolean; webhook_url: string; username: string; icon_url: string; minimal: boolean };
  syslog_output: Out & { transport: 'udp' | 'tcp' | 'unix'; host: string; port: number; path: string; facility: number };
  syscall: {
    enabled: boolean; device: string; stats_file: string; buffer_kb: number; snaplen: number;
    engine: 'wasm' | 'interp'; drops_check_ms: number; proc_scan: boolean;
  };
  k8s_audit: {
    enabled: boolean; listen_address: string; listen_port: number; path: string; cert_file: string; key_file: string;
    client_ca_file: string; token_file: string; max_body_bytes: number; queue_capacity: number; cluster_name: string;
  };
  webserver: { enabled: boolean; listen_address: string; listen_port: number };
  log: { level: 'debug' | 'info' | 'warn' | 'error' };
  shutdown_timeout_ms: number;
}
