import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../../../compiler/load/load.js';
import { buildRuleSet } from '../../../compiler/ir/build.js';
import { COND_CODES } from '../../../compiler/check/codes.js';
import { formatSpan, type Diagnostic } from '../../../compiler/diag.js';

const file = fileURLToPath(new URL('./fixtures/diagnostics.yaml', import.meta.url));
const text = readFileSync(file, 'utf8');
const load = loadRules([{ file, text }]);
const { ruleset, diagnostics } = buildRuleSet(load);

/** line:col of the `nth` occurrence of `marker` in the fixture, plus `shift` columns. */
function at(marker: string, shift = 0, nth = 1): string {
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(marker, i + 1);
  assert.ok(i >= 0, `marker ${marker} not in fixture`);
  const before = text.slice(0, i + shift);
  const line = before.split('\n').length;
  return `${line}:${i + shift - before.lastIndexOf('\n')}`;
}

const find = (code: string, item?: string): Diagnostic => {
  const d = diagnostics.find((x) => x.code === code && (item === undefined || x.item === item));
  assert.ok(d, `no ${code}${item ? ` for ${item}` : ''}; got ${diagnostics.map((x) => `${x.code}(${x.item})`).join(', ')}`);
  return d;
};

// code, rule/macro/list it concerns, where it must point.
const EXPECT: Array<[string, string, string]> = [
  ['COND_SYNTAX', 'syntax', at('(proc.name = sh', 15)],
  ['COND_UNDEFINED_MACRO', 'undefined macro', at('no_such_macro')],
  ['COND_MACRO_CYCLE', 'cycle', at('condition: cyc_a', 11)],
  ['COND_UNDEFINED_LIST', 'undefined list', at('no_such_list')],
  ['COND_UNKNOWN_FIELD', 'unknown field via macro', at('proc.nosuchfield')],
  ['COND_FIELD_ARG', 'field arg', at('proc.aname[x]', 11)],
  ['COND_UNKNOWN_EVT_ARG', 'evt arg', at('evt.arg.nosuchparam')],
  ['COND_EVT_ARG_NOT_IN_TYPES', 'evt arg not in types', at('evt.arg.oldpath')],
  ['COND_OP_TYPE', 'op type', at('proc.name > 3', 10)],
  ['COND_BAD_VALUE', 'bad value', at('abc')],
  ['COND_BAD_REGEX', 'bad regex', at('"a("')],
  ['COND_QUANT_SCALAR', 'quant scalar', at('anyof proc.name')],
  ['COND_TRANSFORMER_TYPE', 'transformer type', at('proc.pid) = x')],
  ['COND_UNKNOWN_EVTTYPE', 'unknown evttype', at('evt.type in (open, nosuchcall)')],
  ['LOAD_NO_EVTTYPE', 'no evttype', at('- rule: no evttype', 2)],
  ['COND_SKIPPED_UNKNOWN_FILTER', 'skipped', at('proc.future_field')],
  ['COND_OUTPUT_FIELD', 'output field', at('"file %fd.name')],
  ['LOAD_UNUSED_MACRO', 'never_used_macro', at('- macro: never_used_macro', 2)],
  ['LOAD_UNUSED_LIST', 'never_used_list', at('- list: never_used_list', 2)],
  ['LOAD_UNKNOWN_SOURCE', 'other source', at('- rule: other source', 2)],
];

for (const [code, item, where] of EXPECT) {
  test(`${code} is reported for '${item}' at ${where}`, () => {
    const d = find(code, item);
    assert.equal(`${d.span!.start.line}:${d.span!.start.col}`, where, `${code}: ${d.message}`);
    assert.equal(d.severity, COND_CODES[code as keyof typeof COND_CODES]);
    assert.equal(formatSpan(d.span).startsWith(file), true);
  });
}

test('every documented code has a golden case', () => {
  const covered = new Set(EXPECT.map((e) => e[0]));
  assert.deepEqual(Object.keys(COND_CODES).filter((c) => !covered.has(c)), []);
});

test('a diagnostic inside a macro also points at the use site', () => {
  const d = find('COND_UNKNOWN_FIELD', 'unknown field via macro');
  assert.deepEqual(d.span!.via!.map((v) => `${v.start.line}:${v.start.col}`), [at('and bad_field_macro', 4)]);
});

test('warn_evttypes: false silences LOAD_NO_EVTTYPE, and clean rules still compile', () => {
  assert.equal(diagnostics.some((d) => d.code === 'LOAD_NO_EVTTYPE' && d.item === 'no evttype silenced'), false);
  const names = ruleset.rules.map((r) => r.name);
  assert.ok(names.includes('no evttype silenced'));
  assert.ok(names.includes('evt arg not in types'));
  assert.ok(!names.includes('skipped') && !names.includes('op type'));
  assert.equal(ruleset.rules.find((r) => r.name === 'no evttype')!.eventTypes, null);
  assert.equal(ruleset.eventTypes.syscall, null);
});
