// The filter allocates nothing while events flow: linear memory is the same size before and after
// 10M events of the generated host mix (execs, opens, reads/writes, connects) through the upstream rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd } from '../../compiler/frontend.js';
import { compileBackend } from '../../compiler/backend/index.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { World, mulberry } from './world.js';

test('memory is constant over 10M events', async () => {
  const fe = compileFrontEnd(['../shared/falco/rules/falco_rules.yaml', '../shared/falco/rules/falco-incubating_rules.yaml']);
  const be = await compileBackend(fe.ruleset);
  const m = await FilterModule.load(be.wasm!);
  const world = new World(mulberry(7));
  world.seed(m);
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < 50_000) { const g = world.next(); parts.push(g.record); n += g.before ? 2 : 1; }
  const buf = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0; for (const p of parts) { buf.set(p, at); at += p.length; }
  m.run(buf, () => {});
  const before = m.memoryBytes();
  let matches = 0;
  const reps = Math.ceil(10_000_000 / n);
  for (let i = 0; i < reps; i++) m.run(buf, () => { matches++; });
  assert.equal(m.memoryBytes(), before);
  assert.ok(matches > 0, 'the mix must produce matches');
  assert.ok(reps * n >= 10_000_000);
});
