// BoundedMap and oldestKey against a plain model of least-recently-touched order, over random
// operation sequences long enough for V8 to compact and grow the underlying tables many times
// (the live eviction cursor must survive that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BoundedMap, oldestKey } from '../../../runtime/state/bounded-map.js';

const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('set' as const), key: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('get' as const), key: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('peek' as const), key: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clear' as const), key: fc.constant(0) }) },
);

test('BoundedMap evicts the least recently touched key, as a model says, through long churn', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { minLength: 1000, maxLength: 3000 }), (cap, ops) => {
    const evicted: number[] = [];
    const m = new BoundedMap<number, number>(cap, (k) => evicted.push(k));
    let model: number[] = []; // keys, oldest first
    const want: number[] = [];
    for (const o of ops) {
      const i = model.indexOf(o.key);
      if (o.k === 'set') {
        if (i >= 0) model.splice(i, 1);
        else if (model.length >= cap) want.push(model.shift()!);
        model.push(o.key);
        m.set(o.key, o.key);
      } else if (o.k === 'get') {
        if (i >= 0) { model.splice(i, 1); model.push(o.key); }
        assert.equal(m.get(o.key), i >= 0 ? o.key : undefined);
      } else if (o.k === 'peek') {
        assert.equal(m.peek(o.key), i >= 0 ? o.key : undefined);
      } else if (o.k === 'delete') {
        if (i >= 0) model.splice(i, 1);
        m.delete(o.key);
      } else { model = []; m.clear(); }
    }
    assert.deepEqual(evicted, want);
    assert.deepEqual([...m.entries()].map(([k]) => k), model);
  }), { numRuns: 100 });
});

test('oldestKey on a plain Map is its first key, whatever was deleted and re-added before', () => {
  fc.assert(fc.property(fc.array(op, { minLength: 1000, maxLength: 2000 }), (ops) => {
    const m = new Map<number, number>();
    for (const o of ops) {
      if (o.k === 'set' || o.k === 'get') m.set(o.key, o.key);
      else if (o.k === 'delete') m.delete(o.key);
      else if (o.k === 'clear') m.clear();
      else if (m.size) {
        // an eviction, as the callers do: ask, then delete what was given
        const k = oldestKey(m);
        assert.equal(k, m.keys().next().value);
        m.delete(k!);
      }
      if (!m.size) assert.equal(oldestKey(m), undefined);
    }
  }), { numRuns: 100 });
});
