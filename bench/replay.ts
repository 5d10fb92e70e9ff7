// End-to-end replay, as a user runs it: `vigil replay FILE.vcap -r RULES` in a child process (read,
// decode, state, WASM filter, format and print the matched alerts to a pipe). The capture is the
// filter benchmark's generated world written as a .vcap, or (--capture FILE) a recorded capture cut
// to the event types the agent would ask the kernel for with these rules and repeated, timestamps
// moved on each time, up to the event count. Events/s come from two runs of the same
// command, on the full capture and on its first tenth, so start-up (rule compile) cancels out;
// resident memory is sampled from the child's /proc status (peak, and steady state). A baseline in
// the same run replays with a rule that never matches: what the rules and their alerts cost.
//   npx tsx bench/replay.ts [--events N] [--capture FILE.vcap[.gz]] [RULES.yaml...]
//   (default 2M generated events, upstream stable + incubating)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { VcapWriter } from '../runtime/sources/vcap/writer.js';
import { kernelInterest } from '../runtime/filter/state-types.js';
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import { interestRecords } from './capture-records.js';
import { World, mulberry } from '../test/backend/world.js';

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { events: { type: 'string', default: '2000000' }, capture: { type: 'string' } } });
const root = new URL('../', import.meta.url).pathname;
const rules = positionals.length ? positionals : [`${root}../shared/falco/rules/falco_rules.yaml`, `${root}../shared/falco/rules/falco-incubating_rules.yaml`];
const N = Number(a.events);

/** Writes `n` records of the generated world (processes seeded by exec records as they come). */
async function capture(path: string, n: number): Promise<number> {
  const w = await VcapWriter.open(path);
  const world = new World(mulberry(42));
  let records = 0;
  while (records < n) {
    const r = world.next().record;
    const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
    for (let at = 0; at < r.length; at += v.getUint32(at + 4, true)) records++;
    w.write(r);
    if (w.backlogged) await w.drain();
  }
  await w.close();
  return records;
}

/** The records of a recorded capture that the rules' interest set lets through (what the kernel would send). */
async function recordedInterest(file: string): Promise<Uint8Array[]> {
  const be = await compileBackend(compileFrontEnd(rules).ruleset, { build: false });
  return (await interestRecords(file, new Set(kernelInterest(be.manifest.interest.ids)))).records;
}

/** `n` records of `recs` over and over, each pass's timestamps moved past the previous pass's. */
async function repeated(path: string, recs: Uint8Array[], n: number): Promise<number> {
  const w = await VcapWriter.open(path);
  const ts = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset, r.byteLength).getBigUint64(8, true);
  const span = ts(recs[recs.length - 1]) - ts(recs[0]) + 1_000_000n;
  let written = 0;
  for (let pass = 0n; written < n; pass++) {
    for (const r of recs) {
      if (written === n) break;
      const c = r.slice();
      new DataView(c.buffer).setBigUint64(8, ts(r) + pass * span, true);
      w.write(c); written++;
      if (w.backlogged) await w.drain();
    }
  }
  await w.close();
  return written;
}

/**
 * One replay; resident memory sampled from /proc every 50 ms: the peak, and the steady state (the
 * median of the samples in the run's second half, past the start-up rule build).
 */
async function run(file: string, ruleFiles = rules): Promise<{ secs: number; peakMiB: number; steadyMiB: number; alerts: number }> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [`${root}bin/vigil.mjs`, 'replay', file, ...ruleFiles.flatMap((f) => ['-r', f])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let alerts = 0, err = '';
  // counted with indexOf: a byte loop in this process competed with the replay for the second core
  child.stdout.on('data', (d: Buffer) => { for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) alerts++; });
  child.stderr.on('data', (d: Buffer) => { err += d; });
  const samples: number[] = [];
  const timer = setInterval(() => {
    try { const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8')); if (m) samples.push(Number(m[1]) / 1024); } catch { /* exited */ }
  }, 50);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`vigil replay failed (${code}): ${err.slice(-2000)}`);
  // A replay waits for its outputs; an alert dropped would make the rate a lie.
  if (err.includes('alerts dropped')) throw new Error(`vigil replay dropped alerts: ${err.slice(-2000)}`);
  const late = samples.slice(samples.length >> 1).sort((x, y) => x - y);
  return { secs, peakMiB: Math.max(...samples), steadyMiB: late[late.length >> 1] ?? NaN, alerts };
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
try {
  const full = join(dir, 'full.vcap'), small = join(dir, 'small.vcap');
  const recorded = a.capture ? await recordedInterest(a.capture) : undefined;
  const make = (path: string, n: number) => (recorded ? repeated(path, recorded, n) : capture(path, n));
  const nFull = await make(full, N), nSmall = await make(small, Math.round(N / 10));
  // interleaved, best of three each: the host is shared
  let bestFull = { secs: Infinity, peakMiB: 0, steadyMiB: 0, alerts: 0 }, bestSmall = { ...bestFull };
  for (let i = 0; i < 3; i++) {
    const sm = await run(small), f = await run(full);
    if (i > 0 && f.alerts !== bestFull.alerts) throw new Error(`alert counts differ between runs: ${f.alerts} vs ${bestFull.alerts}`);
    if (sm.secs < bestSmall.secs) bestSmall = sm;
    if (f.secs < bestFull.secs) bestFull = f;
  }
  const evps = (nFull - nSmall) / (bestFull.secs - bestSmall.secs);
  // Baseline in the same run: one open rule that never matches. Reading, decoding, state and the
  // filter's own tracking still run for every record; rules and alerts do not.
  const quiet = join(dir, 'quiet.yaml');
  writeFileSync(quiet, '- rule: never\n  desc: baseline\n  condition: evt.type = openat and fd.name = /vigil-bench/none\n  output: "%fd.name"\n  priority: INFO\n');
  let qFull = Infinity, qSmall = Infinity;
  for (let i = 0; i < 3; i++) {
    qSmall = Math.min(qSmall, (await run(small, [quiet])).secs);
    qFull = Math.min(qFull, (await run(full, [quiet])).secs);
  }
  const baseEvps = (nFull - nSmall) / (qFull - qSmall);
  console.log(JSON.stringify({
    bench: 'replay', input: a.capture ? { capture: a.capture, recordsInInterest: recorded!.length } : 'generated world', rules: rules.map((f) => f.replace(root, '')), events: { full: nFull, small: nSmall },
    secs: { full: +bestFull.secs.toFixed(2), small: +bestSmall.secs.toFixed(2) }, alerts: bestFull.alerts,
    eventsPerSec: Math.round(evps), rssMiB: { peak: +bestFull.peakMiB.toFixed(1), steady: +bestFull.steadyMiB.toFixed(1) },
    baseline: { what: 'same replay, one rule that never matches', eventsPerSec: Math.round(baseEvps), ratio: +(evps / baseEvps).toFixed(3) },
    goal: { eventsPerSec: 1_500_000, met: evps >= 1_500_000, steadyRssMiB: 100, rssMet: bestFull.steadyMiB < 100 },
  }, null, 2));
} finally { rmSync(dir, { recursive: true, force: true }); }
