// Rules of one event type are tested in groups: rules whose conditions begin with the same test
// (a macro like spawned_process, or a whole rule copied under another name) test it once, and
// only when it holds does each go on to the rest of its own condition. Rules whose code is the
// same throughout are one member and one evaluation. The code is a pure function of the event and
// the state tables, so one result stands for every rule that shares it. What must not change is
// the order of an event's matches: when a group holds several rules, matches set the rules' bits
// in a mask and the hits are written from it, in rule order, at the end (rule_matching: all), or
// only the lowest (first).
import type { Pool } from './pool.js';

/** Rules with the same remaining code; `tail` is 'true' when the head is the whole condition. */
export interface Member { ids: number[]; tail: string }
export interface RuleGroup { head: string; members: Member[] }

/**
 * Groups in the order of their first rule; `rules` in rule order. Only rules with the same guard
 * bits (`guard`) share a group: a group is one candidate of the guard switch, and rules with
 * guards of their own are better skipped one by one than tested together.
 */
export function groupRules(rules: Array<{ id: number; head: string; tail: string; guard?: string }>): RuleGroup[] {
  const byHead = new Map<string, RuleGroup>();
  for (const r of rules) {
    const key = `${r.guard ?? ''}\0${r.head}`;
    let g = byHead.get(key);
    if (!g) { g = { head: r.head, members: [] }; byHead.set(key, g); }
    const m = g.members.find((x) => x.tail === r.tail);
    if (m) m.ids.push(r.id); else g.members.push({ ids: [r.id], tail: r.tail });
  }
  return [...byHead.values()];
}

export const idsOf = (g: RuleGroup): number[] => g.members.flatMap((m) => m.ids);

const both = (a: string, b: string) => (b === 'true' ? a : a === 'true' ? b : `${a} && ${b}`);

/** How a type function tests its groups and records their matches. */
export class HitWriter {
  /** some group holds several rules: matches go through the mask */
  readonly ordered: boolean;
  /** words of the module's hit mask buffer this type needs (0 when not ordered or one word) */
  readonly words: number;
  private pos = new Map<number, number>();
  private table = 0;

  /** `order`: the type's rule ids in rule order */
  constructor(private groups: RuleGroup[], order: number[], pool: Pool, private hm: string) {
    this.ordered = groups.some((g) => idsOf(g).length > 1);
    order.forEach((id, p) => this.pos.set(id, p));
    const w = Math.ceil(order.length / 32);
    this.words = this.ordered && w > 1 ? w : 0;
    if (this.ordered) this.table = pool.u32s(order);
  }

  prologue(): string[] {
    if (!this.ordered) return [];
    if (this.words === 0) return ['  let hm: u32 = 0;'];
    return ['  let hn = false;', ...Array.from({ length: this.words }, (_, k) => `  store<u32>(${this.hm} + ${k * 4}, 0);`)];
  }

  /** The statement testing group g and recording its matches. */
  group(g: number): string {
    const { head, members } = this.groups[g];
    if (!this.ordered) return `if (${both(head, members[0].tail)}) { if (hit(idx, ${members[0].ids[0]})) return; }`;
    const first = members[0].ids[0];
    const parts = members.map((m) => {
      const rec = this.record(m.ids, m.ids[0] === first);
      return m.tail === 'true' ? rec : `if (${m.tail}) { ${rec} }`;
    });
    return `if (${head}) { ${parts.join(' ')} }`;
  }

  /**
   * A member's match. Groups run in the order of their first rule: the group's first rule, with
   * nothing matched before it, is the event's first match, and rule_matching: first ends there.
   */
  private record(ids: number[], lowest: boolean): string {
    const mask = new Map<number, number>();
    for (const id of ids) { const p = this.pos.get(id)!; mask.set(p >> 5, (mask.get(p >> 5) ?? 0) | (1 << (p & 31))); }
    if (this.words === 0) {
      const early = lowest ? `if (FIRST && hm == 0) { hit(idx, ${ids[0]}); return; } ` : '';
      return `${early}hm |= ${[...mask.values()].reduce((a, b) => a | b, 0) >>> 0};`;
    }
    const early = lowest ? `if (FIRST && !hn) { hit(idx, ${ids[0]}); return; } ` : '';
    const sets = [...mask].map(([w, m]) => `store<u32>(${this.hm} + ${w * 4}, load<u32>(${this.hm} + ${w * 4}) | ${m >>> 0});`);
    return `${early}hn = true; ${sets.join(' ')}`;
  }

  /** Writes the recorded matches in rule order; hit() says stop after the first (rule_matching: first). */
  epilogue(): string[] {
    if (!this.ordered) return [];
    const write = (bit: string) => `if (hit(idx, load<u32>(LIT + ${this.table} + ((${bit}) << 2)))) return;`;
    if (this.words === 0) return [`  for (let m = hm; m != 0; m &= m - 1) ${write('ctz<u32>(m)')}`];
    return [
      `  for (let w: u32 = 0; w < ${this.words}; w++) {`,
      `    for (let m = load<u32>(${this.hm} + (<usize>w << 2)); m != 0; m &= m - 1) ${write('(w << 5) + ctz<u32>(m)')}`,
      '  }',
    ];
  }
}
