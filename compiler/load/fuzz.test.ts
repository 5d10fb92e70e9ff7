// Property-based fuzz of the loader: random YAML-ish text and random mutations of the real Falco
// rule files must never make it throw; whatever it rejects it rejects with positioned diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { loadRules } from './load.js';
import { LOAD_CODES } from './codes.js';
import type { LoadResult } from './types.js';

const real = readFileSync(new URL('../../../shared/falco/rules/falco_rules.yaml', import.meta.url), 'utf8');
// A slice of the real file keeps each run cheap on a shared 2-core machine.
const sample = real.slice(real.indexOf('- list:'), real.indexOf('- list:') + 12000);

function checkResult(r: LoadResult, text: string): void {
  for (const d of r.diagnostics) {
    assert.ok(d.code in LOAD_CODES, `unknown code ${d.code}`);
    assert.ok(d.message.length > 0 && !d.message.includes('\n    at '), 'message is one line, no stack');
    assert.ok(d.span, `${d.code} has a span`);
    assert.ok(d.span.start.line >= 1 && d.span.start.col >= 1 && d.span.start.offset <= text.length, `${d.code} span inside the file`);
  }
  for (const rule of r.rules) assert.equal(typeof rule.condition.text, 'string');
}

const yamlish = fc.array(fc.oneof(
  fc.constantFrom('- ', 'rule: ', 'macro: ', 'list: ', 'items: ', 'condition: ', 'override:', 'append: true', 'enabled: false',
    'priority: ', 'exceptions:', 'fields: ', 'values: ', '\n', '\n  ', '\n    ', '[', ']', '{', '}', ',', ':', '"', "'", '|', '>-',
    '#', '&a ', '*a', '!!str ', '---\n', '...\n', '\t', '\\', 'x', 'evt.type = open', 'required_engine_version: ', '0.1.0'),
  fc.string({ maxLength: 6 })), { maxLength: 60 }).map((parts) => parts.join(''));

test('fuzz: random YAML-ish text never throws and yields well-formed diagnostics', () => {
  fc.assert(fc.property(yamlish, (text) => {
    const r = loadRules([{ file: 'fuzz.yaml', text }]);
    checkResult(r, text);
  }), { numRuns: 400 });
});

test('fuzz: mutations of the real rules file never throw', () => {
  const mutation = fc.record({
    at: fc.nat({ max: sample.length }),
    del: fc.nat({ max: 20 }),
    ins: fc.oneof(fc.constantFrom('', ':', '- ', '\n', '  ', '"', "'", '[', ']', '{', '#', 'override:\n    items: append\n', 'append: true\n', '\t'), fc.string({ maxLength: 4 })),
  });
  fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
    let text = sample;
    for (const m of muts) {
      const at = Math.min(m.at, text.length);
      text = text.slice(0, at) + m.ins + text.slice(at + m.del);
    }
    const r = loadRules([{ file: 'base.yaml', text: sample }, { file: 'mutated.yaml', text }]);
    checkResult(r, text);
  }), { numRuns: 150 });
});

test('fuzz: an alias bomb and deep nesting are handled without blowing up', () => {
  const bomb = ['a: &a ["x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
  const deep = '- list: d\n  items: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
  for (const text of [bomb, deep]) {
    const r = loadRules([{ file: 'x.yaml', text }]);
    checkResult(r, text);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  }
});
