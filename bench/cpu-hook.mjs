// Loaded into a benchmarked agent with `node --import`: at exit it writes the process's CPU time
// (every thread: main, reader, GC helpers) to fd 3 as JSON, so a rate can be given per CPU-second
// as well as per wall-second. Only the benchmarks load it.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try { writeSync(3, JSON.stringify({ userUs: user, systemUs: system })); } catch { /* no fd 3: not under a bench */ }
});
