// Renders event parameters as Falco prints them for evt.arg.* and evt.args: flags as
// `O_RDONLY|O_CLOEXEC`, return values as errno names, addresses as `ip:port->ip:port`.
import { EVENTS_BY_NAME, FLAG_SETS, type ParamDef } from '../../schema/events.js';
import type { ParamValue, SockAddr, SockTuple } from '../../schema/model.js';

export const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK', 16: 'EBUSY', 17: 'EEXIST',
  18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY',
  26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
  34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP',
  88: 'ENOTSOCK', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
  101: 'ENETUNREACH', 103: 'ECONNABORTED', 104: 'ECONNRESET', 106: 'EISCONN', 107: 'ENOTCONN', 110: 'ETIMEDOUT',
  111: 'ECONNREFUSED', 113: 'EHOSTUNREACH', 114: 'EALREADY', 115: 'EINPROGRESS',
};

/** Capability names by bit number, for thread.cap_* (`CAP_SYS_ADMIN|CAP_NET_ADMIN`). */
export const CAP_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export function renderCaps(v: bigint | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  const b = BigInt(v);
  return CAP_NAMES.filter((_, i) => (b >> BigInt(i)) & 1n).join('|');
}

/** Names of the bits set in `v` ("O_RDONLY" for an open with access mode 0, as Falco shows it). */
export function renderFlags(set: string, v: number): string {
  const table = FLAG_SETS[set] ?? [];
  const names: string[] = [];
  let rest = v >>> 0;
  if (set === 'open_flags' || set === 'dup3_flags') {
    const acc = v & 3;
    names.push(acc === 0 ? 'O_RDONLY' : acc === 1 ? 'O_WRONLY' : 'O_RDWR');
    rest &= ~3;
  }
  for (const [name, bit] of widestFirst(set, table)) if ((rest & bit) === bit) { names.push(name); rest &= ~bit; }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}

// Per flag set, its flags with multi-bit ones (O_SYNC contains O_DSYNC) first, so the wider name
// wins; ordered once (sorting per call was most of what rendering an alert's flags allocated).
const ordered = new Map<string, ReadonlyArray<readonly [string, number]>>();
function widestFirst(set: string, table: ReadonlyArray<readonly [string, number]>): ReadonlyArray<readonly [string, number]> {
  let o = ordered.get(set);
  if (!o) ordered.set(set, (o = [...table].filter(([, bit]) => bit !== 0 && !(set === 'open_flags' && bit <= 2)).sort((a, b) => popcount(b[1]) - popcount(a[1]))));
  return o;
}

function popcount(n: number): number { let c = 0; for (let x = n >>> 0; x; x &= x - 1) c++; return c; }

export function renderAddr(a: SockAddr): string {
  if (a.path !== undefined) return a.path;
  const ip = a.family === 10 ? `[${a.addr ?? ''}]` : a.addr ?? '';
  return a.port !== undefined ? `${ip}:${a.port}` : ip;
}

export function renderTuple(t: SockTuple): string {
  if (t.path !== undefined) return t.path;
  const side = (ip?: string, port?: number) => `${t.family === 10 ? `[${ip ?? ''}]` : ip ?? ''}:${port ?? 0}`;
  return `${side(t.sip, t.sport)}->${side(t.dip, t.dport)}`;
}

export function errnoName(res: number): string {
  return ERRNO_NAMES[-res] ?? `E${-res}`;
}

/** One parameter value as text, following the parameter's display format from the schema. */
export function renderParam(def: ParamDef | undefined, v: ParamValue): string {
  if (v === null || v === undefined) return '<NA>';
  if (v instanceof Uint8Array) return Array.from(v, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'object') {
    const tuple = def ? def.type === 'socktuple' : 'sip' in v || 'dip' in v || 'sport' in v;
    return tuple ? renderTuple(v as SockTuple) : renderAddr(v as SockAddr);
  }
  if (typeof v === 'string') return v;
  const n = Number(v);
  switch (def?.fmt) {
    case 'flags': return def.flags ? renderFlags(def.flags, n) : String(v);
    case 'enum': {
      const hit = (FLAG_SETS[def.flags ?? ''] ?? []).find(([, x]) => x === n);
      return hit ? hit[0] : String(v);
    }
    case 'errno': case 'fd': return n < 0 ? errnoName(n) : String(v);
    case 'hex': return `0x${BigInt(v).toString(16)}`;
    case 'oct': return `0${n.toString(8)}`;
    case 'caps': return renderCaps(BigInt(v)) ?? '';
    default: return String(v);
  }
}

export function paramDef(evtype: string, name: string): ParamDef | undefined {
  const e = EVENTS_BY_NAME.get(evtype);
  return e?.params.find((p) => p.name === name) ?? e?.enterParams?.find((p) => p.name === name);
}

/** The parameter carrying the syscall's return value (`res`, or the new `fd` of open/socket/accept). */
export function returnParam(evtype: string): string | undefined {
  const first = EVENTS_BY_NAME.get(evtype)?.params[0];
  return first && (first.fmt === 'errno' || (first.fmt === 'fd' && first.name === 'fd' && first.desc.includes('-errno'))) ? first.name : undefined;
}
