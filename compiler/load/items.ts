// Turns the top-level YAML items of one file into typed raw items (one per `- rule:`/`- macro:`/
// `- list:`...), checking shapes and key names. Nothing is merged here: that is merge.ts's job,
// which needs all files in order.
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Span } from '../diag.js';
import { PRIORITIES, type Priority } from '../ir/types.js';
import { readExceptions } from './exceptions.js';
import { sourceFromPiece } from './source-text.js';
import type { ExceptionDef, Located, SourceText } from './types.js';
import type { FileCtx } from './yaml-file.js';

export type OverrideMode = 'append' | 'replace';

interface RawBase {
  name: string;
  span: Span;
  /** Keys present in the item (besides the kind key), with the span of each key. */
  keys: Map<string, Span>;
  override?: Map<string, { mode: OverrideMode; span: Span }>;
  overrideSpan?: Span;
  /** The override section was malformed (already reported); the item is not applied. */
  overrideInvalid?: boolean;
  /** The deprecated `append: true`. */
  append: boolean;
  ctx: FileCtx;
}
export interface RawList extends RawBase { kind: 'list'; items?: Array<Located<string>> }
export interface RawMacro extends RawBase { kind: 'macro'; condition?: SourceText }
export interface RawRule extends RawBase {
  kind: 'rule';
  desc?: string; condition?: SourceText; output?: string; outputSpan?: Span; priority?: Priority;
  tags?: string[]; enabled?: boolean; source?: string; exceptions?: ExceptionDef[];
  warnEvttypes?: boolean; skipIfUnknownFilter?: boolean;
}
export interface RawEngine { kind: 'engine'; version: string; span: Span; ctx: FileCtx }
export interface RawPlugins { kind: 'plugins'; plugins: Array<{ name: string; version: string; alternatives?: Array<{ name: string; version: string }> }>; span: Span; ctx: FileCtx }
export type RawItem = RawList | RawMacro | RawRule | RawEngine | RawPlugins;

const COMMON_KEYS = ['override', 'append'];
const KNOWN_KEYS: Record<'list' | 'macro' | 'rule', Set<string>> = {
  list: new Set(['list', 'items', ...COMMON_KEYS]),
  macro: new Set(['macro', 'condition', ...COMMON_KEYS]),
  rule: new Set(['rule', 'desc', 'condition', 'output', 'priority', 'tags', 'enabled', 'source', 'exceptions',
    'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration', ...COMMON_KEYS]),
};
const ITEM_KINDS = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'] as const;

export function readItems(ctx: FileCtx, root: Node | null): RawItem[] {
  const out: RawItem[] = [];
  const top = ctx.deref(root);
  if (top === null || (isScalar(top) && top.value === null)) return out; // an empty file is a valid, empty rule set
  if (!isSeq(top)) {
    ctx.report('LOAD_NOT_A_LIST', 'a rules file must be a YAML sequence of items (each starting with "- rule:", "- macro:" or "- list:")', ctx.spanOf(top));
    return out;
  }
  for (const raw of top.items) {
    const node = ctx.deref(raw);
    if (node === null || (isScalar(node) && node.value === null)) continue; // a bare "-" is skipped, as in Falco
    if (!isMap(node)) {
      ctx.report('LOAD_BAD_TYPE', 'each item must be a mapping such as "rule: NAME", "macro: NAME" or "list: NAME"', ctx.spanOf(node));
      continue;
    }
    const item = readItem(ctx, node);
    if (item) out.push(item);
  }
  return out;
}

function entries(ctx: FileCtx, map: YAMLMap): Array<{ key: string; keyNode: Node; value: Node | null; pair: Pair }> {
  const res = [];
  for (const pair of map.items) {
    const keyNode = ctx.deref(pair.key);
    const key = keyNode ? ctx.scalarText(keyNode) : undefined;
    if (key === undefined || !keyNode) {
      ctx.report('LOAD_BAD_TYPE', 'keys must be plain strings', ctx.spanOf(keyNode ?? map));
      continue;
    }
    res.push({ key, keyNode, value: ctx.deref(pair.value), pair: pair as Pair });
  }
  return res;
}

function readItem(ctx: FileCtx, map: YAMLMap): RawItem | undefined {
  const es = entries(ctx, map);
  const kinds = es.filter((e) => (ITEM_KINDS as readonly string[]).includes(e.key));
  if (kinds.length === 0) {
    ctx.report('LOAD_UNKNOWN_ITEM', `unknown item (skipped): expected one of ${ITEM_KINDS.map((k) => `"${k}"`).join(', ')}, found ${es.map((e) => `"${e.key}"`).join(', ') || 'nothing'}`, ctx.spanOf(map));
    return undefined;
  }
  if (kinds.length > 1) {
    ctx.report('LOAD_BAD_TYPE', `an item must have exactly one of ${ITEM_KINDS.join(', ')}; found ${kinds.map((k) => k.key).join(' and ')}`, ctx.spanOf(kinds[1].keyNode));
    return undefined;
  }
  const kind = kinds[0];
  if (kind.key === 'required_engine_version') return readEngine(ctx, kind.value, map);
  if (kind.key === 'required_plugin_versions') return readPlugins(ctx, kind.value, map);
  const k = kind.key as 'rule' | 'macro' | 'list';
  const name = kind.value ? ctx.scalarText(kind.value) : undefined;
  if (name === undefined || name === '') {
    ctx.report(name === '' || !kind.value || (isScalar(kind.value) && kind.value.value === null) ? 'LOAD_MISSING_KEY' : 'LOAD_BAD_TYPE',
      `${k} name must be a non-empty string`, ctx.spanOf(kind.value ?? kind.keyNode));
    return undefined;
  }
  const base: RawBase = { name, span: ctx.spanOf(map), keys: new Map(), append: false, ctx };
  const values = new Map<string, Node | null>();
  for (const e of es) {
    if (e.key === k) continue;
    if (!KNOWN_KEYS[k].has(e.key)) {
      ctx.report('LOAD_UNKNOWN_KEY', `unknown key "${e.key}" in ${k} "${name}" (ignored)`, ctx.spanOf(e.keyNode), name);
      continue;
    }
    base.keys.set(e.key, ctx.spanOf(e.keyNode));
    values.set(e.key, e.value);
  }
  if (values.has('append')) {
    const v = readBool(ctx, values.get('append')!, 'append', name);
    base.append = v ?? false;
  }
  if (values.has('override')) readOverride(ctx, values.get('override')!, base);

  if (k === 'list') {
    const item: RawList = { ...base, kind: 'list' };
    if (values.has('items')) item.items = readStringList(ctx, values.get('items')!, 'items', name);
    return item;
  }
  if (k === 'macro') {
    const item: RawMacro = { ...base, kind: 'macro' };
    if (values.has('condition')) item.condition = readCondition(ctx, values.get('condition')!, name);
    return item;
  }
  const r: RawRule = { ...base, kind: 'rule' };
  for (const [key, v] of values) {
    switch (key) {
      case 'desc': r.desc = readString(ctx, v, key, name, true); break;
      case 'condition': r.condition = readCondition(ctx, v, name); break;
      case 'output': r.output = readString(ctx, v, key, name, true); r.outputSpan = ctx.spanOf(v); break;
      case 'priority': r.priority = readPriority(ctx, v, name); break;
      case 'tags': r.tags = readStringList(ctx, v, key, name)?.map((t) => t.value); break;
      case 'enabled': r.enabled = readBool(ctx, v, key, name); break;
      case 'source': r.source = readString(ctx, v, key, name, false); break;
      case 'exceptions': r.exceptions = readExceptions(ctx, v, name); break;
      case 'warn_evttypes': r.warnEvttypes = readBool(ctx, v, key, name); break;
      case 'skip-if-unknown-filter': r.skipIfUnknownFilter = readBool(ctx, v, key, name); break;
    }
  }
  return r;
}

function readOverride(ctx: FileCtx, node: Node | null, base: RawBase): void {
  base.overrideSpan = ctx.spanOf(node);
  if (!isMap(node)) {
    ctx.report('LOAD_BAD_OVERRIDE', 'override must be a mapping of key: append|replace', ctx.spanOf(node), base.name);
    base.overrideInvalid = true;
    return;
  }
  base.override = new Map();
  for (const e of entries(ctx, node)) {
    const mode = e.value ? ctx.scalarText(e.value) : undefined;
    if (mode !== 'append' && mode !== 'replace') {
      ctx.report('LOAD_BAD_OVERRIDE', `override of "${e.key}" must be "append" or "replace"`, ctx.spanOf(e.value ?? e.keyNode), base.name);
      base.overrideInvalid = true;
      continue;
    }
    base.override.set(e.key, { mode, span: ctx.spanOf(e.keyNode) });
  }
}

export function readString(ctx: FileCtx, node: Node | null, key: string, item: string, nullIsEmpty: boolean): string | undefined {
  if (node && isScalar(node) && node.value === null && nullIsEmpty) return '';
  const s = node ? ctx.scalarText(node) : undefined;
  if (s === undefined) {
    ctx.report('LOAD_BAD_TYPE', `${key} must be a string`, ctx.spanOf(node), item);
    return undefined;
  }
  return s;
}

function readCondition(ctx: FileCtx, node: Node | null, item: string): SourceText | undefined {
  const s = node ? ctx.scalarText(node) : undefined;
  if (s === undefined || !node) {
    ctx.report('LOAD_BAD_TYPE', 'condition must be a string', ctx.spanOf(node), item);
    return undefined;
  }
  return sourceFromPiece(ctx.piece(node, s));
}

function readBool(ctx: FileCtx, node: Node | null, key: string, item: string): boolean | undefined {
  if (node && isScalar(node) && typeof node.value === 'boolean') return node.value;
  ctx.report('LOAD_BAD_TYPE', `${key} must be true or false`, ctx.spanOf(node), item);
  return undefined;
}

function readPriority(ctx: FileCtx, node: Node | null, item: string): Priority | undefined {
  const s = node ? ctx.scalarText(node) : undefined;
  if (s === undefined) {
    ctx.report('LOAD_BAD_TYPE', 'priority must be a string', ctx.spanOf(node), item);
    return undefined;
  }
  const up = s.trim().toUpperCase();
  const p = up === 'INFO' ? 'INFORMATIONAL' : up;
  if ((PRIORITIES as string[]).includes(p)) return p as Priority;
  ctx.report('LOAD_BAD_PRIORITY', `unknown priority "${s}": expected one of ${PRIORITIES.map((x) => x.toLowerCase()).join(', ')}`, ctx.spanOf(node), item);
  return undefined;
}

/** A sequence of scalars (numbers and booleans kept in their written spelling). */
export function readStringList(ctx: FileCtx, node: Node | null, key: string, item: string): Array<Located<string>> | undefined {
  if (node && isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) {
    ctx.report('LOAD_BAD_TYPE', `${key} must be a list`, ctx.spanOf(node), item);
    return undefined;
  }
  const out: Array<Located<string>> = [];
  for (const raw of node.items) {
    const n = ctx.deref(raw);
    const s = n ? ctx.scalarText(n) : undefined;
    if (s === undefined) {
      ctx.report('LOAD_BAD_TYPE', `each entry of ${key} must be a string`, ctx.spanOf(n ?? node), item);
      continue;
    }
    out.push({ value: s, span: ctx.spanOf(n) });
  }
  return out;
}

function readEngine(ctx: FileCtx, node: Node | null, map: YAMLMap): RawEngine | undefined {
  const s = node ? ctx.scalarText(node) : undefined;
  if (s === undefined) {
    ctx.report('LOAD_ENGINE_VERSION', 'required_engine_version must be a version such as 0.57.0', ctx.spanOf(node ?? map));
    return undefined;
  }
  return { kind: 'engine', version: s, span: ctx.spanOf(node), ctx };
}

function readPlugins(ctx: FileCtx, node: Node | null, map: YAMLMap): RawPlugins | undefined {
  const bad = (n: Node | null, what: string) => ctx.report('LOAD_BAD_PLUGIN_VERSION', what, ctx.spanOf(n ?? map));
  if (!isSeq(node)) { bad(node, 'required_plugin_versions must be a list of {name, version}'); return undefined; }
  const nameVersion = (n: Node | null): { name: string; version: string } | undefined => {
    if (!isMap(n)) { bad(n, 'each required plugin must be a mapping with name and version'); return undefined; }
    const name = n.get('name', true) as Node | undefined;
    const version = n.get('version', true) as Node | undefined;
    const ns = name ? ctx.scalarText(name) : undefined;
    const vs = version ? ctx.scalarText(version) : undefined;
    if (!ns || !vs) { bad(n, 'a required plugin needs both name and version'); return undefined; }
    return { name: ns, version: vs };
  };
  const plugins: RawPlugins['plugins'] = [];
  for (const raw of node.items) {
    const n = ctx.deref(raw);
    const nv = nameVersion(n);
    if (!nv || !isMap(n)) continue;
    const alts = ctx.deref(n.get('alternatives', true));
    if (alts) {
      if (!isSeq(alts)) { bad(alts, 'alternatives must be a list of {name, version}'); continue; }
      const list = alts.items.map((a) => nameVersion(ctx.deref(a))).filter((x) => x !== undefined);
      plugins.push({ ...nv, alternatives: list });
    } else plugins.push(nv);
  }
  return { kind: 'plugins', plugins, span: ctx.spanOf(node), ctx };
}
