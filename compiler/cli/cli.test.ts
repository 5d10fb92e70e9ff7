// Runs the real bin/rulec.mjs as a child process: exit codes, text format and --json shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;
const bin = new URL('../../bin/rulec.mjs', import.meta.url).pathname;
const upstream = (f: string) => `../shared/falco/rules/${f}`;
const fixture = (f: string) => `test/compiler/load/fixtures/${f}`;

function rulec(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const diagLine = /^(\S+):(\d+):(\d+): (error|warning|info) ([A-Z_]+): .+$/;

test('validate of the upstream files: exit 0, per-file summary, totals', () => {
  const r = rulec('validate', upstream('falco_rules.yaml'), upstream('falco-incubating_rules.yaml'));
  assert.equal(r.code, 0, r.out + r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.ok(lines.includes(`${upstream('falco_rules.yaml')}: 25 rules, 87 macros, 49 lists`), r.out);
  assert.ok(lines.includes(`${upstream('falco-incubating_rules.yaml')}: 31 rules, 82 macros, 54 lists`), r.out);
  assert.match(lines[lines.length - 1], /^0 errors, \d+ warnings?$/);
  assert.ok(!lines.some((l) => / error [A-Z_]+:/.test(l)), r.out);
});

test('validate of a broken file: file:line:col diagnostic, exit 1', () => {
  const r = rulec('validate', fixture('bad-priority.yaml'));
  assert.equal(r.code, 1);
  const first = r.out.split('\n').find((l) => diagLine.test(l));
  assert.equal(first?.replace(/: unknown.*/, ''), `${fixture('bad-priority.yaml')}:6:13: error LOAD_BAD_PRIORITY`);
  assert.match(r.out, /\n1 error, 0 warnings\n$/);
});

test('validate reports a YAML syntax error at its position and a missing file by name', () => {
  const r = rulec('validate', fixture('yaml-syntax.yaml'), 'no/such/file.yaml');
  assert.equal(r.code, 1);
  assert.match(r.out, /^test\/compiler\/load\/fixtures\/yaml-syntax\.yaml:5:11: error LOAD_YAML_SYNTAX: /m);
  assert.match(r.out, /^no\/such\/file\.yaml:1:1: error LOAD_FILE_UNREADABLE: cannot read rules file: no such file$/m);
  assert.ok(!/\n\s+at /.test(r.out + r.err), 'no stack trace');
});

test('validate --json: one JSON object with files, totals and positioned diagnostics', () => {
  const r = rulec('validate', '--json', fixture('base.yaml'), fixture('bad-override.yaml'));
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.equal(j.ok, false);
  assert.deepEqual(j.files.map((f: { rules: number; macros: number; lists: number }) => [f.rules, f.macros, f.lists]), [[1, 1, 2], [0, 0, 0]]);
  assert.equal(j.errors, 1);
  const d = j.diagnostics.find((x: { severity: string }) => x.severity === 'error');
  assert.deepEqual([d.code, d.file, d.line, d.col, d.item], ['LOAD_BAD_OVERRIDE', fixture('bad-override.yaml'), 6, 5, 'Shell spawned']);
  assert.equal(typeof d.message, 'string');
});

test('list: one line per rule with priority, source, tags; --json array', () => {
  const r = rulec('list', fixture('base.yaml'));
  assert.equal(r.code, 0, r.err);
  const [row, total] = r.out.trimEnd().split('\n');
  assert.deepEqual(row.split('\t').slice(0, 5), ['Shell spawned', 'WARNING', 'syscall', 'enabled', 'tags=shell']);
  assert.equal(total, '1 rules');
  const j = JSON.parse(rulec('list', '--json', upstream('falco_rules.yaml')).out);
  assert.equal(j.length, 25);
  assert.ok(j.every((x: { priority: string; tags: unknown }) => typeof x.priority === 'string' && Array.isArray(x.tags)));
});

test('bad flags, no files and unknown commands: one clear line on stderr, exit 2', () => {
  for (const args of [['validate', '--bogus', 'x.yaml'], ['validate'], ['frobnicate'], ['list', '--source']]) {
    const r = rulec(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
    assert.match(r.err, /^rulec/);
  }
});

test('--help everywhere: exit 0 with usage', () => {
  for (const args of [['--help'], ['validate', '--help'], ['list', '-h'], ['help', 'validate']]) {
    const r = rulec(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.out, /^usage: rulec/);
  }
  assert.match(rulec('--help').out, /validate/);
});

test('fields: the syscall and k8s_audit tables, --source filter, --json, unknown source exit 2', () => {
  const r = rulec('fields');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^# syscall \(\d+ fields\)$/m);
  assert.match(r.out, /^# k8s_audit \(\d+ fields\)$/m);
  assert.match(r.out, /^evt\.type\s+string\s+\S/m);
  const k = rulec('fields', '--source', 'k8s_audit');
  assert.ok(!k.out.includes('# syscall'));
  assert.match(k.out, /^ka\.verb\s/m);
  const j = JSON.parse(rulec('fields', '--json', '--source', 'syscall').out);
  assert.deepEqual(Object.keys(j), ['syscall']);
  assert.ok(j.syscall.some((f: { name: string; type: string }) => f.name === 'proc.name' && f.type === 'string'));
  const bad = rulec('fields', '--source', 'nope');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^rulec fields: unknown source "nope"/);
});

test('end to end: a bad field inside a folded macro is reported at its own line:col, expanded from the rule', () => {
  const f = fixture('e2e/folded-macro.yaml');
  const r = rulec('validate', f);
  assert.equal(r.code, 1);
  const lines = r.out.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${f}:5:11: error `));
  assert.ok(i >= 0, r.out);
  assert.match(lines[i], /fd\.nmae/);
  assert.equal(lines[i + 1], `  expanded at ${f}:9:14`);
  const j = JSON.parse(rulec('validate', '--json', f).out);
  const d = j.diagnostics.find((x: { severity: string }) => x.severity === 'error');
  assert.deepEqual([d.line, d.col, d.via?.[0]?.line, d.via?.[0]?.col], [5, 11, 9, 14]);
});
