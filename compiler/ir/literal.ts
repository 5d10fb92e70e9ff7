// Converting literal text to a field type's value: ints as bigint, IPs and CIDRs as IpNet, bytes
// from hex (bcontains CAFE), bools from true/false. Returns an error message instead of throwing.
import type { FieldType, IpNet, Literal } from './types.js';

export function parseIp(s: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  const t = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? { family: 4, bytes: Uint8Array.from(b) } : undefined;
  }
  if (!t.includes(':') || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  let head = t;
  let tail4: number[] = [];
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const ip4 = parseIp(t.slice(lastColon + 1));
    if (!ip4 || ip4.family !== 4) return undefined;
    tail4 = [...ip4.bytes];
    head = `${t.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const a = groups(halves[0]);
  const b = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - a.length - b.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const all = [...a, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...b];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => { const n = parseInt(g, 16); bytes[2 * i] = n >> 8; bytes[2 * i + 1] = n & 255; });
  if (tail4.length) bytes.set(tail4, 12);
  return { family: 6, bytes };
}

/** An IP (as a full-length prefix) or a CIDR network. */
export function parseNet(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = slash < 0 ? max : Number(s.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (slash >= 0 && !/^\d+$/.test(s.slice(slash + 1)))) return undefined;
  return { family: ip.family, bytes: ip.bytes, prefix };
}

export function parseInt64(s: string): bigint | undefined {
  const t = s.trim();
  if (/^[+-]?\d+$/.test(t)) return BigInt(t);
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  return undefined;
}

export function hexBytes(s: string): Uint8Array | undefined {
  const t = s.replace(/\s+/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return undefined;
  return Uint8Array.from(t.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** The literal for comparing with a `type` value under `op`, or an error message. */
export function convertLiteral(text: string, type: FieldType, op: string): { value: Literal; type: FieldType } | { error: string } {
  switch (type) {
    case 'string':
      if (op === 'bcontains' || op === 'bstartswith') {
        const b = hexBytes(text);
        return b ? { value: b, type: 'bytes' } : { error: `'${text}' is not a hex byte string (${op} takes hex, e.g. 7f454c46)` };
      }
      return { value: text, type };
    case 'bytes': {
      if (op === 'bcontains' || op === 'bstartswith') {
        const b = hexBytes(text);
        return b ? { value: b, type } : { error: `'${text}' is not a hex byte string (${op} takes hex, e.g. 7f454c46)` };
      }
      return { value: new TextEncoder().encode(text), type };
    }
    case 'int': case 'reltime': case 'abstime': {
      const n = parseInt64(text);
      return n === undefined ? { error: `'${text}' is not an integer` } : { value: n, type };
    }
    case 'bool': {
      const t = text.toLowerCase();
      return t === 'true' ? { value: true, type } : t === 'false' ? { value: false, type } : { error: `'${text}' is not true or false` };
    }
    case 'ipaddr': case 'ipnet': {
      const n = parseNet(text);
      return n ? { value: n, type: 'ipnet' } : { error: `'${text}' is not an IP address or CIDR network` };
    }
  }
}
