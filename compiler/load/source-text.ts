// Building and reading SourceText: condition text that may be made of pieces from several files,
// joined by a space as Falco's append does.
import type { Pos, Span } from '../diag.js';
import type { SourceText, TextPiece } from './types.js';

export function sourceFromPiece(piece: TextPiece): SourceText {
  return { text: piece.text, pieces: [{ start: 0, piece }] };
}

/** `a` followed by a space and `b` (Falco joins appended conditions with one space). */
export function appendSource(a: SourceText, b: SourceText): SourceText {
  const shift = a.text.length + 1;
  return { text: `${a.text} ${b.text}`, pieces: [...a.pieces, ...b.pieces.map((p) => ({ start: p.start + shift, piece: p.piece }))] };
}

function pieceAt(src: SourceText, offset: number): { start: number; piece: TextPiece } {
  let found = src.pieces[0];
  for (const p of src.pieces) if (p.start <= offset) found = p; else break;
  return found;
}

/** File and position of `offset` in the joined text (the joining space maps to the end of the piece before it). */
export function sourcePosAt(src: SourceText, offset: number): { file: string; pos: Pos } {
  const { start, piece } = pieceAt(src, offset);
  return { file: piece.file, pos: piece.posAt(Math.min(offset - start, piece.text.length)) };
}

/** Span of [from, to) in the joined text; if it crosses files it is cut at the end of the first piece. */
export function sourceSpan(src: SourceText, from: number, to: number): Span {
  const a = sourcePosAt(src, from);
  const { start, piece } = pieceAt(src, from);
  const end = Math.min(to, start + piece.text.length);
  return { file: a.file, start: a.pos, end: piece.posAt(Math.max(0, end - start)) };
}
