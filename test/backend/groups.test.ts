// Rules that compile to the same code share one evaluation (compiler/backend/groups.ts); an
// event's matches must still come out in rule order, all of them in rule_matching: all and the
// first in rule order in rule_matching: first. The upstream rules, each repeated three times with
// the copies interleaved (as bench/run.ts scales them), give types whose rules fit one mask word
// (connect) and types that need several (execve), guarded bodies and plain ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd } from '../../compiler/frontend.js';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { groupRules } from '../../compiler/backend/groups.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import { syscallFields } from '../../compiler/fields/syscall.js';
import type { IrRule, IrRuleSet } from '../../compiler/ir/types.js';
import { World, mulberry } from './world.js';
import { simulate } from './simulate.js';

const root = new URL('../../', import.meta.url).pathname;
const UPSTREAM = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => `${root}../shared/falco/rules/${f}`);

test('rules with the same code form one group, in the order of their first rule', () => {
  const groups = groupRules([{ id: 0, cond: 'a' }, { id: 1, cond: 'b' }, { id: 2, cond: 'a' }, { id: 5, cond: 'c' }, { id: 7, cond: 'b' }]);
  assert.deepEqual(groups, [{ ids: [0, 2], cond: 'a' }, { ids: [1, 7], cond: 'b' }, { ids: [5], cond: 'c' }]);
});

test('copies of the upstream rules: one evaluation per group, matches in rule order, all and first', async () => {
  const fe = compileFrontEnd(UPSTREAM);
  const syscall = fe.ruleset.rules.filter((r) => r.enabled && r.source === 'syscall');
  const rules: IrRule[] = [];
  for (let c = 0; c < 3; c++) for (const r of syscall) rules.push({ ...r, id: rules.length, name: `${r.name} #${c}` });
  const rs: IrRuleSet = { ...fe.ruleset, rules };
  const be = await compileBackend(rs);
  assert.deepEqual(be.diagnostics, []);
  // both hit-mask shapes are in the module: a local word and the multi-word buffer
  assert.match(be.asSource, /hm \|= /);
  assert.match(be.asSource, /store<u32>\(HM \+ 4, load<u32>\(HM \+ 4\) \| /);

  const run = (seed: number) => simulate(new World(mulberry(seed)), 1500, (ev) => {
    const get = getterFor(syscallFields, ev);
    return rules.filter((r) => (r.eventTypes === null || r.eventTypes.includes(ev.type)) && evaluate(r.condition, get)).map((r) => r.id);
  });
  let multi = 0;
  for (const seed of [7, 1234]) {
    const { buf, expected } = run(seed);
    const m = await FilterModule.load(be.wasm!);
    new World(mulberry(seed)).seed(m);
    const got: string[] = [];
    m.run(buf, (i, r) => got.push(`${i}:${r}`));
    // exact sequence: the same matches, and per event in rule order
    assert.deepEqual(got, expected);
    const perEvent = new Map<string, number>();
    for (const x of expected) { const i = x.split(':')[0]; perEvent.set(i, (perEvent.get(i) ?? 0) + 1); }
    multi += [...perEvent.values()].filter((n) => n > 3).length;

    const mf = await FilterModule.load(be.wasm!);
    new World(mulberry(seed)).seed(mf);
    const first: string[] = [];
    mf.run(buf, (i, r) => first.push(`${i}:${r}`), { first: true });
    const want = new Map<string, string>();
    for (const x of expected) { const i = x.split(':')[0]; if (!want.has(i)) want.set(i, x); }
    assert.deepEqual(first, [...want.values()]);
  }
  // events matched by more than one rule's copies: the order check had something to order
  assert.ok(multi >= 20, `only ${multi} events matched several distinct rules`);
});
