import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleRateLimiter } from '../../../runtime/alerts/ratelimit.js';

test('token bucket: burst, refill at rate, per-rule buckets, suppressed counted', () => {
  let now = 0;
  const rl = new RuleRateLimiter({ rate: 2, burst: 3 }, () => now);
  const got = Array.from({ length: 5 }, () => rl.allow('A'));
  assert.deepEqual(got, [true, true, true, false, false]);
  assert.equal(rl.allow('B'), true);
  now = 500; // half a second at 2/s refills one token
  assert.equal(rl.allow('A'), true);
  assert.equal(rl.allow('A'), false);
  now = 100_000; // a long pause refills only up to the burst
  assert.deepEqual(Array.from({ length: 4 }, () => rl.allow('A')), [true, true, true, false]);
  assert.deepEqual([...rl.suppressed()], [['A', 4]]);
  assert.equal(rl.suppressedTotal, 4);
});
