// Maps every character of a YAML scalar's value back to its offset in the file. The yaml package
// gives the value and the scalar's raw source range but not a per-character map, and folding
// (`>`, plain multi-line) or escapes ("\t") make value offsets drift from source offsets. We walk
// the value and the raw source side by side: non-blank characters are matched exactly, blanks
// produced by folding land on the line break or indent they came from, escapes on their backslash.
import type { Pos } from '../diag.js';
import type { TextPiece } from './types.js';

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** Decodes the escape at src[i] (a backslash) of a double-quoted scalar: the text it stands for and its length. */
function decodeEscape(src: string, i: number): { text: string; len: number } {
  const c = src[i + 1];
  if (c === undefined) return { text: '\\', len: 1 };
  if (c in SIMPLE_ESCAPES) return { text: SIMPLE_ESCAPES[c], len: 2 };
  const hexLen = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const code = parseInt(src.slice(i + 2, i + 2 + hexLen), 16);
    if (Number.isFinite(code) && code >= 0 && code <= 0x10ffff) return { text: String.fromCodePoint(code), len: 2 + hexLen };
  }
  return { text: c, len: 2 };
}

/**
 * For each offset of `value` (and one past its end), the source offset in `src` it came from.
 * `start`/`end` bound the scalar's raw text in `src` (from the yaml node's range).
 */
export function mapScalar(value: string, src: string, start: number, end: number, style: ScalarStyle): Int32Array {
  const map = new Int32Array(value.length + 1);
  let p = start;
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    // Skip the header line (`|`, `>-`, `|2+`, possibly a comment).
    const nl = src.indexOf('\n', p);
    p = nl < 0 || nl >= end ? end : nl + 1;
  } else if (style === 'QUOTE_SINGLE' || style === 'QUOTE_DOUBLE') {
    p += 1;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (isBlank(c)) {
      // A blank in the value: a real blank in the source, or one made by folding a line break.
      map[i] = Math.min(p, end);
      if (style === 'QUOTE_DOUBLE' && src[p] === '\\' && src[p + 1] !== '\n' && src[p + 1] !== '\r') {
        const esc = decodeEscape(src, p);
        if (esc.text === c) { p += esc.len; continue; }
      }
      if (p < end && isBlank(src[p])) p++;
      continue;
    }
    // Skip source blanks and (double-quoted) escaped line breaks until the character shows up.
    for (;;) {
      if (p >= end) break;
      const s = src[p];
      if (isBlank(s)) { p++; continue; }
      if (style === 'QUOTE_DOUBLE' && s === '\\' && (src[p + 1] === '\n' || src[p + 1] === '\r')) { p += 2; continue; }
      break;
    }
    if (p >= end) { map[i] = end; continue; }
    map[i] = p;
    if (style === 'QUOTE_DOUBLE' && src[p] === '\\') {
      const esc = decodeEscape(src, p);
      // A \u escape can stand for a surrogate pair: both halves map to the backslash.
      if (esc.text.length === 2 && i + 1 < value.length && value.slice(i, i + 2) === esc.text) map[++i] = p;
      p += esc.len;
    } else if (style === 'QUOTE_SINGLE' && src[p] === "'" && src[p + 1] === "'") {
      p += 2;
    } else {
      p++;
    }
  }
  map[value.length] = value.length > 0 ? Math.min(map[value.length - 1] + 1, end) : Math.min(p, end);
  return map;
}

/** Line starts of a file, for offset -> line:col (1-based), by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  pos(offset: number): Pos {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: o - this.starts[lo] + 1, offset: o };
  }
}

/** A TextPiece for a scalar's value, mapping each value offset to its file position. */
export function scalarPiece(file: string, lines: LineIndex, value: string, start: number, end: number, style: ScalarStyle): TextPiece {
  const map = mapScalar(value, lines.text, start, end, style);
  return {
    text: value,
    file,
    posAt(offset: number): Pos {
      const o = Math.max(0, Math.min(Math.floor(offset), value.length));
      return lines.pos(map[o]);
    },
  };
}
