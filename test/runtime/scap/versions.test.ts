// Every event block version decodes to the same events: the version-1 blocks of a real capture
// are rewritten here into the newer layouts (parameter count, flags, u32 parameter lengths) and
// the replays compared. Process-list layouts are checked the same way for v9 (per-entry lengths).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ScapReplay, type ReplayEvent } from '../../../runtime/sources/scap/replay.js';
import { readProcList } from '../../../runtime/sources/scap/lists.js';

const DIR = new URL('../../../../shared/falco/captures/', import.meta.url).pathname;
const CAT = new Uint8Array(gunzipSync(readFileSync(DIR + 'cat_write.scap')));

function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + Math.ceil(body.length / 4) * 4;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true); v.setUint32(4, len, true); out.set(body, 8); v.setUint32(len - 4, len, true);
  return out;
}

/** Rewrites each 0x204 event block into `type`; the parameter count is found by the lengths adding up. */
function rewrite(buf: Uint8Array, type: 0x208 | 0x216 | 0x217 | 0x221): Uint8Array {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const parts: Uint8Array[] = [];
  for (let off = 0; off < buf.length;) {
    const bt = v.getUint32(off, true), bl = v.getUint32(off + 4, true);
    if (bt !== 0x204) { parts.push(buf.subarray(off, off + bl)); off += bl; continue; }
    const b = off + 8, evLen = v.getUint32(b + 2 + 16, true), end = b + 2 + evLen;
    let n = 0;
    for (; n < 64; n++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += v.getUint16(b + 24 + 2 * i, true);
      if (b + 24 + 2 * n + sum === end) break;
    }
    const lens = Array.from({ length: n }, (_, i) => v.getUint16(b + 24 + 2 * i, true));
    const values = buf.subarray(b + 24 + 2 * n, end);
    const flags = type === 0x208 || type === 0x217;
    const v2 = type !== 0x208, wide = type === 0x221;
    const hdr = v2 ? 26 : 22, ls = wide ? 4 : 2;
    const body = new Uint8Array(2 + (flags ? 4 : 0) + hdr + n * ls + values.length);
    const w = new DataView(body.buffer);
    let p = 0;
    w.setUint16(p, v.getUint16(b, true), true); p += 2;
    if (flags) { w.setUint32(p, 0x5, true); p += 4; }
    body.set(buf.subarray(b + 2, b + 2 + 16), p); // ts, tid
    w.setUint32(p + 16, hdr + n * ls + values.length, true);
    w.setUint16(p + 20, v.getUint16(b + 2 + 20, true), true);
    if (v2) w.setUint32(p + 22, n, true);
    p += hdr;
    for (const l of lens) { if (wide) w.setUint32(p, l, true); else w.setUint16(p, l, true); p += ls; }
    body.set(values, p);
    parts.push(block(type, body));
    off += bl;
  }
  const out = new Uint8Array(parts.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const x of parts) { out.set(x, at); at += x.length; }
  return out;
}

const summary = (es: ReplayEvent[]) => es.map((e) => JSON.stringify([e.num, e.name, e.record.header.tid, e.record.params], (_k, x) => (x instanceof Uint8Array ? [...x] : typeof x === 'bigint' ? String(x) : x)));
const original = summary([...new ScapReplay().fromBuffer(CAT)]);

for (const [type, what] of [[0x208, 'with flags (0x208)'], [0x216, 'v2 with parameter count (0x216)'], [0x217, 'v2 with flags (0x217)'], [0x221, 'v2 large payload, u32 lengths (0x221)']] as const) {
  test(`event blocks ${what} replay exactly like the version-1 original`, () => {
    const re = rewrite(CAT, type);
    assert.notDeepEqual(re, CAT);
    const r = new ScapReplay();
    const got = summary([...r.fromBuffer(re)]);
    assert.equal(r.stats.evaluated, 303);
    assert.deepEqual(got, original);
  });
}

test('process list v9: per-entry lengths, trailing fields read when present and skipped when newer', () => {
  const te = new TextEncoder();
  const s16 = (s: string) => { const b = te.encode(s); return [b.length & 255, b.length >> 8, ...b]; };
  const u = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => Number((BigInt(n) >> BigInt(8 * i)) & 255n));
  const entry = (tid: number, extra: number[], cgroups = 'cpu=/') => {
    const body = [
      ...u(tid, 8), ...u(tid, 8), ...u(1, 8), ...u(tid, 8), ...u(tid, 8), // tid pid ptid sid vpgid
      ...s16('nginx'), ...s16('/usr/sbin/nginx'), ...s16('/usr/sbin/nginx'), ...s16('-g\0daemon off;'), ...s16('/'),
      ...u(1024, 8), ...u(0, 4), ...u(33, 4), ...u(33, 4), // fdlimit flags uid gid
      ...u(0, 4), ...u(0, 4), ...u(0, 4), ...u(0, 8), ...u(0, 8), // vm, page faults
      ...s16('PATH=/bin'), ...u(tid, 8), ...u(tid, 8), ...s16(cgroups), ...s16('/'), // env vtid vpid cgroups root
      ...extra,
    ];
    return [...u(body.length + 4, 4), ...body];
  };
  // One entry from libs >= 0.10 (pidns ts, tty, loginuid, exe_writable, caps, and 9 bytes a newer writer added),
  // one from before (loginuid and caps only).
  const newer = entry(10, [...u(0, 8), ...u(34816, 4), ...u(1000, 4), 0, ...u(1, 8), ...u(2, 8), ...u(3, 8), ...Array(9).fill(0xee)]);
  const older = entry(11, [...u(500, 4), 1, ...u(7, 8), ...u(8, 8), ...u(9, 8)], `cpu=/docker/${'0123456789ab'.repeat(5)}0123\0memory=/`);
  const threads = readProcList(0x215, new Uint8Array([...newer, ...older]), 0);
  assert.equal(threads.length, 2);
  assert.equal(threads[0].containerId, 'host');
  assert.equal(threads[1].containerId, '0123456789ab', 'container id from the cgroup path');
  assert.equal(threads[0].tty, 34816); assert.equal(threads[0].loginuid, 1000); assert.equal(threads[0].capEffective, 3n);
  assert.equal(threads[1].tty, 0); assert.equal(threads[1].loginuid, 500); assert.equal(threads[1].capPermitted, 8n);
  assert.deepEqual(threads[0].args, ['-g', 'daemon off;']);
  assert.equal(threads[0].uid, 33); assert.equal(threads[0].exepath, '/usr/sbin/nginx'); assert.equal(threads[0].vpgid, 10);
  // An entry length that runs past the block is an error naming the block.
  const bad = new Uint8Array(newer); new DataView(bad.buffer).setUint32(0, 100000, true);
  assert.throws(() => readProcList(0x215, bad, 777), /offset 777: process entry length/);
});

test('container metadata events fill the container table; bad JSON in them is not fatal', () => {
  const ev = (json: string) => {
    const val = new TextEncoder().encode(`${json}\0`);
    const body = new Uint8Array(2 + 22 + 2 + val.length);
    const w = new DataView(body.buffer);
    w.setBigUint64(2, 5n, true); w.setBigUint64(10, 1n, true); w.setUint32(18, 22 + 2 + val.length, true); w.setUint16(22, 272, true);
    w.setUint16(24, val.length, true); body.set(val, 26);
    return block(0x204, body);
  };
  const good = ev(JSON.stringify({ container: { id: 'abcdef0123456789', name: 'web', image: 'nginx:1.27', imagerepo: 'nginx', imagetag: '1.27', privileged: true } }));
  const bad = ev('{not json');
  const cap = new Uint8Array([...CAT, ...good, ...bad]);
  const r = new ScapReplay();
  const n = [...r.fromBuffer(cap)].length;
  assert.equal(n, 305);
  const c = r.state.containers.get('abcdef012345')!;
  assert.equal(c.name, 'web'); assert.equal(c.imageTag, '1.27'); assert.equal(c.privileged, true);
});
