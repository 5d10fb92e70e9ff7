// The module's open-addressing tables under deletion: keys chosen to share a few home slots build
// long probe runs; deleting from the middle of a run (fd_remove, and close records, which delete
// after the rules) must leave every other key findable with its own data and nothing stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { field, cmp, and, rule, ruleset } from './ir-helpers.js';
import { concat, rec } from './records.js';
import { mulberry } from './world.js';

const FD_SLOTS = 16384n; // assembly/lib/mem.ts
/** The module's home slot of fd key (pid, fd): its mix() of (pid << 32 | fd). */
const home = (pid: number, fd: number) => Number((((((BigInt(pid) << 32n) | BigInt(fd)) * 0x9E3779B97F4A7C15n) & 0xffffffffffffffffn) >> 32n) & (FD_SLOTS - 1n));

test('deleting inside a probe run keeps the rest of the run findable, each key with its own entry', async () => {
  const pid = 4242;
  // 28 descriptors whose homes fall in 6 neighbouring slots: one run of about 28 entries
  const keys: number[] = [];
  for (let fd = 0; keys.length < 28; fd++) if (home(pid, fd) >= 5000 && home(pid, fd) < 5006) keys.push(fd);
  // one rule per descriptor: a close matches exactly the rule of its own name
  const rs = ruleset(keys.map((fd, i) => rule(i, `fd ${fd}`, and(cmp(field('evt.type'), '=', 'close'), cmp(field('fd.name'), '=', `/k/${fd}`)), ['close'])));
  const be = await compileBackend(rs);
  assert.deepEqual(be.diagnostics, []);
  const r = mulberry(3);
  for (let round = 0; round < 4; round++) {
    const m = await FilterModule.load(be.wasm!);
    for (const fd of keys) m.seedFd(pid, fd, 'f', `/k/${fd}`);
    const removed = new Set(keys.filter(() => r.int(3) === 0));
    for (const fd of removed) m.x.fd_remove(pid, fd);
    // close every descriptor in a random order: each close also deletes, inside the same run
    const order = [...keys];
    for (let i = order.length - 1; i > 0; i--) { const j = r.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    for (const fd of order) {
      const got: number[] = [];
      m.run(rec('close', { tid: pid, pid, ppid: 1, comm: 'x' }, { res: 0, fd }), (_i, id) => got.push(id));
      assert.deepEqual(got, removed.has(fd) ? [] : [keys.indexOf(fd)], `round ${round}: close of fd ${fd}`);
    }
    // everything is gone now: a second close of any of them finds nothing
    for (const fd of keys) {
      const got: number[] = [];
      m.run(rec('close', { tid: pid, pid, ppid: 1, comm: 'x' }, { res: 0, fd }), (_i, id) => got.push(id));
      assert.deepEqual(got, [], `round ${round}: fd ${fd} after its close`);
    }
  }
});

/** Byte offsets in the module's memory where `marker` is written (thread comm slots here; not the argument area it came through). */
function offsetsOf(m: FilterModule, marker: string): number[] {
  const mem = Buffer.from(m.x.memory.buffer);
  const arg = m.x.arg_ptr(), argEnd = arg + m.x.arg_cap();
  const out: number[] = [];
  for (let at = mem.indexOf(marker); at >= 0; at = mem.indexOf(marker, at + 1)) if (at < arg || at >= argEnd) out.push(at);
  return out;
}

test('thread entries are handed out from the front of the table and reused: resident memory follows the entries in use', async () => {
  const be = await compileBackend(ruleset([rule(0, 'any', cmp(field('proc.name'), '=', 'nothing'), ['openat'])]));
  const m = await FilterModule.load(be.wasm!);
  const THREAD_SIZE = 2464; // assembly/lib/mem.ts
  // tids spread over the whole hash range; each entry's comm is a marker the test can find
  const tids = Array.from({ length: 300 }, (_, i) => 1000 + i * 7919);
  for (const [i, tid] of tids.entries()) m.seedThread({ tid, pid: tid, ppid: 1, comm: `qz${String(i).padStart(5, '0')}` });
  const first = tids.map((_, i) => offsetsOf(m, `qz${String(i).padStart(5, '0')}`));
  assert.ok(first.every((o) => o.length === 1), 'each entry found once');
  const at = first.map((o) => o[0]);
  const span = Math.max(...at) - Math.min(...at);
  // 300 entries in 300 consecutive places, not scattered over the 8192-entry (20 MB) table
  assert.ok(span < 300 * THREAD_SIZE, `entries span ${span} bytes`);
  // gone and replaced by as many others: the freed entries are reused, the span does not grow
  for (const tid of tids) m.x.thread_remove(tid);
  for (const [i, tid] of tids.entries()) m.seedThread({ tid: tid + 1, pid: tid + 1, ppid: 1, comm: `qy${String(i).padStart(5, '0')}` });
  const again = tids.map((_, i) => offsetsOf(m, `qy${String(i).padStart(5, '0')}`)[0]);
  assert.deepEqual([...again].sort((a, b) => a - b), [...at].sort((a, b) => a - b), 'the same entries, reused');
});

test('a process exit frees its fds: short-lived processes do not crowd a long-lived one out of the fd table', async () => {
  const be = await compileBackend(ruleset([rule(0, 'shadow write', and(cmp(field('evt.type'), '=', 'write'), cmp(field('fd.name'), '=', '/etc/shadow')), ['write'])]));
  assert.deepEqual(be.diagnostics, []);
  const m = await FilterModule.load(be.wasm!);
  m.seedThread({ tid: 100, pid: 100, ppid: 1, comm: 'keeper', cwd: '/' });
  const keeper = { tid: 100, pid: 100, ppid: 1, comm: 'keeper' };
  m.run(rec('openat', keeper, { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0, mode: 0 }), () => undefined);
  // 40,000 processes (2.4x the fd table) each open two files and exit; fork copies the keeper's fd too
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 40000; i++) {
    const tid = 1000 + i, h = { tid, pid: tid, ppid: 100, comm: 'short' };
    parts.push(
      rec('clone', { ...h, ts: BigInt(i) }, { res: 0, exe: 'short', args: [], tid, pid: tid, ptid: 100, cwd: '/', comm: 'short', flags: 0 }),
      rec('openat', h, { fd: 4, dirfd: -100, name: `/tmp/${i}`, flags: 0, mode: 0 }),
      rec('openat', h, { fd: 5, dirfd: -100, name: `/tmp/${i}.log`, flags: 0, mode: 0 }),
      rec('procexit', h, {}),
    );
    if (parts.length >= 4000) { m.run(concat(parts), () => undefined); parts.length = 0; }
  }
  m.run(concat(parts), () => undefined);
  const got: number[] = [];
  m.run(rec('write', keeper, { res: 1, data: 'x', fd: 3, size: 1 }), (_i, id) => got.push(id));
  assert.deepEqual(got, [0], 'the keeper\'s fd 3 is still known');
});
