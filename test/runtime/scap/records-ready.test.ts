// ScapRecords asks its sink for room after every feed and holds the replay until it is given: a
// replay waits for slow outputs instead of feeding more records while they are backed up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScapRecords } from '../../../runtime/sources/scap/records.js';
import { seedsOf } from '../../../runtime/filter/seed.js';
import { State } from '../../../runtime/state/state.js';

const CAPTURE = new URL('../../../../shared/falco/captures/curl_google.scap', import.meta.url).pathname;

test('a feed waits for the sink\'s ready() promise before the replay goes on', async () => {
  const log: string[] = [];
  let pending = false;
  const conv = new ScapRecords({
    seeds: seedsOf(new State()),
    feed: () => { assert.equal(pending, false, 'fed while the previous feed\'s wait was pending'); log.push('feed'); },
    ready: () => {
      pending = true;
      log.push('wait');
      return new Promise((r) => setTimeout(() => { pending = false; r(); }, 2));
    },
  }, { chunk: 4096 }); // small feeds: many of them in one capture
  await conv.run(CAPTURE);
  const feeds = log.filter((x) => x === 'feed').length;
  assert.ok(feeds > 5, `${feeds} feeds`);
  // every feed but the last (flushed after the loop) is followed by its wait
  assert.equal(log.filter((x) => x === 'wait').length, feeds - 1);
  for (let i = 0; i < log.length - 1; i++) if (log[i] === 'feed') assert.equal(log[i + 1], 'wait', `at ${i}`);
});
