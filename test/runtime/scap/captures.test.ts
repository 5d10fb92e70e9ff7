// The Falco captures in ../shared decode completely, and current Falco's figures hold on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ScapReplay, type ReplayEvent } from '../../../runtime/sources/scap/replay.js';
import type { Event } from '../../../schema/model.js';

const DIR = new URL('../../../../shared/falco/captures/', import.meta.url).pathname;
const raw = (name: string): Uint8Array => { const b = readFileSync(DIR + name); return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b; };

// Counted here from the raw bytes with a walk of its own, not with the reader under test.
function rawEventCounts(buf: Uint8Array): Map<number, number> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<number, number>();
  for (let off = 0; off < buf.length; off += v.getUint32(off + 4, true)) {
    const type = v.getUint32(off, true);
    const flags = type === 0x208 || type === 0x217 ? 4 : 0;
    if (type === 0x204 || type === 0x208 || type === 0x216 || type === 0x217) {
      const et = v.getUint16(off + 8 + 2 + flags + 20, true);
      out.set(et, (out.get(et) ?? 0) + 1);
    }
  }
  return out;
}

async function replay(name: string): Promise<{ r: ScapReplay; events: Event[]; items: ReplayEvent[] }> {
  const r = new ScapReplay();
  const events: Event[] = [], items: ReplayEvent[] = [];
  for await (const e of r.fromStream(DIR + name)) { items.push(e); events.push(e.event()); }
  return { r, events, items };
}

const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

for (const [name, total, evaluated] of [['cat_write.scap', 345, 303], ['connect_localhost.scap', 374, 370], ['curl_google.scap', 1536, null]] as const) {
  test(`${name}: every event decodes, per-type counts match the raw blocks`, async () => {
    const want = rawEventCounts(raw(name));
    const { r } = await replay(name);
    console.log(`${name}: ${r.stats.events} events, ${r.stats.evaluated} evaluated; by scap type: ${sorted(r.stats.byType).map(([t, n]) => `${t}:${n}`).join(' ')}`);
    assert.deepEqual(sorted(r.stats.byType), sorted(want));
    assert.equal(r.stats.events, total);
    assert.equal(r.stats.unknown.size, 0, 'no event type left unknown');
    if (evaluated !== null) assert.equal(r.stats.evaluated, evaluated);
  });
}

test('cat_write: one execve, 4 opens; `evt.type=open and proc.name=cat` fires on the 4 files', async () => {
  const { events } = await replay('cat_write.scap');
  assert.equal(events.filter((e) => e.type === 'execve').length, 1);
  assert.equal(events.filter((e) => e.type === 'open').length, 4);
  // The rule's two fields read straight off the Events; the interpreter test below runs the rule itself.
  const hits = events.filter((e) => e.type === 'open' && e.thread.comm === 'cat').map((e) => e.fd?.name);
  assert.deepEqual(hits, ['/etc/ld.so.cache', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/locale/locale-archive', '/dev/null']);
  const exec = events.find((e) => e.type === 'execve')!;
  assert.equal(exec.thread.exe, 'cat');
  assert.deepEqual(exec.thread.args, ['/dev/null']);
  assert.equal(exec.dir, 'exit');
  const first = events.find((e) => e.type === 'open')!;
  assert.equal(first.params.flags, 0o2000000, 'O_RDONLY|O_CLOEXEC in Linux numbering');
  // cat is not in the capture's process list: its parent comes from the execve, its uid from that parent.
  assert.equal(first.thread.parent?.comm, 'bash', 'proc.pname');
  assert.equal(first.thread.parent?.parent?.comm, 'emacs', 'proc.aname[2]');
  assert.equal(first.user?.name, 'mstemm', 'user name from the capture\'s user list');
});

test('connect_localhost: the connect to 127.0.0.1 carries the socket tuple as fd.*', async () => {
  const { events } = await replay('connect_localhost.scap');
  const c = events.filter((e) => e.type === 'connect');
  assert.equal(c.length, 1);
  const fd = c[0].fd!;
  assert.equal(fd.name, '127.0.0.1:47192->127.0.0.1:80');
  // The model keeps the client end in sip/sport and the server end in dip/dport (Falco's fd.cport/fd.sport).
  assert.equal(fd.sip, '127.0.0.1'); assert.equal(fd.sport, 47192);
  assert.equal(fd.dip, '127.0.0.1'); assert.equal(fd.dport, 80);
  assert.equal(fd.type, 'ipv4'); assert.equal(fd.l4proto, 'tcp'); assert.equal(fd.isServer, false);
  assert.equal(c[0].params.fd, 4, 'the enter event\'s fd is merged into the exit');
  assert.equal(c[0].params.res, -115);
});

test('curl_google: process tree from the process list, ipv6 connect named as Falco names it', async () => {
  const { events } = await replay('curl_google.scap');
  const exec = events.find((e) => e.type === 'execve')!;
  assert.equal(exec.thread.comm, 'curl');
  assert.deepEqual(exec.thread.args, ['-6', 'http://www.google.com']);
  assert.equal(exec.thread.parent?.comm, 'bash', 'proc.pname');
  const v6 = events.find((e) => e.type === 'connect' && e.fd?.type === 'ipv6' && e.fd.dport === 80)!;
  assert.match(v6.fd!.name, /^[0-9a-f:]+:\d+->2607:f8b0:4004:802::2004:80$/);
  assert.equal(v6.user?.name, 'ubuntu', 'uid learnt from the clone record of the process');
  assert.equal(v6.hostname, 'ip-10-0-0-79', 'hostname from the machine info block');
});

test('buffer and stream replays agree event for event', async () => {
  const { items } = await replay('cat_write.scap');
  const r = new ScapReplay();
  const again = [...r.fromBuffer(readFileSync(DIR + 'cat_write.scap'))];
  const plain = (e: ReplayEvent) => JSON.stringify([e.num, e.name, e.record.params], (_k, v) => (v instanceof Uint8Array ? [...v] : typeof v === 'bigint' ? String(v) : v));
  assert.equal(again.length, items.length);
  assert.deepEqual(again.map(plain), items.map(plain));
});

test('through the reference interpreter: the open rule fires 4 times, the connect rule once', async () => {
  const { compileFrontEnd } = await import('../../../compiler/frontend.js');
  const { fieldTable } = await import('../../../compiler/fields/index.js');
  const { evaluate, getterFor } = await import('../../../compiler/interp/index.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/vigil-scap-rules-`);
  const file = `${dir}/rules.yaml`;
  writeFileSync(file, [
    '- rule: cat opens', '  desc: t', '  condition: evt.type=open and proc.name=cat', '  output: "%fd.name"', '  priority: NOTICE',
    '- rule: connect localhost', '  desc: t',
    '  condition: evt.type=connect and fd.name="127.0.0.1:47192->127.0.0.1:80" and fd.sip=127.0.0.1 and fd.sport=80 and fd.cip=127.0.0.1 and fd.cport=47192 and fd.lport=47192 and fd.rport=80 and fd.l4proto=tcp',
    '  output: "%fd.name"', '  priority: NOTICE', '',
  ].join('\n'));
  try {
    const fe = compileFrontEnd([file]);
    assert.deepEqual(fe.diagnostics.filter((d) => d.severity === 'error'), []);
    const table = fieldTable('syscall')!;
    const fired = async (capture: string) => {
      const out: string[] = [];
      for (const e of (await replay(capture)).events) for (const r of fe.ruleset.rules) if (evaluate(r.condition, getterFor(table, e))) out.push(`${r.name}: ${e.fd?.name}`);
      return out;
    };
    assert.deepEqual(await fired('cat_write.scap'), ['/etc/ld.so.cache', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/locale/locale-archive', '/dev/null'].map((n) => `cat opens: ${n}`));
    assert.deepEqual(await fired('connect_localhost.scap'), ['connect localhost: 127.0.0.1:47192->127.0.0.1:80']);
  } finally { rmSync(dir, { recursive: true }); }
});
