// A simulated run for the differential tests: `steps` generated steps of a world, their events in
// order, the records back to back, and the expected matches as "event index:rule id".
import type { Event } from '../../schema/model.js';
import type { World } from './world.js';
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
