// Small JSON helpers for the k8s_audit extractors. The audit event arrives as parsed JSON; the
// extractors walk it by key path and render leaves the way Falco's k8saudit/json plugins do:
// strings as-is, anything else (numbers, booleans, objects, arrays) as compact JSON text.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The value at a key path. Hot extractors pass a path array made once, not a fresh one per call. */
export function getPath(v: Json | undefined, keys: readonly string[]): Json | undefined {
  let cur: Json | undefined = v;
  for (let i = 0; i < keys.length; i++) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[keys[i]];
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function get(v: Json | undefined, ...keys: string[]): Json | undefined {
  return getPath(v, keys);
}

export function asText(v: Json): string {
  if (typeof v === 'string') return v;
  // What JSON.stringify gives for these, without its generic walk (flags and numbers are most leaves).
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/**
 * RFC 6901 JSON pointer lookup. "" is the whole document; "/a/0" walks objects by key and arrays by
 * decimal index; "~1" decodes to "/" and "~0" to "~" (in that order, so "~01" is "~1").
 */
export function pointer(doc: Json, ptr: string): Json | undefined {
  if (ptr === '') return doc;
  const toks = pointerTokens(ptr);
  if (!toks) return undefined;
  let cur: Json | undefined = doc;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    if (Array.isArray(cur)) {
      if (tok.index < 0) return undefined;
      cur = cur[tok.index];
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.prototype.hasOwnProperty.call(cur, tok.key) ? (cur as Record<string, Json>)[tok.key] : undefined;
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

interface Token { key: string; index: number }
// Rules name a handful of pointers and read them on every event: decode each once.
const tokenCache = new Map<string, Token[] | null>();

function pointerTokens(ptr: string): Token[] | null {
  let toks = tokenCache.get(ptr);
  if (toks !== undefined) return toks;
  toks = ptr[0] !== '/' ? null : ptr.slice(1).split('/').map((raw) => {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return { key, index: /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : -1 };
  });
  // Bounded: a pointer comes from a rule or an output template, not from event data.
  if (tokenCache.size < 4096) tokenCache.set(ptr, toks);
  return toks;
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
  return fastUtc(s) ?? generalRfc3339(s);
}

// Every event is stamped, and the API server writes UTC with microseconds, so the common form
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" is read by position; consecutive events share their second, whose
// epoch value is kept from the last call instead of going through Date.parse again.
let lastSecond = '';
let lastSecondNs = 0n;
const DIGITS = /^\d+$/;
const SCALE = Array.from({ length: 10 }, (_, i) => 10 ** (9 - i));

function fastUtc(s: string): bigint | undefined {
  const n = s.length;
  if (n < 20 || n > 30 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(19) !== (n === 20 ? 90 : 46 /* . */)) return undefined;
  const sec = s.slice(0, 19);
  if (sec !== lastSecond) {
    const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(sec) ? Date.parse(sec + 'Z') : NaN;
    if (Number.isNaN(ms)) return undefined;
    lastSecond = sec;
    lastSecondNs = BigInt(ms) * 1_000_000n;
  }
  if (n === 20) return lastSecondNs;
  const frac = s.slice(20, n - 1);
  if (frac.length > 9 || !DIGITS.test(frac)) return undefined;
  // Nine digits fit a double exactly, so one BigInt is made instead of three.
  return lastSecondNs + BigInt(Number(frac) * SCALE[frac.length]);
}

function generalRfc3339(s: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}
