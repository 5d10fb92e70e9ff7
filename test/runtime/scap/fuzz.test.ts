// Damaged captures: the reader delivers every event before the damage, then stops with a
// ScapError naming a block offset. Nothing else may escape, nothing may hang or allocate
// according to a length read from the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ScapReplay } from '../../../runtime/sources/scap/replay.js';
import { ScapError } from '../../../runtime/sources/scap/errors.js';

const DIR = new URL('../../../../shared/falco/captures/', import.meta.url).pathname;
const plain = (name: string): Uint8Array => { const b = readFileSync(DIR + name); return new Uint8Array(b[0] === 0x1f ? gunzipSync(b) : b); };
const CONNECT = plain('connect_localhost.scap');
const CAT = plain('cat_write.scap');

function boundaries(buf: Uint8Array): number[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: number[] = [];
  for (let off = 0; off < buf.length; off += v.getUint32(off + 4, true)) out.push(off);
  return out;
}

/** Replays a buffer; returns how many events came out and the error, which must be a ScapError. */
function run(buf: Uint8Array): { n: number; err?: ScapError } {
  const r = new ScapReplay();
  let n = 0;
  try {
    for (const e of r.fromBuffer(buf)) { n++; e.event(); }
    return { n };
  } catch (e) {
    if (!(e instanceof ScapError)) throw new Error(`escaped a non-ScapError: ${(e as Error).stack}`);
    return { n, err: e };
  }
}

const full = run(CONNECT).n;

test('truncation at every block boundary: clean end, every earlier event delivered', () => {
  const bs = boundaries(CONNECT);
  const seen: number[] = [];
  for (const cut of bs.slice(1)) {
    const { n, err } = run(CONNECT.subarray(0, cut));
    assert.equal(err, undefined, `cut at ${cut}`);
    seen.push(n);
  }
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
  assert.equal(seen[seen.length - 1] <= full, true);
});

test('truncation inside a block: error names that block, events before it delivered', () => {
  const bs = boundaries(CONNECT);
  for (let i = 1; i < bs.length; i += 7) {
    const len = (i + 1 < bs.length ? bs[i + 1] : CONNECT.length) - bs[i];
    const cut = bs[i] + Math.min(5 + (i % 40), len - 1);
    const before = run(CONNECT.subarray(0, bs[i])).n;
    const { n, err } = run(CONNECT.subarray(0, cut));
    assert.ok(err, `cut at ${cut} must fail`);
    assert.equal(err.offset, bs[i]);
    assert.match(err.message, new RegExp(`offset ${bs[i]}:.*truncated`));
    assert.equal(n, before);
  }
});

test('streamed truncated gzip: events first, then a ScapError', async () => {
  const gz = readFileSync(DIR + 'cat_write.scap');
  const cut = gz.subarray(0, Math.floor(gz.length * 0.95));
  async function* chunks() { for (let i = 0; i < cut.length; i += 1000) yield cut.subarray(i, i + 1000); }
  const r = new ScapReplay();
  let n = 0;
  await assert.rejects(async () => { for await (const _ of r.fromStream(chunks())) n++; }, ScapError);
  assert.ok(n > 0, 'events before the damage were delivered');
});

test('random truncation and bit flips never escape, never hang (fast-check)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: CAT.length }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: CAT.length - 1 }), fc.integer({ min: 0, max: 7 })), { maxLength: 8 }),
    (cut, flips) => {
      const b = CAT.slice(0, cut);
      for (const [at, bit] of flips) if (at < b.length) b[at] ^= 1 << bit;
      const t0 = Date.now();
      run(b); // throws only if a non-ScapError escapes
      assert.ok(Date.now() - t0 < 5000, 'replay of a 100 KB capture must not hang');
    },
  ), { numRuns: 150 });
});

test('absurd lengths are refused before any allocation', async () => {
  const v = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bs = boundaries(CONNECT);
  // A block claiming 4 GiB.
  const big = CONNECT.slice(); v(big).setUint32(bs[3] + 4, 0xfffffff0, true);
  const r1 = run(big);
  assert.match(r1.err!.message, /over the \d+-byte limit/);
  assert.equal(r1.err!.offset, bs[3]);
  // The same through the streaming reader: it must stop without buffering the rest.
  const r = new ScapReplay();
  async function* once() { yield big; }
  await assert.rejects(async () => { for await (const _ of r.fromStream(once())) { /* drain */ } }, /over the \d+-byte limit/);
  // An event whose header length points past its block, and one whose parameter length does.
  const evBlock = bs.find((o) => v(CONNECT).getUint32(o, true) === 0x204)!;
  const e1 = CONNECT.slice(); v(e1).setUint32(evBlock + 8 + 2 + 16, 0x7fffffff, true);
  assert.match(run(e1).err!.message, new RegExp(`offset ${evBlock}: event type \\d+ claims`));
  const e2 = CONNECT.slice(); v(e2).setUint16(evBlock + 8 + 2 + 22, 0xffff, true);
  assert.equal(run(e2).err!.offset, evBlock);
  // Not a capture at all.
  assert.match(run(new TextEncoder().encode('hello, this is not a capture file')).err!.message, /not a scap file|impossible length|limit/);
  // Garbage after gzip magic.
  assert.ok(run(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5])).err);
  // A valid gzip of garbage.
  assert.ok(run(gzipSync(new Uint8Array(64).fill(7))).err);
});

test('unknown event types are counted and skipped, not fatal', () => {
  const bs = boundaries(CONNECT);
  const b = CONNECT.slice();
  const v = new DataView(b.buffer);
  let changed = 0;
  for (const o of bs) if (v.getUint32(o, true) === 0x204 && v.getUint16(o + 8 + 2 + 20, true) === 234 && changed < 5) { v.setUint16(o + 8 + 2 + 20, 1000, true); changed++; }
  const r = new ScapReplay();
  const n = [...r.fromBuffer(b)].length;
  assert.equal(r.stats.unknown.get(1000), 5);
  assert.equal(n, full - 5);
});
