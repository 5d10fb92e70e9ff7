// Random record sequences (fast-check) against small limits: the tables never outgrow them,
// apply/toEvent never throw, and an fd the table holds is one a successful call created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EVENTS_BY_NAME } from '../../../schema/events.js';
import type { ParamValue } from '../../../schema/model.js';
import { decodeRecord, encodeRecord } from '../../../runtime/decode/record.js';
import { State } from '../../../runtime/state/state.js';

const mk = (name: string, tid: number, params: Record<string, ParamValue>) =>
  decodeRecord(encodeRecord({ type: EVENTS_BY_NAME.get(name)!.id, tid, pid: tid, comm: 'p' }, params), 0);

const op = fc.oneof(
  fc.record({ k: fc.constant('open'), tid: fc.integer({ min: 1, max: 12 }), fd: fc.integer({ min: -3, max: 20 }) }),
  fc.record({ k: fc.constant('close'), tid: fc.integer({ min: 1, max: 12 }), fd: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ k: fc.constant('dup2'), tid: fc.integer({ min: 1, max: 12 }), fd: fc.integer({ min: 0, max: 20 }), to: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ k: fc.constant('clone'), tid: fc.integer({ min: 1, max: 12 }), child: fc.integer({ min: 13, max: 40 }) }),
  fc.record({ k: fc.constant('procexit'), tid: fc.integer({ min: 1, max: 40 }) }),
);

test('random open/close/dup2/clone/exit sequences stay within the limits', () => {
  let evicted = 0;
  fc.assert(fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), (ops) => {
    const s = new State({ limits: { threads: 8, fdsPerProcess: 5 } });
    let n = 0;
    for (const o of ops) {
      const r = o.k === 'open' ? mk('open', o.tid, { fd: o.fd, name: `/f${o.fd}`, flags: 0 })
        : o.k === 'close' ? mk('close', o.tid, { res: 0, fd: o.fd })
        : o.k === 'dup2' ? mk('dup2', o.tid, { res: o.to, oldfd: o.fd, newfd: o.to })
        : o.k === 'clone' ? mk('clone', o.tid, { res: o.child, tid: o.tid, pid: o.tid, ptid: 0, exe: 'p', args: [], cwd: '/', comm: 'p', flags: 0 })
        : mk('procexit', o.tid, { status: 0 });
      s.apply(r);
      const e = s.toEvent(r, ++n);
      assert.ok(s.threads.size <= 8);
      for (const t of s.threads.map.values()) {
        assert.ok((t.fds?.size ?? 0) <= 5);
        for (const [num, fd] of t.fds ?? []) { assert.equal(fd.num, num); assert.ok(num >= 0); assert.match(fd.name, /^\/f\d+$/); }
      }
      if (o.k === 'open' && o.fd >= 0) assert.equal(e.fd?.name, `/f${o.fd}`);
    }
    evicted += s.threads.evictions;
  }), { numRuns: 200 });
  // the sequences are long enough to reach the thread limit, so that bound above was tested
  assert.ok(evicted > 0, `thread limit reached (${evicted} evictions)`);
});

test('a process at its fd limit forgets its oldest descriptors first', () => {
  const s = new State({ limits: { threads: 8, fdsPerProcess: 5 } });
  for (let fd = 3; fd < 33; fd++) s.apply(mk('open', 7, { fd, name: `/f${fd}`, flags: 0 }));
  const fds = s.threads.fds(s.threads.get(7)!);
  assert.deepEqual([...fds.keys()], [28, 29, 30, 31, 32]);
  assert.equal(s.threads.fdEvictions, 25);
});
