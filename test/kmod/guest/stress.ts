// Stress: exact drop accounting with a slow reader and producers on both CPUs, load/unload
// cycles with a reader blocked in read() or poll(), a reader killed in the middle of its wait,
// a ring overfilled with nobody reading, and the interest set changed while capturing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { records } from '../../../runtime/decode/record.js';
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

/** The kernel function a task sleeps in (wchan), and its state letter. */
function sleepingIn(pid: number): { state: string; wchan: string } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { state: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0], wchan: readFileSync(`/proc/${pid}/wchan`, 'utf8') };
}

/**
 * Load/unload with a reader present: even cycles a reader blocked in read() (interest: all),
 * odd cycles one blocked in poll() with no timeout (interest: none, so nothing ever wakes it).
 * While either holds the device, rmmod must be refused cleanly; once it is killed mid-wait,
 * the module must unload.
 */
export async function unloadCycles(cycles = 4, progress?: (i: number) => void): Promise<Record<string, number>> {
  let refused = 0, polled = 0;
  for (let i = 0; i < cycles; i++) {
    progress?.(i);
    load();
    const mode = i % 2 ? 'poller' : 'reader';
    const reader = start(HELPER, [mode]);
    const ready = mode === 'poller' ? 'polling' : 'reading';
    while (!reader.output().includes(ready)) {
      if (reader.child.exitCode !== null) throw new Error(`${mode} exited early`);
      await sleep(20);
    }
    run('/bin/true', []);
    if (mode === 'poller') {
      // It must really be parked in poll() when the unload is tried.
      let s = sleepingIn(reader.child.pid!);
      for (let t = 0; t < 50 && !(s.state === 'S' && /poll/.test(s.wchan)); t++) { await sleep(20); s = sleepingIn(reader.child.pid!); }
      assert.equal(s.state, 'S', `poller state ${s.state}`);
      assert.match(s.wchan, /poll/, `poller sleeps in ${s.wchan}`);
      polled++;
    }
    // A reader holds the module: unloading must be refused, cleanly.
    if (unload(true) !== 0) refused++;
    reader.child.kill('SIGKILL'); // mid-wait: in read() or poll()
    assert.notEqual(await reader.done, 0);
    assert.equal(unload(true), 0, `unload after the ${mode} died`);
  }
  assert.equal(refused, cycles);
  return { cycles, refusedWhileOpen: refused, blockedInPoll: polled };
}

/**
 * A full ring with nobody reading, on one CPU: exactly as many records as fit are kept, the
 * rest are counted as drops, and the next record delivered carries that count in its header.
 */
export function overfill(): Record<string, number> {
  const N = 5000, RING = 64 * 1024;
  load([`ring_kb=${RING / 1024}`]);
  const dev = new Device();
  try {
    const fchdir = eventId('fchdir');
    dev.interest(['fchdir']);
    dev.drain();
    dev.resetStats();
    run(HELPER, ['fchdir', String(N), '--cpu', '1']);
    const kept = dev.drain().filter((r) => r.header.type === fchdir);
    assert.ok(kept.length > 0 && kept.every((r) => r.header.cpu === 1 && r.header.comm === 'helper' && r.header.drops === 0));
    const len = kept[0].header.len;
    assert.ok(kept.every((r) => r.header.len === len), 'fchdir records of one length');
    const fit = Math.floor(RING / len);
    assert.equal(kept.length, fit, `a ${RING}-byte ring holds ${fit} records of ${len} bytes`);
    const cpu1 = dev.stats().find((c) => c.cpu === 1)!;
    assert.equal(Number(cpu1.events), fit);
    assert.equal(Number(cpu1.drops), N - fit);
    // The ring has room again: the next record reports everything lost before it.
    run(HELPER, ['fchdir', '1', '--cpu', '1']);
    const next = dev.drain().filter((r) => r.header.type === fchdir);
    assert.equal(next.length, 1);
    assert.equal(next[0].header.drops, N - fit, 'drop count in the next record header');
    const after = dev.stats().find((c) => c.cpu === 1)!;
    assert.equal(Number(after.drops), N - fit, 'no further drops');
    assert.equal(Number(after.events), fit + 1);
    return { produced: N + 1, kept: fit, dropped: N - fit, headerDrops: next[0].header.drops, recordBytes: len };
  } finally { dev.close(); unload(); }
}

/**
 * The interest set changed many times while producers on both CPUs run: every record still
 * decodes and is of a type that was selected, the kernel's counters match what was read, no
 * return was missed, and right after each change exactly the newly selected syscalls appear.
 */
export async function interestChurn(): Promise<Record<string, number>> {
  const CHANGES = 32;
  load(['ring_kb=16384']);
  const dev = new Device();
  try {
    const fchdir = eventId('fchdir'), dup = eventId('dup');
    const sets = [['fchdir'], [], ['dup'], ['fchdir', 'dup']];
    const seen = { fchdir: 0, dup: 0 };
    let other = 0;
    // Decoded chunk by chunk and counted, never kept: memory stays bounded however much is read.
    const tally = () => dev.drainRaw((chunk) => {
      for (const { record: r } of records(chunk)) {
        if (r.header.type === fchdir) seen.fchdir++;
        else if (r.header.type === dup) seen.dup++;
        else other++;
      }
    });
    dev.interest([]);
    dev.drain();
    dev.resetStats();
    const missed0 = Number(readFileSync('/sys/class/misc/vigil/missed', 'utf8'));
    // Paced producers (1 ms sleep every 4 pairs) that run until stopped: the reader decodes every
    // record with the full decoder, which is much slower than unpaced producers.
    const a = start(HELPER, ['mix', '100000000', '4', '--cpu', '0']);
    const b = start(HELPER, ['mix', '100000000', '4', '--cpu', '1']);
    let changes = 0;
    while (changes < CHANGES) {
      if (a.child.exitCode !== null || b.child.exitCode !== null) throw new Error('a producer exited early');
      dev.interest(sets[changes++ % sets.length]);
      tally();
      await sleep(10);
    }
    a.child.kill('SIGKILL'); b.child.kill('SIGKILL');
    await a.done; await b.done;
    dev.interest([]);
    tally();
    const stats = dev.stats();
    const events = Number(stats.reduce((s, c) => s + c.events, 0n)), drops = Number(stats.reduce((s, c) => s + c.drops, 0n));
    assert.equal(other, 0, 'only selected event types');
    assert.equal(drops, 0);
    assert.equal(seen.fchdir + seen.dup, events, 'every record the kernel counted was read');
    assert.ok(seen.fchdir > 0 && seen.dup > 0, `fchdir ${seen.fchdir}, dup ${seen.dup}`);
    assert.equal(Number(readFileSync('/sys/class/misc/vigil/missed', 'utf8')), missed0, 'no return probe missed');
    // Each change applies to the very next syscall.
    for (const set of [['dup'], ['fchdir'], ['fchdir', 'dup'], []]) {
      dev.interest(set);
      run(HELPER, ['mix', '50']);
      const recs = dev.drain().filter((r) => r.header.comm === 'helper');
      for (const name of ['fchdir', 'dup']) {
        assert.equal(recs.filter((r) => r.header.type === eventId(name)).length, set.includes(name) ? 50 : 0, `${name} with interest [${set}]`);
      }
    }
    return { changes, fchdir: seen.fchdir, dup: seen.dup, events, drops };
  } finally { dev.close(); unload(); }
}

/**
 * More wanted calls asleep at once than the old per-hook pool (64 + 8 per CPU = 80 here): 200
 * processes blocked in read() on one pipe together. Every one of their reads must come back
 * as a record when the pipe closes, and none may be counted as a missed return.
 */
export function blockedReaders(): Record<string, number> {
  const N = 200;
  load();
  const dev = new Device();
  try {
    const read = eventId('read');
    dev.interest(['read']);
    dev.drain();
    const missed0 = Number(readFileSync('/sys/class/misc/vigil/missed', 'utf8'));
    const kv = run(HELPER, ['blockers', String(N)]);
    assert.equal(Number(kv.blocked_together), N, `all ${N} readers asleep in pipe_read at once`);
    const all = dev.drain();
    // This process's reads of the device are not captured (else every read makes the next record).
    assert.equal(all.filter((r) => r.header.type === read && r.header.pid === process.pid && r.params.fd === dev.fd).length, 0, 'reads of the device by its reader');
    // The children's reads (their parent, the helper, is no child of this process).
    const recs = all.filter((r) => r.header.type === read && r.header.comm === 'helper' && r.header.ppid !== process.pid && r.params.res === 0);
    const tids = new Set(recs.map((r) => r.header.tid));
    const missed = Number(readFileSync('/sys/class/misc/vigil/missed', 'utf8')) - missed0;
    assert.equal(missed, 0, 'returns missed');
    assert.equal(tids.size, N, `read records at EOF from ${tids.size} of ${N} blocked readers`);
    return { blockedTogether: N, readRecords: tids.size, missed };
  } finally { dev.close(); unload(); }
}
