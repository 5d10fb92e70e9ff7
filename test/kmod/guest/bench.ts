// Guest benchmark: syscall cost with the module unloaded / loaded with an empty interest set /
// loaded capturing other events / loaded capturing the syscall itself, as ratios against the
// unloaded baseline of the same boot; and the reader's drain rate. Under QEMU TCG every guest
// instruction is emulated, so absolute numbers mean little; ratios taken in the same run are
// what the targets are judged on, and even those carry the emulator's noise (see min/median).
import { eventId } from './device.js';
import { HELPER, load, run, unload } from './util.js';
import { drainBacklog, drainLive, hooksMissed } from './drain.js';

const ROUNDS = Number(process.env.VIGIL_BENCH_ROUNDS || 6);
/** Calls per batch (about 2-5 ms each under TCG) and batches per helper run. */
const OPS: Record<string, { n: number; batches: number }> = { getpid: { n: 5000, batches: 150 }, openat: { n: 200, batches: 150 } };
/** What "capturing other events" selects: busy event types, none of them the measured syscall. */
const OTHERS = ['execve', 'connect', 'accept', 'clone', 'procexit', 'fchdir', 'unlink', 'rename', 'mkdir', 'setuid', 'ptrace'];
/** The measured syscall itself captured (getpid is no Vigil event: nothing to capture). */
const SELF: Record<string, string[] | null> = { getpid: null, openat: ['openat', 'close'] };

type Config = 'unloaded' | 'empty' | 'others' | 'capturing';

function quantile(xs: number[], q: number): number { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * q))]; }

/** The helper's "w0,w1,w2,w3" interest bitmap for these event names. */
function mask(names: string[]): string {
  const w = [0n, 0n, 0n, 0n];
  for (const id of names.map(eventId)) w[id >> 6] |= 1n << BigInt(id & 63);
  return w.map((x) => `0x${x.toString(16)}`).join(',');
}

function batches(kv: Record<string, string>, k: number): number[] { return kv[`s${k}`].split(',').map(Number); }

/**
 * Each round runs the helper once unloaded and once loaded, in alternating order (ABBA), so
 * drift of the shared host does not favour one side. Loaded, the helper itself holds the
 * device and rotates the interest set batch by batch (empty / others / the syscall itself):
 * those states are interleaved at a few milliseconds' grain.
 */
export function syscallCost() {
  const out: Record<string, unknown> = {};
  for (const [op, { n, batches: nb }] of Object.entries(OPS)) {
    const ns: Record<Config, number[]> = { unloaded: [], empty: [], others: [], capturing: [] };
    const states: Config[] = SELF[op] ? ['empty', 'others', 'capturing'] : ['empty', 'others'];
    const masks = states.map((c) => mask(c === 'empty' ? [] : c === 'others' ? OTHERS : SELF[op]!));
    let records = 0, drops = 0, missed = 0;
    for (let i = 0; i < ROUNDS; i++) {
      // As many unloaded batches as loaded ones in all, so both sides spend as long exposed to the host.
      const unloaded = () => ns.unloaded.push(...batches(run(HELPER, ['bench', op, String(n), String(nb * states.length), '--cpu', '1']), 0));
      const loaded = () => {
        load(['ring_kb=65536']);
        try {
          const kv = run(HELPER, ['bench', op, String(n), String(nb), ...masks, '--cpu', '1']);
          states.forEach((c, k) => ns[c].push(...batches(kv, k)));
          records += Number(kv.records); drops += Number(kv.drops);
          missed += hooksMissed();
        } finally { unload(); }
      };
      if (i % 2) { loaded(); unloaded(); } else { unloaded(); loaded(); }
    }
    const row: Record<string, unknown> = { callsPerBatch: n, batchesPerState: ns.unloaded.length, rounds: ROUNDS };
    const base = { med: quantile(ns.unloaded, 0.5), p10: quantile(ns.unloaded, 0.1), min: Math.min(...ns.unloaded) };
    for (const c of Object.keys(ns) as Config[]) {
      if (!ns[c].length) continue;
      const med = quantile(ns[c], 0.5), p10 = quantile(ns[c], 0.1), min = Math.min(...ns[c]);
      row[c] = { medianNs: med, p10Ns: p10, minNs: min, medianRatio: med / base.med, p10Ratio: p10 / base.p10, minRatio: min / base.min };
    }
    row.captured = { records, drops, missedReturns: missed };
    out[op] = row;
    console.log(`bench ${op}: ${JSON.stringify(row)}`);
  }
  return out;
}

export async function drainRate() {
  const backlog = drainBacklog();
  console.log(`bench drain backlog: ${JSON.stringify(backlog)}`);
  const live = await drainLive();
  console.log(`bench drain live: ${JSON.stringify(live)}`);
  const liveSharedCore = await drainLive(100000, 1024, 0);
  console.log(`bench drain live, shared core: ${JSON.stringify(liveSharedCore)}`);
  return { backlog, live, liveSharedCore };
}
