// Prints bench/results/kmod.json (written by the guest benchmark) as a table, with each figure
// against its target. Run by bench/kmod/run.sh; `npx tsx bench/kmod/table.ts FILE` reprints one.
import { readFileSync } from 'node:fs';

interface Cfg { medianNs: number; p10Ns: number; minNs: number; medianRatio: number; p10Ratio: number; minRatio: number }
const file = process.argv[2] ?? new URL('../results/kmod.json', import.meta.url).pathname;
const res = JSON.parse(readFileSync(file, 'utf8'));

const pad = (s: string, n: number) => s.padEnd(n);
const x = (r: number) => `x${r.toFixed(3)}`;
const rows: string[][] = [['syscall', 'module state', 'median ns', 'p10 ns', 'median ratio', 'p10 ratio', 'min ratio', 'target']];
const STATES: [string, string, (op: string) => string][] = [
  ['unloaded', 'not loaded (baseline)', () => ''],
  ['empty', 'loaded, empty interest set', () => '< x1.05'],
  ['others', 'loaded, other events captured', () => '< x1.05'],
  ['capturing', 'loaded, capturing it', () => '(no target)'],
];
let missed = false;
for (const [op, row] of Object.entries(res.syscalls ?? {}) as [string, Record<string, Cfg>][]) {
  for (const [key, label, target] of STATES) {
    const c = row[key];
    if (!c) continue;
    // The median carries the shared host's bursts, the p10 the undisturbed speed: both shown.
    const v = (r: number) => (r < 1.05 ? 'met' : 'NOT met');
    const verdict = target(op).startsWith('<') ? `: median ${v(c.medianRatio)}, p10 ${v(c.p10Ratio)}` : '';
    if (verdict.includes('NOT')) missed = true;
    rows.push([op === 'openat' ? 'openat+close' : op, label, c.medianNs.toFixed(0), c.p10Ns.toFixed(0), x(c.medianRatio), x(c.p10Ratio), x(c.minRatio), target(op) + verdict]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => pad(c, widths[i])).join('  '));
const d = res.drain;
if (d) {
  const b = d.backlog;
  const ok = b.medianWalkEvPerCpuSec >= 1e6; // judged on the median pass, not the best
  console.log('');
  console.log(`drain, queued backlog (${b.records} records of ${b.recordBytes} B, ${b.bufferBytes >> 20} MiB read buffer):`);
  const m = (v: number) => `${(v / 1e6).toFixed(2)}M`;
  console.log(`  read() + header walk: best ${m(b.walkEvPerCpuSec)} ev/s per reader CPU-second (median ${m(b.medianWalkEvPerCpuSec)}), best ${m(b.walkEvPerWallSec)} ev/s wall` +
    ` (target >= 1M ev/s per core: ${ok ? 'met' : 'NOT met'})`);
  console.log(`  read() alone (same run's baseline): best ${m(b.readOnlyEvPerCpuSec)} (median ${m(b.medianReadOnlyEvPerCpuSec)}); walk/read-only ${b.walkToReadOnly.toFixed(2)}`);
  if (!ok) missed = true;
  // Judged: the reader sharing the producers' vCPU with default rings. The reader on the other
  // vCPU is shown for information: under single-threaded TCG it waits for the emulator to give
  // its vCPU a turn (see test/kmod/guest/drain.ts), which no reader can make up for.
  for (const [l, judged] of [[d.liveSharedCore, true], [d.live, false]] as const) {
    if (!l) continue;
    const verdict = judged ? `target 0: ${l.dropped === 0 ? 'met' : 'NOT met'}` : 'informational: emulator-bound';
    console.log(`drain, live (2 producers on CPU ${l.producersOnCpu}, reader on CPU ${l.readerOnCpu}, ${l.ringKbPerCpu} KiB rings): ${l.delivered} of ${l.produced} delivered,` +
      ` ${l.dropped} dropped (${verdict}), ${(l.evPerWallSec / 1e3).toFixed(0)}k ev/s wall`);
    if (judged && l.dropped !== 0) missed = true;
  }
  for (const [op, row] of Object.entries(res.syscalls ?? {}) as [string, { captured: { records: number; drops: number; missedReturns: number } }][]) {
    const c = row.captured;
    console.log(`${op}: ${c.records} records captured by the module during the runs, ${c.drops} dropped, ${c.missedReturns} returns missed`);
  }
}
console.log('');
console.log('Measured inside a QEMU TCG guest (every instruction emulated, both vCPUs on one host thread):');
console.log('ratios against the unloaded runs of the same boot; not hardware figures.');
if (missed) console.log('At least one target was NOT met (see above).');
