// The filter's 16-byte scans (str.ts str_contains / str_icontains, fields.ts has_odd under fd.name
// resolution) against plain JS on values long enough to take the vector loop, a match at every
// offset: inside a block, across two, in the scalar tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { resolvePath } from '../../runtime/state/fd-names.js';
import { field, cmp, rule, ruleset } from './ir-helpers.js';
import { rec } from './records.js';

test('16-byte scans (contains, icontains, the odd-path check) agree with plain JS on long values at every offset', async () => {
  // literals tested at once in one module: a match may sit in a vector block, straddle two or lie in the tail
  const needles = ['/.ssh/authorized_keys', 'id_rsa', 'x', 'ab', '/./', 'GLIBC_TUNABLES'];
  const rs = ruleset([
    ...needles.map((n, i) => rule(i, `c${i}`, cmp(field('fd.name'), 'contains', n), ['openat'])),
    ...needles.map((n, i) => rule(10 + i, `i${i}`, cmp(field('fd.name'), 'icontains', n.toLowerCase()), ['openat'])),
  ]);
  const be = await compileBackend(rs);
  assert.deepEqual(be.diagnostics, []);
  const m = await FilterModule.load(be.wasm!);
  const alphabet = ['a', 'b', 'x', '/', '.', 'A', 'B', 'X', 'id_rsa', 'ID_RSA', '/.ssh/authorized_keys', 'glibc_tunables', '//', '/./', '/../'];
  fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 40 }), (bits) => {
    const path = `/${bits.join('')}`;
    const name = resolvePath('/', path);
    const got: number[] = [];
    m.run(rec('openat', { tid: 900, pid: 900, ppid: 1, comm: 'cat' }, { fd: 3, dirfd: -100, name: path, flags: 0 }), (_i, r) => got.push(r));
    const want = [...needles.flatMap((n, i) => (name.includes(n) ? [i] : [])), ...needles.flatMap((n, i) => (name.toLowerCase().includes(n.toLowerCase()) ? [10 + i] : []))];
    assert.deepEqual(got.sort((a, b) => a - b), want.sort((a, b) => a - b), `${path} (fd.name ${name})`);
  }), { numRuns: 500 });
});

test('proc.env as text: the NUL separators become spaces in 16-byte steps and one by one', async () => {
  const needles = ['A=1 B', 'GLIBC_TUNABLES=', '=x y=', ' '];
  const rs = ruleset(needles.map((n, i) => rule(i, `e${i}`, cmp(field('proc.env'), 'contains', n), ['execve'])));
  const m = await FilterModule.load((await compileBackend(rs)).wasm!);
  let tid = 2000;
  fc.assert(fc.property(fc.array(fc.constantFrom('A=1', 'B=2', 'GLIBC_TUNABLES=glibc.malloc.mxfast=1', 'x=x', 'y=', 'LONG_VARIABLE_NAME=some/long/value'), { maxLength: 30 }), (env) => {
    const t = tid++;
    const got: number[] = [];
    m.run(rec('execve', { tid: t, pid: t, ppid: 1, comm: 'sh' }, { res: 0, exe: '/bin/sh', args: [], tid: t, pid: t, ptid: 1, cwd: '/', comm: 'sh', exepath: '/bin/sh', flags: 0, uid: 0, loginuid: 0, env }), (_i, r) => got.push(r));
    const text = env.join(' ');
    assert.deepEqual(got.sort((a, b) => a - b), needles.flatMap((n, i) => (env.length && text.includes(n) ? [i] : [])), text);
  }), { numRuns: 300 });
});
