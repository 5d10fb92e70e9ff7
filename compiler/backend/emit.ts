// IR -> AssemblyScript module. One function per event type holds every rule that can match that
// type, in rule order (typegen.ts writes the conditions); where rules have guards (guard.ts:
// literals their conditions need), the guard bits select the rules to run, and rules that begin
// with the same test are tested as one group (groups.ts). module.ts is the module's fixed part.
import { EVENTS } from '../../schema/events.js';
import type { Diagnostic } from '../diag.js';
import type { IrExpr, IrRule, IrRuleSet } from '../ir/types.js';
import { Pool } from './pool.js';
import { GuardRegistry } from './guard.js';
import { moduleSource } from './module.js';
import { groupRules, HitWriter } from './groups.js';
import { FieldCache, Helpers, TypeGen, Unsupported, keyOf } from './typegen.js';

export interface EmitOptions {
  /** Drop rules the back end cannot compile (with a warning each) instead of failing. */
  skipUnsupported?: boolean;
}

export interface EmitResult {
  source: string;
  /** Rules compiled into the module (ids from the IR). */
  compiled: number[];
  /** Per event type id, the rule ids its function evaluates. */
  dispatch: Map<number, number[]>;
  diagnostics: Diagnostic[];
}

/** Counts sub-expressions (and/or/not/cmp) that occur in more than one place among `rules`. */
function sharedKeys(rules: IrRule[], keys: WeakMap<object, string>): Set<string> {
  const count = new Map<string, number>();
  const walk = (e: IrExpr) => {
    if (e.k === 'const' || e.k === 'exists') return;
    if (e.k === 'cmp') {
      // header fields and evt.type are as cheap as the memo itself
      if (e.lhs.k === 'field' && /^(evt\.type|evt\.dir|proc\.name|user\.uid|proc\.pid)$/.test(e.lhs.ref.field)) return;
    }
    const k = keyOf(e, keys);
    count.set(k, (count.get(k) ?? 0) + 1);
    if ((count.get(k) ?? 0) > 1) return; // children already counted once
    if (e.k === 'and' || e.k === 'or') e.args.forEach(walk);
    else if (e.k === 'not') walk(e.arg);
  };
  for (const r of rules) walk(r.condition);
  return new Set([...count].filter(([, n]) => n > 1).map(([k]) => k));
}

export function emitRuleSet(rs: IrRuleSet, opts: EmitOptions = {}): EmitResult {
  const pool = new Pool();
  const keys = new WeakMap<object, string>();
  const cache = new FieldCache();
  const diagnostics: Diagnostic[] = [];
  const bad = new Set<number>();
  // One module filters one source; syscall rules are the only ones records carry.
  const enabled = rs.rules.filter((r) => r.enabled && (r.source === 'syscall' || r.source === ''));
  const fns: string[] = [];
  const dispatch = new Map<number, number[]>();
  const bodies = new Map<number, { locals: string[]; lines: string[]; ids: number[] }>();
  let helpers = new Helpers();
  let memoCount = 0;
  let guards = new GuardRegistry();
  let candWords = 1, hmWords = 1;

  // Two passes: the first finds rules the back end cannot compile, the second emits the rest.
  for (let pass = 0; pass < 2; pass++) {
    bodies.clear();
    helpers = new Helpers();
    guards = new GuardRegistry();
    for (const ev of EVENTS) {
      const rules = enabled.filter((r) => !bad.has(r.id) && (r.eventTypes === null || r.eventTypes.includes(ev.name)));
      if (rules.length === 0) continue;
      const gen = new TypeGen(ev, pool, sharedKeys(rules, keys), keys, cache, helpers);
      gen.planGuards(rules, guards);
      const ids: number[] = [];
      const emitted: Array<{ id: number; head: string; tail: string }> = [];
      for (const r of rules) {
        let cond: { head: string; tail: string } | 'false';
        try { cond = gen.split(r.condition); } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
          if (!bad.has(r.id)) {
            bad.add(r.id);
            diagnostics.push({ code: 'BACKEND_UNSUPPORTED', severity: opts.skipUnsupported ? 'warning' : 'error', message: `rule "${r.name}": ${err.message}`, span: err.span ?? r.span, item: r.name });
          }
          continue;
        }
        if (cond === 'false') continue;
        ids.push(r.id);
        emitted.push({ id: r.id, ...cond });
      }
      const groups = groupRules(emitted.map((e) => ({ ...e, guard: gen.guardSignature(e.id) })));
      const hits = new HitWriter(groups, ids, pool, 'HM');
      hmWords = Math.max(hmWords, hits.words);
      let lines = [...hits.prologue(), ...groups.map((_g, i) => `  ${hits.group(i)}`), ...hits.epilogue()];
      const guarded = gen.guardedBody(groups, 'CAND', hits);
      if (guarded) { lines = guarded; candWords = Math.max(candWords, Math.ceil(groups.length / 32)); }
      if (pass === 1 && ids.length) { bodies.set(ev.id, { locals: gen.locals, lines, ids }); memoCount = Math.max(memoCount, gen.locals.length); }
    }
  }
  const typeFns = new Map<string, number>(), caseFn = new Map<number, number>();
  for (const [id, b] of bodies) {
    dispatch.set(id, b.ids);
    const locals = b.locals.length ? `  ${b.locals.map((l) => `${l} = 0;`).join(' ')}\n` : '';
    // event types with the same body (dup/dup2/dup3...) share one function
    const body = `(rec: usize, idx: u32): void {\n${locals}${b.lines.join('\n')}\n}`;
    const same = typeFns.get(body);
    if (same !== undefined) { caseFn.set(id, same); continue; }
    typeFns.set(body, id); caseFn.set(id, id);
    fns.push(`function t${id}${body}`);
  }
  fns.push(...helpers.list);
  const cases = [...bodies.keys()].map((id) => `    case ${id}: t${caseFn.get(id)}(rec, idx); break;`).join('\n');
  const data = pool.size ? `const LIT: usize = memory.data<u8>([${pool.data().join(',')}]);` : 'const LIT: usize = 0;';
  const source = moduleSource({
    rules: enabled.length, data, cacheSize: cache.size, guardDecls: [...guards.decls, `const CAND: usize = memory.data(${candWords * 4}, 4);`, `const HM: usize = memory.data(${hmWords * 4}, 4);`],
    memoCount, cases, functions: fns,
  });
  // a rule whose condition folds to false for every event type is compiled too: it never matches
  return { source, compiled: enabled.filter((r) => !bad.has(r.id)).map((r) => r.id), dispatch, diagnostics };
}
