// End-to-end replay, as a user runs it: `vigil replay FILE.vcap -r RULES` in a child process (read,
// decode, state, WASM filter, format and print the matched alerts to a pipe). The capture is the
// filter benchmark's generated world written as a .vcap, or (--capture FILE) a recorded capture cut
// to the event types the agent would ask the kernel for with these rules and repeated, timestamps
// moved on each time, up to the event count. Events/s come from two runs of the same
// command, on the full capture and on its first tenth, so start-up (rule compile) cancels out;
// the same difference of the child's CPU time (all its threads, bench/cpu-hook.mjs) gives events
// per CPU-second, the one-core figure. Resident memory is sampled from the child's /proc status
// (peak, and steady state). A baseline in the same run replays with a rule that never matches: what
// the rules and their alerts cost. Both are measured twice: with the node flags the container
// image runs the agent with (NODE_OPTIONS in deploy/Dockerfile), and with plain node.
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
import { rulesOr } from './upstream.js';

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { events: { type: 'string', default: '2000000' }, capture: { type: 'string' } } });
const root = new URL('../', import.meta.url).pathname;
const rules = rulesOr(positionals);
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

// The node flags the image sets (deploy/Dockerfile's ENV NODE_OPTIONS=...): read, not copied, so
// the bench follows the image.
const imageFlags = /^\s*NODE_OPTIONS=(\S+)/m.exec(readFileSync(`${root}deploy/Dockerfile`, 'utf8'))?.[1];
// (without them the "image" figures would silently be plain node's)
if (imageFlags === undefined) throw new Error('deploy/Dockerfile sets no NODE_OPTIONS: cannot measure the agent as the image runs it');
const cpuHook = `${root}bench/cpu-hook.mjs`;

interface Run { secs: number; cpuSecs: number; peakMiB: number; steadyMiB: number; alerts: number }

/**
 * One replay; resident memory sampled from /proc every 50 ms: the peak, and the steady state (the
 * median of the samples in the run's second half, past the start-up rule build).
 */
async function run(file: string, nodeOptions: string, ruleFiles = rules): Promise<Run> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', cpuHook, `${root}bin/vigil.mjs`, 'replay', file, ...ruleFiles.flatMap((f) => ['-r', f])],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: nodeOptions } });
  let alerts = 0, err = '', cpu = '';
  // counted with indexOf: a byte loop in this process competed with the replay for the second core
  child.stdout!.on('data', (d: Buffer) => { for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) alerts++; });
  child.stderr!.on('data', (d: Buffer) => { err += d; });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => { cpu += d; });
  const samples: number[] = [];
  const timer = setInterval(() => {
    try { const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8')); if (m) samples.push(Number(m[1]) / 1024); } catch { /* exited */ }
  }, 50);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(timer);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`vigil replay failed (${code}): ${err.slice(-2000)}`);
  // A replay waits for its outputs; an alert dropped would make the rate a lie.
  if (err.includes('alerts dropped')) throw new Error(`vigil replay dropped alerts: ${err.slice(-2000)}`);
  const { userUs, systemUs } = JSON.parse(cpu) as { userUs: number; systemUs: number };
  const late = samples.slice(samples.length >> 1).sort((x, y) => x - y);
  return { secs, cpuSecs: (userUs + systemUs) / 1e6, peakMiB: Math.max(...samples), steadyMiB: late[late.length >> 1] ?? NaN, alerts };
}

/** Full and small captures in turns, best of three each (the host is shared): rates from the differences. */
async function rates(full: string, small: string, n: number, nodeOptions: string, ruleFiles = rules) {
  let f: Run | undefined, sm: Run | undefined;
  for (let i = 0; i < 3; i++) {
    const a = await run(small, nodeOptions, ruleFiles), b = await run(full, nodeOptions, ruleFiles);
    if (f && b.alerts !== f.alerts) throw new Error(`alert counts differ between runs: ${b.alerts} vs ${f.alerts}`);
    if (!sm || a.secs < sm.secs) sm = a;
    if (!f || b.secs < f.secs) f = b;
  }
  return { full: f!, small: sm!, evps: n / (f!.secs - sm!.secs), cpuEvps: n / (f!.cpuSecs - sm!.cpuSecs) };
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
try {
  const full = join(dir, 'full.vcap'), small = join(dir, 'small.vcap');
  const recorded = a.capture ? await recordedInterest(a.capture) : undefined;
  const make = (path: string, n: number) => (recorded ? repeated(path, recorded, n) : capture(path, n));
  const nFull = await make(full, N), nSmall = await make(small, Math.round(N / 10));
  // Baseline in the same run: one open rule that never matches. Reading, decoding, state and the
  // filter's own tracking still run for every record; rules and alerts do not.
  const quiet = join(dir, 'quiet.yaml');
  writeFileSync(quiet, '- rule: never\n  desc: baseline\n  condition: evt.type = openat and fd.name = /vigil-bench/none\n  output: "%fd.name"\n  priority: INFO\n');
  const n = nFull - nSmall;
  const report: Record<string, unknown> = {};
  for (const [name, flags] of [['image', imageFlags], ['plain node', '']] as const) {
    const r = await rates(full, small, n, flags);
    const q = await rates(full, small, n, flags, [quiet]);
    report[name] = {
      nodeOptions: flags, secs: { full: +r.full.secs.toFixed(2), small: +r.small.secs.toFixed(2) }, alerts: r.full.alerts,
      eventsPerSec: Math.round(r.evps), eventsPerCpuSec: Math.round(r.cpuEvps),
      rssMiB: { peak: +r.full.peakMiB.toFixed(1), steady: +r.full.steadyMiB.toFixed(1) },
      baseline: { what: 'same replay, one rule that never matches', eventsPerSec: Math.round(q.evps), eventsPerCpuSec: Math.round(q.cpuEvps), ratio: +(r.evps / q.evps).toFixed(3) },
      goal: { eventsPerSec: 1_500_000, met: r.evps >= 1_500_000, metPerCpuSec: r.cpuEvps >= 1_500_000, steadyRssMiB: 100, rssMet: r.full.steadyMiB < 100 },
    };
  }
  console.log(JSON.stringify({
    bench: 'replay', input: a.capture ? { capture: a.capture, recordsInInterest: recorded!.length } : 'generated world', rules: rules.map((f) => f.replace(root, '')),
    events: { full: nFull, small: nSmall }, ...report,
  }, null, 2));
} finally { rmSync(dir, { recursive: true, force: true }); }
