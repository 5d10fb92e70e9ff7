// Diagnostics are data: a stable code, a severity, a message and a source span. The span of a
// diagnostic found inside an expanded macro keeps the chain of places it was expanded from, so a
// user sees both where the bad text is and which rule pulled it in.

export interface Pos { line: number; col: number; offset: number }

export interface Span {
  file: string;
  start: Pos;
  end: Pos;
  /** Where this text was pulled in from, innermost first (a macro reference in a rule, say). */
  via?: Span[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span?: Span;
  /** Name of the rule, macro or list the diagnostic concerns, when there is one. */
  item?: string;
}

export function formatSpan(s: Span | undefined): string {
  return s ? `${s.file}:${s.start.line}:${s.start.col}` : '<unknown>';
}

/** `file:line:col: severity CODE: message`, plus one line per expansion step. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${formatSpan(d.span)}: ${d.severity} ${d.code}: ${d.message}`;
  const via = (d.span?.via ?? []).map((v) => `  expanded at ${formatSpan(v)}`);
  return [head, ...via].join('\n');
}

export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}
