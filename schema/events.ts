// The one source of truth for Vigil's event records. `schema/gen.ts` turns this table into the
// kernel module's C header, the runtime's TypeScript decoder and the filter's AssemblyScript
// accessors; CI regenerates them and fails on drift.
//
// Compatibility rules: add events and parameters only at the end of their lists, never renumber;
// a change to the header layout or to an existing parameter bumps RECORD_FORMAT_VERSION.

export const RECORD_FORMAT_VERSION = 1;
export const RECORD_ALIGN = 8;

/** How a parameter's bytes are laid out in a record. All integers are little-endian. */
export type ParamType =
  | 'u8' | 'u16' | 'u32' | 'u64' | 'i32' | 'i64'
  | 'str'       // bytes without a terminating NUL (paths, names); may be truncated to snaplen
  | 'strlist'   // NUL-separated strings (argv, env), no trailing NUL
  | 'bytes'     // raw data (read/write buffers), truncated to snaplen
  | 'sockaddr'  // u8 family, then: inet u32 addr (network order) + u16 port; inet6 16 bytes + u16 port; unix path bytes
  | 'socktuple'; // u8 family, then: inet sip,sport,dip,dport; inet6 the same with 16-byte addresses; unix path

/** How a parameter is shown and compared in rules (Falco's notion of a parameter's meaning). */
export type ParamFmt =
  | 'dec' | 'hex' | 'oct' | 'fd' | 'pid' | 'uid' | 'gid' | 'errno' | 'path' | 'text' | 'sig'
  | 'flags' | 'enum' | 'caps' | 'addr';

export interface ParamDef {
  name: string;
  type: ParamType;
  fmt: ParamFmt;
  /** For fmt 'flags'/'enum': the table in FLAG_SETS that names the values. */
  flags?: string;
  /** A path resolved against a dirfd parameter (or the cwd when absent), for fs.path.* fields. */
  dirfd?: string;
  desc: string;
}

export type EventCategory = 'file' | 'net' | 'process' | 'ipc' | 'security' | 'system' | 'meta';

export interface EventDef {
  /** Stable numeric id; never reused. */
  id: number;
  /** The name rules use in `evt.type`: Falco's name where Falco has the event. */
  name: string;
  category: EventCategory;
  /** x86_64 syscalls (kernel __NR_ names without the prefix) that produce this event; none for scheduler events. */
  syscalls: string[];
  /** Parameters of the evaluated record, in Falco's exit-event order where Falco has one. */
  params: ParamDef[];
  /**
   * Parameters that only exist at syscall entry (the entry record carries just these). The
   * decoder merges them into the matching exit record, as current Falco does.
   */
  enterParams?: ParamDef[];
  desc: string;
}

/** Fixed record header, shared by every event. Offsets are in bytes from the record start. */
export interface HeaderField { name: string; type: 'u8' | 'u16' | 'u32' | 'u64' | 'char'; size: number; desc: string }

export const HEADER: HeaderField[] = [
  { name: 'version', type: 'u16', size: 2, desc: 'record format version (RECORD_FORMAT_VERSION)' },
  { name: 'type', type: 'u16', size: 2, desc: 'event id from EVENTS' },
  { name: 'len', type: 'u32', size: 4, desc: 'total record length in bytes, header included, padded to RECORD_ALIGN' },
  { name: 'ts', type: 'u64', size: 8, desc: 'boot-time timestamp in ns' },
  { name: 'tid', type: 'u32', size: 4, desc: 'thread id (host pid namespace)' },
  { name: 'pid', type: 'u32', size: 4, desc: 'thread group id' },
  { name: 'ppid', type: 'u32', size: 4, desc: 'parent thread group id' },
  { name: 'uid', type: 'u32', size: 4, desc: 'real uid' },
  { name: 'gid', type: 'u32', size: 4, desc: 'real gid' },
  { name: 'euid', type: 'u32', size: 4, desc: 'effective uid' },
  { name: 'loginuid', type: 'u32', size: 4, desc: 'audit login uid (0xffffffff when unset)' },
  { name: 'tty', type: 'u32', size: 4, desc: 'controlling terminal device number, 0 when none' },
  { name: 'cgroup_id', type: 'u64', size: 8, desc: 'cgroup v2 id of the task' },
  { name: 'drops', type: 'u32', size: 4, desc: 'records this CPU dropped since the previous delivered record' },
  { name: 'cpu', type: 'u16', size: 2, desc: 'CPU that produced the record' },
  { name: 'dir', type: 'u8', size: 1, desc: 'DIR_ENTER, DIR_EXIT or DIR_EVENT' },
  { name: 'nparams', type: 'u8', size: 1, desc: 'number of entries in the parameter table' },
  { name: 'comm', type: 'char', size: 16, desc: 'task comm, NUL-padded' },
  { name: 'container_id', type: 'char', size: 16, desc: '12-hex short container id, or "host", NUL-padded' },
];

/** After the header: nparams entries of {u16 offset from record start, u16 length}, then the values. */
export const PARAM_ENTRY_SIZE = 4;
export const DIR_ENTER = 0;
export const DIR_EXIT = 1;
export const DIR_EVENT = 2;

export const FLAG_SETS: Record<string, Array<[string, number]>> = {
  open_flags: [
    ['O_RDONLY', 0], ['O_WRONLY', 1], ['O_RDWR', 2], ['O_CREAT', 0o100], ['O_EXCL', 0o200],
    ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000], ['O_APPEND', 0o2000], ['O_NONBLOCK', 0o4000],
    ['O_DSYNC', 0o10000], ['O_DIRECT', 0o40000], ['O_LARGEFILE', 0o100000], ['O_DIRECTORY', 0o200000],
    ['O_NOFOLLOW', 0o400000], ['O_NOATIME', 0o1000000], ['O_CLOEXEC', 0o2000000], ['O_SYNC', 0o4010000],
    ['O_PATH', 0o10000000], ['O_TMPFILE', 0o20200000],
  ],
  clone_flags: [
    ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800],
    ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000],
    ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000],
    ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_UNTRACED', 0x800000],
    ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000],
    ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000],
    ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000],
  ],
  exec_flags: [
    ['EXE_WRITABLE', 1], ['EXE_UPPER_LAYER', 2], ['EXE_FROM_MEMFD', 4], ['EXE_LOWER_LAYER', 8],
  ],
  socket_family: [['AF_UNSPEC', 0], ['AF_UNIX', 1], ['AF_INET', 2], ['AF_INET6', 10], ['AF_NETLINK', 16], ['AF_PACKET', 17]],
  socket_type: [['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_SEQPACKET', 5], ['SOCK_NONBLOCK', 0o4000], ['SOCK_CLOEXEC', 0o2000000]],
  ptrace_request: [
    ['PTRACE_TRACEME', 0], ['PTRACE_PEEKTEXT', 1], ['PTRACE_PEEKDATA', 2], ['PTRACE_PEEKUSR', 3],
    ['PTRACE_POKETEXT', 4], ['PTRACE_POKEDATA', 5], ['PTRACE_POKEUSR', 6], ['PTRACE_CONT', 7],
    ['PTRACE_KILL', 8], ['PTRACE_SINGLESTEP', 9], ['PTRACE_GETREGS', 12], ['PTRACE_SETREGS', 13],
    ['PTRACE_ATTACH', 16], ['PTRACE_DETACH', 17], ['PTRACE_SYSCALL', 24], ['PTRACE_SETOPTIONS', 0x4200],
    ['PTRACE_GETEVENTMSG', 0x4201], ['PTRACE_GETSIGINFO', 0x4202], ['PTRACE_SETSIGINFO', 0x4203],
    ['PTRACE_SEIZE', 0x4206], ['PTRACE_INTERRUPT', 0x4207], ['PTRACE_LISTEN', 0x4208],
  ],
  unlinkat_flags: [['AT_REMOVEDIR', 0x200]],
  linkat_flags: [['AT_SYMLINK_FOLLOW', 0x400], ['AT_EMPTY_PATH', 0x1000]],
  renameat2_flags: [['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]],
  mount_flags: [
    ['MS_RDONLY', 1], ['MS_NOSUID', 2], ['MS_NODEV', 4], ['MS_NOEXEC', 8], ['MS_SYNCHRONOUS', 16],
    ['MS_REMOUNT', 32], ['MS_MANDLOCK', 64], ['MS_DIRSYNC', 128], ['MS_NOATIME', 1024], ['MS_NODIRATIME', 2048],
    ['MS_BIND', 4096], ['MS_MOVE', 8192], ['MS_REC', 16384], ['MS_SILENT', 32768], ['MS_SHARED', 1 << 20],
    ['MS_SLAVE', 1 << 19], ['MS_PRIVATE', 1 << 18], ['MS_UNBINDABLE', 1 << 17],
  ],
  umount_flags: [['MNT_FORCE', 1], ['MNT_DETACH', 2], ['MNT_EXPIRE', 4], ['UMOUNT_NOFOLLOW', 8]],
  ns_type: [
    ['CLONE_NEWNS', 0x20000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000],
    ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000],
    ['CLONE_NEWNET', 0x40000000], ['CLONE_NEWTIME', 0x80],
  ],
  memfd_flags: [['MFD_CLOEXEC', 1], ['MFD_ALLOW_SEALING', 2], ['MFD_HUGETLB', 4], ['MFD_NOEXEC_SEAL', 8], ['MFD_EXEC', 0x10]],
  bpf_cmd: [
    ['BPF_MAP_CREATE', 0], ['BPF_MAP_LOOKUP_ELEM', 1], ['BPF_MAP_UPDATE_ELEM', 2], ['BPF_MAP_DELETE_ELEM', 3],
    ['BPF_MAP_GET_NEXT_KEY', 4], ['BPF_PROG_LOAD', 5], ['BPF_OBJ_PIN', 6], ['BPF_OBJ_GET', 7],
    ['BPF_PROG_ATTACH', 8], ['BPF_PROG_DETACH', 9], ['BPF_PROG_TEST_RUN', 10], ['BPF_BTF_LOAD', 18],
    ['BPF_LINK_CREATE', 28],
  ],
  dup3_flags: [['O_CLOEXEC', 0o2000000]],
  userfaultfd_flags: [['O_CLOEXEC', 0o2000000], ['O_NONBLOCK', 0o4000], ['UFFD_USER_MODE_ONLY', 1]],
};

// Parameter shorthands keep the table readable; each returns a fresh definition.
const p = (name: string, type: ParamType, fmt: ParamFmt, desc: string, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type, fmt, desc, ...extra });
const res = () => p('res', 'i64', 'errno', 'return value: 0 or a positive count on success, -errno on failure');
const fdRes = () => p('fd', 'i64', 'fd', 'the new file descriptor, or -errno');
const fd = (name = 'fd', desc = 'file descriptor') => p(name, 'i64', 'fd', desc);
const path = (name: string, desc: string, dirfd?: string) => p(name, 'str', 'path', desc, dirfd ? { dirfd } : {});
const u32 = (name: string, fmt: ParamFmt, desc: string, flags?: string) => p(name, 'u32', fmt, desc, flags ? { flags } : {});
const u64 = (name: string, fmt: ParamFmt, desc: string) => p(name, 'u64', fmt, desc);
const i64 = (name: string, fmt: ParamFmt, desc: string) => p(name, 'i64', fmt, desc);
const data = () => p('data', 'bytes', 'text', 'the first snaplen bytes of the buffer');
const tuple = () => p('tuple', 'socktuple', 'addr', 'socket tuple: family, source and destination address and port');

/** What an exec or clone record tells about the (new) process image. */
const procParams = (): ParamDef[] => [
  p('exe', 'str', 'path', 'argv[0] of the process'),
  p('args', 'strlist', 'text', 'arguments after argv[0]'),
  i64('tid', 'pid', 'thread id'),
  i64('pid', 'pid', 'process id'),
  i64('ptid', 'pid', 'parent thread id'),
  path('cwd', 'current working directory'),
  p('comm', 'str', 'text', 'task comm after the call'),
  p('env', 'strlist', 'text', 'environment (execve only; bounded by snaplen)'),
  u32('tty', 'dec', 'controlling terminal device'),
  u32('loginuid', 'uid', 'audit login uid'),
  u32('uid', 'uid', 'real uid'),
  u32('gid', 'gid', 'real gid'),
  u64('cap_inheritable', 'caps', 'inheritable capability set'),
  u64('cap_permitted', 'caps', 'permitted capability set'),
  u64('cap_effective', 'caps', 'effective capability set'),
  u64('pgid', 'pid', 'process group id'),
  u64('sid', 'pid', 'session id'),
  u64('vpid', 'pid', 'pid in the process\'s own pid namespace'),
  u64('vtid', 'pid', 'tid in the thread\'s own pid namespace'),
];

let nextId = 1;
const ev = (name: string, category: EventCategory, syscalls: string[], params: ParamDef[], desc: string, enterParams?: ParamDef[]): EventDef =>
  ({ id: nextId++, name, category, syscalls, params, desc, ...(enterParams ? { enterParams } : {}) });

export const EVENTS: EventDef[] = [
  // Files
  ev('open', 'file', ['open'], [fdRes(), path('name', 'path opened'), u32('flags', 'flags', 'open flags', 'open_flags'), u32('mode', 'oct', 'creation mode'), u32('dev', 'hex', 'device of the file'), u64('ino', 'dec', 'inode number')], 'open a file'),
  ev('openat', 'file', ['openat'], [fdRes(), fd('dirfd', 'directory fd the path is relative to'), path('name', 'path opened', 'dirfd'), u32('flags', 'flags', 'open flags', 'open_flags'), u32('mode', 'oct', 'creation mode'), u32('dev', 'hex', 'device of the file'), u64('ino', 'dec', 'inode number')], 'open a file relative to a directory fd'),
  ev('openat2', 'file', ['openat2'], [fdRes(), fd('dirfd', 'directory fd the path is relative to'), path('name', 'path opened', 'dirfd'), u32('flags', 'flags', 'open flags', 'open_flags'), u32('mode', 'oct', 'creation mode'), u32('resolve', 'hex', 'RESOLVE_* flags'), u32('dev', 'hex', 'device of the file'), u64('ino', 'dec', 'inode number')], 'open a file with openat2'),
  ev('creat', 'file', ['creat'], [fdRes(), path('name', 'path created'), u32('mode', 'oct', 'creation mode'), u32('dev', 'hex', 'device of the file'), u64('ino', 'dec', 'inode number')], 'create a file'),
  ev('close', 'file', ['close'], [res(), fd()], 'close a file descriptor'),
  ev('read', 'file', ['read', 'pread64', 'readv', 'preadv'], [res(), data(), fd(), u32('size', 'dec', 'requested size')], 'read from a file descriptor'),
  ev('write', 'file', ['write', 'pwrite64', 'writev', 'pwritev'], [res(), data(), fd(), u32('size', 'dec', 'requested size')], 'write to a file descriptor'),
  ev('dup', 'file', ['dup'], [res(), fd('oldfd', 'duplicated fd')], 'duplicate a file descriptor'),
  ev('dup2', 'file', ['dup2'], [res(), fd('oldfd', 'duplicated fd'), fd('newfd', 'target fd')], 'duplicate a file descriptor onto another'),
  ev('dup3', 'file', ['dup3'], [res(), fd('oldfd', 'duplicated fd'), fd('newfd', 'target fd'), u32('flags', 'flags', 'O_CLOEXEC', 'dup3_flags')], 'duplicate a file descriptor with flags'),
  ev('unlink', 'file', ['unlink'], [res(), path('path', 'path removed')], 'remove a file'),
  ev('unlinkat', 'file', ['unlinkat'], [res(), fd('dirfd', 'directory fd'), path('name', 'path removed', 'dirfd'), u32('flags', 'flags', 'AT_REMOVEDIR', 'unlinkat_flags')], 'remove a file relative to a directory fd'),
  ev('rename', 'file', ['rename'], [res(), path('oldpath', 'source path'), path('newpath', 'destination path')], 'rename a file'),
  ev('renameat', 'file', ['renameat'], [res(), fd('olddirfd', 'source directory fd'), path('oldpath', 'source path', 'olddirfd'), fd('newdirfd', 'destination directory fd'), path('newpath', 'destination path', 'newdirfd')], 'rename relative to directory fds'),
  ev('renameat2', 'file', ['renameat2'], [res(), fd('olddirfd', 'source directory fd'), path('oldpath', 'source path', 'olddirfd'), fd('newdirfd', 'destination directory fd'), path('newpath', 'destination path', 'newdirfd'), u32('flags', 'flags', 'RENAME_* flags', 'renameat2_flags')], 'rename with flags'),
  ev('mkdir', 'file', ['mkdir'], [res(), path('path', 'directory created'), u32('mode', 'oct', 'mode')], 'create a directory'),
  ev('mkdirat', 'file', ['mkdirat'], [res(), fd('dirfd', 'directory fd'), path('path', 'directory created', 'dirfd'), u32('mode', 'oct', 'mode')], 'create a directory relative to a directory fd'),
  ev('rmdir', 'file', ['rmdir'], [res(), path('path', 'directory removed')], 'remove a directory'),
  ev('symlink', 'file', ['symlink'], [res(), p('target', 'str', 'path', 'what the link points to'), path('linkpath', 'the link created')], 'create a symbolic link'),
  ev('symlinkat', 'file', ['symlinkat'], [res(), p('target', 'str', 'path', 'what the link points to'), fd('linkdirfd', 'directory fd of the link'), path('linkpath', 'the link created', 'linkdirfd')], 'create a symbolic link relative to a directory fd'),
  ev('link', 'file', ['link'], [res(), path('oldpath', 'existing path'), path('newpath', 'new link')], 'create a hard link'),
  ev('linkat', 'file', ['linkat'], [res(), fd('olddir', 'directory fd of the existing path'), path('oldpath', 'existing path', 'olddir'), fd('newdir', 'directory fd of the new link'), path('newpath', 'new link', 'newdir'), u32('flags', 'flags', 'AT_* flags', 'linkat_flags')], 'create a hard link relative to directory fds'),
  ev('chmod', 'file', ['chmod'], [res(), path('filename', 'file changed'), u32('mode', 'oct', 'new mode')], 'change file mode'),
  ev('fchmod', 'file', ['fchmod'], [res(), fd(), u32('mode', 'oct', 'new mode')], 'change mode of an open file'),
  ev('fchmodat', 'file', ['fchmodat'], [res(), fd('dirfd', 'directory fd'), path('filename', 'file changed', 'dirfd'), u32('mode', 'oct', 'new mode')], 'change file mode relative to a directory fd'),
  ev('chown', 'file', ['chown'], [res(), path('path', 'file changed'), u32('uid', 'uid', 'new owner'), u32('gid', 'gid', 'new group')], 'change file owner'),
  ev('lchown', 'file', ['lchown'], [res(), path('path', 'file changed'), u32('uid', 'uid', 'new owner'), u32('gid', 'gid', 'new group')], 'change owner of a link'),
  ev('fchown', 'file', ['fchown'], [res(), fd(), u32('uid', 'uid', 'new owner'), u32('gid', 'gid', 'new group')], 'change owner of an open file'),
  ev('fchownat', 'file', ['fchownat'], [res(), fd('dirfd', 'directory fd'), path('pathname', 'file changed', 'dirfd'), u32('uid', 'uid', 'new owner'), u32('gid', 'gid', 'new group'), u32('flags', 'hex', 'AT_* flags')], 'change owner relative to a directory fd'),
  ev('chdir', 'file', ['chdir'], [res(), path('path', 'new working directory')], 'change working directory'),
  ev('fchdir', 'file', ['fchdir'], [res(), fd()], 'change working directory to an open directory'),
  ev('chroot', 'file', ['chroot'], [res(), path('path', 'new root')], 'change root directory'),
  ev('mount', 'system', ['mount'], [res(), p('dev', 'str', 'path', 'source device or path'), path('dir', 'mount point'), p('type', 'str', 'text', 'filesystem type'), u32('flags', 'flags', 'MS_* flags', 'mount_flags')], 'mount a filesystem'),
  ev('umount2', 'system', ['umount2'], [res(), path('name', 'mount point'), u32('flags', 'flags', 'MNT_* flags', 'umount_flags')], 'unmount a filesystem'),
  ev('memfd_create', 'file', ['memfd_create'], [fdRes(), p('name', 'str', 'text', 'name of the anonymous file'), u32('flags', 'flags', 'MFD_* flags', 'memfd_flags')], 'create an anonymous memory-backed file'),

  // Network
  ev('socket', 'net', ['socket'], [fdRes(), u32('domain', 'enum', 'address family', 'socket_family'), u32('type', 'flags', 'socket type', 'socket_type'), u32('proto', 'dec', 'protocol')], 'create a socket'),
  ev('connect', 'net', ['connect'], [res(), tuple(), fd()], 'connect a socket'),
  ev('accept', 'net', ['accept'], [fdRes(), tuple(), p('queuepct', 'u8', 'dec', 'backlog fill percentage')], 'accept a connection'),
  ev('accept4', 'net', ['accept4'], [fdRes(), tuple(), p('queuepct', 'u8', 'dec', 'backlog fill percentage'), u32('flags', 'hex', 'SOCK_* flags')], 'accept a connection with flags'),
  ev('bind', 'net', ['bind'], [res(), p('addr', 'sockaddr', 'addr', 'local address'), fd()], 'bind a socket to an address'),
  ev('listen', 'net', ['listen'], [res(), fd(), u32('backlog', 'dec', 'backlog length')], 'listen on a socket'),
  ev('sendto', 'net', ['sendto'], [res(), data(), fd(), u32('size', 'dec', 'requested size'), tuple()], 'send on a socket to an address'),
  ev('sendmsg', 'net', ['sendmsg'], [res(), data(), fd(), u32('size', 'dec', 'requested size'), tuple()], 'send a message on a socket'),
  ev('recvfrom', 'net', ['recvfrom'], [res(), data(), fd(), u32('size', 'dec', 'requested size'), tuple()], 'receive from a socket'),
  ev('recvmsg', 'net', ['recvmsg'], [res(), data(), fd(), u32('size', 'dec', 'requested size'), tuple()], 'receive a message from a socket'),

  // Processes
  ev('execve', 'process', ['execve'], [res(), ...procParams(), u32('flags', 'flags', 'facts about the executable', 'exec_flags'), path('exepath', 'full path of the executable'), p('filename', 'str', 'path', 'path given to execve')], 'execute a program', [p('filename', 'str', 'path', 'path given to execve')]),
  ev('execveat', 'process', ['execveat'], [res(), ...procParams(), u32('flags', 'flags', 'facts about the executable', 'exec_flags'), path('exepath', 'full path of the executable'), fd('dirfd', 'directory fd of the path'), p('pathname', 'str', 'path', 'path given to execveat', { dirfd: 'dirfd' })], 'execute a program relative to a directory fd', [fd('dirfd', 'directory fd of the path'), p('pathname', 'str', 'path', 'path given to execveat', { dirfd: 'dirfd' })]),
  ev('clone', 'process', ['clone'], [res(), ...procParams(), u32('flags', 'flags', 'clone flags', 'clone_flags')], 'create a task (res is the child tid in the parent, 0 in the child)'),
  ev('clone3', 'process', ['clone3'], [res(), ...procParams(), u32('flags', 'flags', 'clone flags', 'clone_flags')], 'create a task with clone3'),
  ev('fork', 'process', ['fork'], [res(), ...procParams(), u32('flags', 'flags', 'clone flags', 'clone_flags')], 'fork a process'),
  ev('vfork', 'process', ['vfork'], [res(), ...procParams(), u32('flags', 'flags', 'clone flags', 'clone_flags')], 'vfork a process'),
  ev('procexit', 'process', [], [i64('status', 'dec', 'exit status as wait() reports it'), i64('ret', 'dec', 'exit code'), p('sig', 'u8', 'sig', 'terminating signal'), p('core', 'u8', 'dec', '1 when a core was dumped'), i64('reaper_tid', 'pid', 'tid that reaps the children')], 'a task exited (sched_process_exit)'),
  ev('kill', 'process', ['kill'], [res(), i64('pid', 'pid', 'target'), p('sig', 'u8', 'sig', 'signal')], 'send a signal to a process'),
  ev('tkill', 'process', ['tkill'], [res(), i64('tid', 'pid', 'target thread'), p('sig', 'u8', 'sig', 'signal')], 'send a signal to a thread'),
  ev('tgkill', 'process', ['tgkill'], [res(), i64('pid', 'pid', 'target process'), i64('tid', 'pid', 'target thread'), p('sig', 'u8', 'sig', 'signal')], 'send a signal to a thread of a process'),
  ev('prctl', 'process', ['prctl'], [res(), u32('option', 'dec', 'PR_* option'), p('arg2_str', 'str', 'text', 'second argument as a string (PR_SET_NAME)'), i64('arg2_int', 'dec', 'second argument as an integer')], 'operate on the process'),

  // Privileges and security
  ev('setuid', 'security', ['setuid'], [res(), u32('uid', 'uid', 'new uid')], 'set user id'),
  ev('setgid', 'security', ['setgid'], [res(), u32('gid', 'gid', 'new gid')], 'set group id'),
  ev('setreuid', 'security', ['setreuid'], [res(), u32('ruid', 'uid', 'new real uid'), u32('euid', 'uid', 'new effective uid')], 'set real and effective user ids'),
  ev('setregid', 'security', ['setregid'], [res(), u32('rgid', 'gid', 'new real gid'), u32('egid', 'gid', 'new effective gid')], 'set real and effective group ids'),
  ev('setresuid', 'security', ['setresuid'], [res(), u32('ruid', 'uid', 'new real uid'), u32('euid', 'uid', 'new effective uid'), u32('suid', 'uid', 'new saved uid')], 'set real, effective and saved user ids'),
  ev('setresgid', 'security', ['setresgid'], [res(), u32('rgid', 'gid', 'new real gid'), u32('egid', 'gid', 'new effective gid'), u32('sgid', 'gid', 'new saved gid')], 'set real, effective and saved group ids'),
  ev('capset', 'security', ['capset'], [res(), u64('cap_inheritable', 'caps', 'inheritable set'), u64('cap_permitted', 'caps', 'permitted set'), u64('cap_effective', 'caps', 'effective set')], 'set capabilities'),
  ev('ptrace', 'security', ['ptrace'], [res(), u32('request', 'enum', 'PTRACE_* request', 'ptrace_request'), i64('pid', 'pid', 'traced process'), u64('addr', 'hex', 'address argument'), u64('data', 'hex', 'data argument')], 'trace another process'),
  ev('setns', 'security', ['setns'], [res(), fd(), u32('nstype', 'flags', 'namespace type', 'ns_type')], 'join a namespace'),
  ev('unshare', 'security', ['unshare'], [res(), u32('flags', 'flags', 'namespaces unshared', 'clone_flags')], 'leave namespaces'),
  ev('init_module', 'security', ['init_module'], [res(), u64('length', 'dec', 'image length'), p('uargs', 'str', 'text', 'module parameters')], 'load a kernel module from memory'),
  ev('finit_module', 'security', ['finit_module'], [res(), fd(), p('uargs', 'str', 'text', 'module parameters'), u32('flags', 'hex', 'MODULE_INIT_* flags')], 'load a kernel module from a file'),
  ev('delete_module', 'security', ['delete_module'], [res(), p('name', 'str', 'text', 'module name'), u32('flags', 'hex', 'O_* flags')], 'unload a kernel module'),
  ev('bpf', 'security', ['bpf'], [res(), u32('cmd', 'enum', 'BPF_* command', 'bpf_cmd')], 'use the bpf syscall'),
  ev('userfaultfd', 'security', ['userfaultfd'], [fdRes(), u32('flags', 'flags', 'flags', 'userfaultfd_flags')], 'create a userfaultfd'),
];

export const EVENTS_BY_NAME: ReadonlyMap<string, EventDef> = new Map(EVENTS.map((e) => [e.name, e]));
export const EVENTS_BY_ID: ReadonlyMap<number, EventDef> = new Map(EVENTS.map((e) => [e.id, e]));

/** Byte offset of each header field, derived so the table above stays the only place to edit. */
export function headerLayout(): { offsets: Record<string, number>; size: number } {
  const offsets: Record<string, number> = {};
  let off = 0;
  for (const f of HEADER) { offsets[f.name] = off; off += f.size; }
  return { offsets, size: off };
}

export const PARAM_SIZES: Partial<Record<ParamType, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, i32: 4, i64: 8 };
