// Reading one rules file as YAML with positions. Everything downstream sees yaml nodes plus a
// FileCtx that turns node ranges into Spans and raises diagnostics with this file's name.
import { parseAllDocuments, isAlias, isScalar, type Node, type Document } from 'yaml';
import type { Diagnostic, Severity, Span } from '../diag.js';
import { LOAD_CODES, type LoadCode } from './codes.js';
import { LineIndex, scalarPiece, type ScalarStyle } from './text-map.js';
import type { TextPiece } from './types.js';

export class FileCtx {
  readonly lines: LineIndex;
  constructor(readonly file: string, readonly text: string, readonly diagnostics: Diagnostic[], private doc?: Document) {
    this.lines = new LineIndex(text);
  }

  withDoc(doc: Document): FileCtx {
    const c = new FileCtx(this.file, this.text, this.diagnostics, doc);
    return c;
  }

  spanOf(node: Node | null | undefined, fallback?: Span): Span {
    const r = node?.range;
    if (!r) return fallback ?? this.spanAt(0, 0);
    return this.spanAt(r[0], r[1]);
  }

  spanAt(start: number, end: number): Span {
    return { file: this.file, start: this.lines.pos(start), end: this.lines.pos(Math.max(start, end)) };
  }

  report(code: LoadCode, message: string, span: Span | undefined, item?: string, severity?: Severity): void {
    this.diagnostics.push({ code, severity: severity ?? LOAD_CODES[code], message, span, ...(item !== undefined ? { item } : {}) });
  }

  /** Follows an alias (`*name`) to the node it names; anything else is returned as is. */
  deref(node: unknown): Node | null {
    if (node == null) return null;
    if (isAlias(node)) {
      const target = this.doc ? node.resolve(this.doc) : undefined;
      if (target) return target as Node;
      // Anchors do not cross documents; the parser accepts such an alias silently, we do not.
      this.report('LOAD_YAML_SYNTAX', `alias *${node.source} names no anchor defined before it in this document`, this.spanOf(node));
      return node;
    }
    return node as Node;
  }

  /** The text of a scalar as written: strings as parsed, numbers/booleans as their source spelling. */
  scalarText(node: Node): string | undefined {
    if (!isScalar(node)) return undefined;
    if (typeof node.value === 'string') return node.value;
    if (node.value === null) return undefined;
    if (node.range) return this.text.slice(node.range[0], node.range[1]).trim();
    return String(node.value);
  }

  /** A TextPiece for a scalar whose every offset maps to this file. */
  piece(node: Node, text: string): TextPiece {
    const style = (isScalar(node) && typeof node.value === 'string' && node.type) ? node.type as ScalarStyle : 'PLAIN';
    const r = node.range ?? [0, 0, 0];
    return scalarPiece(this.file, this.lines, text, r[0], r[1], style);
  }
}

/** Parses every YAML document of a file; documents with syntax errors are left out (their errors reported). */
export function parseYamlFile(ctx: FileCtx): Document[] {
  let docs;
  try {
    docs = parseAllDocuments(ctx.text, { keepSourceTokens: true, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    // The parser reports problems as data; this guards against it throwing on pathological input.
    ctx.report('LOAD_YAML_SYNTAX', `cannot parse YAML: ${(e as Error).message}`, ctx.spanAt(0, 0));
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const ok: Document[] = [];
  for (const doc of docs) {
    let fatal = false;
    for (const err of doc.errors) {
      const dup = err.code === 'DUPLICATE_KEY';
      if (!dup) fatal = true;
      const open = /^Missing closing (["'])quote/.exec(err.message);
      const at = open ? openingQuote(ctx.text, err.pos[0], open[1]) : -1;
      if (at >= 0) ctx.report('LOAD_YAML_SYNTAX', `string opened here with ${open![1]} is never closed`, ctx.spanAt(at, at + 1));
      else ctx.report(dup ? 'LOAD_DUPLICATE_KEY' : 'LOAD_YAML_SYNTAX', firstLine(err.message), ctx.spanAt(err.pos[0], err.pos[1]));
    }
    for (const w of doc.warnings) ctx.report('LOAD_YAML_SYNTAX', firstLine(w.message), ctx.spanAt(w.pos[0], w.pos[1]), undefined, 'warning');
    if (!fatal) ok.push(doc);
  }
  return ok;
}

/**
 * The parser reports an unclosed quote at the end of the file, far from the mistake; the opening
 * quote is the last such quote before that point that starts a value (after `:`, `-`, `[`, `,`, `{`).
 */
function openingQuote(text: string, before: number, q: string): number {
  for (let i = Math.min(before, text.length) - 1; i >= 0; i--) {
    if (text[i] !== q) continue;
    let j = i - 1;
    while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
    if (j < 0 || ':-[,{\n'.includes(text[j])) return i;
  }
  return -1;
}

function firstLine(msg: string): string {
  // yaml appends "at line L, column C" and a code excerpt; the span already says where.
  return msg.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}
