import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../../../compiler/load/load.js';
import { buildRuleSet } from '../../../compiler/ir/build.js';
import { formatDiagnostic } from '../../../compiler/diag.js';

const RULES = fileURLToPath(new URL('../../../../shared/falco/rules/', import.meta.url));

for (const name of ['falco_rules.yaml', 'falco-incubating_rules.yaml']) {
  test(`upstream ${name}: every rule parses, checks and lowers without errors`, () => {
    const file = RULES + name;
    const load = loadRules([{ file, text: readFileSync(file, 'utf8') }]);
    const { ruleset, diagnostics } = buildRuleSet(load);
    const errors = [...load.diagnostics, ...diagnostics].filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map(formatDiagnostic), []);
    assert.equal(ruleset.rules.length, load.rules.length);
    assert.ok(ruleset.rules.length > 20);
    // Every upstream syscall rule names its event types, so the kernel interest set is bounded.
    for (const r of ruleset.rules) assert.ok(r.eventTypes && r.eventTypes.length > 0, r.name);
    assert.ok(Array.isArray(ruleset.eventTypes.syscall));
    assert.ok(ruleset.fieldsUsed.some((f) => f.field === 'proc.aname' && f.arg?.kind === 'index' && !f.multi));
    assert.ok(ruleset.rules.every((r) => r.outputFields.length > 0));
  });
}

test('upstream: evttypes of a known rule follow and/or/not', () => {
  const file = RULES + 'falco_rules.yaml';
  const { ruleset } = buildRuleSet(loadRules([{ file, text: readFileSync(file, 'utf8') }]));
  const shell = ruleset.rules.find((r) => r.name === 'Terminal shell in container')!;
  assert.deepEqual(shell.eventTypes, ['execve', 'execveat']);
});
