// Vigil's own table of the scap event types it reads, numbered as the Falco drivers number them
// (PPME_* ids: even = enter, odd = exit, with internal events on even ids). Parameter lists are
// written as "name:kind" with the kinds below; a capture may carry fewer parameters (older driver)
// or more (newer driver) than listed, and the reader copes with both.
//
// kinds: i8 i16 i32 i64 u8 u16 u32 u64 (integers, decoded from the bytes actually present),
// str (NUL-terminated text), bytes (raw buffer), list (NUL-separated strings: argv, env),
// sa (sockaddr), st (socktuple), x (kept as raw bytes, not interpreted).

export type ScapKind = 'i8' | 'i16' | 'i32' | 'i64' | 'u8' | 'u16' | 'u32' | 'u64' | 'str' | 'bytes' | 'list' | 'sa' | 'st' | 'x';
export interface ScapParam { name: string; kind: ScapKind }
export interface ScapEventInfo {
  id: number; name: string; dir: 'enter' | 'exit' | 'event';
  params: ScapParam[];
  /** Vigil's schema name when it differs from the scap name (pread -> read). */
  vigil?: string;
}

const PROC_OLD = 'res:i64 exe:str args:list tid:i64 pid:i64 ptid:i64 cwd:str fdlimit:i64 pgft_maj:u64 pgft_min:u64 vm_size:u32 vm_rss:u32 vm_swap:u32';
const CLONE_20 = `${PROC_OLD} comm:str cgroups:list flags:u32 uid:u32 gid:u32 vtid:i64 vpid:i64 pidns_init_start_ts:u64`;
const EXEC_19 = `${PROC_OLD} comm:str cgroups:list env:list tty:i32 pgid:i64 loginuid:i32 flags:u32 cap_inheritable:u64 cap_permitted:u64 cap_effective:u64 exe_ino:u64 exe_ino_ctime:u64 exe_ino_mtime:u64 uid:u32 exepath:str pgid2:i64 gid:u32`;

// [id of the enter event, name, enter params, exit params, vigil name]; the exit is id + 1.
type Pair = [number, string, string, string, string?];
const PAIRS: Pair[] = [
  [0, 'syscall', 'ID:u16 nativeID:u16', 'ID:u16'],
  [2, 'open', 'name:str flags:u32 mode:u32', 'fd:i64 name:str flags:u32 mode:u32 dev:u32 ino:u64'],
  [4, 'close', 'fd:i64', 'res:i64'],
  [6, 'read', 'fd:i64 size:u32', 'res:i64 data:bytes'],
  [8, 'write', 'fd:i64 size:u32', 'res:i64 data:bytes'],
  [10, 'brk', 'size:u32', 'res:u64'],
  [12, 'execve', '', 'res:i64 exe:str args:list tid:i64 pid:i64 ptid:i64 cwd:str fdlimit:u64'],
  [14, 'clone', '', 'res:i64 exe:str args:list tid:i64 pid:i64 ptid:i64 cwd:str fdlimit:i64 flags:u32 uid:u32 gid:u32'],
  [18, 'socket', 'domain:u32 type:u32 proto:u32', 'fd:i64'],
  [20, 'bind', 'fd:i64', 'res:i64 addr:sa'],
  [22, 'connect', 'fd:i64 addr:sa', 'res:i64 tuple:st fd:i64'],
  [24, 'listen', 'fd:i64 backlog:u32', 'res:i64'],
  [26, 'accept', '', 'fd:i64 tuple:st queuepct:u8'],
  [28, 'send', 'fd:i64 size:u32', 'res:i64 data:bytes'],
  [30, 'sendto', 'fd:i64 size:u32 tuple:st', 'res:i64 data:bytes'],
  [32, 'recv', 'fd:i64 size:u32', 'res:i64 data:bytes'],
  [34, 'recvfrom', 'fd:i64 size:u32', 'res:i64 data:bytes tuple:st'],
  [36, 'shutdown', 'fd:i64 how:u8', 'res:i64'],
  [38, 'getsockname', '', ''],
  [40, 'getpeername', '', ''],
  [42, 'socketpair', 'domain:u32 type:u32 proto:u32', 'res:i64 fd1:i64 fd2:i64 source:u64 peer:u64'],
  [44, 'setsockopt', '', 'res:i64 fd:i64 level:u8 optname:u8 val:x optlen:u32'],
  [46, 'getsockopt', '', 'res:i64 fd:i64 level:u8 optname:u8 val:x optlen:u32'],
  [48, 'sendmsg', 'fd:i64 size:u32 tuple:st', 'res:i64 data:bytes'],
  [50, 'sendmmsg', '', ''],
  [52, 'recvmsg', 'fd:i64', 'res:i64 size:u32 data:bytes tuple:st'],
  [54, 'recvmmsg', '', ''],
  [56, 'accept4', 'flags:i32', 'fd:i64 tuple:st queuepct:u8'],
  [58, 'creat', 'name:str mode:u32', 'fd:i64 name:str mode:u32 dev:u32 ino:u64'],
  [60, 'pipe', '', 'res:i64 fd1:i64 fd2:i64 ino:u64'],
  [62, 'eventfd', 'initval:u64 flags:u32', 'res:i64'],
  [64, 'futex', 'addr:u64 op:u16 val:u64', 'res:i64'],
  [66, 'stat', '', 'res:i64 path:str'],
  [68, 'lstat', '', 'res:i64 path:str'],
  [70, 'fstat', 'fd:i64', 'res:i64'],
  [72, 'stat64', '', 'res:i64 path:str'],
  [74, 'lstat64', '', 'res:i64 path:str'],
  [76, 'fstat64', 'fd:i64', 'res:i64'],
  [78, 'epoll_wait', 'maxevents:i64', 'res:i64'],
  [80, 'poll', 'fds:x timeout:i64', 'res:i64 fds:x'],
  [82, 'select', '', 'res:i64'],
  [84, 'select', '', 'res:i64'],
  [86, 'lseek', 'fd:i64 offset:u64 whence:u8', 'res:i64'],
  [88, 'llseek', 'fd:i64 offset:u64 whence:u8', 'res:i64'],
  [90, 'ioctl', 'fd:i64 request:u64', 'res:i64'],
  [92, 'getcwd', '', 'res:i64 path:str'],
  [94, 'chdir', '', 'res:i64 path:str'],
  [96, 'fchdir', 'fd:i64', 'res:i64'],
  [98, 'mkdir', 'path:str mode:u32', 'res:i64'],
  [100, 'rmdir', 'path:str', 'res:i64'],
  [102, 'openat', 'dirfd:i64 name:str flags:u32 mode:u32', 'fd:i64'],
  [104, 'link', 'oldpath:str newpath:str', 'res:i64'],
  [106, 'linkat', 'olddir:i64 oldpath:str newdir:i64 newpath:str', 'res:i64'],
  [108, 'unlink', 'path:str', 'res:i64'],
  [110, 'unlinkat', 'dirfd:i64 name:str', 'res:i64'],
  [112, 'pread', 'fd:i64 size:u32 pos:u64', 'res:i64 data:bytes', 'read'],
  [114, 'pwrite', 'fd:i64 size:u32 pos:u64', 'res:i64 data:bytes', 'write'],
  [116, 'readv', 'fd:i64', 'res:i64 size:u32 data:bytes', 'read'],
  [118, 'writev', 'fd:i64 size:u32', 'res:i64 data:bytes', 'write'],
  [120, 'preadv', 'fd:i64 pos:u64', 'res:i64 size:u32 data:bytes', 'read'],
  [122, 'pwritev', 'fd:i64 size:u32 pos:u64', 'res:i64 data:bytes', 'write'],
  [124, 'dup', 'fd:i64', 'res:i64'],
  [126, 'signalfd', 'fd:i64 mask:u32 flags:u8', 'res:i64'],
  [128, 'kill', 'pid:i64 sig:u8', 'res:i64'],
  [130, 'tkill', 'tid:i64 sig:u8', 'res:i64'],
  [132, 'tgkill', 'pid:i64 tid:i64 sig:u8', 'res:i64'],
  [134, 'nanosleep', 'interval:u64', 'res:i64'],
  [136, 'timerfd_create', 'clockid:u8 flags:u8', 'res:i64'],
  [138, 'inotify_init', 'flags:u8', 'res:i64'],
  [140, 'getrlimit', 'resource:u8', 'res:i64 cur:i64 max:i64'],
  [142, 'setrlimit', 'resource:u8', 'res:i64 cur:i64 max:i64'],
  [144, 'prlimit', 'pid:i64 resource:u8', 'res:i64 newcur:i64 newmax:i64 oldcur:i64 oldmax:i64'],
  [150, 'fcntl', 'fd:i64 cmd:u8', 'res:i64'],
  [154, 'execve', '', `${PROC_OLD}`],
  [156, 'clone', '', `${PROC_OLD} flags:u32 uid:u32 gid:u32`],
  [158, 'brk', 'addr:u64', 'res:u64 vm_size:u32 vm_rss:u32 vm_swap:u32'],
  [160, 'mmap', 'addr:u64 length:u64 prot:u32 flags:u32 fd:i64 offset:u64', 'res:u64 vm_size:u32 vm_rss:u32 vm_swap:u32'],
  [162, 'mmap2', 'addr:u64 length:u64 prot:u32 flags:u32 fd:i64 pgoffset:u64', 'res:u64 vm_size:u32 vm_rss:u32 vm_swap:u32'],
  [164, 'munmap', 'addr:u64 length:u64', 'res:i64 vm_size:u32 vm_rss:u32 vm_swap:u32'],
  [166, 'splice', 'fd_in:i64 fd_out:i64 size:u64 flags:u32', 'res:i64'],
  [168, 'ptrace', 'request:u16 pid:i64', 'res:i64 addr:x data:x'],
  [170, 'ioctl', 'fd:i64 request:u64 argument:u64', 'res:i64'],
  [172, 'execve', '', `${PROC_OLD} env:list`],
  [174, 'rename', '', 'res:i64 oldpath:str newpath:str'],
  [176, 'renameat', '', 'res:i64 olddirfd:i64 oldpath:str newdirfd:i64 newpath:str'],
  [178, 'symlink', '', 'res:i64 target:str linkpath:str'],
  [180, 'symlinkat', '', 'res:i64 target:str linkdirfd:i64 linkpath:str'],
  [182, 'fork', '', `${PROC_OLD} flags:u32 uid:u32 gid:u32`],
  [184, 'vfork', '', `${PROC_OLD} flags:u32 uid:u32 gid:u32`],
  [188, 'sendfile', 'out_fd:i64 in_fd:i64 offset:u64 size:u64', 'res:i64 offset:u64'],
  [190, 'quotactl', 'cmd:u16 type:u8 id:u32 quota_fmt:u8', 'res:i64'],
  [192, 'setresuid', 'ruid:u32 euid:u32 suid:u32', 'res:i64'],
  [194, 'setresgid', 'rgid:u32 egid:u32 sgid:u32', 'res:i64'],
  [198, 'setuid', 'uid:u32', 'res:i64'],
  [200, 'setgid', 'gid:u32', 'res:i64'],
  [202, 'getuid', '', 'uid:u32'],
  [204, 'geteuid', '', 'euid:u32'],
  [206, 'getgid', '', 'gid:u32'],
  [208, 'getegid', '', 'egid:u32'],
  [210, 'getresuid', '', 'res:i64 ruid:u32 euid:u32 suid:u32'],
  [212, 'getresgid', '', 'res:i64 rgid:u32 egid:u32 sgid:u32'],
  [214, 'execve', '', `${PROC_OLD} comm:str env:list`],
  [216, 'clone', '', `${PROC_OLD} comm:str flags:u32 uid:u32 gid:u32`],
  [218, 'fork', '', `${PROC_OLD} comm:str flags:u32 uid:u32 gid:u32`],
  [220, 'vfork', '', `${PROC_OLD} comm:str flags:u32 uid:u32 gid:u32`],
  [222, 'clone', '', CLONE_20],
  [224, 'fork', '', CLONE_20],
  [226, 'vfork', '', CLONE_20],
  [230, 'execve', '', `${PROC_OLD} comm:str cgroups:list env:list`],
  [236, 'getdents', 'fd:i64', 'res:i64'],
  [238, 'getdents64', 'fd:i64', 'res:i64'],
  [240, 'setns', 'fd:i64 nstype:u32', 'res:i64'],
  [242, 'flock', 'fd:i64 operation:u32', 'res:i64'],
  [246, 'accept', '', 'fd:i64 tuple:st queuepct:u8 queuelen:u32 queuemax:u32'],
  [248, 'accept4', 'flags:i32', 'fd:i64 tuple:st queuepct:u8 queuelen:u32 queuemax:u32'],
  [250, 'semop', 'semid:i32', 'res:i64'],
  [252, 'semctl', 'semid:i32 semnum:i32 cmd:u16 val:i32', 'res:i64'],
  [254, 'ppoll', 'fds:x timeout:u64 sigmask:u32', 'res:i64 fds:x'],
  [256, 'mount', 'flags:u32', 'res:i64 dev:str dir:str type:str'],
  [258, 'umount', 'flags:u32', 'res:i64 name:str', 'umount2'],
  [262, 'semget', 'key:i32 nsems:i32 semflg:u32', 'res:i64'],
  [264, 'access', 'mode:u32', 'res:i64 name:str'],
  [266, 'chroot', '', 'res:i64 path:str'],
  [274, 'setsid', '', 'res:i64'],
  [276, 'mkdir', 'mode:u32', 'res:i64 path:str'],
  [278, 'rmdir', '', 'res:i64 path:str'],
  [282, 'execve', '', `${PROC_OLD} comm:str cgroups:list env:list tty:i32`],
  [284, 'unshare', 'flags:u32', 'res:i64'],
  [288, 'execve', 'filename:str', `${PROC_OLD} comm:str cgroups:list env:list tty:i32`],
  [292, 'execve', 'filename:str', EXEC_19],
  [294, 'setpgid', 'pid:i64 pgid:i64', 'res:i64'],
  [296, 'bpf', 'cmd:i64', 'res:x'],
  [298, 'seccomp', 'op:u64 flags:u64', 'res:i64'],
  [300, 'unlink', '', 'res:i64 path:str'],
  [302, 'unlinkat', '', 'res:i64 dirfd:i64 name:str flags:u32'],
  [304, 'mkdirat', '', 'res:i64 dirfd:i64 path:str mode:u32'],
  [306, 'openat', 'dirfd:i64 name:str flags:u32 mode:u32', 'fd:i64 dirfd:i64 name:str flags:u32 mode:u32 dev:u32 ino:u64'],
  [308, 'link', '', 'res:i64 oldpath:str newpath:str'],
  [310, 'linkat', '', 'res:i64 olddir:i64 oldpath:str newdir:i64 newpath:str flags:u32'],
  [312, 'fchmodat', '', 'res:i64 dirfd:i64 filename:str mode:u32'],
  [314, 'chmod', '', 'res:i64 filename:str mode:u32'],
  [316, 'fchmod', '', 'res:i64 fd:i64 mode:u32'],
  [318, 'renameat2', '', 'res:i64 olddirfd:i64 oldpath:str newdirfd:i64 newpath:str flags:u32'],
  [320, 'userfaultfd', '', 'res:i64 flags:u32'],
  [326, 'openat2', 'dirfd:i64 name:str flags:u32 mode:u32 resolve:u32', 'fd:i64 dirfd:i64 name:str flags:u32 mode:u32 resolve:u32 dev:u32 ino:u64'],
  [328, 'mprotect', 'addr:u64 length:u64 prot:u32', 'res:i64'],
  [330, 'execveat', 'dirfd:i64 pathname:str flags:u32', EXEC_19],
  [332, 'copy_file_range', 'fdin:i64 offin:u64 len:u64', 'res:i64 fdout:i64 offout:u64'],
  [334, 'clone3', '', CLONE_20],
];

// Events without an exit pair (scheduler, process exit, internal metadata).
type Single = [number, string, string];
const SINGLES: Single[] = [
  [16, 'procexit', ''],
  [146, 'switch', 'next:i64'],
  [148, 'drop', 'ratio:u32'],
  [149, 'drop', 'ratio:u32'],
  [152, 'switch', 'next:i64 pgft_maj:u64 pgft_min:u64 vm_size:u32 vm_rss:u32 vm_swap:u32'],
  [186, 'procexit', 'status:i64 ret:i64 sig:u8 core:u8 reaper_tid:i64'],
  [196, 'scapevent', 'event_type:u32 event_data:u64'],
  [228, 'container', 'id:str type:u32 name:str image:str'],
  [232, 'signaldeliver', 'spid:i64 dpid:i64 sig:u8'],
  [234, 'procinfo', 'cpu_usr:u64 cpu_sys:u64'],
  [244, 'cpu_hotplug', 'cpu:u32 action:u32'],
  [260, 'k8s', 'json:str'],
  [272, 'container', 'json:str'],
  [280, 'notification', 'id:str desc:str'],
  [286, 'infra', 'source:str name:str description:str scope:str'],
  [290, 'page_fault', 'addr:u64 ip:u64 error:u32'],
  [322, 'pluginevent', 'plugin_id:u32 event_data:bytes'],
  [324, 'container', 'json:str'],
];

function parse(spec: string): ScapParam[] {
  return spec ? spec.split(' ').map((s) => { const [name, kind] = s.split(':'); return { name, kind: kind as ScapKind }; }) : [];
}

/** Event info by scap id; holes are events Vigil does not read (counted as unknown and skipped). */
export const SCAP_EVENTS: ReadonlyArray<ScapEventInfo | undefined> = (() => {
  const t: Array<ScapEventInfo | undefined> = [];
  for (const [id, name, enter, exit, vigil] of PAIRS) {
    t[id] = { id, name, dir: 'enter', params: parse(enter), ...(vigil ? { vigil } : {}) };
    t[id + 1] = { id: id + 1, name, dir: 'exit', params: parse(exit), ...(vigil ? { vigil } : {}) };
  }
  for (const [id, name, params] of SINGLES) t[id] = { id, name, dir: 'event', params: parse(params) };
  return t;
})();
