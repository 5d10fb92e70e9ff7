// Rules of one event type whose conditions compile to the same code are evaluated once per event:
// copies of a rule under other names, rules that differ only in tests that fold away for this
// type. The code is a pure function of the event and the state tables, so one result stands for
// every rule of the group. What must not change is the order of an event's matches (rule order,
// as Falco raises them in rule_matching: all): when a group holds several rules, matched groups
// set their rules' bits in a mask and the hits are written from it, in rule order, at the end.
import type { Pool } from './pool.js';

export interface RuleGroup { ids: number[]; cond: string }

/** Groups in the order of their first rule; `rules` in rule order. */
export function groupRules(rules: Array<{ id: number; cond: string }>): RuleGroup[] {
  const byCond = new Map<string, RuleGroup>();
  for (const r of rules) {
    const g = byCond.get(r.cond);
    if (g) g.ids.push(r.id);
    else byCond.set(r.cond, { ids: [r.id], cond: r.cond });
  }
  return [...byCond.values()];
}

/** How a type function records its matched groups. */
export class HitWriter {
  /** some group holds several rules: hits go through the mask */
  readonly ordered: boolean;
  /** words of the module's hit mask buffer this type needs (0 when not ordered or one word) */
  readonly words: number;
  private pos = new Map<number, number>();
  private table = 0;

  /** `order`: the type's rule ids in rule order */
  constructor(private groups: RuleGroup[], order: number[], pool: Pool, private hm: string) {
    this.ordered = groups.some((g) => g.ids.length > 1);
    const ids = order;
    ids.forEach((id, p) => this.pos.set(id, p));
    const w = Math.ceil(ids.length / 32);
    this.words = this.ordered && w > 1 ? w : 0;
    if (this.ordered) this.table = pool.u32s(ids);
  }

  prologue(): string[] {
    if (!this.ordered) return [];
    if (this.words === 0) return ['  let hm: u32 = 0;'];
    return Array.from({ length: this.words }, (_, k) => `  store<u32>(${this.hm} + ${k * 4}, 0);`);
  }

  /** Statements for "group g matched". */
  matched(g: number): string {
    const ids = this.groups[g].ids;
    if (!this.ordered) return `if (hit(idx, ${ids[0]})) return;`;
    // rule_matching: first: groups run in the order of their first rule, so this is the event's first match
    const first = `if (FIRST) { hit(idx, ${ids[0]}); return; }`;
    const mask = new Map<number, number>();
    for (const id of ids) { const p = this.pos.get(id)!; mask.set(p >> 5, (mask.get(p >> 5) ?? 0) | (1 << (p & 31))); }
    const sets = [...mask].map(([w, m]) => (this.words === 0 ? `hm |= ${m >>> 0};`
      : `store<u32>(${this.hm} + ${w * 4}, load<u32>(${this.hm} + ${w * 4}) | ${m >>> 0});`));
    return `${first} ${sets.join(' ')}`;
  }

  epilogue(): string[] {
    if (!this.ordered) return [];
    const write = (bit: string) => `hit(idx, load<u32>(LIT + ${this.table} + ((${bit}) << 2)));`;
    if (this.words === 0) return [`  for (let m = hm; m != 0; m &= m - 1) ${write('ctz<u32>(m)')}`];
    return [
      `  for (let w: u32 = 0; w < ${this.words}; w++) {`,
      `    for (let m = load<u32>(${this.hm} + (<usize>w << 2)); m != 0; m &= m - 1) ${write('(w << 5) + ctz<u32>(m)')}`,
      '  }',
    ];
  }
}
