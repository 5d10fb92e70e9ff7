// State.applyQuick (an open, socket, connect, close or exit read in place) against apply() on the decoded record: two
// states fed the same random sequences, one taking the quick path wherever it accepts, must hold
// the same threads and fds and build the same events, including for a close right after a quick
// one and for records the quick path must refuse (unknown threads, failed or odd closes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EVENTS_BY_NAME } from '../../../schema/events.js';
import type { ParamValue } from '../../../schema/model.js';
import { decodeRecord, encodeRecord } from '../../../runtime/decode/record.js';
import { State } from '../../../runtime/state/state.js';

const rec = (name: string, tid: number, params: Record<string, ParamValue>) =>
  encodeRecord({ type: EVENTS_BY_NAME.get(name)!.id, tid, pid: tid, comm: 'p' }, params);

const op = fc.oneof(
  fc.record({ k: fc.constant('open'), tid: fc.integer({ min: 1, max: 6 }), fd: fc.integer({ min: 0, max: 8 }) }),
  // every open type, relative and odd paths against the cwd or a directory fd, failed opens, flags
  // with O_DIRECTORY, parameters the producer left empty
  fc.record({
    k: fc.constant('openany'), type: fc.constantFrom('open', 'openat', 'openat2', 'creat'), tid: fc.integer({ min: 1, max: 9 }),
    fd: fc.integer({ min: -2, max: 8 }), dirfd: fc.constantFrom<ParamValue>(-100, 0, 3, 5, null),
    name: fc.constantFrom('/etc/passwd', 'rel/x', '../up', './here//there', '', '/a/./b/../c', 'dir'),
    flags: fc.constantFrom<ParamValue>(0, 1, 0o200000, 0o100101, null), dev: fc.constantFrom<ParamValue>(2049, null), ino: fc.constantFrom<ParamValue>(1234567, 2 ** 40, null),
  }),
  fc.record({
    k: fc.constant('socket'), tid: fc.integer({ min: 1, max: 9 }), fd: fc.integer({ min: -1, max: 8 }),
    domain: fc.constantFrom<ParamValue>(1, 2, 10, 16, null), type: fc.constantFrom<ParamValue>(1, 2, 3, 0x80001, 5, null),
  }),
  // connects on sockets, on files and on unknown fds: IPv4, IPv6 and unix tuples, none, failures
  fc.record({
    k: fc.constant('connect'), tid: fc.integer({ min: 1, max: 9 }), fd: fc.integer({ min: -1, max: 8 }), res: fc.constantFrom<ParamValue>(0, -115, -111),
    tuple: fc.constantFrom<ParamValue>(
      { family: 2, sip: '10.0.0.2', sport: 40000, dip: '169.254.169.254', dport: 80 },
      { family: 10, sip: '::1', sport: 5000, dip: '2001:db8::7', dport: 443 },
      { family: 1, path: '/run/docker.sock' }, null),
  }),
  fc.record({ k: fc.constant('close'), tid: fc.integer({ min: 1, max: 9 }), fd: fc.integer({ min: -1, max: 8 }), res: fc.constantFrom<ParamValue>(0, 0, -9, null) }),
  fc.record({ k: fc.constant('clone'), tid: fc.integer({ min: 1, max: 6 }), child: fc.integer({ min: 7, max: 9 }) }),
  fc.record({ k: fc.constant('procexit'), tid: fc.integer({ min: 1, max: 9 }) }),
);

const snapshot = (s: State) => [...s.threads.map.entries()].map(([tid, t]) => [tid, t.comm, [...(t.fds ?? new Map()).entries()]]);

test('applyQuick leaves the state as apply() does', () => {
  let quick = 0;
  fc.assert(fc.property(fc.array(op, { minLength: 40, maxLength: 120 }), (ops) => {
    const a = new State(), b = new State();
    let n = 0;
    for (const o of ops) {
      const bytes = o.k === 'open' ? rec('open', o.tid, { fd: o.fd, name: `/f${o.fd}`, flags: 0 })
        : o.k === 'openany' ? rec(o.type, o.tid, { fd: o.fd, dirfd: o.dirfd, name: o.name, flags: o.flags, mode: 0o644, dev: o.dev, ino: o.ino })
        : o.k === 'socket' ? rec('socket', o.tid, { fd: o.fd, domain: o.domain, type: o.type, proto: 0 })
        : o.k === 'connect' ? rec('connect', o.tid, { res: o.res, tuple: o.tuple, fd: o.fd })
        : o.k === 'close' ? rec('close', o.tid, { res: o.res, fd: o.fd })
        : o.k === 'clone' ? rec('clone', o.tid, { res: o.child, tid: o.tid, pid: o.tid, ptid: 0, exe: 'p', args: [], cwd: '/', comm: 'p', flags: 0 })
        : rec('procexit', o.tid, { status: 0 });
      const r = decodeRecord(bytes, 0);
      a.apply(r);
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (b.applyQuick(v, 0)) quick++; else b.apply(decodeRecord(bytes, 0));
      assert.deepEqual(snapshot(b), snapshot(a));
      // the event a rule match would build from this record (a close names the fd it closed)
      const ea = a.toEvent(r, ++n), eb = b.toEvent(decodeRecord(bytes, 0), n);
      assert.deepEqual(eb.fd, ea.fd);
      assert.equal(eb.thread.tid, ea.thread.tid);
    }
  }), { numRuns: 300 });
  assert.ok(quick > 1000, `the quick path was taken (${quick} times)`);
});
