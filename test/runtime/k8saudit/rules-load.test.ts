// The upstream k8s audit rules go through the real front end unmodified, and every field they
// name resolves in the k8s_audit table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd } from '../../../compiler/frontend.js';
import { fieldTable, lookupField } from '../../../compiler/fields/index.js';

const rules = new URL('../../../../shared/falco/rules/k8s_audit_rules.yaml', import.meta.url).pathname;

test('k8s_audit_rules.yaml loads with no errors: 48 k8s_audit rules', () => {
  const r = compileFrontEnd([rules], { source: 'k8s_audit' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  assert.equal(r.load.rules.length, 48);
  assert.ok(r.load.rules.every((x) => x.source === 'k8s_audit'));
  // Every rule is in the IR, and the fields its conditions read all resolve in the k8s_audit table.
  assert.equal(r.ruleset.rules.length, 48);
  assert.ok(r.ruleset.fieldsUsed.length >= 20, `fieldsUsed ${r.ruleset.fieldsUsed.length}`);
  const table = fieldTable('k8s_audit')!;
  for (const f of r.ruleset.fieldsUsed) assert.ok(lookupField(table, f.field), f.field);
});

test('every field in the rules\' conditions, macros and outputs resolves in the k8s_audit table', () => {
  const r = compileFrontEnd([rules], { source: 'k8s_audit' });
  const table = fieldTable('k8s_audit')!;
  const texts = [...r.load.rules.flatMap((x) => [x.condition.text, x.output]), ...[...r.load.macros.values()].map((m) => m.condition.text)];
  const names = new Set(texts.flatMap((t) => [...t.matchAll(/(?:^|[\s(%=!,])((?:ka|jevt)\.[A-Za-z0-9_.]*[A-Za-z0-9_])/g)].map((m) => m[1])));
  assert.ok(names.size >= 35, `found ${names.size}`);
  for (const n of names) assert.ok(lookupField(table, n), `${n} is not a k8s_audit field`);
});
