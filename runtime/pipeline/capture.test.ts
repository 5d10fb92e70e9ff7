// `vigil capture`'s pipeline with a FIFO standing in for /dev/vigil (no module loads on the host):
// the agent's two commands come back first and are refused as records, then the records written
// into the pipe land in the .vcap byte for byte, and `vigil replay` raises their alerts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load.js';
import { AgentMetrics } from '../ops/metrics.js';
import { Logger } from '../ops/logger.js';
import type { PipelineContext } from '../cli/pipelines.js';
import { story, STORY_RULES } from '../filter/test-records.js';
import { VcapReader } from '../sources/vcap/reader.js';
import { capturePipeline } from './capture.js';
import { UsageError } from '../cli/command.js';

const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));

test('capture writes the device\'s records to a .vcap that replays; -w is required', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-capture-'));
  const fifo = join(dir, 'vigil'), stats = join(dir, 'stats'), out = join(dir, 'cap.vcap.gz'), rules = join(dir, 'story.yaml');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(stats, '0 0 0 0\n');
  writeFileSync(rules, STORY_RULES);
  const logs: string[] = [];
  const ctx = (flags: PipelineContext['flags']): PipelineContext => ({
    config: loadConfig({ overrides: [`syscall.device=${fifo}`, `syscall.stats_file=${stats}`, 'syscall.drops_check_ms=20'] }),
    positionals: [], flags, metrics: new AgentMetrics(),
    log: new Logger('info', new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } })),
    onMatch: () => undefined, outputsReady: () => undefined,
  });
  await assert.rejects(capturePipeline(ctx({})), (e: Error) => e instanceof UsageError && /^vigil capture: -w FILE is required/.test(e.message));
  await assert.rejects(capturePipeline(ctx({ write: out, duration: 'soon' })), /--duration must be a positive number of seconds, got 'soon'/);

  const cap = await capturePipeline(ctx({ write: out }));
  const w = await open(fifo, 'w');
  try {
    // The two commands (80 bytes) come back through the pipe first, shorter than a record header:
    // carried. Sixteen more bytes complete a header, which is refused, and the chunk is not written.
    await w.write(Buffer.alloc(16));
    for (let i = 0; i < 250 && !logs.some((l) => l.includes('malformed kernel record')); i++) await sleep(20);
    assert.ok(logs.some((l) => /chunk not written.*unknown record version 2/.test(l)), logs.join(''));
    await w.write(story());
    await sleep(300);
    const stopped = cap.stop();
    // the pipe's read blocks with no 100 ms limit, unlike the device: give it bytes to return
    await w.write(Buffer.alloc(8));
    await stopped;
    await cap.done;
  } finally { await w.close(); }
  const n = (() => { const b = story(), v = new DataView(b.buffer); let k = 0; for (let o = 0; o < b.length; k++) o += v.getUint32(o + 4, true); return k; })();
  assert.ok(logs.some((l) => l.includes('"msg":"capture written"') && l.includes(`"records":${n},"bytes":${story().length}`)), logs.join(''));

  const r = new VcapReader(out);
  const parts: Uint8Array[] = [];
  await r.run((buf) => { parts.push(buf.slice()); return true; });
  assert.deepEqual(Buffer.concat(parts), Buffer.from(story()), 'the records as written, nothing else');
  assert.ok(r.header!.bootToEpochNs > 0n, 'boot-time stamps get an epoch offset');
  const replay = spawnSync(process.execPath, [VIGIL, 'replay', out, '-r', rules], { encoding: 'utf8' });
  assert.equal(replay.status, 0, replay.stderr);
  assert.equal(replay.stdout.trim().split('\n').length, 3, replay.stdout);
  // the command is wired to this pipeline: a missing -w is one line and exit 2 from the launcher
  const cli = spawnSync(process.execPath, [VIGIL, 'capture', '-o', 'webserver.enabled=false'], { encoding: 'utf8' });
  assert.equal(cli.status, 2);
  assert.equal(cli.stderr.trim(), 'vigil capture: -w FILE is required (the capture file to write; .gz to compress)');
});
