// proc.*, thread.*, user.* and group.* fields of the syscall source, over the thread state the
// decoder attached to the event. Ancestors follow ThreadInfo.parent; a missing link is <NA>.
import type { Event, ThreadInfo } from '../../schema/model.js';
import type { FieldArg } from '../ir/types.js';
import type { FieldValue } from './types.js';
import { int, type TableBuilder } from './define.js';
import { renderCaps } from './render.js';

/** The Nth ancestor (0 is the thread itself). */
function ancestor(t: ThreadInfo, n: number): ThreadInfo | undefined {
  let cur: ThreadInfo | undefined = t;
  for (let i = 0; i < n && cur; i++) cur = cur.parent;
  return cur;
}

/** proc.aname[N]: the Nth ancestor's value; plain proc.aname: every ancestor's, parent first. */
function ancestors(get: (t: ThreadInfo) => FieldValue | undefined) {
  return (ev: Event, arg: FieldArg | undefined): FieldValue | FieldValue[] | undefined => {
    if (arg?.kind === 'index') { const a = ancestor(ev.thread, arg.value); return a ? get(a) : undefined; }
    const out: FieldValue[] = [];
    // Guard against a cycle in broken state tables.
    for (let a = ev.thread.parent, n = 0; a && n < 256; a = a.parent, n++) { const v = get(a); if (v !== undefined) out.push(v); }
    return out.length ? out : undefined;
  };
}

const cmdline = (t: ThreadInfo) => (t.args.length ? `${t.comm} ${t.args.join(' ')}` : t.comm);

/** Session/group leader: the nearest thread (self or ancestor) whose pid is the wanted id. */
function leader(t: ThreadInfo, id: number | undefined): ThreadInfo | undefined {
  if (id === undefined) return undefined;
  for (let a: ThreadInfo | undefined = t, n = 0; a && n < 256; a = a.parent, n++) if (a.pid === id || a.vpid === id) return a;
  return undefined;
}

/** How deep State links ancestors when nothing says less (and the most any field walks). */
export const ANCESTORS_ALL = 32;
const PARENT_FIELDS = new Set(['proc.pvpid', 'proc.pname', 'proc.pexe', 'proc.pexepath', 'proc.pcmdline', 'proc.ppid.duration']);
const ANCESTOR_FIELDS = new Set(['proc.aname', 'proc.aexe', 'proc.aexepath', 'proc.apid', 'proc.acmdline']);
const LEADER_FIELDS = new Set(['proc.vpgid.name', 'proc.vpgid.exe', 'proc.sname']);

/**
 * How many ancestor levels a field reads through ThreadInfo.parent: 0 for most, 1 for the parent's,
 * N for proc.aname[N], ANCESTORS_ALL for the walks (proc.aname without N, the leaders'). The agent
 * links only as deep as the fields it evaluates in JS read: linking 32 levels for each alert was
 * about a third of building its Event (a Map lookup per level) while upstream outputs read 7 at most.
 */
export function ancestorsRead(ref: { field: string; arg?: FieldArg }): number {
  if (PARENT_FIELDS.has(ref.field)) return 1;
  if (LEADER_FIELDS.has(ref.field)) return ANCESTORS_ALL;
  if (!ANCESTOR_FIELDS.has(ref.field)) return 0;
  return ref.arg?.kind === 'index' ? Math.min(Math.max(ref.arg.value, 0), ANCESTORS_ALL) : ANCESTORS_ALL;
}

const durationNs = (ev: Event, t: ThreadInfo | undefined) => (t?.startTs === undefined ? undefined : int(ev.ts - t.startTs));
const ANC = { multi: true, argMakesSingle: true, arg: { required: false, kind: 'index' as const } };

export function addProcFields(t: TableBuilder<Event>): void {
  t.def('proc.pid', 'int', 'process id', (ev) => int(ev.thread.pid))
    .def('proc.ppid', 'int', 'parent process id', (ev) => int(ev.thread.ppid))
    .def('proc.vpid', 'int', 'process id in its own pid namespace', (ev) => int(ev.thread.vpid))
    .def('proc.pvpid', 'int', "parent's pid in its own pid namespace", (ev) => int(ev.thread.parent?.vpid))
    .def('proc.sid', 'int', 'session id', (ev) => int(ev.thread.sid))
    .def('proc.vpgid', 'int', 'process group id in the pid namespace', (ev) => int(ev.thread.vpgid))
    .def('proc.vpgid.name', 'string', 'name of the process group leader', (ev) => leader(ev.thread, ev.thread.vpgid)?.comm)
    .def('proc.vpgid.exe', 'string', 'exe of the process group leader', (ev) => leader(ev.thread, ev.thread.vpgid)?.exe)
    .def('proc.is_vpgid_leader', 'bool', 'the process leads its process group', (ev) =>
      ev.thread.vpgid === undefined || ev.thread.vpid === undefined ? undefined : ev.thread.vpgid === ev.thread.vpid)
    .def('proc.sname', 'string', 'name of the session leader', (ev) => leader(ev.thread, ev.thread.sid)?.comm)
    .def('proc.name', 'string', 'process name (the comm)', (ev) => ev.thread.comm)
    .def('proc.exe', 'string', 'argv[0] as given', (ev) => ev.thread.exe)
    .def('proc.exepath', 'string', 'full path of the executable', (ev) => ev.thread.exepath)
    .def('proc.args', 'string', 'arguments after argv[0], joined by spaces', (ev) => ev.thread.args.join(' '))
    .def('proc.cmdline', 'string', 'name and arguments', (ev) => cmdline(ev.thread))
    .def('proc.exeline', 'string', 'exe and arguments', (ev) => [ev.thread.exe, ...ev.thread.args].join(' '))
    .def('proc.cwd', 'string', 'working directory', (ev) => ev.thread.cwd)
    .def('proc.tty', 'int', 'controlling terminal, 0 when none', (ev) => int(ev.thread.tty))
    .def('proc.env', 'string', 'environment as one string, or the value of one variable: proc.env[HOME]', (ev, arg) => {
      if (arg?.kind === 'key') {
        const hit = ev.thread.env.find((e) => e.startsWith(`${arg.value}=`));
        return hit === undefined ? undefined : hit.slice(arg.value.length + 1);
      }
      return ev.thread.env.join(' ');
    }, { arg: { required: false, kind: 'key' } })
    .def('proc.pname', 'string', 'parent name', (ev) => ev.thread.parent?.comm)
    .def('proc.pexe', 'string', 'parent argv[0]', (ev) => ev.thread.parent?.exe)
    .def('proc.pexepath', 'string', 'parent executable path', (ev) => ev.thread.parent?.exepath)
    .def('proc.pcmdline', 'string', 'parent name and arguments', (ev) => (ev.thread.parent ? cmdline(ev.thread.parent) : undefined))
    .def('proc.aname', 'string', 'name of the Nth ancestor (proc.aname[1] is the parent); without N, any ancestor', ancestors((a) => a.comm), ANC)
    .def('proc.aexe', 'string', 'argv[0] of the Nth ancestor', ancestors((a) => a.exe), ANC)
    .def('proc.aexepath', 'string', 'executable path of the Nth ancestor', ancestors((a) => a.exepath), ANC)
    .def('proc.apid', 'int', 'pid of the Nth ancestor', ancestors((a) => BigInt(a.pid)), ANC)
    .def('proc.acmdline', 'string', 'command line of the Nth ancestor', ancestors((a) => cmdline(a)), ANC)
    .def('proc.duration', 'reltime', 'ns since the process started', (ev) => durationNs(ev, ev.thread))
    .def('proc.ppid.duration', 'reltime', 'ns since the parent started', (ev) => durationNs(ev, ev.thread.parent))
    .def('proc.is_exe_upper_layer', 'bool', 'the executable is in an overlayfs upper layer', (ev) => ev.thread.exeUpperLayer ?? false)
    .def('proc.is_exe_lower_layer', 'bool', 'the executable is in an overlayfs lower layer', (ev) => ev.thread.exeLowerLayer ?? false)
    .def('proc.is_exe_writable', 'bool', 'the executable is writable by the process user', (ev) => ev.thread.exeWritable ?? false)
    .def('proc.is_exe_from_memfd', 'bool', 'the executable is a memfd', (ev) => ev.thread.exeFromMemfd ?? false)
    .def('proc.exe_ino', 'int', 'inode of the executable', (ev) => int(ev.thread.exeIno))
    .def('proc.exe_ino.ctime', 'abstime', 'ctime of the executable, ns since the epoch', (ev) => int(ev.thread.exeInoCtime))
    .def('proc.exe_ino.mtime', 'abstime', 'mtime of the executable, ns since the epoch', (ev) => int(ev.thread.exeInoMtime))
    .def('proc.exe_ino.ctime_duration_proc_start', 'reltime', 'ns between the exe ctime and the process start', (ev) =>
      ev.thread.exeInoCtime === undefined || ev.thread.startTs === undefined ? undefined : int(ev.thread.startTs - ev.thread.exeInoCtime))
    .def('thread.tid', 'int', 'thread id', (ev) => int(ev.thread.tid))
    .def('thread.vtid', 'int', 'thread id in its pid namespace', (ev) => int(ev.thread.vtid))
    .def('thread.cap_permitted', 'string', 'permitted capabilities (CAP_A|CAP_B)', (ev) => renderCaps(ev.thread.capPermitted))
    .def('thread.cap_effective', 'string', 'effective capabilities', (ev) => renderCaps(ev.thread.capEffective))
    .def('thread.cap_inheritable', 'string', 'inheritable capabilities', (ev) => renderCaps(ev.thread.capInheritable))
    .def('user.uid', 'int', 'real user id', (ev) => int(ev.thread.uid))
    .def('user.name', 'string', 'user name', (ev) => ev.user?.name)
    .def('user.homedir', 'string', 'home directory', (ev) => ev.user?.homedir)
    .def('user.shell', 'string', 'login shell', (ev) => ev.user?.shell)
    // Falco shows an unset audit loginuid (0xffffffff) as -1.
    .def('user.loginuid', 'int', 'audit login uid, -1 when unset', (ev) => int(ev.thread.loginuid === 0xffffffff ? -1 : ev.thread.loginuid))
    .def('user.loginname', 'string', 'name of the audit login user', (ev) => ev.loginUser?.name)
    .def('group.gid', 'int', 'group id', (ev) => int(ev.thread.gid))
    .def('group.name', 'string', 'group name', (ev) => ev.group?.name);
}
