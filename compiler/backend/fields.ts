// How each supported field is read in the generated AssemblyScript, per event type. The answer
// depends on the event (fd.name is a resolved path parameter for openat, an fd-table entry for
// read), so the emitter asks with the event definition it is generating code for.
import { EVENTS, FLAG_SETS, type EventDef, type ParamDef } from '../../schema/events.js';
import type { FieldRef } from '../ir/types.js';
import type { Pool } from './pool.js';
import { ERRNO_NAMES, CAP_NAMES } from '../fields/render.js';

export type Kind = 'str' | 'int' | 'bool' | 'ip';
/**
 * `expr` is an AS boolean expression: true when the field has a value, left in SP/SL or IV.
 * A text field that is a rendering of a number may also offer cheaper tests on the number:
 * `code` (a u8 expression, 0 when absent) with `codeOf` mapping a literal to its code (fd.type,
 * fd.typechar), or `contains` giving the whole test for `contains L` (flags), null to fall back.
 */
export interface Access {
  kind: Kind; expr: string;
  code?: string; codeOf?: (lit: string) => number; codeOps?: string[];
  contains?: (lit: string) => string | null;
}
export type FieldResult = Access | { unsupported: string };

// Thread, fd and container entry offsets (assembly/lib/state.ts).
const T = { EXE: 56, EXEPATH: 320, ARGS: 584, CWD: 1104, COMM: 32, UID: 12, LOGINUID: 16, TTY: 20, PID: 4, PPID: 8, EXEFLAGS: 24, CAP_PERM: 1392, CAP_EFF: 1400, CAP_INH: 1408 };
const F = { TYPE: 12, L4: 13, NAME: 32 };
const C = { PRIV: 4, NAME: 32, REPO: 192, IMAGE: 456, NS: 720, POD: 880, TYPE: 1040 };

const hdrU32 = (off: number, signed = false) => `i_const(<i64>load<${signed ? 'i32' : 'u32'}>(rec + ${off}))`;
const SIZES: Record<string, [number, boolean]> = { u8: [1, false], u16: [2, false], u32: [4, false], i32: [4, true], u64: [8, false], i64: [8, true] };

/** evt.res text of the result left in IV by `ok`: SUCCESS, an errno name, or E<n>. */
function resText(ok: string, pool: Pool): string {
  const table = pool.flags(Object.entries(ERRNO_NAMES).map(([n, name]) => [name, Number(n)] as [string, number]));
  const success = pool.str('SUCCESS');
  return `s_res(${ok}, LIT + ${success.off}, LIT + ${table}, LIT)`;
}

function popcount(n: number): number { let c = 0; for (let x = n >>> 0; x; x &= x - 1) c++; return c; }

function paramIndex(ev: EventDef, name: string): number { return ev.params.findIndex((p) => p.name === name); }

/** fd entry expression for events that act on an fd, or null. */
/** The parameter holding the fd an event acts on; dup's is the new descriptor (its result), which track_before already copied from the old one. */
function fdParam(ev: EventDef): number {
  return ev.name === 'dup' || ev.name === 'dup2' || ev.name === 'dup3' ? 0 : paramIndex(ev, 'fd');
}

function fdEntry(ev: EventDef): string | null {
  const i = fdParam(ev);
  return i < 0 ? null : `fd_of(rec, ${i})`;
}

/** Open-type events whose fd.name is their own path parameter. */
function openPath(ev: EventDef): string | null {
  const fi = paramIndex(ev, 'fd'), ni = paramIndex(ev, 'name');
  if (fi !== 0 || ni < 0 || ev.params[ni].fmt !== 'path') return null;
  return `s_open_path(rec, ${ni}, ${ev.params[ni].dirfd ? paramIndex(ev, ev.params[ni].dirfd!) : -1})`;
}

/** The fd.typechar code (a u8 expression, 0 when the table has no entry) of the event's fd. */
function fdTypeCode(ev: EventDef): string | null {
  // a failed open has no table entry; its type is still known from the event
  if (OPEN_TYPES.has(ev.name)) return `(i_param(rec, ${paramIndex(ev, 'flags')}, 4, false) && (IV & 0o200000) != 0 ? <u8>100 : <u8>102)`;
  const fe = fdEntry(ev);
  return fe ? `(${fe} != 0 ? load<u8>(fd_of(rec, ${fdParam(ev)}) + ${F.TYPE}) : <u8>0)` : null;
}

function fdName(ev: EventDef | null): string {
  if (!ev) return 'false';
  const op = openPath(ev);
  if (op) return op;
  const fe = fdEntry(ev);
  return fe ? `s_fdname(${fe})` : 'false';
}

function argAccess(ref: FieldRef, ev: EventDef | null, pool: Pool, name: string): FieldResult {
  if (!ev) return { kind: ref.type === 'string' ? 'str' : 'int', expr: 'false' };
  const i = paramIndex(ev, name);
  if (i < 0) return { kind: ref.type === 'string' ? 'str' : 'int', expr: 'false' };
  const p: ParamDef = ev.params[i];
  const sz = SIZES[p.type];
  if (p.type === 'str') return ref.type === 'string' ? { kind: 'str', expr: `s_param(rec, ${i})` } : { unsupported: `${ref.field} of ${ev.name} (text parameter) compared as ${ref.type}` };
  if (!sz) return { unsupported: `${ref.field}.${name} of ${ev.name} (${p.type} parameter)` };
  const num = `i_param(rec, ${i}, ${sz[0]}, ${sz[1]})`;
  if (ref.type === 'int' || ref.type === 'bool') return { kind: 'int', expr: num };
  if (p.type === 'u64' || p.type === 'i64') { /* s_dec handles the full range */ }
  if (ref.type === 'string') {
    if (p.fmt === 'enum' && p.flags) {
      return { kind: 'str', expr: `(${num} && s_enum(<u32>IV, LIT + ${pool.flags(FLAG_SETS[p.flags])}, LIT))` };
    }
    if (p.fmt === 'flags' && p.flags) {
      // open flags carry a 2-bit access mode whose zero value (O_RDONLY) is still printed
      const mode = p.flags === 'open_flags' || p.flags === 'dup3_flags';
      const bits = FLAG_SETS[p.flags].filter(([, b]) => b !== 0 && !(p.flags === 'open_flags' && b <= 2)).sort((a, b) => popcount(b[1]) - popcount(a[1]));
      const entries: Array<[string, number]> = mode ? [['O_RDONLY', 0], ['O_WRONLY', 1], ['O_RDWR', 2], ...bits] : bits;
      const table = pool.flags(entries);
      // `contains NAME` is a test of the bits that select the names containing it, unless the text
      // could also occur in the hex remainder, the "0" of no flags, or across a '|'
      const contains = (l: string) => {
        if (l.includes('|') || /^[0-9a-fx]*$/.test(l)) return null;
        const ks = entries.map(([n], k) => (n.includes(l) ? k : -1)).filter((k) => k >= 0);
        return ks.length === 0 ? 'false' : `(${num} && (${ks.map((k) => `flag_hit(<u32>IV, LIT + ${table}, ${k}, ${mode ? 3 : 0})`).join(' || ')}))`;
      };
      return { kind: 'str', expr: `(${num} && s_flags(<u32>IV, LIT + ${table}, LIT, ${mode ? 3 : 0}))`, contains };
    }
    if (p.fmt === 'oct') return { kind: 'str', expr: `s_oct(${num})` };
    if (p.fmt === 'errno' || p.fmt === 'fd') return { kind: 'str', expr: `(${num} && (IV >= 0 ? s_dec(true) : ${resText('true', pool)}))` };
    if (p.fmt === 'caps') return { kind: 'str', expr: `(${num} && s_caps(<u64>IV, LIT + ${capsTable(pool)}, LIT))` };
    if (p.fmt === 'hex') {
      return { unsupported: `${ref.field} of ${ev.name} rendered as text (${p.fmt})` };
    }
    return { kind: 'str', expr: `s_dec(${num})` };
  }
  return { unsupported: `${ref.field} as ${ref.type}` };
}

const OPEN_TYPES = new Set(['open', 'openat', 'openat2', 'creat']);
/** fd.type names by type code, as assembly/lib/fields.ts s_fdtype renders them. */
const FDTYPE_CODES: Record<string, number> = { file: 102, directory: 100, ipv4: 52, ipv6: 54, unix: 117, pipe: 112, event: 101, memfd: 109, netlink: 110, unknown: 111 };

function capsTable(pool: Pool): number { return pool.flags(CAP_NAMES.map((n, i) => [n, i] as [string, number])); }

/** Two-path events of fs.path.source/target: [source, target] parameter names (as compiler/fields/syscall-fs.ts). */
const FS_PAIRS: Record<string, [string, string]> = {
  rename: ['oldpath', 'newpath'], renameat: ['oldpath', 'newpath'], renameat2: ['oldpath', 'newpath'],
  link: ['oldpath', 'newpath'], linkat: ['oldpath', 'newpath'], symlink: ['target', 'linkpath'], symlinkat: ['target', 'linkpath'],
};

/** fs.path.*: the path parameter a file event names, resolved (or raw), per the field table's rules. */
function fsPath(field: string, ev: EventDef | null): string {
  if (!ev || ev.category !== 'file') return 'false';
  const raw = field.endsWith('raw');
  const what = field.slice('fs.path.'.length).replace(/raw$/, '');
  const pair = FS_PAIRS[ev.name];
  let name: string | undefined;
  if (what === 'name') {
    if (pair) return 'false';
    const ps = ev.params.filter((p) => p.fmt === 'path' && p.type === 'str');
    if (ps.length !== 1) return 'false';
    name = ps[0].name;
  } else {
    if (!pair) return 'false';
    name = pair[what === 'source' ? 0 : 1];
  }
  const i = paramIndex(ev, name);
  if (i < 0) return 'false';
  // a symlink's target is what the link will point to: never resolved
  if (raw || (ev.name.startsWith('symlink') && what === 'source')) return `s_param(rec, ${i})`;
  const d = ev.params[i].dirfd ? paramIndex(ev, ev.params[i].dirfd!) : -1;
  return `s_fspath(rec, ${i}, ${d}, cur_thread() != 0 ? cur_thread() + ${T.CWD} : 0)`;
}

export function fieldAccess(ref: FieldRef, ev: EventDef | null, pool: Pool): FieldResult {
  const idx = ref.arg?.kind === 'index' ? ref.arg.value : undefined;
  const key = ref.arg?.kind === 'key' ? ref.arg.value : undefined;
  const thr = 'cur_thread()', par = 'cur_ancestor(1)';
  switch (ref.field) {
    case 'evt.num': return { kind: 'int', expr: 'i_const(<i64>idx + 1)' };
    case 'proc.name': return { kind: 'str', expr: 's_hdr(rec, 64)' };
    case 'container.id': return { kind: 'str', expr: 's_hdr(rec, 80)' };
    case 'proc.pid': return { kind: 'int', expr: hdrU32(20) };
    case 'thread.tid': return { kind: 'int', expr: hdrU32(16) };
    case 'proc.ppid': return { kind: 'int', expr: hdrU32(24) };
    case 'user.uid': return { kind: 'int', expr: hdrU32(28) };
    case 'group.gid': return { kind: 'int', expr: hdrU32(32) };
    case 'user.loginuid': return { kind: 'int', expr: hdrU32(40, true) };
    case 'proc.tty': return { kind: 'int', expr: hdrU32(44) };
    case 'proc.vpid': return { kind: 'int', expr: `i_vpid(${thr})` };
    case 'proc.pvpid': return { kind: 'int', expr: `i_vpid(${par})` };
    case 'proc.duration': return { kind: 'int', expr: `i_duration(${thr}, rec)` };
    case 'proc.ppid.duration': return { kind: 'int', expr: `i_duration(${par}, rec)` };
    case 'proc.env': {
      if (key === undefined) return { kind: 'str', expr: `s_env(${thr})` };
      const k = pool.str(key);
      return { kind: 'str', expr: `s_env_key(${thr}, LIT + ${k.off}, ${k.len})` };
    }
    case 'thread.cap_permitted': case 'thread.cap_effective': case 'thread.cap_inheritable': {
      const off = ref.field === 'thread.cap_permitted' ? T.CAP_PERM : ref.field === 'thread.cap_effective' ? T.CAP_EFF : T.CAP_INH;
      return { kind: 'str', expr: `s_thread_caps(${thr}, ${off}, LIT + ${capsTable(pool)}, LIT)` };
    }
    case 'fs.path.name': case 'fs.path.nameraw': case 'fs.path.source': case 'fs.path.sourceraw': case 'fs.path.target': case 'fs.path.targetraw':
      return { kind: 'str', expr: fsPath(ref.field, ev) };
    case 'fd.nameraw': {
      if (!ev) return { kind: 'str', expr: 'false' };
      const ni = paramIndex(ev, 'name');
      if (OPEN_TYPES.has(ev.name) && ni >= 0) return { kind: 'str', expr: `s_param(rec, ${ni})` };
      const fe = fdEntry(ev);
      return { kind: 'str', expr: fe ? `s_fd_raw(${fe})` : 'false' };
    }
    case 'fd.name_changed': {
      // the interpreter: true on connect/bind when the event has an fd, false on other fd events
      if (!ev) return { kind: 'bool', expr: 'false' };
      const v = ev.name === 'connect' || ev.name === 'bind' ? 1 : 0;
      if (OPEN_TYPES.has(ev.name)) return { kind: 'bool', expr: `i_const(${v})` };
      const fe = fdEntry(ev);
      return { kind: 'bool', expr: fe ? `(${fe} != 0 && i_const(${v}))` : 'false' };
    }
    case 'fd.cip.name': case 'fd.sip.name': case 'fd.lip.name': case 'fd.rip.name':
      // no DNS state: never has a value (as the field table)
      return { kind: 'str', expr: 'false' };
    case 'proc.exe': return { kind: 'str', expr: `s_slot(${thr}, ${T.EXE})` };
    case 'proc.exepath': return { kind: 'str', expr: `s_slot(${thr}, ${T.EXEPATH})` };
    case 'proc.args': if (ref.multi) break; return { kind: 'str', expr: `s_slot(${thr}, ${T.ARGS})` };
    case 'proc.cwd': return { kind: 'str', expr: `s_slot(${thr}, ${T.CWD})` };
    case 'proc.cmdline': return { kind: 'str', expr: `s_cmdline(${thr})` };
    case 'proc.pname': return { kind: 'str', expr: `s_slot(${par}, ${T.COMM})` };
    case 'proc.pexe': return { kind: 'str', expr: `s_slot(${par}, ${T.EXE})` };
    case 'proc.pexepath': return { kind: 'str', expr: `s_slot(${par}, ${T.EXEPATH})` };
    case 'proc.pcmdline': return { kind: 'str', expr: `s_cmdline(${par})` };
    case 'proc.aname': case 'proc.aexe': case 'proc.aexepath': {
      if (idx === undefined) break;
      const off = ref.field === 'proc.aname' ? T.COMM : ref.field === 'proc.aexe' ? T.EXE : T.EXEPATH;
      if (idx === 0 && ref.field === 'proc.aname') return { kind: 'str', expr: 's_hdr(rec, 64)' };
      return { kind: 'str', expr: `s_slot(cur_ancestor(${idx}), ${off})` };
    }
    case 'proc.is_exe_writable': return { kind: 'bool', expr: `(i_u32(${thr}, ${T.EXEFLAGS}) && i_const((IV & 1) != 0 ? 1 : 0))` };
    case 'proc.is_exe_upper_layer': return { kind: 'bool', expr: `(i_u32(${thr}, ${T.EXEFLAGS}) && i_const((IV & 2) != 0 ? 1 : 0))` };
    case 'proc.is_exe_from_memfd': return { kind: 'bool', expr: `(i_u32(${thr}, ${T.EXEFLAGS}) && i_const((IV & 4) != 0 ? 1 : 0))` };
    case 'user.name': return { kind: 'str', expr: 's_user_name(load<u32>(rec + 28))' };
    case 'container.image.repository': return { kind: 'str', expr: `s_slot(cur_container(), ${C.REPO})` };
    case 'container.image': return { kind: 'str', expr: `s_slot(cur_container(), ${C.IMAGE})` };
    case 'container.name': return { kind: 'str', expr: `s_slot(cur_container(), ${C.NAME})` };
    case 'k8s.ns.name': return { kind: 'str', expr: `s_slot(cur_container(), ${C.NS})` };
    case 'k8s.pod.name': return { kind: 'str', expr: `s_slot(cur_container(), ${C.POD})` };
    case 'container.privileged': return { kind: 'bool', expr: `i_u8(cur_container(), ${C.PRIV})` };
    case 'evt.res': {
      if (!ev) return { kind: 'str', expr: 'false' };
      const p0 = ev.params[0];
      return { kind: 'str', expr: p0 && (p0.name === 'res' || p0.name === 'fd') ? resText('i_param(rec, 0, 8, true)', pool) : 'false' };
    }
    case 'evt.rawres': {
      if (!ev) return { kind: 'int', expr: 'false' };
      const p0 = ev.params[0];
      return p0 && (p0.name === 'res' || p0.name === 'fd') ? { kind: 'int', expr: `i_param(rec, 0, 8, true)` } : { kind: 'int', expr: 'false' };
    }
    case 'fd.name': return { kind: 'str', expr: fdName(ev) };
    // only path-like fds (files, directories, memfds) have them; a directory is its own directory
    case 'fd.directory': { const c = ev && fdTypeCode(ev); return { kind: 'str', expr: c ? `s_dirname(${fdName(ev)}, ${c})` : 'false' }; }
    case 'fd.filename': { const c = ev && fdTypeCode(ev); return { kind: 'str', expr: c ? `s_basename(${fdName(ev)}, ${c})` : 'false' }; }
    case 'fd.num': {
      const i = ev ? fdParam(ev) : -1;
      return { kind: 'int', expr: i < 0 ? 'false' : `i_param(rec, ${i}, 8, true)` };
    }
    case 'fd.typechar': case 'fd.type': case 'fd.l4proto': {
      if (!ev) return { kind: 'str', expr: 'false' };
      const fe = fdEntry(ev);
      if (!fe) return { kind: 'str', expr: 'false' };
      if (ref.field === 'fd.l4proto') return { kind: 'str', expr: `(${fe} != 0 && s_l4(load<u8>(fd_of(rec, ${fdParam(ev)}) + ${F.L4})))` };
      const code = fdTypeCode(ev)!;
      if (ref.field === 'fd.typechar') return { kind: 'str', expr: `s_char(${code})`, code, codeOf: (l) => (l.length === 1 ? l.charCodeAt(0) : -1), codeOps: ['=', '!=', 'in'] };
      // unlisted codes have no fd.type: only = and in, which they never satisfy, use the number
      return { kind: 'str', expr: `s_fdtype(${code})`, code, codeOf: (l) => FDTYPE_CODES[l] ?? -1, codeOps: ['=', 'in'] };
    }
    case 'fd.sip': case 'fd.snet': case 'fd.cip': case 'fd.cnet': case 'fd.lip': case 'fd.lnet': case 'fd.rip': case 'fd.rnet':
    case 'fd.sport': case 'fd.cport': case 'fd.lport': case 'fd.rport': {
      const fi = ev ? fdParam(ev) : -1;
      const isPort = ref.field.endsWith('port');
      if (fi < 0 || (ev && OPEN_TYPES.has(ev.name))) return { kind: isPort ? 'int' : 'ip', expr: 'false' };
      // ports are kept for IPv6 sockets too; addresses only for IPv4
      const e = isPort ? `fdin_of(rec, ${fi})` : `fd4_of(rec, ${fi})`;
      const side = ref.field.slice(3, 4); // s c l r
      const expr = side === 's' ? (isPort ? `i_port(${e}, 22)` : `i_ip(${e}, 28)`)
        : side === 'c' ? (isPort ? `i_port(${e}, 20)` : `i_ip(${e}, 24)`)
        : isPort ? `i_port_side(${e}, ${side === 'l'})` : `i_ip_side(${e}, ${side === 'l'})`;
      return { kind: isPort ? 'int' : 'ip', expr };
    }
    case 'fd.connected': case 'fd.sockfamily': {
      const fi = ev ? fdParam(ev) : -1;
      const isBool = ref.field === 'fd.connected';
      if (fi < 0 || (ev && OPEN_TYPES.has(ev.name))) return { kind: isBool ? 'bool' : 'str', expr: 'false' };
      const e = `fd_of(rec, ${fi})`;
      // only sockets have a connected state
      return isBool ? { kind: 'bool', expr: `(${e} != 0 && load<u8>(${e} + 12) != 102 && load<u8>(${e} + 12) != 100 && i_u8(${e}, 15))` } : { kind: 'str', expr: `s_sockfamily(${e})` };
    }
    case 'evt.is_open_read': case 'evt.is_open_write': {
      if (!ev || !OPEN_TYPES.has(ev.name)) return { kind: 'bool', expr: 'i_const(0)' };
      const fi = paramIndex(ev, 'flags');
      if (fi < 0) return { kind: 'bool', expr: ref.field === 'evt.is_open_write' ? 'i_const(1)' : 'i_const(0)' }; // creat
      const test = ref.field === 'evt.is_open_read' ? '((IV & 3) == 0 || (IV & 3) == 2)' : '((IV & 3) == 1 || (IV & 3) == 2)';
      return { kind: 'bool', expr: `(i_param(rec, ${fi}, 4, false) && i_const(${test} ? 1 : 0))` };
    }
    case 'evt.arg': {
      if (key !== undefined) return argAccess(ref, ev, pool, key);
      if (idx !== undefined && ev) return argAccess(ref, ev, pool, ev.params[idx]?.name ?? '');
      break;
    }
    default:
      if (ref.field.startsWith('evt.arg.')) return argAccess(ref, ev, pool, ref.field.slice('evt.arg.'.length));
  }
  const shown = ref.field + (ref.arg ? `[${ref.arg.value}]` : '');
  return { unsupported: `field ${shown}${ref.multi ? ' (multi-valued)' : ''} is not supported by the WASM back end yet` };
}

/** The two sides of multi-valued fd.ip / fd.net / fd.port: client then server. */
export function fdBothSides(field: string, ev: EventDef): { kind: Kind; exprs: [string, string] } | null {
  if (field !== 'fd.ip' && field !== 'fd.net' && field !== 'fd.port') return null;
  const fi = fdParam(ev);
  const isPort = field === 'fd.port';
  if (fi < 0 || OPEN_TYPES.has(ev.name)) return { kind: isPort ? 'int' : 'ip', exprs: ['false', 'false'] };
  const e = isPort ? `fdin_of(rec, ${fi})` : `fd4_of(rec, ${fi})`;
  return isPort ? { kind: 'int', exprs: [`i_port(${e}, 20)`, `i_port(${e}, 22)`] } : { kind: 'ip', exprs: [`i_ip(${e}, 24)`, `i_ip(${e}, 28)`] };
}

export const EVENT_BY_NAME = new Map(EVENTS.map((e) => [e.name, e]));
