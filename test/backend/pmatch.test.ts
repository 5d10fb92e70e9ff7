// pmatch as Falco evaluates it (libsinsp's path prefix search: components, empty ones dropped), in
// the reference interpreter and in the compiled filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { pathUnder } from '../../compiler/interp/match.js';
import { field, cmp, rule, ruleset } from './ir-helpers.js';
import { rec } from './records.js';

test('pmatch compares path components as Falco does, in the interpreter and in WASM alike', async () => {
  const cases: Array<[string, string, boolean]> = [
    ['/etc/shadow', '/etc', true], ['/etc/shadow', '/etc/', true], ['/etc', '/etc/', true], ['/etcd/x', '/etc', false],
    ['/etc/shadow', 'etc', true], ['/etc/shadow', '/', true], ['/etc/shadow', '', true], ['/et', '/etc', false],
    ['/etc/cron.d/job', '/etc//cron.d', true], ['/etc/cron.dx', '/etc/cron.d', false], ['/tmp/x', '/tmp/x/y', false],
  ];
  const rs = ruleset(cases.map(([, entry], i) => rule(i, `p${i}`, cmp(field('fd.name'), 'pmatch', [entry]), ['openat'])));
  const m = await FilterModule.load((await compileBackend(rs)).wasm!);
  cases.forEach(([path, entry, want], i) => {
    assert.equal(pathUnder(path, entry), want, `interpreter: ${path} pmatch (${entry})`);
    const got: number[] = [];
    m.run(rec('openat', { tid: 901 + i, pid: 901 + i, ppid: 1, comm: 'cat' }, { fd: 3, dirfd: -100, name: path, flags: 0 }), (_x, r) => got.push(r));
    assert.equal(got.includes(i), want, `WASM: ${path} pmatch (${entry})`);
  });
});
