// Offsets in condition text -> Spans in files. A condition may be joined from pieces of several
// files (an appended condition); each offset is mapped through the piece that holds it.
import type { Span } from '../diag.js';
import type { SourceText, TextPiece } from '../load/types.js';

function pieceAt(src: SourceText, offset: number): { start: number; piece: TextPiece } {
  let found = src.pieces[0];
  for (const p of src.pieces) if (p.start <= offset) found = p; else break;
  return found;
}

/** Span of [from, to) in the joined text; a span crossing into another piece is cut at its piece's end. */
export function spanOf(src: SourceText, from: number, to: number): Span {
  const { start, piece } = pieceAt(src, from);
  const a = Math.max(0, Math.min(from - start, piece.text.length));
  const b = Math.max(a, Math.min(to - start, piece.text.length));
  return { file: piece.file, start: piece.posAt(a), end: piece.posAt(b) };
}

/** A SourceText for a string that is not in any file (tests, generated conditions, the CLI's -c flag). */
export function plainSource(text: string, file = '<condition>'): SourceText {
  const piece: TextPiece = {
    text,
    file,
    posAt(offset: number) {
      const o = Math.max(0, Math.min(offset, text.length));
      let line = 1;
      let lineStart = 0;
      for (let i = 0; i < o; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
      return { line, col: o - lineStart + 1, offset: o };
    },
  };
  return { text, pieces: [{ start: 0, piece }] };
}

/** Prefixes the expansion chain: `inner` text was pulled in at `use` (whose own chain follows). */
export function viaSpan(inner: Span, use: Span): Span {
  return { ...inner, via: [...(inner.via ?? []), use, ...(use.via ?? [])] };
}
