// Guest benchmark: syscall cost with the module unloaded / loaded with an empty interest set /
// loaded capturing, as ratios against the unloaded baseline of the same boot; and the TypeScript
// reader's sustained drain rate. TCG emulation distorts absolute numbers; ratios are what count.
import { performance } from 'node:perf_hooks';
import { decodeHeader, decodeRecord } from '../../../runtime/decode/record.js';
import { Device } from './device.js';
import { HELPER, load, run, unload } from './util.js';

const REPS = 7;
const OPS: Record<string, number> = { getpid: 200000, openat: 20000 };

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function cost(op: string): number {
  return Number(run(HELPER, ['bench', op, String(OPS[op]), '--cpu', '1']).ns_per_op);
}

/** Rounds interleave the three states so drift on the shared host hits them alike; medians. */
export function syscallCost() {
  const out: Record<string, Record<string, number>> = {};
  for (const op of Object.keys(OPS)) {
    const base: number[] = [], empty: number[] = [], capturing: number[] = [];
    for (let i = 0; i < REPS; i++) {
      base.push(cost(op));
      load(['ring_kb=65536']);
      const dev = new Device();
      try {
        empty.push(cost(op));
        // getpid is no Vigil event: "capturing" means other events are selected and getpid is not.
        dev.interest(op === 'openat' ? ['openat', 'close'] : ['openat', 'close', 'execve', 'connect', 'clone', 'procexit']);
        capturing.push(cost(op));
        dev.drain();
      } finally { dev.close(); unload(); }
    }
    // Medians and minima both: the host is shared, and the minimum is the least disturbed run.
    const b = median(base), e = median(empty), c = median(capturing);
    const bm = Math.min(...base), em = Math.min(...empty), cm = Math.min(...capturing);
    out[op] = {
      unloadedNs: b, emptyNs: e, capturingNs: c, emptyRatio: e / b, capturingRatio: c / b,
      minUnloadedNs: bm, minEmptyNs: em, minCapturingNs: cm, minEmptyRatio: em / bm, minCapturingRatio: cm / bm,
    };
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
    // Pass 0: read only, no parsing: the baseline the decoding passes are compared with.
    const r0 = performance.now();
    const rawBytes = dev.drainRaw(() => {});
    const rawSec = (performance.now() - r0) / 1000;
    // The ring holds all N (drops are checked below), so the pass read exactly N records.
    const rawRecords = N;
    dev.interest(['fchdir']);
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
    if (drops !== 0 || n !== N) throw new Error(`drain bench lost records: ${drops} dropped, ${n} of ${N} decoded`);
    const res = { records: n, bytes, dropped: drops, seconds: (t1 - t0) / 1000, eventsPerSec: n / ((t1 - t0) / 1000) };
    // Pass 2: same volume again, header-only walk (what a filter that skips decoding pays).
    dev.interest(['fchdir']);
    run(HELPER, ['fchdir', String(N), '--cpu', '1']);
    dev.interest([]);
    let m = 0;
    const t2 = performance.now();
    dev.drainRaw((chunk) => { for (let off = 0; off < chunk.length;) { off += decodeHeader(chunk, off).len; m++; } });
    const t3 = performance.now();
    const raw = { bytes: rawBytes, eventsPerSec: rawRecords / rawSec };
    const out = { rawRead: raw, fullDecode: { ...res, ratioToRaw: res.eventsPerSec / raw.eventsPerSec }, headerOnly: { records: m, eventsPerSec: m / ((t3 - t2) / 1000), ratioToRaw: m / ((t3 - t2) / 1000) / raw.eventsPerSec } };
    console.log(`bench drain: ${JSON.stringify(out)}`);
    return out;
  } finally { dev.close(); unload(); }
}
