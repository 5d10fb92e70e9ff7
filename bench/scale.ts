// Rule-count scaling with the modules alternated in one process: the rule set at 1x, 16x copies,
// and 16x copies that each carry a test of their own (bench/multiply.ts), timed in turns on the
// generated mix (--mix, default node), best of the rounds each. bench/run.ts times each factor once; on a shared host
// its ratios move by +-0.2 between runs, these by a few hundredths.
//   npx tsx bench/scale.ts [--mix node|stress] [RULES.yaml...]   (default: upstream stable + incubating)
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import type { FilterModule } from '../compiler/backend/host.js';
import { MIXES, mixArg, seeded, timeWasm } from './filter-timing.js';
import { multiply } from './multiply.js';
import { mulberry } from '../test/backend/world.js';
import { concat } from '../test/backend/records.js';
import { rulesOr } from './upstream.js';

const { mix, rest } = mixArg(process.argv.slice(2));
const files = rulesOr(rest);
const ROUNDS = 5;

const fe = compileFrontEnd(files);
const be = await compileBackend(fe.ruleset, { build: false });
const compiled = new Set(be.manifest.rules.filter((r) => r.compiled).map((r) => r.id));
const same = { ...fe.ruleset, rules: fe.ruleset.rules.filter((r) => compiled.has(r.id)) };
const sets: Array<[string, ReturnType<typeof multiply>]> = [['1x', multiply(same, 1)], ['16x copies', multiply(same, 16)], ['16x distinct', multiply(same, 16, true)]];

const world = MIXES[mix](mulberry(42));
const buf = concat(Array.from({ length: 100_000 }, () => world.next().record));
const mods: Array<[string, FilterModule]> = [];
for (const [name, rs] of sets) mods.push([name, await seeded((await compileBackend(rs)).wasm!)]);
const ns = new Map<string, number[]>(mods.map(([n]) => [n, []]));
for (let i = 0; i < ROUNDS; i++) for (const [name, m] of mods) ns.get(name)!.push(timeWasm(m, buf, 1_500_000, 3).nsMin);
const best = (name: string) => Math.min(...ns.get(name)!);
console.log(`rule-count scaling on the ${mix} mix, ${same.rules.length} rules (${files.length} file(s)), ${ROUNDS} alternated rounds, best each:`);
for (const [name] of mods) {
  console.log(`  ${name.padEnd(13)} ${best(name).toFixed(1).padStart(7)} ns/event  ${(best('1x') / best(name)).toFixed(2)} of 1x   rounds: ${ns.get(name)!.map((x) => x.toFixed(0)).join(' ')}`);
}
