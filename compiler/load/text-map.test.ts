// posAt must land every character of a condition on the file position it was written at, for
// every YAML scalar style, because diagnostics found after macro expansion are reported through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadRules } from './load.js';
import { sourcePosAt } from './source-text.js';
import type { SourceText } from './types.js';

function macroCondition(yamlText: string, file = 'm.yaml'): SourceText {
  const res = loadRules([{ file, text: yamlText }]);
  assert.deepEqual(res.diagnostics.filter((d) => d.severity === 'error'), []);
  const m = res.macros.get('m');
  assert.ok(m, 'macro m loaded');
  return m.condition;
}

/** Offset in `text` of (1-based) line:col. */
function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < line - 1; i++) off += lines[i].length + 1;
  return off + col - 1;
}

/** Every non-blank value character maps to the same character in the file (or the backslash of its escape), in order. */
function assertFaithful(yamlText: string, cond: SourceText): void {
  let last = -1;
  for (let i = 0; i < cond.text.length; i++) {
    const { pos } = sourcePosAt(cond, i);
    const off = offsetOf(yamlText, pos.line, pos.col);
    assert.equal(off, pos.offset, 'line:col agrees with offset');
    assert.ok(off >= last, `offsets go forward at ${i}`);
    last = off;
    const c = cond.text[i];
    if (/\s/.test(c)) continue;
    const f = yamlText[off];
    assert.ok(f === c || f === '\\', `value[${i}]=${JSON.stringify(c)} maps to ${JSON.stringify(f)} at ${pos.line}:${pos.col}`);
  }
}

/** The position posAt gives for the first occurrence of `word` in the condition. */
function posOfWord(cond: SourceText, word: string): string {
  const i = cond.text.indexOf(word);
  assert.ok(i >= 0, `${word} in ${JSON.stringify(cond.text)}`);
  const { pos } = sourcePosAt(cond, i);
  return `${pos.line}:${pos.col}`;
}

const cases: Array<{ style: string; yaml: string; text: string; at: Record<string, string> }> = [
  { style: 'plain one line', yaml: '- macro: m\n  condition: evt.type = open and fd.num > 2\n', text: 'evt.type = open and fd.num > 2', at: { 'fd.num': '2:34' } },
  { style: 'plain multi-line', yaml: '- macro: m\n  condition: evt.type = open\n    and   fd.num > 2\n    and proc.name = x\n', text: 'evt.type = open and   fd.num > 2 and proc.name = x', at: { 'fd.num': '3:11', 'proc.name': '4:9' } },
  { style: 'folded >', yaml: '- macro: m\n  condition: >\n    evt.type = open\n    and proc.name in (a, b)\n\n    and fd.num > 2\n', text: 'evt.type = open and proc.name in (a, b)\nand fd.num > 2\n', at: { 'proc.name': '4:9', 'fd.num': '6:9' } },
  { style: 'folded >-', yaml: '- macro: m\n  condition: >-\n      evt.type = open\n      and proc.name = x\n', text: 'evt.type = open and proc.name = x', at: { 'evt.type': '3:7', 'proc.name': '4:11' } },
  { style: 'folded > with more-indented line', yaml: '- macro: m\n  condition: >\n    a = 1\n      or b = 2\n    and c = 3\n', text: 'a = 1\n  or b = 2\nand c = 3\n', at: { 'b =': '4:10', 'c =': '5:9' } },
  { style: 'literal |', yaml: '- macro: m\n  condition: |\n    evt.type = open\n      and proc.name = x\n', text: 'evt.type = open\n  and proc.name = x\n', at: { 'proc.name': '4:11' } },
  { style: 'literal |- with comment after header', yaml: '- macro: m\n  condition: |- # why\n    evt.type = open\n    and x = "a b"\n', text: 'evt.type = open\nand x = "a b"', at: { 'x =': '4:9', '"a b"': '4:13' } },
  { style: 'single-quoted', yaml: "- macro: m\n  condition: 'proc.name = ''it''s'' and fd.num > 2'\n", text: "proc.name = 'it's' and fd.num > 2", at: { 'fd.num': '2:41' } },
  { style: 'single-quoted multi-line', yaml: "- macro: m\n  condition: 'a = 1\n    and b = 2'\n", text: 'a = 1 and b = 2', at: { 'b =': '3:9' } },
  { style: 'double-quoted with escapes', yaml: '- macro: m\n  condition: "proc.name = \\"x\\" and\\tfd.num > 2"\n', text: 'proc.name = "x" and\tfd.num > 2', at: { 'fd.num': '2:38' } },
  { style: 'double-quoted with line continuation', yaml: '- macro: m\n  condition: "a = 1 and \\\n    b = 2\n    and c = \\u0041"\n', text: 'a = 1 and b = 2 and c = A', at: { 'b =': '3:5', 'c =': '4:9', 'A': '4:13' } },
  { style: 'CRLF line ends, folded', yaml: '- macro: m\r\n  condition: >\r\n    a = 1\r\n    and b = 2\r\n', text: 'a = 1 and b = 2\n', at: { 'b =': '4:9' } },
];

for (const c of cases) {
  test(`posAt maps a ${c.style} condition to its file positions`, () => {
    const cond = macroCondition(c.yaml);
    assert.equal(cond.text, c.text);
    assertFaithful(c.yaml, cond);
    for (const [word, at] of Object.entries(c.at)) assert.equal(posOfWord(cond, word), at, word);
  });
}

test('posAt at the end of a condition points just past its last character', () => {
  const y = '- macro: m\n  condition: a = 1\n';
  const cond = macroCondition(y);
  assert.deepEqual(sourcePosAt(cond, cond.text.length).pos, { line: 2, col: 19, offset: 29 });
});

test('an appended condition keeps each piece in its own file', () => {
  const base = '- macro: m\n  condition: >\n    a = 1\n';
  const extra = '# local tweaks\n- macro: m\n  condition: or b = 2\n  override:\n    condition: append\n';
  const res = loadRules([{ file: 'base.yaml', text: base }, { file: 'local.yaml', text: extra }]);
  assert.deepEqual(res.diagnostics, []);
  const cond = res.macros.get('m')!.condition;
  assert.equal(cond.text, 'a = 1\n or b = 2');
  assert.deepEqual(sourcePosAt(cond, cond.text.indexOf('a')), { file: 'base.yaml', pos: { line: 3, col: 5, offset: 30 } });
  const b = sourcePosAt(cond, cond.text.indexOf('b'));
  assert.equal(b.file, 'local.yaml');
  assert.deepEqual([b.pos.line, b.pos.col], [3, 17]);
});

// Random conditions laid out in random scalar styles: the mapping stays faithful for all of them.
const word = fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}$/);
const op = fc.constantFrom('=', '!=', 'in', 'and', 'or', '(', ')', '<', 'contains', "'q'", '"dq"', '#x');
const tokens = fc.array(fc.oneof(word, op), { minLength: 1, maxLength: 25 });

function layout(toks: string[], style: number, breaks: boolean[], indent: number): string | undefined {
  const pad = ' '.repeat(indent);
  const lines: string[][] = [[]];
  toks.forEach((t, i) => { lines[lines.length - 1].push(t); if (breaks[i % breaks.length] && i < toks.length - 1) lines.push([]); });
  const joined = lines.map((l) => l.join(' '));
  switch (style) {
    case 0: return `- macro: m\n  condition: >\n${joined.map((l) => pad + l).join('\n')}\n`;
    case 1: return `- macro: m\n  condition: |-\n${joined.map((l) => pad + l).join('\n')}\n`;
    case 2: return `- macro: m\n  condition: '${joined.map((l) => l.replaceAll("'", "''")).join(`\n${pad}`)}'\n`;
    case 3: return `- macro: m\n  condition: "${joined.map((l) => l.replaceAll('\\', '\\\\').replaceAll('"', '\\"')).join(`\\\n${pad}`)}"\n`;
    default: {
      // Plain scalars cannot start with an indicator or contain ': ' / ' #'; skip those layouts.
      if (/^['"#(!<]/.test(joined[0]) || joined.some((l) => / #|: /.test(l))) return undefined;
      return `- macro: m\n  condition: ${joined.join(`\n${pad}`)}\n`;
    }
  }
}

test('property: posAt is faithful for random conditions in every scalar style', () => {
  fc.assert(fc.property(tokens, fc.integer({ min: 0, max: 4 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.integer({ min: 4, max: 8 }), (toks, style, breaks, indent) => {
    const y = layout(toks, style, breaks, indent);
    if (y === undefined) return;
    const res = loadRules([{ file: 'p.yaml', text: y }]);
    const m = res.macros.get('m');
    if (!m) {
      // Only layouts YAML itself rejects may fail to load (e.g. a plain scalar that is a YAML indicator).
      assert.ok(res.diagnostics.some((d) => d.code === 'LOAD_YAML_SYNTAX' || d.code === 'LOAD_BAD_TYPE'), JSON.stringify(res.diagnostics));
      return;
    }
    assertFaithful(y, m.condition);
  }), { numRuns: 300 });
});
