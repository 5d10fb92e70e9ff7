// `rulec compile` through the real bin/rulec.mjs: the bundle it writes loads and filters, and an
// unsupported field fails the build with a file:line:col diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilterModule } from '../../compiler/backend/host.js';
import { rec } from './records.js';

const root = new URL('../../', import.meta.url).pathname;
const rulec = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/rulec.mjs'), ...args], { cwd: root, encoding: 'utf8' });

const RULES = `- list: shells
  items: [bash, sh, zsh]
- macro: spawned_process
  condition: (evt.type in (execve, execveat) and evt.dir=<)
- rule: Shell spawned
  desc: a shell
  condition: spawned_process and proc.name in (shells)
  output: shell %proc.name by %user.name
  priority: WARNING
- rule: Env peek
  desc: env
  condition: spawned_process and proc.sname contains SECRET
  output: env %proc.cmdline
  priority: NOTICE
`;

test('rulec compile writes a bundle that filters; unsupported fields fail with file:line:col', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rulec-'));
  const file = join(dir, 'r.yaml');
  writeFileSync(file, RULES);
  const bad = rulec(['compile', file, '-o', join(dir, 'out')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error BACKEND_UNSUPPORTED: rule "Env peek": field proc.sname`));

  const ok = rulec(['compile', file, '--skip-unsupported', '-o', join(dir, 'out')]);
  assert.equal(ok.status, 0, ok.stderr);
  const manifest = JSON.parse(readFileSync(join(dir, 'out/rules.json'), 'utf8'));
  assert.deepEqual(manifest.rules.map((r: { name: string; compiled: boolean }) => [r.name, r.compiled]), [['Shell spawned', true], ['Env peek', false]]);
  assert.deepEqual(manifest.rules[0].outputFields, ['proc.name', 'user.name']);
  assert.deepEqual(manifest.interest.names, ['execve', 'execveat']);
  const m = await FilterModule.load(readFileSync(join(dir, 'out/rules.wasm')));
  const got: number[] = [];
  const buf = rec('execve', { tid: 9, pid: 9, ppid: 1, comm: 'zsh' }, { res: 0, comm: 'zsh' });
  m.run(buf, (_i, r) => got.push(r));
  assert.deepEqual(got, [0]);

  const as = rulec(['compile', file, '--skip-unsupported', '--emit-as']);
  assert.equal(as.status, 0);
  assert.match(as.stdout, /export function filter\(/);
});
