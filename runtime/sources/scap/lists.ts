// The metadata blocks a capture starts with: machine info, process lists (every version), fd
// lists, user/group lists and interface lists. Layouts follow the libscap savefile writer.
import type { FdInfo, FdType, GroupInfo, ThreadInfo, UserInfo } from '../../../schema/model.js';
import { Cursor, strList, text } from './cursor.js';
import { ScapError } from './errors.js';
import { containerIdOfCgroup } from '../../state/containers.js';

/** The container a task runs in, from its cgroup lines (`ctrl=/path`). */
export function containerOfCgroups(lines: string[]): string {
  for (const l of lines) { const id = containerIdOfCgroup(l.slice(l.indexOf('=') + 1)); if (id !== 'host') return id; }
  return 'host';
}

export const MI = 0x201, FDL = 0x203, IL = 0x205, UL = 0x206, FDL_V2 = 0x218, IL_V2 = 0x219, UL_V2 = 0x220;
/** Process list block types, oldest first: the index is the layout version minus one. */
export const PL_TYPES = [0x202, 0x207, 0x209, 0x210, 0x211, 0x212, 0x213, 0x214, 0x215];

export function hostnameOf(body: Uint8Array): string {
  // num_cpus u32, memory u64, max_pid u64, then the hostname; older writers kept the block shorter.
  return body.length > 20 ? text(body.subarray(20, Math.min(body.length, 20 + 256))) : '';
}

/** Threads of a process list block. Fields absent in older layouts keep neutral values. */
export function readProcList(blockType: number, body: Uint8Array, offset: number): ThreadInfo[] {
  const ver = PL_TYPES.indexOf(blockType) + 1;
  const c = new Cursor(body, offset, `process list v${ver}`);
  const out: ThreadInfo[] = [];
  while (c.left >= 4) {
    const start = c.pos;
    const subLen = ver >= 9 ? c.u32() : 0;
    if (ver >= 9 && (subLen < 4 || subLen > body.length - start)) throw new ScapError(offset, `process entry length ${subLen} does not fit the block`);
    const tid = c.i64(), pid = c.i64(), ppid = c.i64();
    const sid = ver >= 6 ? c.i64() : undefined;
    const vpgid = ver >= 8 ? c.i64() : undefined;
    const comm = c.str16(4096), exe = c.str16(4096);
    const exepath = ver >= 7 ? c.str16(4096) : '';
    const argsLen = c.u16();
    const args = strList(c.bytes(argsLen));
    const cwd = c.str16(4096);
    c.u64(); c.u32(); // fdlimit, flags
    const uid = c.u32(), gid = c.u32();
    let env: string[] = [], vtid: number | undefined, vpid: number | undefined, containerId = 'host';
    if (ver >= 2) {
      c.need(3 * 4 + 2 * 8); // vm sizes and page faults
      if (ver >= 3) env = strList(c.bytes(c.u16()));
      if (ver >= 4) { vtid = c.i64(); vpid = c.i64(); containerId = containerOfCgroups(strList(c.bytes(c.u16()))); if (ver >= 5) c.str16(4096); /* root */ }
    }
    let tty = 0, loginuid = 0xffffffff;
    let capInheritable: bigint | undefined, capPermitted: bigint | undefined, capEffective: bigint | undefined;
    if (subLen) {
      const end = start + subLen;
      const fits = (n: number) => c.pos + n <= end;
      if (end - c.pos > 29) { if (fits(8)) c.u64(); if (fits(4)) tty = c.u32(); } // fields libs 0.10 inserted mid-entry
      if (fits(4)) loginuid = c.u32();
      if (fits(1)) c.u8();
      if (fits(8)) capInheritable = BigInt(c.u64());
      if (fits(8)) capPermitted = BigInt(c.u64());
      if (fits(8)) capEffective = BigInt(c.u64());
      if (c.pos > end) throw new ScapError(offset, `process entry of tid ${tid} overruns its ${subLen} bytes`);
      c.pos = end;
    }
    out.push({
      tid, pid, ppid, comm, exe: args.length || exe ? exe : comm, exepath: exepath || exe, args, cwd: cwd.endsWith('/') ? cwd : `${cwd}/`,
      env, uid, gid, loginuid, tty, containerId,
      ...(sid !== undefined ? { sid } : {}), ...(vpgid !== undefined ? { vpgid } : {}),
      ...(vtid !== undefined ? { vtid } : {}), ...(vpid !== undefined ? { vpid } : {}),
      ...(capPermitted !== undefined ? { capInheritable, capPermitted, capEffective } : {}),
    });
  }
  return out;
}

// scap fd types (scap_fd_type), mapped onto the model's fd types.
const FD_TYPES: Record<number, FdType> = {
  1: 'file', 2: 'directory', 3: 'ipv4', 4: 'ipv6', 5: 'ipv4', 6: 'ipv6', 7: 'pipe', 8: 'unix', 9: 'event',
  11: 'signalfd', 12: 'eventpoll', 13: 'inotify', 14: 'timerfd', 15: 'netlink', 16: 'file', 17: 'bpf',
  18: 'userfaultfd', 19: 'io_uring', 20: 'memfd', 21: 'unknown',
};
const L4: Record<number, FdInfo['l4proto']> = { 1: 'tcp', 2: 'udp', 3: 'icmp', 4: 'raw' };

const ip4 = (x: number) => `${x & 255}.${(x >>> 8) & 255}.${(x >>> 16) & 255}.${x >>> 24}`;
function ip6(b: Uint8Array): string {
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** The tid an fd list belongs to, and its fds. */
export function readFdList(blockType: number, body: Uint8Array, offset: number): { tid: number; fds: FdInfo[] } {
  const c = new Cursor(body, offset, 'fd list');
  const tid = c.i64();
  const fds: FdInfo[] = [];
  while (c.left >= 4) {
    const start = c.pos;
    const subLen = blockType === FDL_V2 ? c.u32() : 0;
    const num = c.u64(); const ino = c.u64(); const t = c.u8();
    const type = FD_TYPES[t] ?? 'unknown';
    const fd: FdInfo = { num, type, name: '', ino };
    switch (t) {
      case 3: { const sip = ip4(c.u32()), dip = ip4(c.u32()), sport = c.u16(), dport = c.u16(); Object.assign(fd, { sip, dip, sport, dport, l4proto: L4[c.u8()], name: `${sip}:${sport}->${dip}:${dport}` }); break; }
      case 4: { const sip = ip6(c.bytes(16)), dip = ip6(c.bytes(16)), sport = c.u16(), dport = c.u16(); Object.assign(fd, { sip, dip, sport, dport, l4proto: L4[c.u8()], name: `${sip}:${sport}->${dip}:${dport}` }); break; }
      // Listening sockets: the model keeps the server's end in dip/dport.
      case 5: { const ip = ip4(c.u32()), port = c.u16(); Object.assign(fd, { dip: ip, dport: port, l4proto: L4[c.u8()], isServer: true, name: `${ip}:${port}` }); break; }
      case 6: { const ip = ip6(c.bytes(16)), port = c.u16(); Object.assign(fd, { dip: ip, dport: port, l4proto: L4[c.u8()], isServer: true, name: `${ip}:${port}` }); break; }
      case 8: c.u64(); c.u64(); fd.name = c.str16(4096); break;
      case 16: fd.openFlags = c.u32(); fd.name = c.str16(4096); if (subLen && c.pos + 4 <= start + subLen) fd.dev = c.u32(); break;
      case 0: case 10: break;
      default: fd.name = c.str16(4096);
    }
    if (subLen) {
      if (c.pos > start + subLen) throw new ScapError(offset, `fd entry ${num} overruns its ${subLen} bytes`);
      c.pos = start + subLen;
    }
    fds.push(fd);
  }
  return { tid, fds };
}

export function readUserList(blockType: number, body: Uint8Array, offset: number): { users: UserInfo[]; groups: GroupInfo[] } {
  const c = new Cursor(body, offset, 'user list');
  const users: UserInfo[] = [], groups: GroupInfo[] = [];
  while (c.left >= 4) {
    const start = c.pos;
    const subLen = blockType === UL_V2 ? c.u32() : 0;
    const kind = c.u8();
    if (kind === 0) {
      const uid = c.u32(); c.u32();
      users.push({ uid, name: c.str16(4096), homedir: c.str16(4096), shell: c.str16(4096) });
    } else if (kind === 1) {
      groups.push({ gid: c.u32(), name: c.str16(4096) });
    } else throw new ScapError(offset, `user list entry of unknown kind ${kind}`);
    if (subLen) {
      if (c.pos > start + subLen) throw new ScapError(offset, `user list entry overruns its ${subLen} bytes`);
      c.pos = start + subLen;
    }
  }
  return { users, groups };
}

export interface Iface { name: string; addr: string }

export function readIfList(blockType: number, body: Uint8Array, offset: number): Iface[] {
  const c = new Cursor(body, offset, 'interface list');
  const out: Iface[] = [];
  while (c.left >= 4) {
    const start = c.pos;
    const entry = blockType === IL_V2 ? c.u32() : 0;
    const type = c.u16(), nameLen = c.u16();
    let addr: string;
    if (type === 1 || type === 3) { addr = ip4(c.u32()); c.u32(); c.u32(); if (type === 1) c.u64(); }
    else if (type === 2 || type === 4) { addr = ip6(c.bytes(16)); c.bytes(32); if (type === 2) c.u64(); }
    else throw new ScapError(offset, `interface of unknown type ${type}`);
    out.push({ name: text(c.bytes(nameLen)), addr });
    if (entry) { if (c.pos > start + 4 + entry) throw new ScapError(offset, 'interface entry overruns its length'); c.pos = start + 4 + entry; }
  }
  return out;
}
