// User and group names: from the host's passwd/group files on a live system, or from a capture's
// user list. Bounded, since a host with a huge directory must not grow the agent without limit.
import { readFileSync } from 'node:fs';
import type { GroupInfo, UserInfo } from '../../schema/model.js';
import { BoundedMap } from './bounded-map.js';

export class UserTable {
  readonly users: BoundedMap<number, UserInfo>;
  readonly groups: BoundedMap<number, GroupInfo>;
  constructor(cap = 65536) { this.users = new BoundedMap(cap); this.groups = new BoundedMap(cap); }
  addUser(u: UserInfo): void { this.users.set(u.uid, u); }
  addGroup(g: GroupInfo): void { this.groups.set(g.gid, g); }
  user(uid: number): UserInfo | undefined { return this.users.peek(uid); }
  group(gid: number): GroupInfo | undefined { return this.groups.peek(gid); }

  /** Parses passwd(5) text; malformed lines are skipped, as libc does. */
  loadPasswd(textIn: string): void {
    for (const line of textIn.split('\n')) {
      const f = line.split(':');
      if (f.length < 7 || line.startsWith('#')) continue;
      const uid = Number(f[2]);
      if (Number.isInteger(uid)) this.addUser({ uid, name: f[0], homedir: f[5], shell: f[6] });
    }
  }
  loadGroup(textIn: string): void {
    for (const line of textIn.split('\n')) {
      const f = line.split(':');
      if (f.length < 3 || line.startsWith('#')) continue;
      const gid = Number(f[2]);
      if (Number.isInteger(gid)) this.addGroup({ gid, name: f[0] });
    }
  }
  /** Reads the host's files (under `root`, for an agent running in a container with the host mounted). */
  loadHost(root = '/'): void {
    try { this.loadPasswd(readFileSync(`${root}/etc/passwd`, 'utf8')); } catch { /* no passwd: names stay unknown */ }
    try { this.loadGroup(readFileSync(`${root}/etc/group`, 'utf8')); } catch { /* no group file */ }
  }
}
