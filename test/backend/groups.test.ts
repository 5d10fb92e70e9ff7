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
import { rec } from './records.js';
import { groupRules } from '../../compiler/backend/groups.js';
import type { IrRule, IrRuleSet } from '../../compiler/ir/types.js';
import { World, mulberry } from './world.js';
import { simulate, moduleMatches, firstOfEach, interpreterMatches } from './simulate.js';
import { and, cmp, field, not, rule, ruleset } from './ir-helpers.js';
import { pieces, randomCondition } from './random-rules.js';
import fc from 'fast-check';

const root = new URL('../../', import.meta.url).pathname;
const UPSTREAM = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => `${root}../shared/falco/rules/${f}`);

test('rules group by their first test, then by the rest, in the order of their first rule', () => {
  const r = (id: number, head: string, tail: string) => ({ id, head, tail });
  const groups = groupRules([r(0, 'a', 'x'), r(1, 'b', 'true'), r(2, 'a', 'y'), r(5, 'c', 'true'), r(7, 'b', 'true'), r(8, 'a', 'x')]);
  assert.deepEqual(groups, [
    { head: 'a', members: [{ ids: [0, 8], tail: 'x' }, { ids: [2], tail: 'y' }] },
    { head: 'b', members: [{ ids: [1, 7], tail: 'true' }] },
    { head: 'c', members: [{ ids: [5], tail: 'true' }] },
  ]);
});

for (const distinct of [false, true]) {
  test(`copies of the upstream rules${distinct ? ' made distinct (a test of their own after the rule\'s)' : ''}: matches in rule order, all and first`, () => copies(distinct));
}

async function copies(distinct: boolean) {
  const fe = compileFrontEnd(UPSTREAM);
  const syscall = fe.ruleset.rules.filter((r) => r.enabled && r.source === 'syscall');
  const rules: IrRule[] = [];
  for (let c = 0; c < 3; c++) {
    for (const r of syscall) {
      // the second copy fails its own test for one generated process name: a member of the group that does not match
      const own = cmp(field('proc.name'), '=', c === 1 ? 'bash' : `vigil-copy-${c}`);
      const condition = distinct && c > 0 ? and(r.condition, not(own)) : r.condition;
      rules.push({ ...r, id: rules.length, name: `${r.name} #${c}`, condition });
    }
  }
  const rs: IrRuleSet = { ...fe.ruleset, rules };
  const be = await compileBackend(rs);
  assert.deepEqual(be.diagnostics, []);
  // both hit-mask shapes are in the module: a local word and the multi-word buffer
  assert.match(be.asSource, /hm \|= /);
  assert.match(be.asSource, /store<u32>\(HM \+ 4, load<u32>\(HM \+ 4\) \| /);

  const run = (seed: number) => simulate(new World(mulberry(seed)), 1500, interpreterMatches(rules));
  let multi = 0;
  for (const seed of [7, 1234]) {
    const { buf, expected } = run(seed);
    // exact sequence: the same matches, and per event in rule order
    assert.deepEqual(await moduleMatches(be.wasm!, seed, buf), expected);
    const perEvent = new Map<string, number>();
    for (const x of expected) { const i = x.split(':')[0]; perEvent.set(i, (perEvent.get(i) ?? 0) + 1); }
    multi += [...perEvent.values()].filter((n) => n > 3).length;
    assert.deepEqual(await moduleMatches(be.wasm!, seed, buf, true), firstOfEach(expected));
  }
  // events matched by more than one rule's copies: the order check had something to order
  assert.ok(multi >= 20, `only ${multi} events matched several distinct rules`);
}

test('random rule sets built on a few shared first tests: WASM = interpreter, matches in rule order, all and first', async () => {
  const lits = pieces();
  let grouped = 0, multi = 0;
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
    const r = mulberry(seed);
    // a few first tests many rules begin with (as rules built on one macro), then each rule's own
    const heads = Array.from({ length: 3 }, () => randomCondition(r, lits, 1));
    const n = 20 + r.int(30);  // past 32 rules a type's match mask takes several words
    const rules = Array.from({ length: n }, (_, id) => {
      const head = heads[r.int(heads.length)];
      const k = r.int(4);
      const condition = k === 0 ? head : k === 1 ? randomCondition(r, lits) : and(head, randomCondition(r, lits, 1));
      return rule(id, `r${id}`, condition, ['open', 'openat', 'execve', 'unlinkat', 'chmod']);
    });
    const be = await compileBackend(ruleset(rules));
    assert.deepEqual(be.diagnostics, []);
    if (/hm \|= |hn = true/.test(be.asSource)) grouped++;
    const { buf, expected } = simulate(new World(mulberry(seed)), 300, interpreterMatches(rules));
    assert.deepEqual(await moduleMatches(be.wasm!, seed, buf), expected);
    const first = firstOfEach(expected);
    assert.deepEqual(await moduleMatches(be.wasm!, seed, buf, true), first);
    multi += expected.length - first.length;
  }), { numRuns: Number(process.env.GROUP_RUNS ?? 10) });
  // the sets must have had multi-rule groups and events matched by several rules
  assert.ok(grouped >= 5, `only ${grouped} rule sets had multi-rule groups`);
  assert.ok(multi > 50, `only ${multi} matches beyond an event's first`);
});

test('first: a later rule of a group that matches does not end the event before a lower rule of a later group', async () => {
  // r0 and r2 begin with the same guarded test (their own tests give no guard: one group, r0
  // first); r1 is a group of its own between them. For cat opening /etc/passwd r0 fails, r1 and
  // r2 match: the event's first match is r1, not the group's r2.
  const etc = cmp(field('fd.name'), 'startswith', '/etc/');
  const rs = ruleset([
    rule(0, 'r0', and(etc, not(cmp(field('proc.name'), '=', 'cat'))), ['openat']),
    rule(1, 'r1', cmp(field('proc.name'), '=', 'cat'), ['openat']),
    rule(2, 'r2', and(etc, not(cmp(field('proc.name'), '=', 'vigil-none'))), ['openat']),
  ]);
  const be = await compileBackend(rs);
  assert.match(be.asSource, /hm \|= /, 'r0 and r2 were not grouped');
  const m = await FilterModule.load(be.wasm!);
  const open = rec('openat', { tid: 4000, pid: 4000, ppid: 1, comm: 'cat' }, { fd: 3, dirfd: -100, name: '/etc/passwd', flags: 0 });
  for (const [first, want] of [[false, [1, 2]], [true, [1]]] as const) {
    const got: number[] = [];
    m.run(open, (_i, r) => got.push(r), { first });
    assert.deepEqual(got, want, `first=${first}`);
  }
});
