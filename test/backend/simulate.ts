// A simulated run for the differential tests: `steps` generated steps of a world, their events in
// order, the records back to back, and the expected matches as "event index:rule id".
import type { Event } from '../../schema/model.js';
import type { IrRule } from '../../compiler/ir/types.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import { syscallFields } from '../../compiler/fields/syscall.js';
import { World, mulberry } from './world.js';
import { FilterModule } from '../../compiler/backend/host.js';
import { concat } from './records.js';

export function simulate(world: World, steps: number, matches: (ev: Event) => number[]): { events: Event[]; buf: Uint8Array; expected: string[] } {
  const events: Event[] = [], parts: Uint8Array[] = [], expected: string[] = [];
  for (let i = 0; i < steps; i++) {
    const g = world.next();
    for (const ev of g.before ? [g.before, g.event] : [g.event]) {
      for (const id of matches(ev)) expected.push(`${events.length}:${id}`);
      events.push(ev);
    }
    parts.push(g.record);
  }
  return { events, buf: concat(parts), expected };
}

/** The reference interpreter's matches of `rules` (those of the event's type) on one event, for simulate(). */
export function interpreterMatches(rules: IrRule[]): (ev: Event) => number[] {
  return (ev) => {
    const get = getterFor(syscallFields, ev);
    return rules.filter((r) => (r.eventTypes === null || r.eventTypes.includes(ev.type)) && evaluate(r.condition, get)).map((r) => r.id);
  };
}

/** A module's matches over `buf` as "event index:rule id", fresh from `wasm` and seeded as world `seed` starts. */
export async function moduleMatches(wasm: Uint8Array, seed: number, buf: Uint8Array, first = false): Promise<string[]> {
  const m = await FilterModule.load(wasm);
  new World(mulberry(seed)).seed(m);
  const got: string[] = [];
  m.run(buf, (i, r) => got.push(`${i}:${r}`), { first });
  return got;
}

/** What rule_matching: first keeps of `expected`: each event's first match. */
export function firstOfEach(expected: string[]): string[] {
  const first = new Map<string, string>();
  for (const x of expected) { const i = x.split(':')[0]; if (!first.has(i)) first.set(i, x); }
  return [...first.values()];
}
