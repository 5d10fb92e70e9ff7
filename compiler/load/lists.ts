// Expanding list references: an item of a list that names another list stands for that list's
// items. Done after every file is loaded, since a list may name one defined later or amended later.
import type { Diagnostic } from '../diag.js';
import type { Located, ResolvedList } from './types.js';
import type { UnresolvedList } from './merge.js';

export function resolveLists(lists: Map<string, UnresolvedList>, diagnostics: Diagnostic[]): Map<string, ResolvedList> {
  const done = new Map<string, ResolvedList>();
  const reported = new Set<string>();

  const expand = (name: string, stack: string[]): Array<Located<string>> => {
    const hit = done.get(name);
    if (hit) return hit.items;
    const list = lists.get(name)!;
    const items: Array<Located<string>> = [];
    for (const it of list.items) {
      if (!lists.has(it.value)) { items.push(it); continue; }
      const at = stack.indexOf(it.value);
      if (at >= 0 || it.value === name) {
        const cycle = [...stack.slice(Math.max(at, 0)), name, it.value];
        const key = [...new Set(cycle)].sort().join('\0');
        if (!reported.has(key)) {
          reported.add(key);
          diagnostics.push({ code: 'LIST_CYCLE', severity: 'error', message: `lists refer to each other in a loop: ${cycle.join(' -> ')}`, span: it.span, item: name });
        }
        continue;
      }
      items.push(...expand(it.value, [...stack, name]));
    }
    const resolved: ResolvedList = { name, items, span: list.span };
    // A list caught in a cycle is resolved once per entry point; caching the outermost is still sound
    // because the cyclic reference is dropped either way.
    if (stack.length === 0) done.set(name, resolved);
    return items;
  };

  for (const name of lists.keys()) if (!done.has(name)) expand(name, []);
  return new Map([...lists.keys()].map((n) => [n, done.get(n)!]));
}
