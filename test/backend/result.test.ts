// Failed calls: rules that need the call to have succeeded are skipped, and the few that can
// match a failure are tested without the guard walks (compiler/backend/result.ts, GuardPlan.body).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsSuccess } from '../../compiler/backend/result.js';
import { compileBackend } from '../../compiler/backend/index.js';
import type { IrExpr } from '../../compiler/ir/types.js';
import { field, cmp, and, or, not, rule, ruleset } from './ir-helpers.js';
import { World, mulberry, PATHS } from './world.js';
import { simulate, moduleMatches, firstOfEach, interpreterMatches } from './simulate.js';

const fdnum = field('fd.num'), rawres = field('evt.rawres'), name = field('fd.name'), comm = field('proc.name');

test('a condition needs success when every way to satisfy it tests the result >= 0', () => {
  // as for an open: an evt.type test naming execve is never true
  const resultTest = (c: Extract<IrExpr, { k: 'cmp' }>) => (c.lhs.k === 'field' && c.lhs.ref.field === 'evt.type' ? (c.rhs.k === 'literal' && c.rhs.value === 'execve' ? 'never' as const : undefined)
    : c.lhs.k === 'field' && ['fd.num', 'evt.rawres'].includes(c.lhs.ref.field)
      ? { op: c.op, vals: c.rhs.k === 'list' ? c.rhs.items.map((i) => (i.k === 'literal' ? i.value : '')) : c.rhs.k === 'literal' ? [c.rhs.value] : [] } : undefined);
  const yes = (e: IrExpr) => assert.equal(needsSuccess(e, resultTest), true);
  const no = (e: IrExpr) => assert.equal(needsSuccess(e, resultTest), false);
  yes(cmp(fdnum, '>=', 0n)); yes(cmp(rawres, '=', 0n)); yes(cmp(rawres, '>', -1n)); yes(cmp(rawres, 'in', [0n, 1n, 2n]));
  yes(and(cmp(name, '=', '/etc/x'), cmp(fdnum, '>=', 0n)));
  yes(or(cmp(fdnum, '>=', 0n), and(cmp(comm, '=', 'sh'), cmp(rawres, '>', 0n))));
  no(cmp(fdnum, '>=', -1n)); no(cmp(rawres, '>', -2n)); no(cmp(rawres, '=', -115n)); no(cmp(rawres, 'in', [0n, -115n])); no(cmp(fdnum, '!=', -1n));
  // an or with a branch a failure can satisfy, and negations, are not taken apart
  no(or(cmp(fdnum, '>=', 0n), cmp(comm, '=', 'sh')));
  no(not(cmp(fdnum, '<', 0n)));
  no(cmp(name, '=', '/etc/x'));
  // a branch written for another event type does not count (upstream's cron rule: open_write and
  // a cron path, or an exec of crontab)
  const etype = field('evt.type');
  yes(or(and(cmp(fdnum, '>=', 0n), cmp(name, 'startswith', '/etc/cron')), and(cmp(etype, '=', 'execve'), cmp(comm, '=', 'crontab'))));
  no(or(and(cmp(fdnum, '>=', 0n), cmp(name, 'startswith', '/etc/cron')), and(cmp(etype, '=', 'open'), cmp(comm, '=', 'crontab'))));
});

test('failed opens skip the walks and test only the rules a failure can match: WASM = interpreter', async () => {
  const open = ['open', 'openat'];
  const ok = cmp(fdnum, '>=', 0n);
  // five guarded rules that need a successful open, two that a failed one can match
  const rules = [
    rule(0, 'etc ok', and(cmp(name, 'startswith', '/etc/'), ok), open),
    rule(1, 'shadow ok', and(ok, cmp(name, 'endswith', 'shadow')), open),
    rule(2, 'proc ok', and(cmp(name, 'startswith', '/proc/'), cmp(rawres, '>', -1n)), open),
    rule(3, 'failed below /etc', and(cmp(name, 'startswith', '/etc/'), cmp(rawres, '<', 0n)), open),
    rule(4, 'ssh any', cmp(name, 'contains', '.ssh'), open),
    rule(5, 'var ok', and(cmp(name, 'startswith', '/var/'), ok), open),
    rule(6, 'root ok', or(and(cmp(name, 'startswith', '/root/'), ok), and(cmp(name, 'startswith', '/home/'), cmp(rawres, '=', 0n))), open),
  ];
  // and past 32 rule groups, where the selection is a buffer of words rather than a local
  const more = [...rules, ...Array.from({ length: 36 }, (_, k) => rule(7 + k, `more ${k}`, and(cmp(comm, '!=', `c${k}`), cmp(name, 'startswith', PATHS[k % PATHS.length].slice(0, 4 + (k >> 3))), ok), open))];
  // one run; the first rule set's matches are the wide set's matches of its ids
  const { events, buf, expected: wide } = simulate(new World(mulberry(11)), 3000, interpreterMatches(more));
  const expected = wide.filter((x) => Number(x.split(':')[1]) < rules.length);
  for (const [rs, want, words] of [[rules, expected, 1], [more, wide, 2]] as const) {
    const be = await compileBackend(ruleset([...rs]));
    assert.deepEqual(be.diagnostics, []);
    assert.ok(be.asSource.includes('if (!(i_param(rec, 0, 8, true) && IV >= 0)) {'), 'failed opens take the unguarded branch');
    if (words > 1) assert.ok(be.asSource.includes('    store<u32>(CAND + 4, 0);\n  } else {'), 'a two-word selection');
    assert.deepEqual(await moduleMatches(be.wasm!, 11, buf), want);
    assert.deepEqual(await moduleMatches(be.wasm!, 11, buf, true), firstOfEach([...want]));
  }
  // the comparison must cover failed opens that match, and successful ones
  const failedHits = (id: number) => expected.filter((x) => { const [i, r] = x.split(':').map(Number); return r === id && Number(events[i].params.fd) < 0; }).length;
  assert.ok(failedHits(3) > 0 && failedHits(4) > 0, `failed opens matched: rule 3 ${failedHits(3)}, rule 4 ${failedHits(4)}`);
  for (const id of [0, 1, 2, 5, 6]) assert.ok(expected.some((x) => x.endsWith(`:${id}`)), `rule ${id} never matched`);
});
