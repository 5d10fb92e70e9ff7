// The condition lexer. Falco's grammar is context-sensitive at the token level (`runc:[0:PARENT]`
// is one bare value, `a=b` is three tokens, `proc.aname[2]` takes a bracketed argument), so the
// parser asks for the kind of token it expects next rather than pulling from a fixed token stream.

export class LexError extends Error {
  constructor(message: string, readonly from: number, readonly to: number) { super(message); }
}

const BLANK = /[ \t\n\r\b\f\v]/;
/** Characters that end a bare value (Falco: `[^ \b\t\n\r(),="']`). */
const BARE_STOP = /[ \t\n\r\b\f\v(),="']/;
/** Characters that end a bare field argument (Falco: `[^ \b\t\n\r[\]"']`). */
const ARG_STOP = /[ \t\n\r\b\f\v[\]"']/;
const WORD = /[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*/y;
const SYM_OPS = ['==', '=', '!=', '<=', '<', '>=', '>'];

export interface Tok { text: string; from: number; to: number }

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean { this.skipBlank(); return this.pos >= this.text.length; }
  skipBlank(): void { while (this.pos < this.text.length && BLANK.test(this.text[this.pos])) this.pos++; }
  peekChar(): string { this.skipBlank(); return this.text[this.pos] ?? ''; }

  /** Consumes `c` (after blanks) if it is next. */
  eat(c: string): Tok | undefined {
    this.skipBlank();
    if (this.text.startsWith(c, this.pos)) { const t = { text: c, from: this.pos, to: this.pos + c.length }; this.pos += c.length; return t; }
    return undefined;
  }

  /** An identifier or dotted field name, without consuming it. */
  peekWord(): Tok | undefined {
    this.skipBlank();
    WORD.lastIndex = this.pos;
    const m = WORD.exec(this.text);
    return m ? { text: m[0], from: this.pos, to: this.pos + m[0].length } : undefined;
  }
  word(): Tok | undefined { const w = this.peekWord(); if (w) this.pos = w.to; return w; }

  /** A keyword (and/or/not...) stands alone: it must not run into more word characters. */
  peekKeyword(kw: string): Tok | undefined {
    const w = this.peekWord();
    return w && w.text === kw ? w : undefined;
  }

  /** A comparison operator: a symbol (`=`, `!=`, `<=`...) or a word (`contains`, `in`...). */
  operator(): Tok | undefined {
    this.skipBlank();
    for (const op of SYM_OPS) if (this.text.startsWith(op, this.pos)) { const t = { text: op, from: this.pos, to: this.pos + op.length }; this.pos += op.length; return t; }
    return this.word();
  }

  /** A quoted string with escapes applied; undefined if no quote is next. */
  quoted(): { tok: Tok; value: string } | undefined {
    this.skipBlank();
    const q = this.text[this.pos];
    if (q !== '"' && q !== "'") return undefined;
    const from = this.pos;
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      if (i >= this.text.length) throw new LexError(`unterminated string starting with ${q}`, from, this.text.length);
      const c = this.text[i];
      if (c === q) { i++; break; }
      if (c === '\\' && i + 1 < this.text.length) {
        const n = this.text[i + 1];
        out += n in ESCAPES ? ESCAPES[n] : `\\${n}`;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    this.pos = i;
    return { tok: { text: this.text.slice(from, i), from, to: i }, value: out };
  }

  /** A bare value: everything up to a blank, paren, comma, `=` or quote. */
  bare(): Tok | undefined { return this.run(BARE_STOP); }
  /** A bare field argument: everything up to a blank, bracket or quote. */
  bareArg(): Tok | undefined { return this.run(ARG_STOP); }

  private run(stop: RegExp): Tok | undefined {
    this.skipBlank();
    const from = this.pos;
    let i = from;
    while (i < this.text.length && !stop.test(this.text[i])) i++;
    if (i === from) return undefined;
    this.pos = i;
    return { text: this.text.slice(from, i), from, to: i };
  }
}
