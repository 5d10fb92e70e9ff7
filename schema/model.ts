// The decoded, state-enriched view of one event that field extraction works on. The reference
// interpreter, the alert formatter and the tests use it; the WASM filter reads the same facts from
// records and state tables in linear memory instead.

export type ParamValue = number | bigint | string | string[] | Uint8Array | SockAddr | SockTuple | null;

export interface SockAddr { family: number; addr?: string; port?: number; path?: string }
export interface SockTuple { family: number; sip?: string; sport?: number; dip?: string; dport?: number; path?: string }

export type FdType =
  | 'file' | 'directory' | 'ipv4' | 'ipv6' | 'unix' | 'pipe' | 'event' | 'signalfd' | 'eventpoll'
  | 'inotify' | 'timerfd' | 'netlink' | 'memfd' | 'bpf' | 'userfaultfd' | 'io_uring' | 'unknown';

export interface FdInfo {
  num: number;
  type: FdType;
  /** fd.name: a path, an `ip:port->ip:port` tuple, or a unix socket path. */
  name: string;
  /** The name as the process passed it, before resolving against the cwd/dirfd. */
  nameraw?: string;
  l4proto?: 'tcp' | 'udp' | 'icmp' | 'raw';
  sip?: string; sport?: number; dip?: string; dport?: number;
  /** Whether this side of the socket is the server (accepted/listening), which decides lport/rport. */
  isServer?: boolean;
  connected?: boolean;
  openFlags?: number;
  dev?: number; ino?: number;
}

export interface ThreadInfo {
  tid: number; pid: number; ppid: number;
  vtid?: number; vpid?: number; pgid?: number; sid?: number; vpgid?: number;
  /** proc.name: the comm, or the exe's basename as Falco fills it. */
  comm: string;
  /** proc.exe: argv[0] as given. */
  exe: string;
  /** proc.exepath: the full path of the executable. */
  exepath: string;
  args: string[];
  cwd: string;
  env: string[];
  uid: number; gid: number; euid?: number; loginuid: number;
  tty: number;
  capPermitted?: bigint; capEffective?: bigint; capInheritable?: bigint;
  /** 12-hex short id, or 'host'. */
  containerId: string;
  exeFromMemfd?: boolean; exeUpperLayer?: boolean; exeWritable?: boolean; exeLowerLayer?: boolean;
  exeIno?: number; exeInoCtime?: number; exeInoMtime?: number;
  /** Process start time in ns (epoch), for proc.duration and friends. */
  startTs?: number;
  /** The parent thread's record when the state table has it; ancestors follow this chain. */
  parent?: ThreadInfo;
  fds?: Map<number, FdInfo>;
}

export interface UserInfo { uid: number; name: string; homedir?: string; shell?: string }
export interface GroupInfo { gid: number; name: string }

export interface ContainerInfo {
  id: string;
  name?: string;
  type?: string;
  image?: string; imageRepository?: string; imageTag?: string; imageDigest?: string; imageId?: string;
  privileged?: boolean;
  startTs?: number;
  labels?: Record<string, string>;
  mounts?: Array<{ source: string; dest: string; mode?: string; rw?: boolean; propagation?: string }>;
  k8s?: {
    podName?: string; podUid?: string; ns?: string;
    podLabels?: Record<string, string>; nsLabels?: Record<string, string>;
    podIp?: string; serviceAccount?: string;
  };
}

export interface Event {
  /** Sequence number of the event in its stream (evt.num), from 1. */
  num: number;
  /** Epoch time in ns. */
  ts: number;
  /** evt.type, e.g. 'openat'. */
  type: string;
  typeId: number;
  dir: 'enter' | 'exit' | 'event';
  cpu: number;
  /** Parameters by name, enter-event parameters merged in. */
  params: Record<string, ParamValue>;
  /** Parameter names in order, for evt.args and evt.arg[N]. */
  paramOrder: string[];
  thread: ThreadInfo;
  /** The fd the event acts on (fd.*), resolved from the fd table or the event itself. */
  fd?: FdInfo;
  /** The process's fd table (fd.types), which its threads share; the thread's own when absent. */
  fds?: { get(fd: number): FdInfo | undefined; values(): Iterable<FdInfo> };
  user?: UserInfo;
  loginUser?: UserInfo;
  group?: GroupInfo;
  container?: ContainerInfo;
  hostname?: string;
  /** Source of the event; 'syscall' for kernel events. */
  source: string;
}
