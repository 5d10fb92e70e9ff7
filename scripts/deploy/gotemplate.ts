// A Go text/template interpreter for the subset of the language and of Helm's function library
// that deploy/helm/vigil uses. Real Helm is not installable on our machines (no Debian or npm
// package, no Go toolchain recent enough), so the chart tests and the manifest generator render
// with this. It follows Go's semantics where the chart relies on them (trim markers, truthiness,
// `%v` number formatting, missing keys printing as empty the way Helm does) and fails loudly on
// anything outside the subset instead of guessing.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipe; line: number }
  | { k: 'if'; branches: Array<{ cond: Pipe; body: Node[] }>; otherwise: Node[] }
  | { k: 'with'; pipe: Pipe; body: Node[]; otherwise: Node[] }
  | { k: 'range'; keyVar?: string; valVar?: string; pipe: Pipe; body: Node[]; otherwise: Node[] };

type Arg =
  | { k: 'field'; base: 'dot' | 'root' | string; path: string[] }
  | { k: 'str'; v: string } | { k: 'num'; v: number } | { k: 'bool'; v: boolean } | { k: 'nil' }
  | { k: 'ident'; name: string } | { k: 'sub'; pipe: Pipe };
type Cmd = Arg[];
type Pipe = { cmds: Cmd[]; decl?: string[] };

export class TemplateError extends Error {}

/** A set of named templates (from `define`) plus the top-level templates by file name. */
export class TemplateSet {
  private defs = new Map<string, Node[]>();
  private files = new Map<string, Node[]>();

  add(file: string, src: string): void {
    const toks = lex(file, src);
    const p = new Parser(file, toks, this.defs);
    this.files.set(file, p.parseList(new Set()));
  }

  render(file: string, dot: unknown): string {
    const body = this.files.get(file);
    if (!body) throw new TemplateError(`no template ${file}`);
    return new Exec(this.defs, file).run(body, dot);
  }
}

// ---- Lexing: text and {{ actions }} with Go's trim markers ----------------------------------

type Tok = { k: 'text'; text: string } | { k: 'act'; src: string; line: number };

function lex(file: string, src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { out.push({ k: 'text', text: src.slice(i) }); break; }
    let text = src.slice(i, open);
    const trimLeft = src.startsWith('{{- ', open) || src.startsWith('{{-\n', open);
    if (trimLeft) text = text.replace(/\s+$/, '');
    out.push({ k: 'text', text });
    const close = findClose(src, open + 2);
    if (close < 0) throw new TemplateError(`${file}:${lineOf(src, open)}: unclosed action`);
    const trimRight = src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '');
    const inner = src.slice(open + (trimLeft ? 3 : 2), trimRight ? close - 1 : close).trim();
    out.push({ k: 'act', src: inner, line: lineOf(src, open) });
    i = close + 2;
    if (trimRight) { while (i < src.length && /\s/.test(src[i]!)) i++; }
  }
  return out;
}

function findClose(src: string, from: number): number {
  let inStr = false;
  for (let j = from; j < src.length - 1; j++) {
    const c = src[j];
    if (inStr) { if (c === '\\') j++; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '}' && src[j + 1] === '}') return j;
  }
  return -1;
}

const lineOf = (s: string, off: number) => s.slice(0, off).split('\n').length;

// ---- Parsing ---------------------------------------------------------------------------------

class Parser {
  private pos = 0;
  constructor(private file: string, private toks: Tok[], private defs: Map<string, Node[]>) {}

  /** Parses nodes until one of the `stops` keywords; leaves that keyword's token unconsumed. */
  parseList(stops: Set<string>): Node[] {
    const out: Node[] = [];
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos]!;
      if (t.k === 'text') { if (t.text) out.push({ k: 'text', text: t.text }); this.pos++; continue; }
      if (t.src.startsWith('/*')) { this.pos++; continue; }
      const word = t.src.split(/\s+/)[0]!;
      if (stops.has(word)) return out;
      this.pos++;
      const rest = t.src.slice(word.length).trim();
      if (word === 'if') out.push(this.parseIf(rest, t.line));
      else if (word === 'with') {
        const [body, otherwise] = this.parseBody(t.line);
        out.push({ k: 'with', pipe: this.pipe(rest, t.line), body, otherwise });
      } else if (word === 'range') {
        const m = /^(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*(.*)$/s.exec(rest);
        const [body, otherwise] = this.parseBody(t.line);
        if (m) {
          const node: Node = { k: 'range', pipe: this.pipe(m[3]!, t.line), body, otherwise };
          if (m[2]) { node.keyVar = m[1]; node.valVar = m[2]; } else node.valVar = m[1];
          out.push(node);
        } else out.push({ k: 'range', pipe: this.pipe(rest, t.line), body, otherwise });
      } else if (word === 'define') {
        const name = JSON.parse(rest) as string;
        const body = this.parseList(new Set(['end']));
        this.expect('end', t.line);
        this.defs.set(name, body);
      } else if (['else', 'end', 'block', 'template', 'break', 'continue'].includes(word)) {
        throw new TemplateError(`${this.file}:${t.line}: unexpected or unsupported {{${word}}}`);
      } else out.push({ k: 'action', pipe: this.pipe(t.src, t.line), line: t.line });
    }
    if (stops.size) throw new TemplateError(`${this.file}: missing {{end}}`);
    return out;
  }

  private parseIf(cond: string, line: number): Node {
    const branches: Array<{ cond: Pipe; body: Node[] }> = [];
    let otherwise: Node[] = [];
    let c = cond;
    for (;;) {
      const body = this.parseList(new Set(['else', 'end']));
      branches.push({ cond: this.pipe(c, line), body });
      const t = this.toks[this.pos++] as { src: string; line: number } | undefined;
      if (!t) throw new TemplateError(`${this.file}:${line}: missing {{end}}`);
      if (t.src === 'end') break;
      const rest = t.src.slice(4).trim();
      if (rest.startsWith('if ')) { c = rest.slice(3); continue; }
      if (rest) throw new TemplateError(`${this.file}:${t.line}: unsupported else form`);
      otherwise = this.parseList(new Set(['end']));
      this.expect('end', line);
      break;
    }
    return { k: 'if', branches, otherwise };
  }

  private parseBody(line: number): [Node[], Node[]] {
    const body = this.parseList(new Set(['else', 'end']));
    const t = this.toks[this.pos++] as { src: string } | undefined;
    if (!t) throw new TemplateError(`${this.file}:${line}: missing {{end}}`);
    if (t.src === 'end') return [body, []];
    const otherwise = this.parseList(new Set(['end']));
    this.expect('end', line);
    return [body, otherwise];
  }

  private expect(word: string, line: number): void {
    const t = this.toks[this.pos++];
    if (!t || t.k !== 'act' || t.src !== word) throw new TemplateError(`${this.file}:${line}: expected {{${word}}}`);
  }

  private pipe(src: string, line: number): Pipe {
    const toks = tokenizeExpr(src, `${this.file}:${line}`);
    let i = 0;
    const where = `${this.file}:${line}`;
    const parsePipe = (close: boolean): Pipe => {
      const cmds: Cmd[] = [];
      let cmd: Cmd = [];
      while (i < toks.length) {
        const t = toks[i++]!;
        if (t === ')') { if (!close) throw new TemplateError(`${where}: unbalanced )`); break; }
        if (t === '|') { cmds.push(cmd); cmd = []; continue; }
        if (t === '(') { cmd.push({ k: 'sub', pipe: parsePipe(true) }); continue; }
        cmd.push(operand(t, where));
      }
      cmds.push(cmd);
      if (cmds.some((c) => c.length === 0)) throw new TemplateError(`${where}: empty command in pipeline`);
      return { cmds };
    };
    return parsePipe(false);
  }
}

function tokenizeExpr(src: string, where: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||:=|[^\s()|]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) !== null) { out.push(m[1]!); if (re.lastIndex >= src.length) break; }
  if (out.join('').replace(/\s/g, '').length !== src.replace(/\s/g, '').length) throw new TemplateError(`${where}: cannot read ${src}`);
  return out;
}

function operand(t: string, where: string): Arg {
  if (t.startsWith('"')) return { k: 'str', v: JSON.parse(t) as string };
  if (t.startsWith('`')) return { k: 'str', v: t.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { k: 'num', v: Number(t) };
  if (t === 'true' || t === 'false') return { k: 'bool', v: t === 'true' };
  if (t === 'nil') return { k: 'nil' };
  if (t === '.') return { k: 'field', base: 'dot', path: [] };
  if (t.startsWith('.')) return { k: 'field', base: 'dot', path: t.slice(1).split('.') };
  if (t.startsWith('$')) {
    const [v, ...path] = t.split('.');
    return { k: 'field', base: v === '$' ? 'root' : v!, path };
  }
  if (/^[A-Za-z_]\w*$/.test(t)) return { k: 'ident', name: t };
  throw new TemplateError(`${where}: unexpected ${t}`);
}

// ---- Execution -------------------------------------------------------------------------------

class Exec {
  private vars: Array<Map<string, unknown>> = [];
  private root: unknown;
  constructor(private defs: Map<string, Node[]>, private file: string) {}

  run(nodes: Node[], dot: unknown): string {
    const saved = this.root;
    this.root = dot;
    this.vars.push(new Map());
    try { return this.list(nodes, dot); } finally { this.vars.pop(); this.root = saved; }
  }

  private list(nodes: Node[], dot: unknown): string {
    let out = '';
    for (const n of nodes) out += this.node(n, dot);
    return out;
  }

  private node(n: Node, dot: unknown): string {
    switch (n.k) {
      case 'text': return n.text;
      case 'action': return printValue(this.pipe(n.pipe, dot));
      case 'if':
        for (const b of n.branches) if (truthy(this.pipe(b.cond, dot))) return this.list(b.body, dot);
        return this.list(n.otherwise, dot);
      case 'with': {
        const v = this.pipe(n.pipe, dot);
        return truthy(v) ? this.list(n.body, v) : this.list(n.otherwise, dot);
      }
      case 'range': {
        const v = this.pipe(n.pipe, dot);
        if (!truthy(v)) return this.list(n.otherwise, dot);
        const entries: Array<[unknown, unknown]> = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : isMap(v) ? Object.keys(v).sort().map((k) => [k, v[k]]) : [];
        if (!Array.isArray(v) && !isMap(v)) throw new TemplateError(`${this.file}: range over ${typeof v}`);
        let out = '';
        for (const [k, x] of entries) {
          const scope = this.vars[this.vars.length - 1]!;
          if (n.keyVar) scope.set(n.keyVar, k);
          if (n.valVar) scope.set(n.valVar, x);
          out += this.list(n.body, x);
        }
        return out;
      }
    }
  }

  private pipe(p: Pipe, dot: unknown): unknown {
    let prev: unknown;
    let first = true;
    for (const cmd of p.cmds) {
      prev = this.cmd(cmd, dot, first ? undefined : { v: prev });
      first = false;
    }
    return prev;
  }

  private cmd(cmd: Cmd, dot: unknown, piped?: { v: unknown }): unknown {
    const head = cmd[0]!;
    if (head.k === 'ident') {
      const args = cmd.slice(1).map((a) => this.arg(a, dot));
      if (piped) args.push(piped.v);
      return this.call(head.name, args, dot);
    }
    if (cmd.length > 1 || piped) throw new TemplateError(`${this.file}: ${JSON.stringify(head)} is not a function`);
    return this.arg(head, dot);
  }

  private arg(a: Arg, dot: unknown): unknown {
    switch (a.k) {
      case 'str': case 'num': case 'bool': return a.v;
      case 'nil': return undefined;
      case 'sub': return this.pipe(a.pipe, dot);
      case 'ident': return this.call(a.name, [], dot);
      case 'field': {
        let v: unknown = a.base === 'dot' ? dot : a.base === 'root' ? this.root : this.lookupVar(a.base);
        for (const key of a.path) v = isMap(v) ? v[key] : undefined;
        return v;
      }
    }
  }

  private lookupVar(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.has(name)) return this.vars[i]!.get(name);
    throw new TemplateError(`${this.file}: undefined variable ${name}`);
  }

  private call(name: string, a: unknown[], dot: unknown): unknown {
    const need = (n: number) => { if (a.length !== n) throw new TemplateError(`${this.file}: ${name} wants ${n} arguments, got ${a.length}`); };
    switch (name) {
      case 'include': {
        need(2);
        const body = this.defs.get(String(a[0]));
        if (!body) throw new TemplateError(`${this.file}: no template "${String(a[0])}"`);
        return this.run(body, a[1]);
      }
      case 'toYaml': need(1); return a[0] === undefined || a[0] === null ? 'null' : stringify(a[0], { sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
      case 'nindent': need(2); return '\n' + indent(Number(a[0]), str(a[1]));
      case 'indent': need(2); return indent(Number(a[0]), str(a[1]));
      case 'quote': return a.map((x) => JSON.stringify(x === undefined ? '' : str(x))).join(' ');
      case 'default': need(2); return truthy(a[1]) ? a[1] : a[0];
      case 'required': need(2); if (!truthy(a[1])) throw new TemplateError(`${this.file}: ${String(a[0])}`); return a[1];
      case 'printf': return sprintf(str(a[0]), a.slice(1));
      case 'trunc': { need(2); const n = Number(a[0]); const s = str(a[1]); return n >= 0 ? s.slice(0, n) : s.slice(n); }
      case 'trimSuffix': { need(2); const suf = str(a[0]); const s = str(a[1]); return suf && s.endsWith(suf) ? s.slice(0, -suf.length) : s; }
      case 'sha256sum': need(1); return createHash('sha256').update(str(a[0])).digest('hex');
      case 'int64': case 'int': need(1); return BigInt(Math.trunc(Number(a[0] ?? 0)));
      case 'contains': need(2); return str(a[1]).includes(str(a[0]));
      case 'toString': need(1); return str(a[0]);
      case 'not': need(1); return !truthy(a[0]);
      case 'and': return a.reduce((acc, x) => (truthy(acc) ? x : acc));
      case 'or': return a.find((x) => truthy(x)) ?? a[a.length - 1];
      case 'eq': need(2); return a[0] === a[1];
      case 'ne': need(2); return a[0] !== a[1];
      default: throw new TemplateError(`${this.file}: function "${name}" is not supported by this renderer`);
    }
    void dot;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Go's `%v` of a value, with Helm's rendering of a missing value as empty text. */
function printValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') throw new TemplateError(`cannot print a ${Array.isArray(v) ? 'list' : 'map'}; use toYaml`);
  return str(v);
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return goFloat(v);
  return String(v);
}

/**
 * strconv.FormatFloat(f, 'g', -1, 64): Helm's values are float64 (they go through JSON), so a
 * plain {{ .Values.n }} prints 1e+09 for 1000000000; the chart pipes such values through int64.
 */
export function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return '0';
  const [mant, expS] = f.toExponential().split('e') as [string, string];
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(expS);
  const dp = exp + 1;
  let eprec = 6;
  if (eprec > digits.length && digits.length >= dp) eprec = digits.length;
  if (exp < -4 || exp >= eprec) {
    const sign = exp < 0 ? '-' : '+';
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${sign}${e}`;
  }
  return String(f);
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return s.split('\n').map((l) => pad + l).join('\n');
}

function sprintf(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%[sdvq%]/g, (m) => {
    if (m === '%%') return '%';
    const v = args[i++];
    if (m === '%q') return JSON.stringify(str(v));
    if (m === '%d') return typeof v === 'number' ? String(Math.trunc(v)) : str(v);
    return str(v);
  });
}
