// Value-level matching for the interpreter: glob, path prefix, IP-in-network, byte search.
import { parseIp } from '../ir/literal.js';
import type { IpNet } from '../ir/types.js';

/** Glob as Falco's fnmatch without flags: `*` any run (slashes too), `?` one char, `[a-z]`/`[!x]` a class, `\` escapes. */
export function globToRegExp(glob: string, caseless: boolean): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]);
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      let body = glob.slice(i + 1, close);
      const neg = body[0] === '!' || body[0] === '^';
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]]/g, (x) => `\\${x}`)}]`;
      i = close;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`, caseless ? 'iu' : 'u');
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** pmatch: the path is one of the prefixes or lies below one (`/etc` matches `/etc/passwd`, not `/etcd`). */
export function pathUnder(path: string, prefix: string): boolean {
  // Falco compares path components, empty ones dropped: `/dev/` is `/dev`, `etc/x` is `/etc/x`,
  // and `//etc` lies under `/etc`
  const parts = (s: string) => s.split('/').filter((c) => c !== '');
  const p = parts(path), e = parts(prefix);
  return e.length <= p.length && e.every((c, i) => c === p[i]);
}

export function ipInNet(ip: string, net: IpNet): boolean {
  const a = parseIp(ip);
  if (!a || a.family !== net.family) return false;
  const full = Math.floor(net.prefix / 8);
  for (let i = 0; i < full; i++) if (a.bytes[i] !== net.bytes[i]) return false;
  const rest = net.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a.bytes[full] & mask) === (net.bytes[full] & mask);
}

export function bytesIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && bytesIndexOf(a, b) === 0;
}
