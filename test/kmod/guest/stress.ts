// Stress: exact drop accounting with a slow reader and producers on both CPUs, load/unload
// cycles with an active reader, and a reader killed in the middle of a read.
import assert from 'node:assert/strict';
import { Device, eventId } from './device.js';
import { HELPER, load, run, sleep, start, unload } from './util.js';

const PER_PRODUCER = 20000;

export async function dropAccounting(): Promise<Record<string, number>> {
  load(['ring_kb=64']);
  const dev = new Device();
  try {
    dev.interest(['fchdir']);
    dev.drain();
    dev.resetStats();
    const fchdir = eventId('fchdir');
    let delivered = 0, headerDrops = 0;
    const tally = () => {
      for (const r of dev.drain()) {
        if (r.header.type !== fchdir) continue;
        headerDrops += r.header.drops;
        if (r.header.comm === 'helper') delivered++;
      }
    };
    // Reads at most `bytes` per call: the slow reader.
    const tallySome = (bytes: number) => {
      const { records } = dev.readSome(bytes);
      for (const r of records) { if (r.header.type !== fchdir) continue; headerDrops += r.header.drops; if (r.header.comm === 'helper') delivered++; }
    };
    const a = start(HELPER, ['fchdir', String(PER_PRODUCER), '--cpu', '0']);
    const b = start(HELPER, ['fchdir', String(PER_PRODUCER), '--cpu', '1']);
    let finished = 0;
    void a.done.then(() => finished++); void b.done.then(() => finished++);
    // The slow reader: a small read now and then, so the 64 KiB rings overflow.
    while (finished < 2) {
      await sleep(40);
      tallySome(4096);
      await sleep(200);
    }
    assert.equal(await a.done, 0); assert.equal(await b.done, 0);
    tally();
    // One more record per CPU carries the drops still pending since the last delivered one.
    run(HELPER, ['fchdir', '1', '--cpu', '0']); run(HELPER, ['fchdir', '1', '--cpu', '1']);
    tally();
    const stats = dev.stats();
    const events = Number(stats.reduce((s, c) => s + c.events, 0n)), drops = Number(stats.reduce((s, c) => s + c.drops, 0n));
    const produced = 2 * PER_PRODUCER + 2;
    assert.ok(drops > 0, 'the slow reader must have lost records (ring too large for the test?)');
    assert.equal(delivered, events, 'every record the kernel counted was delivered');
    assert.equal(delivered + drops, produced, 'delivered + dropped == produced');
    assert.equal(headerDrops, drops, 'header drop counts add up to the kernel counters');
    return { produced, delivered, dropped: drops };
  } finally {
    dev.close();
    unload();
  }
}

export async function unloadCycles(cycles = 3, progress?: (i: number) => void): Promise<Record<string, number>> {
  let refused = 0;
  for (let i = 0; i < cycles; i++) {
    progress?.(i);
    load();
    const reader = start(HELPER, ['reader']);
    while (!reader.output().includes('reading')) {
      if (reader.child.exitCode !== null) throw new Error('reader exited early');
      await sleep(20);
    }
    run('/bin/true', []);
    // A reader holds the module: unloading must be refused, cleanly.
    if (unload(true) !== 0) refused++;
    reader.child.kill('SIGKILL'); // mid-read: it sits in read() waiting for data
    assert.notEqual(await reader.done, 0);
    assert.equal(unload(true), 0, 'unload after the reader died');
  }
  assert.equal(refused, cycles);
  return { cycles, refusedWhileOpen: refused };
}
