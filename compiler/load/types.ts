// What the loader hands the condition stages: every rule file item after override/append have been
// applied and lists resolved, with source positions. Condition text may be assembled from pieces of
// several files (an appended condition), so positions go through SourceText.
import type { Pos, Span, Diagnostic } from '../diag.js';
import type { Priority } from '../ir/types.js';

/** A run of text taken from one place in one file. `posAt` maps an offset in `text` to the file. */
export interface TextPiece { text: string; file: string; posAt(offset: number): Pos }

/** Text made of pieces joined by single spaces (Falco's append joins with a space). */
export interface SourceText {
  text: string;
  /** Offset in `text` where each piece starts, in order. */
  pieces: Array<{ start: number; piece: TextPiece }>;
}

export interface Located<T> { value: T; span: Span }

export interface ResolvedList {
  name: string;
  /** Items with nested list references already expanded (in order, duplicates kept as Falco does). */
  items: Array<Located<string>>;
  span: Span;
}

export interface ResolvedMacro { name: string; condition: SourceText; span: Span }

/** One exception of a rule, in either form (`fields` a list with tuple values, or a single field). */
export interface ExceptionDef {
  name: string;
  /** A list of fields (tuple form) or one field name (single-field form). */
  fields: Array<Located<string>> | Located<string>;
  /** Operators, one per field in the tuple form; defaults to '=' (or 'in' for the single-field form). */
  comps: Array<Located<string>> | Located<string> | undefined;
  /** Each value row: one entry per field; an entry is a value or a list of values (for in/intersects/pmatch). List names are kept as written. */
  values: Array<Located<Array<Located<string> | Located<Array<Located<string>>>>>>;
  span: Span;
}

export interface ResolvedRule {
  name: string;
  desc: string;
  condition: SourceText;
  output: string;
  outputSpan?: Span;
  priority: Priority;
  tags: string[];
  enabled: boolean;
  source: string;
  exceptions: ExceptionDef[];
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  span: Span;
}

export interface FileStats { file: string; rules: number; macros: number; lists: number }

export interface LoadResult {
  lists: Map<string, ResolvedList>;
  macros: Map<string, ResolvedMacro>;
  /** Rules in definition order (a rule redefined later keeps its first position, as in Falco). */
  rules: ResolvedRule[];
  requiredEngineVersion?: string;
  requiredPlugins: Array<{ name: string; version: string; alternatives?: Array<{ name: string; version: string }> }>;
  stats: FileStats[];
  diagnostics: Diagnostic[];
}
