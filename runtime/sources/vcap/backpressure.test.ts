// A replay waits for its outputs: a slow output slows the replay down instead of overflowing its
// memory queue and dropping alerts (a live device cannot wait; a file can).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../../alerts/alert.js';
import { InterpDetector } from '../../filter/interp-detector.js';
import { rulesFrom, story, STORY_RULES } from '../../filter/test-records.js';
import { AgentMetrics } from '../../ops/metrics.js';
import { Delivery } from '../../outputs/delivery.js';
import { Dispatcher } from '../../outputs/dispatcher.js';
import type { Sink } from '../../outputs/types.js';
import { replayVcap } from './replay.js';
import { VcapWriter } from './writer.js';

/** 20 ms per call whatever the batch: far slower than the rules raise alerts. */
class SlowSink implements Sink {
  readonly kind = 'slow';
  readonly got: string[] = [];
  send(a: Alert): Promise<void> { return this.sendMany([a]); }
  sendMany(as: Alert[]): Promise<void> {
    for (const a of as) this.got.push(a.output);
    return new Promise((r) => setTimeout(r, 20));
  }
}

async function replayInto(waits: boolean): Promise<{ sink: SlowSink; dispatcher: Dispatcher; raised: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-bp-')), 'many.vcap');
  const w = await VcapWriter.open(file);
  const one = story();
  // 3000 stories: several read chunks of thousands of alerts each against a queue of 4000.
  for (let i = 0; i < 3000; i++) { w.write(one); if (w.backlogged) await w.drain(); }
  await w.close();
  const sink = new SlowSink();
  const dispatcher = new Dispatcher(sink, { name: 'slow', capacity: 4000, maxRetries: 1000, backoff: { baseMs: 1, maxMs: 1 } });
  const delivery = new Delivery([dispatcher], new AgentMetrics(), { hostname: 'h' });
  const det = new InterpDetector(rulesFrom(STORY_RULES));
  const raised: string[] = [];
  await replayVcap(file, det, (m) => { raised.push(delivery.onMatch(m)!.output); }, waits ? { outputsReady: () => delivery.outputsReady() } : {});
  await delivery.close(60_000);
  return { sink, dispatcher, raised };
}

test('replay waits for a slow output: every alert arrives, in order, none dropped', async () => {
  const { sink, dispatcher, raised } = await replayInto(true);
  assert.ok(raised.length > 9000, `${raised.length} alerts raised`);
  assert.equal(dispatcher.stats.dropped, 0);
  assert.deepEqual(sink.got, raised);
});

test('without waiting, the same replay overflows the queue (what the wait prevents)', async () => {
  const { sink, dispatcher, raised } = await replayInto(false);
  assert.ok(dispatcher.stats.dropped > 0, 'expected drops');
  assert.equal(sink.got.length + dispatcher.stats.dropped, raised.length);
});
