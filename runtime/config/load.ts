// Reads the YAML config, applies `-o key=value` overrides, fills defaults and validates against the
// schema. Every problem becomes one ConfigError line naming where it is: file:line:col for the
// file, `-o <text>` for an override. Nothing here throws anything else.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, type Node } from 'yaml';
import { SCHEMA, defaults, type Spec } from './schema.js';
import type { VigilConfig } from './types.js';

export class ConfigError extends Error {}

type Path = Array<string | number>;
type Where = (path: Path, key?: boolean) => string;

export interface LoadOptions {
  /** Config file path; when absent only defaults and overrides apply. */
  file?: string;
  /** Text to parse instead of reading `file` (file still names it in errors). */
  text?: string;
  overrides?: string[];
}

export function loadConfig(o: LoadOptions = {}): VigilConfig {
  let raw: unknown = {};
  let where: Where = () => '<defaults>';
  if (o.file !== undefined || o.text !== undefined) {
    const name = o.file ?? '<config>';
    let text = o.text;
    if (text === undefined) {
      try { text = readFileSync(name, 'utf8'); } catch (e) {
        throw new ConfigError(`${name}: cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    const at = (off: number) => { const p = lc.linePos(off); return `${name}:${p.line}:${p.col}`; };
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new ConfigError(`${at(e.pos[0])}: invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    raw = doc.toJS() ?? {};
    where = (path, key) => {
      let node: unknown = doc.contents;
      let keyNode: unknown;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
          if (!pair) return name;
          keyNode = pair.key; node = pair.value;
        } else if (node && typeof node === 'object' && 'items' in node) {
          node = (node as { items: unknown[] }).items[seg as number]; keyNode = undefined;
        } else return name;
      }
      const target = (key && keyNode) || node;
      return isNode(target) && (target as Node).range ? at((target as Node).range![0]) : name;
    };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where([])}: the config must be a mapping of keys`);

  const overridden = new Map<string, string>();
  for (const ov of o.overrides ?? []) applyOverride(raw as Record<string, unknown>, ov, overridden);
  const w: Where = (path, key) => {
    const k = path.join('.');
    for (const [p, text] of overridden) if (k === p || k.startsWith(p + '.') || p.startsWith(k + '.')) return `-o ${text}`;
    return where(path, key);
  };
  return check(SCHEMA, raw as Record<string, unknown>, [], w) as unknown as VigilConfig;
}

/** `a.b[2].c=value`: the value is read as YAML, so numbers, booleans and `[x, y]` lists work. */
function applyOverride(root: Record<string, unknown>, text: string, overridden: Map<string, string>): void {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`-o ${text}: expected key=value`);
  const keyText = text.slice(0, eq).trim();
  const segs: Path = [];
  for (const part of keyText.split('.')) {
    const m = /^([A-Za-z0-9_-]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new ConfigError(`-o ${text}: bad key '${keyText}' (use dotted names and [N] list indices)`);
    segs.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
  }
  const vdoc = parseDocument(text.slice(eq + 1));
  const value = vdoc.errors.length ? text.slice(eq + 1) : vdoc.toJS();
  let cur: Record<string | number, unknown> = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (cur[s] === undefined || cur[s] === null) {
      // Absent lists/maps start from their default so `-o rules_files[1]=x` extends the default list.
      const def = defaultAt(segs.slice(0, i + 1));
      cur[s] = def ?? (typeof segs[i + 1] === 'number' ? [] : {});
    }
    if (typeof cur[s] !== 'object') throw new ConfigError(`-o ${text}: '${segs.slice(0, i + 1).join('.')}' is not a mapping or list`);
    cur = cur[s] as Record<string | number, unknown>;
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(cur) && typeof last === 'number' && last > cur.length) throw new ConfigError(`-o ${text}: index ${last} is past the end of the list (length ${cur.length})`);
  cur[last] = value;
  overridden.set(segs.map(String).join('.'), text);
}

function defaultAt(path: Path): unknown {
  let v: unknown = defaults();
  for (const s of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[s] : undefined;
  return v === undefined ? undefined : structuredClone(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function check(spec: Record<string, Spec>, obj: Record<string, unknown>, path: Path, w: Where): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    if (!(k in spec)) {
      const near = Object.keys(spec).find((s) => s.startsWith(k.slice(0, 4)));
      throw new ConfigError(`${w([...path, k], true)}: unknown key '${[...path, k].join('.')}'${near ? ` (did you mean '${[...path, near].join('.')}'?)` : ''}`);
    }
  }
  for (const [k, s] of Object.entries(spec)) {
    const p = [...path, k];
    const v = obj[k];
    const name = p.join('.');
    const bad = (want: string) => new ConfigError(`${w(p)}: '${name}' must be ${want}, got ${describe(v)}`);
    if (v === undefined || (v === null && s.t !== 'object')) { out[k] = s.t === 'object' ? check(s.fields, {}, p, w) : structuredClone(s.def); continue; }
    switch (s.t) {
      case 'object':
        if (v === null) { out[k] = check(s.fields, {}, p, w); break; }
        if (typeof v !== 'object' || Array.isArray(v)) throw bad('a mapping');
        out[k] = check(s.fields, v as Record<string, unknown>, p, w);
        break;
      case 'bool': if (typeof v !== 'boolean') throw bad('true or false'); out[k] = v; break;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v)) throw bad('an integer');
        if (s.min !== undefined && v < s.min) throw bad(`>= ${s.min}`);
        if (s.max !== undefined && v > s.max) throw bad(`<= ${s.max}`);
        out[k] = v; break;
      case 'string': {
        const str = typeof v === 'number' ? String(v) : v;
        if (typeof str !== 'string') throw bad('a string');
        if (s.enum && !s.enum.includes(str.toLowerCase())) throw bad(`one of ${s.enum.join(', ')}`);
        out[k] = s.enum ? str.toLowerCase() : str; break;
      }
      case 'strings':
        if (typeof v === 'string') { out[k] = [v]; break; }
        if (!Array.isArray(v)) throw bad('a list of strings');
        v.forEach((x, i) => { if (typeof x !== 'string') throw new ConfigError(`${w([...p, i])}: '${name}[${i}]' must be a string, got ${describe(x)}`); });
        out[k] = [...v]; break;
      case 'map':
        if (typeof v !== 'object' || Array.isArray(v)) throw bad('a mapping of strings');
        for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) {
          if (typeof mv !== 'string' && typeof mv !== 'number') throw new ConfigError(`${w([...p, mk])}: '${name}.${mk}' must be a string, got ${describe(mv)}`);
        }
        out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([a, b]) => [a, String(b)]));
        break;
    }
  }
  return out;
}
