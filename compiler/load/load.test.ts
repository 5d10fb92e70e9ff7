// Loader behaviour: the upstream Falco rule files, and Falco's amend semantics across files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRules, readRuleFiles } from './load.js';
import { sourcePosAt } from './source-text.js';
import type { LoadResult } from './types.js';

const upstream = (f: string) => new URL(`../../../shared/falco/rules/${f}`, import.meta.url).pathname;

function loadPaths(...names: string[]): LoadResult {
  const { files, diagnostics } = readRuleFiles(names.map(upstream));
  assert.deepEqual(diagnostics, []);
  return loadRules(files);
}

const errors = (r: LoadResult) => r.diagnostics.filter((d) => d.severity === 'error');
const counts = (r: LoadResult) => r.stats.map((s) => [s.rules, s.macros, s.lists]);

test('falco_rules.yaml alone: 25 rules, 87 macros, 49 lists, no load errors', () => {
  const r = loadPaths('falco_rules.yaml');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(counts(r), [[25, 87, 49]]);
  assert.equal(r.rules.length, 25);
  assert.equal(r.requiredEngineVersion, '0.57.0');
  assert.deepEqual(r.requiredPlugins.map((p) => p.name), ['container']);
});

test('falco-incubating_rules.yaml alone: 31 rules, 82 macros, 54 lists', () => {
  const r = loadPaths('falco-incubating_rules.yaml');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(counts(r), [[31, 82, 54]]);
});

test('both upstream files together keep their per-file counts', () => {
  const r = loadPaths('falco_rules.yaml', 'falco-incubating_rules.yaml');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(counts(r), [[25, 87, 49], [31, 82, 54]]);
  assert.equal(r.rules.length, 56);
});

test('k8s_audit_rules.yaml loads with its plugin requirements and k8s_audit source', () => {
  const r = loadPaths('k8s_audit_rules.yaml');
  assert.deepEqual(errors(r), []);
  assert.ok(r.rules.length > 0 && r.rules.every((x) => x.source === 'k8s_audit'));
  const k8s = r.requiredPlugins.find((p) => p.name === 'k8saudit');
  assert.ok(k8s?.alternatives && k8s.alternatives.length > 0);
});

test('every character of every upstream condition maps back to the same character in its file', () => {
  const file = upstream('falco_rules.yaml');
  const r = loadPaths('falco_rules.yaml');
  const text = readFileSync(file, 'utf8');
  const conds = [...r.rules.map((x) => x.condition), ...[...r.macros.values()].map((m) => m.condition)];
  let checked = 0;
  for (const c of conds) {
    for (let i = 0; i < c.text.length; i++) {
      if (/\s/.test(c.text[i])) continue;
      const { file: f, pos } = sourcePosAt(c, i);
      assert.equal(f, file);
      assert.equal(text[pos.offset], c.text[i]);
      checked++;
    }
  }
  assert.ok(checked > 10000, `checked ${checked} characters`);
});

const base = `
- list: shells
  items: [bash, sh]
- list: all_shells
  items: [shells, zsh]
- macro: spawned
  condition: evt.type = execve
- rule: R
  desc: d
  condition: spawned and proc.name in (all_shells)
  output: "o %proc.name"
  priority: warning
  tags: [a]
  exceptions:
    - name: ex1
      fields: [proc.pname, proc.cmdline]
      comps: [=, startswith]
      values:
        - [sshd, "sshd -D"]
- rule: S
  desc: second
  condition: evt.type = open
  output: s
  priority: info
`;
const load2 = (extra: string) => loadRules([{ file: 'base.yaml', text: base }, { file: 'extra.yaml', text: extra }]);

test('appending to a list extends it, and lists naming lists are expanded after loading', () => {
  const r = load2('- list: shells\n  items: [fish]\n  override:\n    items: append\n');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.lists.get('shells')!.items.map((i) => i.value), ['bash', 'sh', 'fish']);
  assert.deepEqual(r.lists.get('all_shells')!.items.map((i) => i.value), ['bash', 'sh', 'fish', 'zsh']);
  assert.equal(r.lists.get('all_shells')!.items[2].span.file, 'extra.yaml');
});

test('replacing list items', () => {
  const r = load2('- list: shells\n  items: [ksh]\n  override:\n    items: replace\n');
  assert.deepEqual(r.lists.get('all_shells')!.items.map((i) => i.value), ['ksh', 'zsh']);
});

test('appending to a macro condition joins with a space', () => {
  const r = load2('- macro: spawned\n  condition: and evt.dir = <\n  override:\n    condition: append\n');
  assert.deepEqual(errors(r), []);
  assert.equal(r.macros.get('spawned')!.condition.text, 'evt.type = execve and evt.dir = <');
  assert.equal(r.macros.get('spawned')!.condition.pieces.length, 2);
});

test('override of a rule: append condition, output, desc, tags and exceptions together', () => {
  const r = load2(`
- rule: R
  condition: and not user.name = root
  output: "user=%user.name"
  desc: more
  tags: [b, a]
  exceptions:
    - name: ex1
      values:
        - [cron, /usr/sbin/cron]
    - name: ex2
      fields: proc.name
      comps: in
      values: [vim, [nano, ed]]
  override:
    condition: append
    output: append
    desc: append
    tags: append
    exceptions: append
`);
  assert.deepEqual(errors(r), []);
  const R = r.rules.find((x) => x.name === 'R')!;
  assert.equal(R.condition.text, 'spawned and proc.name in (all_shells) and not user.name = root');
  assert.equal(R.output, 'o %proc.name user=%user.name');
  assert.equal(R.desc, 'd more');
  assert.deepEqual(R.tags, ['a', 'b']);
  assert.deepEqual(R.exceptions.map((e) => e.name), ['ex1', 'ex2']);
  assert.deepEqual(R.exceptions[0].values.map((row) => row.value.map((c) => c.value)), [['sshd', 'sshd -D'], ['cron', '/usr/sbin/cron']]);
  // single-field form: each value is a row of one entry; a nested list stays a list
  const ex2 = R.exceptions[1];
  assert.equal(Array.isArray(ex2.fields), false);
  assert.deepEqual(ex2.values.map((row) => row.value.map((c) => (Array.isArray(c.value) ? c.value.map((x) => x.value) : c.value))), [['vim'], [['nano', 'ed']]]);
});

test('override replace of priority, enabled and condition; position in rule order is kept', () => {
  const r = load2('- rule: R\n  priority: CRITICAL\n  enabled: false\n  condition: evt.type = open\n  override:\n    priority: replace\n    enabled: replace\n    condition: replace\n');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.rules.map((x) => x.name), ['R', 'S']);
  const R = r.rules[0];
  assert.equal(R.priority, 'CRITICAL');
  assert.equal(R.enabled, false);
  assert.equal(R.condition.text, 'evt.type = open');
  assert.equal(R.condition.pieces[0].piece.file, 'extra.yaml');
});

test('a rule defined again replaces the old one in its first position', () => {
  const r = load2('- rule: R\n  desc: new\n  condition: evt.type = close\n  output: n\n  priority: debug\n');
  assert.deepEqual(r.rules.map((x) => [x.name, x.desc]), [['R', 'new'], ['S', 'second']]);
  assert.deepEqual(r.rules[0].exceptions, []);
  assert.deepEqual(r.stats.map((s) => s.rules), [2, 1]);
});

test('enabled: false alone disables an existing rule and changes nothing else', () => {
  const r = load2('- rule: S\n  enabled: false\n');
  assert.deepEqual(errors(r), []);
  const S = r.rules.find((x) => x.name === 'S')!;
  assert.equal(S.enabled, false);
  assert.equal(S.desc, 'second');
  assert.deepEqual(r.stats.map((s) => s.rules), [2, 0]);
});

test('deprecated append: true appends list items, macro and rule conditions, with a warning', () => {
  const r = load2('- list: shells\n  items: [fish]\n  append: true\n- macro: spawned\n  condition: or evt.type = execveat\n  append: true\n- rule: S\n  condition: and fd.num > 2\n  append: true\n');
  assert.deepEqual(errors(r), []);
  assert.equal(r.diagnostics.filter((d) => d.code === 'LOAD_DEPRECATED_APPEND').length, 3);
  assert.deepEqual(r.lists.get('shells')!.items.map((i) => i.value), ['bash', 'sh', 'fish']);
  assert.equal(r.macros.get('spawned')!.condition.text, 'evt.type = execve or evt.type = execveat');
  assert.equal(r.rules.find((x) => x.name === 'S')!.condition.text, 'evt.type = open and fd.num > 2');
});

test('appending to undefined names is an error for each kind and form', () => {
  for (const text of [
    '- list: nope\n  items: [a]\n  override:\n    items: append\n',
    '- macro: nope\n  condition: x\n  override:\n    condition: append\n',
    '- rule: nope\n  condition: x\n  override:\n    condition: append\n',
    '- rule: nope\n  condition: x\n  override:\n    condition: replace\n',
    '- rule: nope\n  enabled: false\n  override:\n    enabled: replace\n',
    '- macro: nope\n  condition: x\n  append: true\n',
    '- rule: nope\n  enabled: true\n',
  ]) {
    const r = load2(text);
    assert.deepEqual(errors(r).map((d) => [d.code, d.item, d.span?.file]), [['LOAD_APPEND_UNDEFINED', 'nope', 'extra.yaml']], text);
  }
});

test('replacing the items of a list or the condition of a macro is a (re)definition, even of a new name', () => {
  const r = load2('- list: fresh\n  items: [a]\n  override:\n    items: replace\n- macro: spawned\n  condition: evt.type = clone\n  override:\n    condition: replace\n');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.lists.get('fresh')!.items.map((i) => i.value), ['a']);
  assert.equal(r.macros.get('spawned')!.condition.text, 'evt.type = clone');
  assert.deepEqual(r.stats[1], { file: 'extra.yaml', rules: 0, macros: 1, lists: 1 });
});

test('a rule item without condition/output/desc/priority must set enabled; other keys are ignored with a warning', () => {
  const r = load2('- rule: S\n  tags: [x]\n');
  assert.deepEqual(errors(r).map((d) => d.code), ['LOAD_MISSING_KEY']);
  const ok = load2('- rule: S\n  enabled: false\n  tags: [x]\n');
  assert.deepEqual(errors(ok), []);
  assert.deepEqual(ok.diagnostics.map((d) => d.code).sort(), ['LOAD_DEPRECATED_ENABLED', 'LOAD_UNKNOWN_KEY']);
  assert.deepEqual(ok.rules[1].tags, []);
  assert.equal(ok.rules[1].enabled, false);
});

test('appending values to an exception the rule does not have is an error', () => {
  const r = load2('- rule: R\n  exceptions:\n    - name: nope\n      values: [[a, b]]\n  override:\n    exceptions: append\n');
  assert.deepEqual(errors(r).map((d) => d.code), ['LOAD_APPEND_UNDEFINED']);
  assert.equal(r.rules[0].exceptions.length, 1, 'rule unchanged');
});

test('override rejects keys that cannot be appended and keys without an entry; the rule is unchanged', () => {
  const r = load2('- rule: R\n  priority: debug\n  enabled: false\n  override:\n    priority: append\n');
  assert.deepEqual(errors(r).map((d) => d.code), ['LOAD_BAD_OVERRIDE', 'LOAD_BAD_OVERRIDE']);
  assert.equal(r.rules[0].priority, 'WARNING');
  assert.equal(r.rules[0].enabled, true);
});

test('a malformed override section rejects the item with one error; an empty one is a plain definition', () => {
  const bad = load2('- list: shells\n  items: [x]\n  override:\n    items: prepend\n');
  assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.span?.start.line, d.span?.start.col]), [['LOAD_BAD_OVERRIDE', 4, 12]]);
  assert.deepEqual(bad.lists.get('shells')!.items.map((i) => i.value), ['bash', 'sh']);
  const notMap = load2('- list: shells\n  items: [x]\n  override: append\n');
  assert.deepEqual(notMap.diagnostics.map((d) => d.code), ['LOAD_BAD_OVERRIDE']);
  const empty = load2('- list: shells\n  items: [x]\n  override: {}\n');
  assert.deepEqual(empty.diagnostics, []);
  assert.deepEqual(empty.lists.get('shells')!.items.map((i) => i.value), ['x']);
});

test('append and override together are rejected', () => {
  const r = load2('- list: shells\n  items: [x]\n  append: true\n  override:\n    items: append\n');
  assert.deepEqual(errors(r).map((d) => d.code), ['LOAD_BAD_OVERRIDE']);
});

test('all eight priorities, case-insensitive, and info as informational', () => {
  const names = ['emergency', 'Alert', 'CRITICAL', 'error', 'warning', 'notice', 'informational', 'info', 'debug'];
  const text = names.map((p, i) => `- rule: r${i}\n  desc: d\n  condition: c\n  output: o\n  priority: ${p}\n`).join('');
  const r = loadRules([{ file: 'p.yaml', text }]);
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.rules.map((x) => x.priority), ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'INFORMATIONAL', 'DEBUG']);
});

test('defaults: source syscall, enabled, warn_evttypes true, skip-if-unknown-filter false; explicit values kept', () => {
  const r = loadRules([{ file: 'd.yaml', text: '- rule: a\n  desc: d\n  condition: c\n  output: o\n  priority: info\n- rule: b\n  desc: d\n  condition: c\n  output: o\n  priority: info\n  source: k8s_audit\n  warn_evttypes: false\n  skip-if-unknown-filter: true\n  enabled: false\n' }]);
  assert.deepEqual(r.rules.map((x) => [x.source, x.enabled, x.warnEvttypes, x.skipIfUnknownFilter]), [['syscall', true, true, false], ['k8s_audit', false, false, true]]);
});

test('list items keep numbers as written, and a list may name one defined later', () => {
  const r = loadRules([{ file: 'l.yaml', text: '- list: ports\n  items: [80, 0x1F, other]\n- list: other\n  items: ["8080"]\n' }]);
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.lists.get('ports')!.items.map((i) => i.value), ['80', '0x1F', '8080']);
});

test('a self-referencing list is a cycle, reported once', () => {
  const r = loadRules([{ file: 'c.yaml', text: '- list: a\n  items: [a, x]\n' }]);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['LIST_CYCLE']);
  assert.deepEqual(r.lists.get('a')!.items.map((i) => i.value), ['x']);
});

test('an unreadable file is a diagnostic naming it, not an exception', () => {
  const dir = new URL('.', import.meta.url).pathname;
  const r = readRuleFiles(['/nonexistent/rules.yaml', dir]);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.span?.file, d.message]), [
    ['LOAD_FILE_UNREADABLE', '/nonexistent/rules.yaml', 'cannot read rules file: no such file'],
    ['LOAD_FILE_UNREADABLE', dir, 'cannot read rules file: is a directory'],
  ]);
});

test('required_engine_version: old integer form and semver both accepted up to this engine', () => {
  const ok = loadRules([{ file: 'e.yaml', text: '- required_engine_version: 15\n- required_engine_version: 0.31.0\n' }]);
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.requiredEngineVersion, '0.31.0');
  const bad = loadRules([{ file: 'e.yaml', text: '- required_engine_version: banana\n' }]);
  assert.deepEqual(bad.diagnostics.map((d) => d.code), ['LOAD_ENGINE_VERSION']);
});

test('an empty file and a comment-only file are empty rule sets', () => {
  const r = loadRules([{ file: 'a.yaml', text: '' }, { file: 'b.yaml', text: '# nothing\n' }]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(counts(r), [[0, 0, 0], [0, 0, 0]]);
});

test('several YAML documents in one file load in order; anchors and aliases resolve', () => {
  const text = '- list: a\n  items: &shared [x, y]\n---\n- list: b\n  items: [z]\n- list: c\n  items: *shared\n';
  const r = loadRules([{ file: 'docs.yaml', text }]);
  assert.deepEqual([...r.lists.keys()], ['a', 'b']);
  assert.deepEqual(r.stats[0].lists, 2);
  // An alias cannot cross documents: c's *shared is undefined in the second document, and said so where it is.
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.span?.start.line, d.span?.start.col]), [['LOAD_YAML_SYNTAX', 7, 10], ['LOAD_BAD_TYPE', 7, 10]]);
});

test('an alias inside one document resolves to the anchored node', () => {
  const text = '- list: a\n  items: &shared [x, y]\n- list: c\n  items: *shared\n';
  const r = loadRules([{ file: 'a.yaml', text }]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.lists.get('c')!.items.map((i) => [i.value, i.span.start.line]), [['x', 2], ['y', 2]]);
});

test('CRLF files report the same line:col as LF files', () => {
  const lf = '- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: nope\n';
  const a = loadRules([{ file: 'lf.yaml', text: lf }]).diagnostics;
  const b = loadRules([{ file: 'crlf.yaml', text: lf.replaceAll('\n', '\r\n') }]).diagnostics;
  assert.deepEqual(b.map((d) => [d.code, d.span?.start.line, d.span?.start.col]), a.map((d) => [d.code, d.span?.start.line, d.span?.start.col]));
  assert.deepEqual(a.map((d) => [d.code, d.span?.start.line, d.span?.start.col]), [['LOAD_BAD_PRIORITY', 5, 13]]);
});

test('a cycle is reported once whichever list it is entered from', () => {
  for (const order of [['a', 'b', 'c'], ['c', 'b', 'a'], ['b', 'c', 'a']]) {
    const defs: Record<string, string> = { a: '[b, x]', b: '[c]', c: '[a, y]' };
    const text = order.map((n) => `- list: ${n}\n  items: ${defs[n]}\n`).join('');
    const r = loadRules([{ file: 'c.yaml', text }]);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['LIST_CYCLE'], order.join());
  }
});
