// fs.path.* fields: the path(s) a filesystem event names, whatever the syscall calls its
// parameters (open's name, mkdir's path, rename's oldpath/newpath...). The plain names are
// resolved against the dirfd or the cwd; the *raw names are as the process passed them.
import { EVENTS_BY_NAME, type ParamDef } from '../../schema/events.js';
import type { Event } from '../../schema/model.js';
import type { TableBuilder } from './define.js';

const AT_FDCWD = -100;
/** Two-path events: which parameter is the source and which the target. */
const PAIRS: Record<string, [string, string]> = {
  rename: ['oldpath', 'newpath'], renameat: ['oldpath', 'newpath'], renameat2: ['oldpath', 'newpath'],
  link: ['oldpath', 'newpath'], linkat: ['oldpath', 'newpath'], symlink: ['target', 'linkpath'], symlinkat: ['target', 'linkpath'],
};

function pathParams(type: string): ParamDef[] {
  const e = EVENTS_BY_NAME.get(type);
  return e && e.category === 'file' ? e.params.filter((p) => p.fmt === 'path' && p.type === 'str') : [];
}

function resolve(ev: Event, p: ParamDef | undefined, raw: boolean): string | undefined {
  if (!p) return undefined;
  const v = ev.params[p.name];
  if (typeof v !== 'string') return undefined;
  if (raw || v.startsWith('/')) return v;
  let base = ev.thread.cwd;
  if (p.dirfd) {
    const d = ev.params[p.dirfd];
    const fd = typeof d === 'number' || typeof d === 'bigint' ? Number(d) : AT_FDCWD;
    if (fd !== AT_FDCWD) { const f = (ev.fds ?? ev.thread.fds)?.get(fd); if (!f) return undefined; base = f.name; }
  }
  const joined = `${base.replace(/\/+$/, '')}/${v}`;
  // Normalise `.` and `..` like Falco's path resolution does.
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop(); else out.push(part);
  }
  return `/${out.join('/')}`;
}

const single = (raw: boolean) => (ev: Event) => {
  if (PAIRS[ev.type]) return undefined;
  const ps = pathParams(ev.type);
  return ps.length === 1 ? resolve(ev, ps[0], raw) : undefined;
};
const pairSide = (i: 0 | 1, raw: boolean) => (ev: Event) => {
  const pair = PAIRS[ev.type];
  // A symlink's target is text, never resolved: it is what the link will point to.
  if (!pair) return undefined;
  const p = EVENTS_BY_NAME.get(ev.type)!.params.find((x) => x.name === pair[i]);
  return resolve(ev, p, raw || (ev.type.startsWith('symlink') && i === 0));
};

export function addFsFields(t: TableBuilder<Event>): void {
  t.def('fs.path.name', 'string', 'the path a one-path file event acts on, resolved', single(false))
    .def('fs.path.nameraw', 'string', 'the path a one-path file event acts on, as given', single(true))
    .def('fs.path.source', 'string', 'source path of rename/link/symlink, resolved', pairSide(0, false))
    .def('fs.path.sourceraw', 'string', 'source path of rename/link/symlink, as given', pairSide(0, true))
    .def('fs.path.target', 'string', 'target path of rename/link/symlink, resolved', pairSide(1, false))
    .def('fs.path.targetraw', 'string', 'target path of rename/link/symlink, as given', pairSide(1, true));
}
