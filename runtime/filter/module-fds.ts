// The fds of an alert read from the filter module. The module follows every record that opens,
// duplicates or closes a descriptor (it must, for the rules); the JS state leaves them to it and
// asks for a descriptor only when a rule matched (FilterModule's pause mode keeps the module's
// tables as the matched record left them while it asks).
import type { FdSnap, FilterModule } from '../../compiler/backend/host.js';
import type { FdInfo, FdType } from '../../schema/model.js';
import type { FdSource } from '../state/state.js';

const TYPES: Record<string, FdType> = {
  f: 'file', d: 'directory', 4: 'ipv4', 6: 'ipv6', u: 'unix', p: 'pipe', e: 'event', s: 'signalfd', l: 'eventpoll',
  i: 'inotify', t: 'timerfd', n: 'netlink', m: 'memfd', b: 'bpf', r: 'io_uring', o: 'unknown',
};
const L4 = [undefined, 'tcp', 'udp', 'icmp', 'raw'] as const;

const ip4 = (b: Uint8Array) => `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;

/** `addr:port` split at its last colon (IPv6 addresses have colons of their own). */
function hostPort(s: string): [string, number] | undefined {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  return i > 0 && Number.isInteger(port) ? [s.slice(0, i), port] : undefined;
}

/** The FdInfo the JS state would have built from the same records. */
export function fdInfoOf(num: number, s: FdSnap): FdInfo {
  const type = TYPES[String.fromCharCode(s.typechar)] ?? 'unknown';
  const fd: FdInfo = { num, type, name: s.name };
  // what an open recorded stays with the number, as the JS state's object keeps it through a connect
  const opened = type === 'file' || type === 'directory' || type === 'memfd';
  if (opened || s.raw) fd.nameraw = s.raw;
  if (s.flags !== undefined) fd.openFlags = s.flags;
  if (s.dev !== undefined) fd.dev = s.dev;
  if (s.ino !== undefined) fd.ino = s.ino;
  if (opened) return fd;
  const l4 = L4[s.l4];
  if (l4) fd.l4proto = l4;
  // (a socket connected once stays so in both tables, whatever its later tuples)
  if (s.connected) fd.connected = true;
  if (type !== 'ipv4' && type !== 'ipv6') return fd;
  if (s.connected) {
    fd.isServer = s.server; fd.connected = true;
    if (type === 'ipv4') { fd.sip = ip4(s.sip); fd.sport = s.sport; fd.dip = ip4(s.dip); fd.dport = s.dport; } else {
      const [a, b] = s.name.split('->');
      const c = a ? hostPort(a) : undefined, d = b ? hostPort(b) : undefined;
      if (c && d) { fd.sip = c[0]; fd.sport = c[1]; fd.dip = d[0]; fd.dport = d[1]; }
    }
  } else if (s.server) {
    // bound, not connected: the local address is kept as the server end
    fd.isServer = true;
    if (type === 'ipv4') { fd.dip = ip4(s.dip); fd.dport = s.dport; } else {
      const c = hostPort(s.name);
      if (c) { fd.dip = c[0]; fd.dport = c[1]; }
    }
  }
  return fd;
}

/** An FdSource over whichever module `mod()` returns (a rules reload swaps it). */
export function moduleFds(mod: () => FilterModule): FdSource {
  return {
    get(pid, fd) { const s = mod().fdSnap(pid, fd); return s ? fdInfoOf(fd, s) : undefined; },
    list(pid) {
      const m = mod();
      const out: FdInfo[] = [];
      for (const n of m.procFds(pid)) { const s = m.fdSnap(pid, n); if (s) out.push(fdInfoOf(n, s)); }
      return out;
    },
  };
}
