// The device reader's thread: blocking read()s of whole slots, off the main thread. Plain JS
// so it starts under any loader (a worker does not inherit tsx's programmatic hooks). The slot
// protocol is described in slots.ts; the indices below must match it.
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { fd, ctl, data, slotBytes, nslots, idleMs, eofEnds } = workerData;
const STOP = 0, FREE = 0, FULL = 1;
const stateWord = (i) => 2 + 2 * i, lenWord = (i) => 3 + 2 * i;
const views = Array.from({ length: nslots }, (_, i) => new Uint8Array(data, i * slotBytes, slotBytes));

let slot = 0;
let end = 'stopped';
try {
  while (Atomics.load(ctl, STOP) === 0) {
    // The main thread hands slots back in order; wait for this one (bounded, to see STOP).
    if (Atomics.load(ctl, stateWord(slot)) !== FREE) { Atomics.wait(ctl, stateWord(slot), FULL, 100); continue; }
    let n;
    try {
      n = readSync(fd, views[slot], 0, slotBytes, null);
    } catch (e) {
      // The device's blocking read returns EAGAIN after 100 ms without data; a non-blocking
      // source (a pipe in tests) returns it at once, so idle a little before trying again.
      if (e.code === 'EAGAIN') { if (idleMs > 0) Atomics.wait(ctl, STOP, 0, idleMs); continue; }
      throw e;
    }
    if (n === 0) {
      if (eofEnds) { end = 'eof'; break; }
      Atomics.wait(ctl, STOP, 0, idleMs > 0 ? idleMs : 10);
      continue;
    }
    Atomics.store(ctl, lenWord(slot), n);
    Atomics.store(ctl, stateWord(slot), FULL);
    parentPort.postMessage(slot);
    slot = (slot + 1) % nslots;
  }
  parentPort.postMessage({ end });
} catch (e) {
  parentPort.postMessage({ error: e.message, code: e.code });
}
