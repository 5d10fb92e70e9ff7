import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildEvent, type EventSpec } from './events.js';
import { buildAuditEvent, type AuditSpec } from './audit-events.js';
import { compileOrThrow, defaultRuleFiles, firedRules } from './engine.js';
import type { FrontEndResult } from '../../compiler/frontend.js';
import { EVENTS_BY_NAME } from '../../schema/events.js';

const CASES_DIR = fileURLToPath(new URL('./cases', import.meta.url));

interface Case { name: string; event?: EventSpec; audit?: AuditSpec; also?: string[]; rules?: string }
interface RuleCases { rule: string; source?: string; fires: Case[]; quiet: Case[] }

const fire = (rc: RuleCases, c: Case) => (rc.source === 'k8s_audit'
  ? firedRules(rulesFor(c.rules), buildAuditEvent(c.audit!), 'k8s_audit')
  : firedRules(rulesFor(c.rules), buildEvent(c.event!))).sort();

const themes = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const allCases: Array<RuleCases & { file: string }> = themes.flatMap((f) =>
  (parse(readFileSync(join(CASES_DIR, f), 'utf8')) as RuleCases[]).map((c) => ({ ...c, file: f })));

const compiled = new Map<string, FrontEndResult>();
function rulesFor(extra?: string): FrontEndResult {
  const key = extra ?? '';
  if (!compiled.has(key)) compiled.set(key, compileOrThrow([...defaultRuleFiles(), ...(extra ? [join(CASES_DIR, extra)] : [])]));
  return compiled.get(key)!;
}

test('the default rules compile with no errors or warnings', () => {
  const r = rulesFor();
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`), []);
  assert.ok(r.ruleset.rules.length >= 25, `${r.ruleset.rules.length} rules`);
});

for (const rc of allCases) {
  test(`${rc.file}: ${rc.rule}`, () => {
    assert.ok(rulesFor().ruleset.rules.some((r) => r.name === rc.rule), `no rule named ${rc.rule}`);
    for (const c of rc.fires) {
      assert.deepEqual(fire(rc, c), [rc.rule, ...(c.also ?? [])].sort(), `fires: ${c.name}`);
    }
    for (const c of rc.quiet) {
      assert.deepEqual(fire(rc, c), [...(c.also ?? [])].sort(), `quiet: ${c.name}`);
    }
  });
}

test('every default rule has a case that fires it and a near-miss that must not', () => {
  for (const r of rulesFor().ruleset.rules) {
    const rc = allCases.find((c) => c.rule === r.name);
    assert.ok(rc && rc.fires.length > 0 && rc.quiet.length > 0, `rule without fire/near-miss cases: ${r.name}`);
  }
});

test('every rule has a description, a priority, MITRE tags and an output naming who and where', () => {
  const required = ['%proc.name', '%proc.pname', '%user.name', '%container.id', '%container.image.repository', '%k8s.pod.name', '%k8s.ns.name'];
  for (const r of rulesFor().ruleset.rules) {
    assert.ok(r.desc.trim().length > 40, `${r.name}: desc`);
    if (r.source === 'k8s_audit') {
      for (const f of ['%ka.user.name', '%ka.target.namespace']) assert.ok(r.output.includes(f), `${r.name}: output lacks ${f}`);
    }
    assert.ok(r.priority, `${r.name}: priority`);
    assert.ok(r.tags.some((t) => /^mitre_[a-z_]+$/.test(t)), `${r.name}: mitre_ tactic tag in ${r.tags}`);
    assert.ok(r.tags.some((t) => /^T\d{4}(\.\d{3})?$|^TA\d{4}$/.test(t)), `${r.name}: ATT&CK technique tag in ${r.tags}`);
    if (r.source !== 'syscall') continue;
    for (const f of required) assert.ok(r.output.includes(f), `${r.name}: output lacks ${f}`);
    assert.ok(r.eventTypes !== null && r.eventTypes.length > 0, `${r.name}: must be limited to event types`);
  }
});

test('rules use only event types the capture schema has', () => {
  for (const r of rulesFor().ruleset.rules.filter((x) => x.source === 'syscall')) {
    for (const t of r.eventTypes ?? []) assert.ok(EVENTS_BY_NAME.has(t), `${r.name}: event type ${t} is not in schema/events.ts`);
  }
  assert.deepEqual(rulesFor().ruleset.eventTypes.syscall?.filter((t) => !EVENTS_BY_NAME.has(t)), []);
});

test('users can silence a rule through its exception without editing the default files', () => {
  const ev = buildEvent({ type: 'execve', container: { imageRepository: 'docker.io/library/debug-tools' }, proc: { name: 'bash', exepath: '/bin/bash', tty: 34816 } });
  assert.deepEqual(firedRules(rulesFor(), ev), ['Interactive shell started in a container']);
  assert.deepEqual(firedRules(rulesFor('tuning/exceptions.yaml'), ev), []);
  const other = buildEvent({ type: 'execve', proc: { name: 'bash', exepath: '/bin/bash', tty: 34816 } });
  assert.deepEqual(firedRules(rulesFor('tuning/exceptions.yaml'), other), ['Interactive shell started in a container']);
});

test('the default set loads beside Falco\'s own rule files without errors or name clashes', () => {
  const falco = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'k8s_audit_rules.yaml'].map((f) => fileURLToPath(new URL(`../../../shared/falco/rules/${f}`, import.meta.url)));
  const both = compileOrThrow([...falco, ...defaultRuleFiles()]);
  const alone = rulesFor();
  const falcoOnly = compileOrThrow(falco);
  // Every Vigil rule, macro and list is new: none replaces or appends to one of Falco's.
  for (const kind of ['rules', 'macros', 'lists'] as const) {
    const names = (r: FrontEndResult) => new Set(kind === 'rules' ? r.load.rules.map((x) => x.name) : [...r.load[kind].keys()]);
    const ours = names(alone);
    const theirs = names(falcoOnly);
    for (const n of ours) assert.ok(!theirs.has(n), `${kind} name clash with Falco: ${n}`);
    assert.equal(names(both).size, ours.size + theirs.size, `${kind} count together`);
  }
  // And the Vigil rules mean the same together as alone.
  for (const r of alone.ruleset.rules) {
    const t = both.ruleset.rules.find((x) => x.name === r.name);
    assert.ok(t, r.name);
    assert.deepEqual(t.eventTypes, r.eventTypes, r.name);
  }
});
