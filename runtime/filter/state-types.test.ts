import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import { kernelInterest } from './state-types.js';

const id = (n: string) => EVENTS_BY_NAME.get(n)!.id;

test('the kernel is asked for the rules\' events and always for what the state tables follow', () => {
  const got = kernelInterest([id('openat'), id('ptrace')]);
  for (const n of ['ptrace', 'openat', 'close', 'clone', 'fork', 'vfork', 'execve', 'procexit', 'dup2', 'socket', 'connect', 'accept', 'bind', 'chdir', 'fchdir', 'setuid']) {
    assert.ok(got.includes(id(n)), `${n} in the interest set`);
  }
  assert.deepEqual(got, [...new Set(got)].sort((a, b) => a - b), 'sorted, no repeats');
  assert.equal(got.includes(id('read')), false, 'nothing the rules or the state do not need');
});
