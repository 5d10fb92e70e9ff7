// Rules per source and event type for the interpreter, so an event meets only the rules that can
// match it (a rule without event types meets every event of its source).
import type { IrRule } from '../../compiler/ir/types.js';

export type RulesFor = (source: string, type: string | undefined) => IrRule[];

export function dispatch(rules: IrRule[]): RulesFor {
  const byKey = new Map<string, IrRule[]>();
  const any = new Map<string, IrRule[]>();
  for (const r of rules) {
    if (r.eventTypes === null || r.source !== 'syscall') { (any.get(r.source) ?? any.set(r.source, []).get(r.source)!).push(r); continue; }
    for (const t of r.eventTypes) { const k = `${r.source}/${t}`; (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(r); }
  }
  const cache = new Map<string, IrRule[]>();
  return (source, type) => {
    const k = `${source}/${type ?? ''}`;
    let list = cache.get(k);
    if (!list) { list = [...(byKey.get(k) ?? []), ...(any.get(source) ?? [])].sort((a, b) => a.id - b.id); cache.set(k, list); }
    return list;
  };
}
