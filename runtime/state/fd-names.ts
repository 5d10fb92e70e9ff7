// How Falco names file descriptors: paths resolved against the cwd or a dirfd, sockets as
// `sip:sport->dip:dport` with the client on the left.
import type { FdInfo, FdType, SockAddr, SockTuple } from '../../schema/model.js';

/** Joins a possibly relative path onto a directory and removes `.`/`..`/duplicate slashes. */
export function resolvePath(dir: string, p: string): string {
  if (!p) return p;
  const full = p.startsWith('/') ? p : `${dir.endsWith('/') ? dir : `${dir}/`}${p}`;
  if (!full.includes('/.') && !full.includes('//')) return full;
  const out: string[] = [];
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop(); else out.push(seg);
  }
  return `/${out.join('/')}`;
}

export function familyType(family: number): FdType {
  return family === 2 ? 'ipv4' : family === 10 ? 'ipv6' : family === 1 ? 'unix' : family === 16 ? 'netlink' : 'unknown';
}

/** Fills an fd from a tuple, which drivers write client -> server whichever end this process holds. */
export function applyTuple(fd: FdInfo, t: SockTuple, isServer: boolean): void {
  if (t.family === 1) { fd.type = 'unix'; if (t.path) fd.name = t.path; return; }
  if (t.family !== 2 && t.family !== 10) return;
  fd.type = familyType(t.family);
  fd.sip = t.sip; fd.sport = t.sport; fd.dip = t.dip; fd.dport = t.dport;
  fd.isServer = isServer; fd.connected = true;
  fd.name = `${t.sip}:${t.sport}->${t.dip}:${t.dport}`;
}

export function applyBind(fd: FdInfo, a: SockAddr): void {
  if (a.family === 1) { fd.type = 'unix'; fd.name = a.path ?? fd.name; return; }
  if (a.family !== 2 && a.family !== 10) return;
  fd.type = familyType(a.family);
  // The model keeps the client in sip/sport and the server in dip/dport; a bound socket is a server's end.
  fd.dip = a.addr; fd.dport = a.port; fd.isServer = true;
  fd.name = `${a.addr}:${a.port}`;
}
