import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { RECORD_FORMAT_VERSION } from '../../../schema/events.js';
import { InterpDetector } from '../../filter/interp-detector.js';
import { alertOf, concat, rulesFrom, story, STORY_RULES } from '../../filter/test-records.js';
import { HDR } from '../../decode/schema.gen.js';
import type { Match } from '../../outputs/delivery.js';
import { SCHEMA_HASH, VcapError } from './format.js';
import { isVcapFile, VcapReader } from './reader.js';
import { replayVcap } from './replay.js';
import { VcapWriter, type VcapWriterOptions } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-vcap-'));
const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
let n = 0;
const tmp = (ext = '.vcap') => join(dir, `f${n++}${ext}`);

/** Writes `records` split at the given points (a partial record carried, as a device source would). */
async function writeCapture(path: string, records: Uint8Array, opts: VcapWriterOptions = {}, splits: number[] = []): Promise<VcapWriter> {
  const w = await VcapWriter.open(path, opts);
  let carry = new Uint8Array(0);
  let from = 0;
  for (const at of [...splits, records.length]) {
    const chunk = concat([carry, records.subarray(from, at)]);
    const used = w.write(chunk);
    carry = chunk.slice(used);
    from = at;
  }
  assert.equal(carry.length, 0);
  await w.close();
  return w;
}

async function readAll(path: string, chunkBytes?: number, handBytes?: number): Promise<{ bytes: Uint8Array; offsets: number[]; parts: Uint8Array[]; reader: VcapReader }> {
  const r = new VcapReader(path, chunkBytes, handBytes);
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  await r.run((b, at) => { parts.push(b.slice()); offsets.push(at); });
  return { bytes: concat(parts), offsets, parts, reader: r };
}

/** Offsets of each record in a run of records. */
function recordStarts(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let off = 0; off < b.length; off += v.getUint32(off + HDR.len, true)) out.push(off);
  return out;
}

const expectError = async (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: Error) => { assert.ok(e instanceof VcapError, String(e)); assert.match(e.message, re); return true; });

test('write then read back: the same record bytes, the header as written', async () => {
  const s = story();
  const f = tmp();
  const w = await writeCapture(f, s, { startNs: 1_700_000_000_000_000_123n, bootToEpochNs: 5_000n, host: { hostname: 'node-a' } }, [5, 200, 201]);
  assert.equal(w.records, 7);
  assert.equal(w.bytes, s.length);
  const { bytes, reader } = await readAll(f);
  assert.deepEqual(bytes, s);
  const h = reader.header!;
  assert.equal(h.formatVersion, 1);
  assert.equal(h.schemaVersion, RECORD_FORMAT_VERSION);
  assert.equal(h.schemaHash, SCHEMA_HASH);
  assert.equal(h.startNs, 1_700_000_000_000_000_123n);
  assert.equal(h.bootToEpochNs, 5_000n);
  assert.equal(h.host.hostname, 'node-a');
  assert.equal(typeof h.host.kernel, 'string');
  assert.equal(h.headerLen % 8, 0);
  assert.equal(statSync(f).size, h.headerLen + s.length);
  assert.deepEqual(reader.stats, { records: 7, bytes: s.length });
  assert.ok(isVcapFile(f));
});

test('handBytes: one read is handed over in runs of at most that many bytes (a larger record alone), plain and gzip\'d', async () => {
  const s = concat(Array.from({ length: 200 }, () => story()));
  for (const f of [tmp(), tmp('.vcap.gz')]) {
    await writeCapture(f, s);
    const { bytes, offsets, parts, reader } = await readAll(f, 1 << 20, 1000);
    assert.deepEqual(bytes, s);
    assert.ok(parts.length > s.length / 1000, `${parts.length} runs`);
    for (const p of parts) assert.ok(p.length <= 1000 || recordStarts(p).length === 1, `a run of ${p.length} bytes`);
    // each run starts where the previous ended, in file offsets
    for (let i = 1; i < parts.length; i++) assert.equal(offsets[i], offsets[i - 1] + parts[i - 1].length);
    assert.equal(reader.stats.bytes, s.length);
  }
});

test('gzip: by option or by a .gz name; detected by magic whatever the name', async () => {
  const s = concat(Array.from({ length: 50 }, () => story()));
  const byName = tmp('.vcap.gz');
  await writeCapture(byName, s);
  const byOpt = tmp('.cap');
  await writeCapture(byOpt, s, { gzip: true });
  for (const f of [byName, byOpt]) {
    const raw = readFileSync(f);
    assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b]);
    assert.ok(raw.length < s.length / 4, 'compressed');
    assert.ok(isVcapFile(f));
    assert.deepEqual((await readAll(f, 256)).bytes, s);
  }
  assert.equal(isVcapFile(join(SHARED, 'captures/cat_write.scap')), false);
  assert.equal(isVcapFile(join(dir, 'missing.vcap')), false);
});

test('small read chunks: records split across chunks arrive whole, with their file offsets', async () => {
  const s = story();
  const f = tmp();
  await writeCapture(f, s);
  const { bytes, offsets, reader } = await readAll(f, 64);
  assert.deepEqual(bytes, s);
  const starts = new Set(recordStarts(s).map((o) => o + reader.header!.headerLen));
  for (const o of offsets) assert.ok(starts.has(o), `chunk offset ${o} is a record start`);
});

test('property: any split of the records on write reads back byte for byte, plain or gzip', async () => {
  const s = concat([story(), story(), story()]);
  await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 6 }), fc.boolean(), fc.integer({ min: 16, max: 4096 }), async (splits, gz, chunk) => {
    const f = tmp(gz ? '.vcap.gz' : '.vcap');
    await writeCapture(f, s, {}, splits.sort((a, b) => a - b));
    assert.deepEqual((await readAll(f, chunk)).bytes, s);
  }), { numRuns: 25 });
});

test('replay through a Detector: the same alerts as the records fed directly, times moved to the epoch', async () => {
  const rules = rulesFrom(STORY_RULES);
  const direct: string[] = [];
  const times: bigint[] = [];
  new InterpDetector(rules).feed(story(), (m) => { direct.push(alertOf(m)); times.push(m.timeNs); });
  assert.ok(direct.length >= 3);
  const f = tmp('.vcap.gz');
  await writeCapture(f, story(), { bootToEpochNs: 1_000_000_000n });
  const got: string[] = [];
  const gotTimes: bigint[] = [];
  let read = 0;
  const st = await replayVcap(f, new InterpDetector(rules), (m: Match) => { got.push(alertOf(m)); gotTimes.push(m.timeNs); }, { onRecords: (k) => { read += k; } });
  assert.deepEqual(got, direct);
  assert.deepEqual(gotTimes, times.map((t) => t + 1_000_000_000n));
  assert.equal(read, 7);
  assert.equal(st.records, 7);
});

test('a truncated file names the byte offset of the cut record, after handing over the whole ones', async () => {
  const s = story();
  const f = tmp();
  await writeCapture(f, s);
  const hl = (await readAll(f)).reader.header!.headerLen;
  const starts = recordStarts(s);
  truncateSync(f, hl + starts[4] + 30);
  const r = new VcapReader(f);
  let got = 0;
  await expectError(r.run((b) => { got += b.length; }), new RegExp(`at byte offset ${hl + starts[4]}: truncated record \\(30 of at least 96 bytes\\) at the end of the file, after 4 whole records`));
  assert.equal(got, starts[4]);
  await writeCapture(f, s);
  truncateSync(f, hl + starts[4] + 100);
  await expectError(new VcapReader(f).run(() => undefined), new RegExp(`at byte offset ${hl + starts[4]}: truncated record \\(100 of ${starts[5] - starts[4]} bytes\\)`));
  truncateSync(f, 40);
  await expectError(new VcapReader(f).run(() => undefined), /at byte offset 0: truncated file header \(40 bytes\)/);
  // A gzip'd capture cut short: the stream's own end is missing.
  const g = tmp('.vcap.gz');
  await writeCapture(g, concat(Array.from({ length: 20 }, () => story())));
  const raw = readFileSync(g);
  writeFileSync(g, raw.subarray(0, raw.length - 20));
  await expectError(new VcapReader(g).run(() => undefined), /gzip data ends early \(truncated file\?\)/);
});

test('a damaged record names its byte offset (length, version, type)', async () => {
  const s = story();
  const starts = recordStarts(s);
  const cases: Array<[string, (v: DataView, at: number) => void, RegExp]> = [
    ['length', (v, at) => v.setUint32(at + HDR.len, 13, true), /impossible length 13/],
    ['version', (v, at) => v.setUint16(at + HDR.version, 9, true), /version 9, expected 1/],
    ['type', (v, at) => v.setUint16(at + HDR.type, 65000, true), /unknown event type 65000/],
  ];
  for (const [what, damage, re] of cases) {
    const f = tmp();
    await writeCapture(f, s);
    const file = new Uint8Array(readFileSync(f));
    const hl = new DataView(file.buffer).getUint32(12, true);
    damage(new DataView(file.buffer), hl + starts[3]);
    writeFileSync(f, file);
    await expectError(new VcapReader(f).run(() => undefined), new RegExp(`at byte offset ${hl + starts[3]}: damaged record: ${re.source}`));
    // and the same error out of the gzip'd form
    const g = tmp('.vcap.gz');
    writeFileSync(g, gzipSync(file));
    await expectError(new VcapReader(g).run(() => undefined), new RegExp(`at byte offset ${hl + starts[3]}: damaged record`));
    assert.ok(what);
  }
});

test('the header is checked: wrong magic, newer format version, another event schema', async () => {
  const f = tmp();
  await writeCapture(f, story());
  const good = new Uint8Array(readFileSync(f));
  const patched = (fn: (b: Uint8Array) => void) => { const b = good.slice(); fn(b); const p = tmp(); writeFileSync(p, b); return p; };
  await expectError(new VcapReader(patched((b) => b.set([0x50, 0x4b], 0))).run(() => undefined), /at byte offset 0: not a Vigil capture \(magic "PKGILCAP", expected "VIGILCAP"\)/);
  await expectError(new VcapReader(patched((b) => { b[8] = 2; })).run(() => undefined), /at byte offset 8: capture format version 2 is newer than this Vigil reads \(up to 1\); upgrade Vigil/);
  await expectError(new VcapReader(patched((b) => { b[20] ^= 0xff; })).run(() => undefined), /at byte offset 10: recorded with a different event schema .*replay it with the Vigil version that wrote it/);
  await expectError(new VcapReader(patched((b) => { b[10] = RECORD_FORMAT_VERSION + 1; })).run(() => undefined), /different event schema \(record format 2,/);
  await expectError(new VcapReader(join(dir, 'nope.vcap')).run(() => undefined), /nope\.vcap: cannot open: ENOENT/);
  // gzip'd header damage is found the same way
  const g = tmp('.vcap.gz');
  writeFileSync(g, gzipSync(good.map((x, i) => (i === 8 ? 7 : x))));
  await expectError(new VcapReader(g).run(() => undefined), /format version 7 is newer/);
  assert.equal(gunzipSync(readFileSync(g)).length, good.length);
});

test('the writer keeps a trailing partial record for the next chunk and refuses garbage', async () => {
  const s = story();
  const w = await VcapWriter.open(tmp());
  const starts = recordStarts(s);
  assert.equal(w.write(s.subarray(0, starts[2] + 10)), starts[2]);
  assert.equal(w.write(s.subarray(0, 50)), 0);
  const bad = s.slice(0, starts[1]);
  new DataView(bad.buffer).setUint32(HDR.len, 12, true);
  assert.throws(() => w.write(bad), /offset 0: impossible length 12/);
  await w.close();
  await assert.rejects(VcapWriter.open(join(dir, 'no', 'such', 'dir.vcap')), /ENOENT/);
});
