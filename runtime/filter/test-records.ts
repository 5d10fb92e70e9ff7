// Record builders and rule files shared by the detector tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { ParamValue } from '../../schema/model.js';
import { encodeRecord, type HeaderInput } from '../decode/record.js';
import { makeAlert } from '../alerts/alert.js';
import type { Match } from '../outputs/delivery.js';
import { compileRules, type CompiledRules } from '../pipeline/rules.js';

export function rec(type: string, h: Omit<HeaderInput, 'type'>, params: Record<string, ParamValue>, dir = 1): Uint8Array {
  const id = EVENTS_BY_NAME.get(type)?.id;
  if (id === undefined) throw new Error(`no event ${type}`);
  return encodeRecord({ ...h, type: id }, params, dir);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function rulesFrom(yaml: string): CompiledRules {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-filter-'));
  const f = join(dir, 'rules.yaml');
  writeFileSync(f, yaml);
  return compileRules([f]);
}

/** A match as the alert it becomes (rendered at once: the JS state moves on with the next record). */
export const alertOf = (m: Match) => { const a = makeAlert(m.rule, m.timeNs, 'node', m.resolve); return `${a.rule}|${a.output}|${JSON.stringify(Object.fromEntries(Object.entries(a.output_fields).sort()))}`; };

/** A shell in a container that execs cat, which opens two files and closes one, then exits. */
export function story(): Uint8Array {
  const sh = { tid: 100, pid: 100, ppid: 1, uid: 1000, gid: 1000, comm: 'bash', containerId: 'host' };
  const cat = { ...sh, tid: 101, pid: 101, ppid: 100 };
  const incat = { ...cat, comm: 'cat', containerId: 'abcdef012345' };
  return concat([
    rec('clone', { ...sh, ts: 1000n }, { res: 101, exe: '/bin/bash', args: ['-i'], tid: 100, pid: 100, ptid: 1, cwd: '/home/u', comm: 'bash', uid: 1000, gid: 1000, flags: 0 }),
    rec('clone', { ...cat, comm: 'bash', ts: 1001n }, { res: 0, exe: '/bin/bash', args: ['-i'], tid: 101, pid: 101, ptid: 100, cwd: '/home/u', comm: 'bash', uid: 1000, gid: 1000, flags: 0 }),
    rec('execve', { ...incat, ts: 1002n }, { res: 0, exe: 'cat', args: ['/etc/shadow'], tid: 101, pid: 101, ptid: 100, cwd: '/home/u', comm: 'cat', uid: 1000, gid: 1000, exepath: '/usr/bin/cat', filename: '/usr/bin/cat' }),
    rec('openat', { ...incat, ts: 1003n }, { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0, mode: 0 }),
    rec('openat', { ...incat, ts: 1004n }, { fd: 4, dirfd: -100, name: 'notes.txt', flags: 0o1101, mode: 0o644 }),
    rec('close', { ...incat, ts: 1005n }, { res: 0, fd: 3 }),
    rec('procexit', { ...incat, ts: 1006n }, {}),
  ]);
}

export const STORY_RULES = `
- rule: shadow read
  desc: d
  condition: evt.type in (open, openat) and fd.name = /etc/shadow
  output: "%proc.name read %fd.name (parent=%proc.pname cmd=%proc.cmdline container=%container.id user=%user.name)"
  priority: WARNING
  tags: [t1]
- rule: any open by cat
  desc: d
  condition: evt.type = openat and proc.name = cat
  output: "open %fd.name flags=%evt.arg.flags"
  priority: NOTICE
- rule: close
  desc: d
  condition: evt.type = close and fd.num >= 0
  output: "closed %fd.name (%fd.num)"
  priority: INFO
`;
