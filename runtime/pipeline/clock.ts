// The module stamps records with CLOCK_BOOTTIME nanoseconds; alerts carry wall-clock time. Node
// reads CLOCK_MONOTONIC (hrtime) and the wall clock; /proc/uptime is boot time at 10 ms
// resolution, so it only corrects for time spent suspended (monotonic stops, boot time does not).
import { readFileSync } from 'node:fs';

/** Nanoseconds to add to a boot-time stamp to get epoch time. */
export function bootToEpochOffset(uptimeFile = '/proc/uptime'): bigint {
  const mono = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * 1_000_000n;
  let suspended = 0n;
  try {
    const up = BigInt(Math.round(Number(readFileSync(uptimeFile, 'utf8').split(' ')[0]) * 1e9));
    if (up - mono > 50_000_000n) suspended = up - mono;
  } catch { /* no /proc: monotonic is the best there is */ }
  return wall - mono - suspended;
}
