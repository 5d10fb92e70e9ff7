// Guest entry point (run by init.sh under the host's node): VIGIL_MODE=test runs the scenarios
// and stress checks, VIGIL_MODE=bench the benchmark; agent, soak and record are below. Results go
// to /out/results.json; any exception makes the exit status non-zero, which the harness reports.
import { writeFileSync } from 'node:fs';
import { Device } from './device.js';
import { runScenarios } from './scenarios.js';
import { blockedReaders, dropAccounting, interestChurn, overfill, unloadCycles } from './stress.js';
import { drainRate, syscallCost } from './bench.js';
import { load, unload } from './util.js';
import { agentScenarios } from './agent.js';
import { recordWorkload } from './record.js';

async function main() {
  const mode = process.env.VIGIL_MODE ?? 'test';
  const out: Record<string, unknown> = { mode };
  const write = () => writeFileSync('/out/results.json', JSON.stringify(out, null, 2));
  if (mode === 'bench') {
    // VIGIL_ONLY=drain skips the syscall costs.
    if (process.env.VIGIL_ONLY !== 'drain') out.syscalls = syscallCost();
    write();
    out.drain = await drainRate();
    write();
    return;
  }
  if (mode === 'agent') {
    // `vigil run` on the module, against real actions (test/kmod/guest/agent.ts).
    try { out.agent = await agentScenarios(); } catch (e) { out.agentError = String((e as Error).stack ?? e); throw e; } finally { write(); }
    return;
  }
  if (mode === 'record') {
    // A capture of ordinary work for the benchmarks (test/kmod/guest/record.ts); VIGIL_CYCLES=S seconds.
    out.record = await recordWorkload(Number(process.env.VIGIL_CYCLES || 60));
    write();
    return;
  }
  if (mode === 'soak') {
    // Only the unload cycles, many times over: the reproducer for lockups in that phase.
    const cycles = Number(process.env.VIGIL_CYCLES || 50);
    out.soak = await unloadCycles(cycles, (i) => console.log(`soak cycle ${i}`));
    write();
    return;
  }
  // VIGIL_ONLY=NAME runs the scenarios whose name contains NAME; VIGIL_ONLY=stress:NAME only
  // that stress run (both for debugging one thing without the rest).
  const only = process.env.VIGIL_ONLY ?? '';
  if (!only.startsWith('stress:')) {
    load();
    const dev = new Device();
    try { out.scenarios = runScenarios(dev); } finally { dev.close(); unload(); }
    write();
    if (only) return;
  }
  const stress: Record<string, unknown> = {};
  out.stress = stress;
  for (const [name, fn] of [['drops', dropAccounting], ['overfill', overfill], ['interest', interestChurn], ['blocked', blockedReaders], ['unload', unloadCycles]] as const) {
    if (only && only !== `stress:${name}`) continue;
    console.log(`stress ${name}: start`);
    try { stress[name] = { ok: true, ...(await fn()) }; } catch (e) { stress[name] = { ok: false, error: String((e as Error).stack ?? e) }; }
    console.log(`stress ${name}: ${JSON.stringify(stress[name])}`);
    write();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
