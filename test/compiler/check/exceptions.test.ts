import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRules } from '../../../compiler/load/load.js';
import { buildRuleSet } from '../../../compiler/ir/build.js';
import { syscallFields } from '../../../compiler/fields/syscall.js';
import { evaluate, getterFor } from '../../../compiler/interp/index.js';
import type { Event } from '../../../schema/model.js';

const YAML = `
- list: allowed_writers
  items: [dpkg, rpm]
- rule: write below etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: "%proc.name wrote %fd.name"
  priority: ERROR
  exceptions:
    - name: pkg
      fields: proc.name
      comps: in
      values: [allowed_writers, vim]
    - name: pair
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values: [[sed, /etc/hosts], [cp, "/etc/ssl dir"]]
`;

const ev = (comm: string, name: string): Event => ({
  num: 1, ts: 0, type: 'openat', typeId: 2, dir: 'exit', cpu: 0, params: { fd: 3, name, flags: 1 }, paramOrder: ['fd', 'name', 'flags'], source: 'syscall',
  thread: { tid: 1, pid: 1, ppid: 0, comm, exe: comm, exepath: `/usr/bin/${comm}`, args: [], cwd: '/', env: [], uid: 0, gid: 0, loginuid: 0, tty: 0, containerId: 'host' },
  fd: { num: 3, type: 'file', name },
});

test('exceptions lower to `and not (...)` with list names expanded, per Falco', () => {
  const load = loadRules([{ file: 'mem.yaml', text: YAML }]);
  const { ruleset, diagnostics } = buildRuleSet(load);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  const rule = ruleset.rules[0];
  const m = (comm: string, name: string) => evaluate(rule.condition, getterFor(syscallFields, ev(comm, name)));
  assert.equal(m('bash', '/etc/passwd'), true);
  assert.equal(m('dpkg', '/etc/passwd'), false); // from the list named in the single-field form
  assert.equal(m('vim', '/etc/passwd'), false);
  assert.equal(m('sed', '/etc/hosts.allow'), false); // tuple row: both parts must hold
  assert.equal(m('sed', '/etc/passwd'), true);
  assert.equal(m('cp', '/etc/ssl dir/x'), false); // a value with a space stays one literal
  assert.deepEqual(rule.outputFields.map((f) => f.field), ['proc.name', 'fd.name']);
  assert.deepEqual(rule.eventTypes, ['openat']);
});
