// The front end as a whole: files in, one sorted diagnostic list and per-file stats out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd, sortDiagnostics } from './frontend.js';
import type { Diagnostic } from './diag.js';
import { LOAD_CODES } from './load/codes.js';

const d = (file: string, line: number, col: number, code = 'X'): Diagnostic =>
  ({ code, severity: 'error', message: code, span: { file, start: { line, col, offset: 0 }, end: { line, col, offset: 0 } } });

test('diagnostics are sorted by file in load order, then line, then column; span-less ones first', () => {
  const order = new Map([['b.yaml', 0], ['a.yaml', 1]]);
  const noSpan: Diagnostic = { code: 'N', severity: 'info', message: 'n' };
  const got = sortDiagnostics([d('a.yaml', 1, 1), d('b.yaml', 3, 2), noSpan, d('b.yaml', 3, 1), d('b.yaml', 1, 9)], order);
  assert.deepEqual(got.map((x) => x.span ? `${x.span.file}:${x.span.start.line}:${x.span.start.col}` : x.code),
    ['N', 'b.yaml:1:9', 'b.yaml:3:1', 'b.yaml:3:2', 'a.yaml:1:1']);
});

test('texts in: stats per file in input order, errors counted, diagnostics from every file', () => {
  const r = compileFrontEnd([
    { file: 'one.yaml', text: '- list: l\n  items: [a]\n- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: bogus\n' },
    { file: 'two.yaml', text: '- macro: m\n  condtion: x\n' },
  ]);
  assert.deepEqual(r.stats.files.map((s) => [s.file, s.rules, s.macros, s.lists]), [['one.yaml', 0, 0, 1], ['two.yaml', 0, 0, 0]]);
  // Only the loader's codes: what later stages say about these texts is their tests' business.
  const located = r.diagnostics.filter((x) => x.span && x.code in LOAD_CODES).map((x) => `${x.span!.file}:${x.span!.start.line}:${x.code}`);
  assert.deepEqual(located, ['one.yaml:7:LOAD_BAD_PRIORITY', 'two.yaml:1:LOAD_MISSING_KEY', 'two.yaml:2:LOAD_UNKNOWN_KEY']);
  assert.equal(r.stats.errors, r.diagnostics.filter((x) => x.severity === 'error').length);
  assert.ok(r.stats.errors >= 2);
});

test('paths in: an unreadable file keeps its place in the stats and is reported, the others still load', () => {
  const good = new URL('../test/compiler/load/fixtures/base.yaml', import.meta.url).pathname;
  const r = compileFrontEnd(['/no/such.yaml', good]);
  assert.deepEqual(r.stats.files.map((s) => [s.file, s.rules]), [['/no/such.yaml', 0], [good, 1]]);
  assert.equal(r.diagnostics.filter((x) => x.severity === 'error')[0].code, 'LOAD_FILE_UNREADABLE');
  assert.equal(r.load.rules[0].name, 'Shell spawned');
});
