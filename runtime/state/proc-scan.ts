// Seeds the state from /proc on a live system, so processes that started before the agent have
// names, ancestors and fds. Everything racy (a process exiting mid-scan) is skipped quietly;
// a scan never takes more than `maxThreads` threads or `fdsPerProcess` fds per process.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { FdInfo, ThreadInfo } from '../../schema/model.js';
import { containerIdOfCgroup } from './containers.js';
import type { State } from './state.js';

const read = (p: string): string | undefined => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } };
const link = (p: string): string | undefined => { try { return readlinkSync(p); } catch { return undefined; } };
const list = (p: string): string[] => { try { return readdirSync(p); } catch { return []; } };
const nul = (s: string | undefined) => (s ? s.split('\0').filter((x, i, a) => x !== '' || i < a.length - 1) : []);

interface SockRow { type: FdInfo['type']; l4proto: FdInfo['l4proto']; sip: string; sport: number; dip: string; dport: number; listen: boolean }

function hexIp(h: string): string {
  if (h.length === 8) { const x = parseInt(h, 16); return `${x & 255}.${(x >>> 8) & 255}.${(x >>> 16) & 255}.${x >>> 24}`; }
  // ipv6: four little-endian u32 words
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) { const x = parseInt(h.slice(w * 8, w * 8 + 8), 16); bytes.push(x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24); }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.slice(12).join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Socket inodes to addresses, from /proc/net/{tcp,tcp6,udp,udp6}. */
export function socketTable(procRoot = '/proc'): Map<number, SockRow> {
  const out = new Map<number, SockRow>();
  for (const [file, type, l4proto] of [['tcp', 'ipv4', 'tcp'], ['tcp6', 'ipv6', 'tcp'], ['udp', 'ipv4', 'udp'], ['udp6', 'ipv6', 'udp']] as const) {
    const lines = (read(`${procRoot}/net/${file}`) ?? '').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [la, lp] = f[1].split(':'), [ra, rp] = f[2].split(':');
      const listen = l4proto === 'tcp' ? f[3] === '0A' : parseInt(rp, 16) === 0;
      out.set(Number(f[9]), { type, l4proto, sip: hexIp(la), sport: parseInt(lp, 16), dip: hexIp(ra), dport: parseInt(rp, 16), listen });
    }
  }
  return out;
}

function fdOf(num: number, target: string, socks: Map<number, SockRow>, listening: Set<string>): FdInfo {
  const m = /^(socket|pipe|anon_inode):\[?([^\]]*)\]?$/.exec(target);
  if (!m) return { num, type: target.startsWith('/memfd:') ? 'memfd' : 'file', name: target.replace(/ \(deleted\)$/, '') };
  if (m[1] === 'pipe') return { num, type: 'pipe', name: '', ino: Number(m[2]) };
  if (m[1] === 'anon_inode') {
    const kind = m[2].replace(/^\[|\]$/g, '');
    const type: FdInfo['type'] = kind === 'eventpoll' ? 'eventpoll' : kind === 'eventfd' ? 'event' : kind === 'signalfd' ? 'signalfd' : kind === 'timerfd' ? 'timerfd' : kind === 'inotify' ? 'inotify' : kind === 'bpf-prog' || kind === 'bpf-map' ? 'bpf' : kind === 'io_uring' ? 'io_uring' : kind === 'userfaultfd' ? 'userfaultfd' : 'unknown';
    return { num, type, name: '' };
  }
  const ino = Number(m[2]);
  const s = socks.get(ino);
  if (!s) return { num, type: 'unix', name: '', ino };
  // /proc/net lists local then remote; the model wants client then server. A connection whose
  // local port is one this host listens on is the server's end, as Falco guesses too.
  if (s.listen) return { num, type: s.type, name: `${s.sip}:${s.sport}`, l4proto: s.l4proto, dip: s.sip, dport: s.sport, isServer: true, ino };
  const server = listening.has(`${s.l4proto}:${s.sport}`);
  const [cip, cport, sip, sport] = server ? [s.dip, s.dport, s.sip, s.sport] : [s.sip, s.sport, s.dip, s.dport];
  return { num, type: s.type, name: `${cip}:${cport}->${sip}:${sport}`, l4proto: s.l4proto, sip: cip, sport: cport, dip: sip, dport: sport, isServer: server, connected: true, ino };
}

export interface ScanOptions { procRoot?: string; maxThreads?: number; fds?: boolean }

/** Adds every thread found under /proc to the state; returns how many were added. */
export function seedFromProc(state: State, opts: ScanOptions = {}): number {
  const root = opts.procRoot ?? '/proc';
  const max = opts.maxThreads ?? state.threads.limits.threads;
  const socks = opts.fds === false ? new Map<number, SockRow>() : socketTable(root);
  const listening = new Set([...socks.values()].filter((x) => x.listen).map((x) => `${x.l4proto}:${x.sport}`));
  let added = 0;
  for (const pidDir of list(root)) {
    if (!/^\d+$/.test(pidDir) || added >= max) continue;
    const pid = Number(pidDir), base = `${root}/${pid}`;
    const status = read(`${base}/status`);
    if (!status) continue;
    const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
    const [uid, euid] = field('Uid').split(/\s+/).map(Number), gid = Number(field('Gid').split(/\s+/)[0]);
    const args = nul(read(`${base}/cmdline`));
    const comm = (read(`${base}/comm`) ?? '').trim();
    const cwd = link(`${base}/cwd`) ?? '/';
    const loginuid = Number((read(`${base}/loginuid`) ?? '4294967295').trim());
    const main: ThreadInfo = {
      tid: pid, pid, ppid: Number(field('PPid')) || 0, comm, exe: args[0] ?? comm, exepath: link(`${base}/exe`) ?? '', args: args.slice(1),
      cwd: cwd.endsWith('/') ? cwd : `${cwd}/`, env: nul(read(`${base}/environ`)), uid: uid || 0, gid: gid || 0, euid: euid || 0,
      loginuid: Number.isFinite(loginuid) ? loginuid : 0xffffffff, tty: 0, containerId: containerIdOfCgroup(read(`${base}/cgroup`) ?? ''),
    };
    const vpid = /^NSpid:.*\s(\d+)\s*$/m.exec(status)?.[1];
    if (vpid) main.vpid = Number(vpid);
    state.threads.add(main); added++;
    if (opts.fds !== false) {
      for (const fd of list(`${base}/fd`)) {
        const target = link(`${base}/fd/${fd}`);
        if (target !== undefined) state.threads.setFd(main, fdOf(Number(fd), target, socks, listening));
      }
    }
    for (const t of list(`${base}/task`)) {
      const tid = Number(t);
      if (tid === pid || added >= max) continue;
      state.threads.add({ ...main, tid, comm: (read(`${base}/task/${t}/comm`) ?? comm).trim(), fds: undefined }); added++;
    }
  }
  return added;
}
