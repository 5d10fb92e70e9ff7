// Small JSON helpers for the k8s_audit extractors. The audit event arrives as parsed JSON; the
// extractors walk it by key path and render leaves the way Falco's k8saudit/json plugins do:
// strings as-is, anything else (numbers, booleans, objects, arrays) as compact JSON text.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function get(v: Json | undefined, ...keys: string[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[k];
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function asText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * RFC 6901 JSON pointer lookup. "" is the whole document; "/a/0" walks objects by key and arrays by
 * decimal index; "~1" decodes to "/" and "~0" to "~" (in that order, so "~01" is "~1").
 */
export function pointer(doc: Json, ptr: string): Json | undefined {
  if (ptr === '') return doc;
  if (ptr[0] !== '/') return undefined;
  let cur: Json | undefined = doc;
  for (const raw of ptr.slice(1).split('/')) {
    const tok = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(tok)) return undefined;
      cur = cur[Number(tok)];
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.prototype.hasOwnProperty.call(cur, tok) ? (cur as Record<string, Json>)[tok] : undefined;
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** "nginx:1.2", "reg:5000/app@sha256:..", "reg:5000/app:tag" -> repository without tag or digest. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** RFC 3339 text (with up to 9 fraction digits) -> epoch ns; undefined when it does not parse. */
export function rfc3339ToNs(s: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}
