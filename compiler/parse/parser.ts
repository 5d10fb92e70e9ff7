// Recursive-descent parser for Falco's condition language. Precedence, loosest first:
// `or`, `and`, `not`, then checks and parenthesised expressions - the same as libsinsp.
// Errors never escape as exceptions: parseCondition returns a diagnostic with file:line:col.
import type { Diagnostic, Span } from '../diag.js';
import type { Quantifier, TransformerName } from '../ir/types.js';
import type { SourceText } from '../load/types.js';
import { LIST_OPS, NUM_OPS, QUANTIFIERS, STR_OPS, TRANSFORMERS, UNARY_OPS, type CondNode, type RhsNode, type ValueLit, type ValueNode } from './ast.js';
import { LexError, Lexer, type Tok } from './lexer.js';
import { spanOf } from './span.js';

/** libsinsp caps recursion at 100 levels; deeper input is rejected rather than risking the stack. */
export const MAX_DEPTH = 100;

class ParseError extends Error {
  constructor(message: string, readonly from: number, readonly to: number) { super(message); }
}

export interface ParseResult { ast?: CondNode; diagnostics: Diagnostic[] }

export function parseCondition(src: SourceText, item?: string): ParseResult {
  const p = new Parser(src);
  try {
    const ast = p.parseAll();
    return { ast, diagnostics: [] };
  } catch (e) {
    if (e instanceof ParseError || e instanceof LexError) {
      const span = spanOf(src, e.from, Math.max(e.to, e.from));
      return { diagnostics: [{ code: 'COND_SYNTAX', severity: 'error', message: e.message, span, ...(item ? { item } : {}) }] };
    }
    throw e;
  }
}

function describe(text: string, at: number): string {
  if (at >= text.length) return 'end of condition';
  const m = /^\S{1,20}/.exec(text.slice(at));
  return `'${m ? m[0] : text[at]}'`;
}

class Parser {
  private readonly lx: Lexer;
  private depth = 0;
  constructor(private readonly src: SourceText) { this.lx = new Lexer(src.text); }

  private span(from: number, to: number): Span { return spanOf(this.src, from, to); }
  private fail(message: string, from = this.lx.pos, to?: number): never {
    this.lx.skipBlank();
    throw new ParseError(message, from, to ?? from + 1);
  }
  private expected(what: string): never {
    this.lx.skipBlank();
    const at = this.lx.pos;
    this.fail(`expected ${what}, found ${describe(this.lx.text, at)}`, at);
  }

  parseAll(): CondNode {
    if (this.lx.atEnd()) this.fail('empty condition', 0);
    const e = this.parseOr();
    if (!this.lx.atEnd()) this.expected("'and', 'or' or the end of the condition");
    return e;
  }

  private enter(at: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(`condition nested more than ${MAX_DEPTH} levels deep`, at);
  }

  private parseOr(): CondNode {
    const first = this.parseAnd();
    const args = [first];
    while (this.lx.peekKeyword('or')) { this.lx.word(); args.push(this.parseAnd()); }
    return args.length === 1 ? first : { k: 'or', args, span: this.join(args) };
  }

  private parseAnd(): CondNode {
    const first = this.parseNot();
    const args = [first];
    while (this.lx.peekKeyword('and')) { this.lx.word(); args.push(this.parseNot()); }
    return args.length === 1 ? first : { k: 'and', args, span: this.join(args) };
  }

  private join(args: CondNode[]): Span {
    const a = args[0].span;
    const b = args[args.length - 1].span;
    return a.file === b.file ? { file: a.file, start: a.start, end: b.end } : a;
  }

  private parseNot(): CondNode {
    const kw = this.lx.peekKeyword('not');
    if (kw) {
      this.lx.word();
      this.enter(kw.from);
      const arg = this.parseNot();
      this.depth--;
      return { k: 'not', arg, span: this.span(kw.from, this.lx.pos) };
    }
    return this.parseCheck();
  }

  private parseCheck(): CondNode {
    const open = this.lx.eat('(');
    if (open) {
      this.enter(open.from);
      const e = this.parseOr();
      if (!this.lx.eat(')')) this.expected("')' to close the '(' at " + this.where(open.from));
      this.depth--;
      return e;
    }
    const w = this.lx.peekWord();
    if (!w) this.expected('a field, a macro name, \'not\' or \'(\'');
    let quant: Quantifier | undefined;
    if (QUANTIFIERS.has(w.text as Quantifier)) {
      // `anyof fd.types = ipv4`: only a quantifier when a field or transformer follows.
      const save = this.lx.pos;
      this.lx.word();
      const next = this.lx.peekWord();
      if (next && (next.text.includes('.') || this.isTransformer(next))) quant = w.text as Quantifier;
      else this.lx.pos = save;
    }
    const head = this.lx.peekWord()!;
    if (!quant && !head.text.includes('.') && !this.isTransformer(head)) {
      this.lx.word();
      return { k: 'ref', name: head.text, span: this.span(head.from, head.to) };
    }
    const lhs = this.parseValue();
    return this.parseCondition(lhs, quant ? w.from : head.from, quant);
  }

  private where(offset: number): string {
    const s = this.span(offset, offset + 1);
    return `${s.start.line}:${s.start.col}`;
  }

  private isTransformer(w: Tok): boolean {
    return TRANSFORMERS.has(w.text as TransformerName) && this.lx.text[w.to] === '(';
  }

  /** A field (with optional `[arg]`) or a transformer call. */
  private parseValue(): ValueNode {
    const w = this.lx.peekWord();
    if (!w) this.expected('a field or a transformer');
    if (this.isTransformer(w)) return this.parseTransformer();
    if (!w.text.includes('.')) this.fail(`'${w.text}' is not a field name (fields look like proc.name)`, w.from, w.to);
    this.lx.word();
    if (this.lx.text[this.lx.pos] === '[') {
      this.lx.pos++;
      const q = this.lx.quoted();
      const t = q ? q.tok : this.lx.bareArg();
      if (!t) this.expected('a field argument');
      const arg: ValueLit = { text: q ? q.value : t.text, quoted: !!q, span: this.span(t.from, t.to) };
      if (!this.lx.eat(']')) this.expected("']' after the field argument");
      return { k: 'field', name: w.text, arg, span: this.span(w.from, this.lx.pos) };
    }
    return { k: 'field', name: w.text, span: this.span(w.from, w.to) };
  }

  private parseTransformer(): ValueNode {
    const w = this.lx.word()!;
    const name = w.text as TransformerName;
    this.lx.pos++; // the '(' checked by isTransformer
    this.enter(w.from);
    const args: ValueNode[] = [];
    let param: ValueLit | undefined;
    if (name === 'join' || name === 'getopt') {
      param = this.parseLit('a literal parameter');
      if (!this.lx.eat(',')) this.expected(`',' after the ${name} parameter`);
      args.push(this.parseValue());
    } else if (name === 'concat') {
      do {
        if (this.lx.peekChar() === '"' || this.lx.peekChar() === "'") {
          const v = this.parseLit('a string');
          args.push({ k: 'lit', value: v, span: v.span });
        } else args.push(this.parseValue());
      } while (this.lx.eat(','));
    } else {
      args.push(this.parseValue());
    }
    if (!this.lx.eat(')')) this.expected(`')' to close ${name}(`);
    this.depth--;
    return { k: 'transform', name, args, ...(param ? { param } : {}), span: this.span(w.from, this.lx.pos) };
  }

  private parseLit(what: string): ValueLit {
    const q = this.lx.quoted();
    if (q) return { text: q.value, quoted: true, span: this.span(q.tok.from, q.tok.to) };
    const b = this.lx.bare();
    if (!b) this.expected(what);
    return { text: b.text, quoted: false, span: this.span(b.from, b.to) };
  }

  private parseCondition(lhs: ValueNode, from: number, quant?: Quantifier): CondNode {
    const opTok = this.lx.operator();
    if (!opTok) this.expected('an operator');
    const op = opTok.text;
    const opSpan = this.span(opTok.from, opTok.to);
    const q = quant ? { quant } : {};
    if (UNARY_OPS.has(op)) return { k: 'check', lhs, op, opSpan, ...q, span: this.span(from, opTok.to) };
    let rhs: RhsNode;
    if (LIST_OPS.has(op)) rhs = this.parseListRhs();
    else if (NUM_OPS.has(op) || STR_OPS.has(op)) rhs = this.parseScalarRhs();
    else this.fail(`unknown operator '${op}'`, opTok.from, opTok.to);
    return { k: 'check', lhs, op, opSpan, rhs, ...q, span: this.span(from, this.lx.pos) };
  }

  private parseScalarRhs(): RhsNode {
    const w = this.lx.peekWord();
    if (w && this.isTransformer(w)) { const v = this.parseValue(); return { k: 'expr', value: v, span: v.span }; }
    const v = this.parseLit('a value');
    return { k: 'value', value: v, span: v.span };
  }

  private parseListRhs(): RhsNode {
    const w = this.lx.peekWord();
    if (w && this.isTransformer(w)) { const v = this.parseValue(); return { k: 'expr', value: v, span: v.span }; }
    const open = this.lx.eat('(');
    if (!open) {
      if (!w || w.text.includes('.')) this.expected("'(' starting a list, or a list name");
      this.lx.word();
      return { k: 'listref', name: w.text, span: this.span(w.from, w.to) };
    }
    const items: ValueLit[] = [];
    if (!this.lx.eat(')')) {
      do items.push(this.parseLit('a list item')); while (this.lx.eat(','));
      if (!this.lx.eat(')')) this.expected("',' or ')' in the list opened at " + this.where(open.from));
    }
    return { k: 'list', items, span: this.span(open.from, this.lx.pos) };
  }
}
