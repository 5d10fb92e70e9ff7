import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../cli/main.js';
import { combine } from './run.js';

async function vigil(args: string[]) {
  const out: string[] = [], err: string[] = [];
  const status = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

test('vigil run without the module: one line naming the device and what to do, status 2', async () => {
  const r = await vigil(['run', '-o', 'webserver.enabled=false', '-o', 'log.level=error', '-o', 'syscall.device=/nonexistent/vigil']);
  assert.equal(r.status, 2);
  assert.deepEqual(r.err, ['vigil run: /nonexistent/vigil: no such device: the vigil kernel module is not loaded (insmod vigil.ko, or set syscall.device)']);
});

test('vigil run: no source enabled, a bad engine and a bad config key are one line each', async () => {
  const none = await vigil(['run', '-o', 'webserver.enabled=false', '-o', 'syscall.enabled=false']);
  assert.equal(none.status, 2);
  assert.deepEqual(none.err, ['vigil run: no event source enabled (syscall.enabled and k8s_audit.enabled are both false)']);
  const engine = await vigil(['run', '-o', 'webserver.enabled=false', '--engine', 'jit']);
  assert.deepEqual([engine.status, engine.err], [2, ["vigil run: --engine must be one of wasm, interp, got 'jit'"]]);
  const key = await vigil(['run', '-o', 'syscall.buffer_kb=8']);
  assert.equal(key.status, 2);
  assert.match(key.err.join('\n'), /^-o syscall\.buffer_kb=8: 'syscall\.buffer_kb' must be >= 64, got number 8$/);
  const help = await vigil(['run', '--help']);
  assert.match(help.out.join('\n'), /--engine/);
  assert.match(help.out.join('\n'), /-r, --rules/);
});

test('combine: both sources run; one failing ends the run and names itself in health', async () => {
  let stopped = 0;
  let fail!: (e: Error) => void;
  const failing = { done: new Promise<void>((_r, j) => { fail = j; }), stop: async () => { stopped++; }, health: () => ({ ok: false, reason: 'kernel source failed: EIO' }) };
  let end!: () => void;
  const live = { done: new Promise<void>((r) => { end = r; }), stop: async () => { stopped++; end(); }, health: () => ({ ok: true }) };
  const all = combine([live, failing]);
  assert.deepEqual(all.health(), { ok: false, reason: 'kernel source failed: EIO' });
  fail(new Error('EIO'));
  await assert.rejects(all.done, /EIO/);
  await all.stop();
  await all.stop();
  assert.equal(stopped, 2);
});
