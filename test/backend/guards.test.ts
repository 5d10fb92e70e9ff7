// Rule guards (compiler/backend/guard.ts, trie.ts, assembly/lib/trie.ts): the tries answer exactly
// the literal tests they stand for, and random rule sets built to be guarded (string tests on
// fd.name, fd.directory, fd.filename and proc.name under and/or/not, literals cut from the paths
// the simulated host opens) match in WASM exactly what the reference interpreter matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTrie, walkTrie } from '../../compiler/backend/trie.js';
import { atomsOf, onName, deriveGuard, type Atom } from '../../compiler/backend/guard.js';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import type { IrExpr } from '../../compiler/ir/types.js';
import { field, cmp, and, or, not, rule, ruleset } from './ir-helpers.js';
import { World, mulberry } from './world.js';
import { pieces, randomCondition } from './random-rules.js';
import { simulate, moduleMatches, firstOfEach, interpreterMatches } from './simulate.js';
import { rec } from './records.js';

const startsWith = (v: Uint8Array, l: Uint8Array) => l.length <= v.length && l.every((b, i) => v[i] === b);
const endsWith = (v: Uint8Array, l: Uint8Array) => l.length <= v.length && l.every((b, i) => v[v.length - l.length + i] === b);

test('a trie walk sets exactly the bits of the literals the value equals, starts with (forward) or ends with (reversed)', () => {
  const word = fc.uint8Array({ minLength: 0, maxLength: 6, min: 97, max: 100 });  // a small alphabet: shared prefixes
  fc.assert(fc.property(fc.array(fc.record({ bytes: word, whole: fc.boolean() }), { minLength: 1, maxLength: 12 }), fc.array(word, { minLength: 1, maxLength: 20 }), (lits, values) => {
    const atoms = lits.map((l, bit) => ({ ...l, bit }));
    const fwd = buildTrie(atoms);
    const rev = buildTrie(atoms.filter((a) => !a.whole).map((a) => ({ ...a, bytes: a.bytes.slice().reverse() })));
    for (const v of values) {
      const want = atoms.filter((a) => (a.whole ? a.bytes.length === v.length && startsWith(v, a.bytes) : startsWith(v, a.bytes))).map((a) => a.bit);
      assert.deepEqual([...walkTrie(fwd, v, false)].sort((x, y) => x - y), want);
      const wantRev = atoms.filter((a) => !a.whole && endsWith(v, a.bytes)).map((a) => a.bit);
      assert.deepEqual([...walkTrie(rev, v, true)].sort((x, y) => x - y), wantRev);
    }
  }), { numRuns: 300 });
});

test('guards are necessary conditions: and takes a conjunct, or needs every branch, not and != give none', () => {
  const leaf = (c: Extract<IrExpr, { k: 'cmp' }>) => {
    const atoms = atomsOf(c.op, (c.rhs.k === 'list' ? c.rhs.items : [c.rhs]).map((i) => (i.k === 'literal' ? i.value : '')));
    return atoms && c.lhs.k === 'field' ? { access: c.lhs.ref.field, atoms } : undefined;
  };
  const name = field('fd.name'), comm = field('proc.name');
  const g = deriveGuard(and(cmp(comm, '!=', 'x'), or(cmp(name, 'startswith', '/etc/'), cmp(name, 'in', ['/a', '/b'])), not(cmp(name, '=', '/etc/x'))), leaf);
  assert.deepEqual([...g!.keys()], ['fd.name']);
  assert.deepEqual(g!.get('fd.name')!.map((a) => `${a.kind}:${new TextDecoder().decode(a.bytes)}`), ['prefix:/etc/', 'eq:/a', 'eq:/b']);
  // an or with a branch that has no guard has none
  assert.equal(deriveGuard(or(cmp(name, 'startswith', '/etc/'), cmp(comm, '!=', 'sh')), leaf), null);
  // both fields when the or spans them
  assert.deepEqual([...deriveGuard(or(cmp(name, 'startswith', '/etc/'), cmp(comm, '=', 'sh')), leaf)!.keys()], ['fd.name', 'proc.name']);
  // glob: the literal part before the first wildcard, else the one after the last, else the
  // longest literal run inside; pmatch (components) gives none
  const show = (as: Atom[] | undefined) => as?.map((a) => `${a.kind}:${new TextDecoder().decode(a.bytes)}`);
  assert.deepEqual(show(atomsOf('glob', ['/proc/*/environ'])), ['prefix:/proc/']);
  assert.deepEqual(show(atomsOf('glob', ['*.so'])), ['suffix:.so']);
  assert.deepEqual(show(atomsOf('glob', ['*/.ssh/id_*'])), ['contains:/.ssh/id_']);
  assert.deepEqual(show(atomsOf('glob', ['*../*../*'])), ['contains:../']);
  assert.deepEqual(show(atomsOf('glob', ['?[a-z]lib*x*'])), ['contains:lib']);
  assert.deepEqual(show(atomsOf('glob', ['*[0-9]\\*.log'])), ['suffix:.log']);
  assert.equal(atomsOf('glob', ['*x*?*']), undefined);
  // a class left open is read differently by the matchers: nothing after it is trusted
  assert.equal(atomsOf('glob', ['*[abc']), undefined);
  assert.equal(atomsOf('pmatch', ['/var/lib/', '/']), undefined);
  assert.equal(atomsOf('contains', ['']), undefined);
  // fd.directory is a prefix of fd.name, fd.filename a suffix (its startswith: somewhere inside)
  assert.deepEqual(show(onName('fd.directory', atomsOf('in', ['/etc', '/root'])!)), ['prefix:/etc', 'prefix:/root']);
  assert.deepEqual(show(onName('fd.filename', atomsOf('startswith', ['.bash'])!)), ['contains:.bash']);
  assert.equal(onName('fd.directory', atomsOf('endswith', ['/ssh'])!), undefined);
});


test('WASM filter = reference interpreter on random rule sets made to be guarded', async () => {
  const lits = pieces();
  let guardedTypes = 0, hits = 0;
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
    const o = await randomRulesAgree(seed, lits);
    if (o.guarded) guardedTypes++;
    hits += o.hits;
  }), { numRuns: Number(process.env.GUARD_RUNS ?? 12) });
  // the rule sets must have been guarded and must have matched, or the comparison proves little
  assert.ok(guardedTypes >= 10, `only ${guardedTypes} rule sets had guards`);
  assert.ok(hits > 100, `only ${hits} matches`);
});

test('globs without a literal head are guarded by their tail or an inner run, and still match', async () => {
  // each glob matches some of the simulated host's paths; two rules per glob so the walk is built
  const globs = ['*/.ssh/id_*', '*shadow', '*.d/*', '*/kubernetes.io/*', '?etc/*o*'];
  const open = ['open', 'openat'];
  const rules = globs.flatMap((g, k) => [rule(2 * k, `g${k}`, cmp(field('fd.name'), 'glob', [g]), open),
    rule(2 * k + 1, `g${k}'`, and(cmp(field('fd.name'), 'glob', [g]), cmp(field('proc.name'), '!=', 'zz')), open)]);
  const be = await compileBackend(ruleset(rules));
  assert.ok(be.asSource.includes('trie_walk(LIT') && be.asSource.includes('str_contains(SP, SL'), 'the globs are guarded');
  const { buf, expected } = simulate(new World(mulberry(3)), 3000, interpreterMatches(rules));
  assert.deepEqual(await moduleMatches(be.wasm!, 3, buf), expected);
  for (const r of rules) assert.ok(expected.some((x) => x.endsWith(`:${r.id}`)), `${r.name} (${globs[r.id >> 1]}) never matched`);
});

/** One random rule set over one simulated run: WASM and interpreter matches compared. */
async function randomRulesAgree(seed: number, lits = pieces()): Promise<{ guarded: boolean; hits: number }> {
    const r = mulberry(seed);
    const rules = Array.from({ length: 12 }, (_, id) => rule(id, `r${id}`, randomCondition(r, lits), ['open', 'openat', 'execve', 'unlinkat', 'chmod']));
    const rs = ruleset(rules);
    const be = await compileBackend(rs);
    assert.deepEqual(be.diagnostics, []);
    const guarded = be.asSource.includes('trie_walk(LIT');
    const { events, buf, expected } = simulate(new World(mulberry(seed)), 400, interpreterMatches(rules));
    const got = await moduleMatches(be.wasm!, seed, buf);
    const show = (xs: string[]) => xs.slice(0, 5).map((x) => { const [i, rid] = x.split(':').map(Number); return `#${i} ${events[i].type} ${events[i].thread.comm} ${events[i].fd?.name ?? ''} -> r${rid}`; });
    assert.deepEqual({ missing: show(expected.filter((x) => !got.includes(x))), extra: show(got.filter((x) => !expected.includes(x))) }, { missing: [], extra: [] });
    // rule_matching: first: per event, the first rule in rule order (rules are selected by guard bits)
    assert.deepEqual(await moduleMatches(be.wasm!, seed, buf, true), firstOfEach(expected));
    return { guarded, hits: got.length };
}


test('a guard trie past its size cap is not built: its rules run unguarded and still match', async () => {
  const paths = Array.from({ length: 1500 }, (_, i) => `/opt/app${i % 97}/data/${(i * 7919).toString(36)}/file-${i}.conf`);
  const rs = ruleset([
    rule(0, 'list', cmp(field('fd.name'), 'in', paths), ['openat']),
    rule(1, 'etc', cmp(field('fd.name'), 'startswith', '/etc/'), ['openat']),
    rule(2, 'half', cmp(field('fd.name'), 'in', paths.slice(0, 750)), ['openat']),
  ]);
  const be = await compileBackend(rs);
  assert.ok(!be.asSource.includes('trie_walk(LIT'), 'the fd.name trie was built past its cap');
  const small = await compileBackend(ruleset(rs.rules.map((r) => ({ ...r, condition: r.id === 1 ? r.condition : cmp(field('fd.name'), 'in', paths.slice(0, 20)) }))));
  assert.ok(small.asSource.includes('trie_walk(LIT'), 'a small list is guarded');
  const m = await FilterModule.load(be.wasm!);
  const cases: Array<[string, number[]]> = [[paths[3], [0, 2]], [paths[1400], [0]], ['/etc/passwd', [1]], ['/opt/app1/other', []]];
  cases.forEach(([path, want], k) => {
    const got: number[] = [];
    m.run(rec('openat', { tid: 3000 + k, pid: 3000 + k, ppid: 1, comm: 'cat' }, { fd: 3, dirfd: -100, name: path, flags: 0 }), (_i, r) => got.push(r));
    assert.deepEqual(got, want, path);
  });
});
