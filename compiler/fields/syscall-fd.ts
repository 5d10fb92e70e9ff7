// fd.* fields of the syscall source: the file descriptor the event acts on, as the decoder
// resolved it (a file path, a socket tuple, a pipe...).
import type { Event, FdInfo, FdType } from '../../schema/model.js';
import type { FieldValue } from './types.js';
import { int, type TableBuilder } from './define.js';

const TYPECHAR: Record<FdType, string> = {
  file: 'f', directory: 'd', ipv4: '4', ipv6: '6', unix: 'u', pipe: 'p', event: 'e', signalfd: 's', eventpoll: 'l',
  inotify: 'i', timerfd: 't', netlink: 'n', memfd: 'm', bpf: 'b', userfaultfd: 'u', io_uring: 'r', unknown: 'o',
};
const numOrUndefined = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? v : undefined);
const isIp = (f: FdInfo) => f.type === 'ipv4' || f.type === 'ipv6';
const isPath = (f: FdInfo) => f.type === 'file' || f.type === 'directory' || f.type === 'memfd';

const dirname = (p: string) => { const i = p.lastIndexOf('/'); return i <= 0 ? (i === 0 ? '/' : '') : p.slice(0, i); };
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

// A socket's tuple is written client -> server (sip:sport->dip:dport), whichever side we are;
// isServer says whether this process holds the server end, which decides local and remote.
const client = (f: FdInfo) => ({ ip: f.sip, port: f.sport });
const server = (f: FdInfo) => ({ ip: f.dip, port: f.dport });
const local = (f: FdInfo) => (f.isServer ? server(f) : client(f));
const remote = (f: FdInfo) => (f.isServer ? client(f) : server(f));

type Side = (f: FdInfo) => { ip?: string; port?: number };
const ipOf = (side: Side) => (ev: Event) => (ev.fd && isIp(ev.fd) ? side(ev.fd).ip : undefined);
const portOf = (side: Side) => (ev: Event) => (ev.fd && isIp(ev.fd) ? int(side(ev.fd).port) : undefined);
const both = (get: (f: FdInfo, side: Side) => FieldValue | undefined) => (ev: Event): FieldValue[] | undefined => {
  if (!ev.fd || !isIp(ev.fd)) return undefined;
  const out = [get(ev.fd, client), get(ev.fd, server)].filter((x): x is FieldValue => x !== undefined);
  return out.length ? out : undefined;
};

export function addFdFields(t: TableBuilder<Event>): void {
  // as Falco: the event's descriptor number even when the fd is not in the table (a write on an fd
  // opened before the capture)
  t.def('fd.num', 'int', 'file descriptor number', (ev) => int(ev.fd?.num ?? numOrUndefined(ev.params.fd)))
    .def('fd.type', 'string', 'fd type: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, memfd...', (ev) => ev.fd?.type)
    .def('fd.typechar', 'string', 'fd type as one letter: f file, d directory, 4 ipv4, 6 ipv6, u unix, p pipe...', (ev) => (ev.fd ? TYPECHAR[ev.fd.type] : undefined))
    .def('fd.name', 'string', 'path, socket tuple (sip:sport->dip:dport) or unix socket path', (ev) => ev.fd?.name)
    .def('fd.nameraw', 'string', 'the name as the process gave it, before resolution', (ev) => ev.fd?.nameraw ?? ev.fd?.name)
    .def('fd.directory', 'string', 'directory of a file fd', (ev) => (ev.fd && isPath(ev.fd) ? (ev.fd.type === 'directory' ? ev.fd.name : dirname(ev.fd.name)) : undefined))
    .def('fd.filename', 'string', 'file name (no directory) of a file fd', (ev) => (ev.fd && isPath(ev.fd) && ev.fd.type !== 'directory' ? basename(ev.fd.name) : undefined))
    .def('fd.name_changed', 'bool', 'the fd name changed during the event (connect, bind)', (ev) => (ev.fd ? ev.type === 'connect' || ev.type === 'bind' : undefined))
    .def('fd.connected', 'bool', 'the socket is connected', (ev) => ev.fd?.connected)
    .def('fd.is_server', 'bool', 'the process is the server end of the socket', (ev) => (ev.fd && isIp(ev.fd) ? !!ev.fd.isServer : undefined))
    .def('fd.l4proto', 'string', 'tcp, udp, icmp or raw', (ev) => ev.fd?.l4proto)
    .def('fd.sockfamily', 'string', "'ip' for inet sockets, 'unix' for unix sockets", (ev) => (ev.fd ? (isIp(ev.fd) ? 'ip' : ev.fd.type === 'unix' ? 'unix' : undefined) : undefined))
    .def('fd.cip', 'ipaddr', 'client IP', ipOf(client))
    .def('fd.sip', 'ipaddr', 'server IP', ipOf(server))
    .def('fd.lip', 'ipaddr', 'local IP', ipOf(local))
    .def('fd.rip', 'ipaddr', 'remote IP', ipOf(remote))
    .def('fd.ip', 'ipaddr', 'client or server IP (matches either)', both((f, side) => side(f).ip), { multi: true })
    .def('fd.cport', 'int', 'client port', portOf(client))
    .def('fd.sport', 'int', 'server port', portOf(server))
    .def('fd.lport', 'int', 'local port', portOf(local))
    .def('fd.rport', 'int', 'remote port', portOf(remote))
    .def('fd.port', 'int', 'client or server port (matches either)', both((f, side) => int(side(f).port)), { multi: true })
    .def('fd.cnet', 'ipnet', 'client IP, compared against a network', ipOf(client))
    .def('fd.snet', 'ipnet', 'server IP, compared against a network', ipOf(server))
    .def('fd.lnet', 'ipnet', 'local IP, compared against a network', ipOf(local))
    .def('fd.rnet', 'ipnet', 'remote IP, compared against a network', ipOf(remote))
    .def('fd.net', 'ipnet', 'client or server IP, compared against a network', both((f, side) => side(f).ip), { multi: true })
    .def('fd.cip.name', 'string', 'domain name of the client IP (needs DNS state; <NA> without)', () => undefined)
    .def('fd.sip.name', 'string', 'domain name of the server IP', () => undefined)
    .def('fd.lip.name', 'string', 'domain name of the local IP', () => undefined)
    .def('fd.rip.name', 'string', 'domain name of the remote IP', () => undefined)
    .def('fd.dev', 'int', 'device number of a file fd', (ev) => int(ev.fd?.dev))
    .def('fd.ino', 'int', 'inode number of a file fd', (ev) => int(ev.fd?.ino))
    .def('fd.types', 'string', "types of the process's open fds; fd.types[N] the type of fd N", (ev, arg) => {
      const fds = ev.fds ?? ev.thread.fds;
      if (!fds) return undefined;
      if (arg?.kind === 'index') { const f = fds.get(arg.value); return f ? [f.type] : undefined; }
      // in fd order: the tables behind it (the JS state's, the filter module's) keep different orders
      const types = [...new Set([...fds.values()].sort((a, b) => a.num - b.num).map((f) => f.type))];
      return types.length ? types : undefined;
    }, { multi: true, arg: { required: false, kind: 'index' } });
}
