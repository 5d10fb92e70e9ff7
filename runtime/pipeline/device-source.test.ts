// The kernel source of `vigil run` end to end on the host, where no module can load: a FIFO stands
// in for /dev/vigil. The agent's two commands (snaplen, interest) land in the pipe and come back as
// the first chunk, which is not a record: that exercises the malformed-chunk path for free. Then
// real records go in and the compiled WASM filter's alerts come out with wall-clock times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load.js';
import { makeAlert } from '../alerts/alert.js';
import { AgentMetrics } from '../ops/metrics.js';
import { Logger } from '../ops/logger.js';
import type { Match } from '../outputs/delivery.js';
import type { PipelineContext } from '../cli/pipelines.js';
import { concat, rec } from '../filter/test-records.js';
import { CMD_SIZE } from '../sources/device/ioctl.js';
import { kernelInterest } from '../filter/state-types.js';
import { startDeviceSource } from './device-source.js';
import { BUNDLED_RULES_DIR, compileRules } from './rules.js';

const waitFor = async (what: string, cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await sleep(20);
  assert.ok(cond(), `timed out waiting for ${what}`);
};

test('device source: commands pushed, a bad chunk skipped and reported, real records alert through the WASM filter', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-devsrc-'));
  const fifo = join(dir, 'vigil');
  const stats = join(dir, 'stats');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(stats, '0 0 0 0\n1 0 0 0\n');
  const logs: string[] = [];
  const matches: Match[] = [];
  const metrics = new AgentMetrics();
  const ctx: PipelineContext = {
    config: loadConfig({ overrides: [`syscall.device=${fifo}`, `syscall.stats_file=${stats}`, 'syscall.buffer_kb=64', 'syscall.proc_scan=false', 'syscall.drops_check_ms=20'] }),
    positionals: [], flags: {}, metrics,
    log: new Logger('info', new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } })),
    onMatch: (m) => matches.push(m), outputsReady: () => undefined,
  };
  const src = await startDeviceSource(ctx, compileRules([BUNDLED_RULES_DIR]));
  const w = await open(fifo, 'w');
  try {
    await waitFor('the two commands (snaplen, interest) to come back', () => src.reader.stats.bytes === 2 * CMD_SIZE);
    // the kernel is asked for the rules' events and the ones the state tables follow (closes, forks, exits)
    const started = JSON.parse(logs.find((l) => l.includes('kernel event source started'))!);
    assert.equal(started.events, kernelInterest(src.detector.interest).length);
    assert.ok(started.events > started.ruleEvents, `${started.events} events asked for, ${started.ruleEvents} for the rules`);
    // Shorter than a record header: carried, waiting for the rest. Complete the header: now it is
    // judged, found impossible, and the chunk is skipped with its stream offset.
    assert.equal(logs.some((l) => l.includes('malformed kernel record')), false);
    await w.write(Buffer.alloc(16));
    await waitFor('the malformed chunk', () => logs.some((l) => l.includes('malformed kernel record')));
    assert.match(logs.find((l) => l.includes('malformed kernel record'))!, /malformed record at byte offset 0: /);
    assert.equal(src.health().ok, true);
    assert.match(src.health().reason!, /1 malformed chunk\(s\) skipped/);

    const bootNow = process.hrtime.bigint();
    const h = { tid: 4242, pid: 4242, ppid: 1, uid: 0, gid: 0, comm: 'cat', containerId: 'host' };
    await w.write(concat([
      rec('execve', { ...h, ts: bootNow }, { res: 0, exe: 'cat', args: ['/etc/shadow'], tid: 4242, pid: 4242, ptid: 1, cwd: '/', comm: 'cat', uid: 0, gid: 0, exepath: '/usr/bin/cat', filename: '/usr/bin/cat' }),
      rec('openat', { ...h, ts: bootNow + 1000n }, { fd: 3, dirfd: -100, name: '/etc/shadow', flags: 0, mode: 0 }),
    ]));
    await waitFor('the alert', () => matches.length > 0);
    const a = makeAlert(matches[0].rule, matches[0].timeNs, 'node', matches[0].resolve);
    assert.equal(a.rule, 'Sensitive credential file read');
    assert.equal(a.output_fields['fd.name'], '/etc/shadow');
    assert.equal(a.output_fields['proc.name'], 'cat');
    // Boot-time stamp -> wall clock.
    assert.ok(Math.abs(Number(a.time / 1_000_000n) - Date.now()) < 5000, `alert time ${a.time} vs now ${Date.now()}`);
    assert.equal(metrics.eventsRead.value, 2);

    // The module's drop counters grow: metrics and the internal alert follow.
    writeFileSync(stats, '0 10 3 0\n1 0 0 0\n');
    await waitFor('the drop alert', () => matches.some((m) => m.rule.name === 'Vigil internal: kernel dropped events'));
    assert.match(metrics.registry.expose(), /^vigil_kernel_drops_total\{cpu="0"\} 3$/m);
  } finally {
    const stopped = src.stop();
    // The blocking read of a FIFO has no 100 ms limit as the device has: give it bytes to return.
    await w.write(Buffer.alloc(8));
    await stopped;
    await src.done;
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(matches.filter((m) => m.rule.name === 'Sensitive credential file read').length, 1);
});
