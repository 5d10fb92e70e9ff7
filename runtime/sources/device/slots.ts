// Layout of the memory the device reader shares with its worker. Chunks are read straight into
// `nslots` fixed slots of one SharedArrayBuffer; a small Int32Array of control words says which
// slot is full and how many bytes it holds. The worker (read-worker.mjs) mirrors these offsets.

/** ctl[STOP] != 0 asks the worker to leave after its current read. */
export const STOP = 0;
/** Slot i's state word: FREE (the worker may fill it) or FULL (the main thread owns it). */
export const stateWord = (i: number) => 2 + 2 * i;
/** Slot i's byte count, valid while it is FULL. */
export const lenWord = (i: number) => 3 + 2 * i;
export const FREE = 0, FULL = 1;

export interface SlotMemory { ctl: Int32Array; data: SharedArrayBuffer; slotBytes: number; nslots: number }

export function slotMemory(slotBytes: number, nslots: number): SlotMemory {
  return {
    ctl: new Int32Array(new SharedArrayBuffer(4 * (2 + 2 * nslots))),
    data: new SharedArrayBuffer(slotBytes * nslots),
    slotBytes,
    nslots,
  };
}

/** Messages from the worker: a filled slot index, or how it ended. */
export type WorkerMessage = number | { end: 'stopped' | 'eof' } | { error: string; code?: string };
