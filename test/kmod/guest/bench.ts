// Guest benchmark: syscall cost with the module unloaded / loaded with an empty interest set /
// loaded capturing, as ratios against the unloaded baseline of the same boot; and the TypeScript
// reader's sustained drain rate. TCG emulation distorts absolute numbers; ratios are what count.
import { performance } from 'node:perf_hooks';
import { decodeHeader, decodeRecord } from '../../../runtime/decode/record.js';
import { Device } from './device.js';
import { HELPER, load, run, unload } from './util.js';

const REPS = 5;
const OPS: Record<string, number> = { getpid: 200000, openat: 20000 };

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function cost(op: string): number {
  const xs: number[] = [];
  for (let i = 0; i < REPS; i++) xs.push(Number(run(HELPER, ['bench', op, String(OPS[op]), '--cpu', '1']).ns_per_op));
  return median(xs);
}

export function syscallCost() {
  const out: Record<string, Record<string, number>> = {};
  for (const op of Object.keys(OPS)) {
    const base = cost(op);
    load(['ring_kb=65536']);
    const dev = new Device();
    let empty: number, capturing: number;
    try {
      empty = cost(op);
      // getpid is no Vigil event: "capturing" means everything else is selected.
      dev.interest(op === 'openat' ? ['openat', 'close'] : ['openat', 'close', 'execve', 'connect', 'clone', 'procexit']);
      capturing = cost(op);
      dev.drain();
    } finally { dev.close(); unload(); }
    out[op] = { unloadedNs: base, emptyNs: empty, capturingNs: capturing, emptyRatio: empty / base, capturingRatio: capturing / base };
    console.log(`bench ${op}: ${JSON.stringify(out[op])}`);
  }
  return out;
}

export function drainRate() {
  const N = 200000;
  load(['ring_kb=65536']);
  const dev = new Device();
  try {
    dev.interest(['fchdir']);
    dev.drain();
    run(HELPER, ['fchdir', String(N), '--cpu', '1']);
    dev.interest([]);
    // Pass 1 (queued data read once): read + header walk + full decode of every record.
    let n = 0, bytes = 0;
    const t0 = performance.now();
    bytes = dev.drainRaw((chunk) => {
      for (let off = 0; off < chunk.length;) { const r = decodeRecord(chunk, off); off += r.header.len; n++; }
    });
    const t1 = performance.now();
    const stats = dev.stats();
    const drops = Number(stats.reduce((s, c) => s + c.drops, 0n));
    const res = { records: n, bytes, dropped: drops, seconds: (t1 - t0) / 1000, eventsPerSec: n / ((t1 - t0) / 1000) };
    // Pass 2: same volume again, header-only walk (what a filter that skips decoding pays).
    dev.interest(['fchdir']);
    run(HELPER, ['fchdir', String(N), '--cpu', '1']);
    dev.interest([]);
    let m = 0;
    const t2 = performance.now();
    dev.drainRaw((chunk) => { for (let off = 0; off < chunk.length;) { off += decodeHeader(chunk, off).len; m++; } });
    const t3 = performance.now();
    const out = { fullDecode: res, headerOnly: { records: m, eventsPerSec: m / ((t3 - t2) / 1000) } };
    console.log(`bench drain: ${JSON.stringify(out)}`);
    return out;
  } finally { dev.close(); unload(); }
}
