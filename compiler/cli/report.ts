// Shared output pieces of the rulec commands: diagnostic lines, summaries, and their JSON form.
import { formatDiagnostic, type Diagnostic, type Span } from '../diag.js';
import type { FrontEndStats } from '../frontend.js';

export function diagnosticLine(d: Diagnostic): string {
  return d.span ? formatDiagnostic(d) : `rulec: ${d.severity} ${d.code}: ${d.message}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summaryLines(stats: FrontEndStats): string[] {
  const lines = stats.files.map((f) => `${f.file}: ${plural(f.rules, 'rule')}, ${plural(f.macros, 'macro')}, ${plural(f.lists, 'list')}`);
  lines.push(`${plural(stats.errors, 'error')}, ${plural(stats.warnings, 'warning')}`);
  return lines;
}

export interface JsonSpan { file: string; line: number; col: number; endLine: number; endCol: number }

function jsonSpan(s: Span): JsonSpan {
  return { file: s.file, line: s.start.line, col: s.start.col, endLine: s.end.line, endCol: s.end.col };
}

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.span ? jsonSpan(d.span) : {}),
    ...(d.item !== undefined ? { item: d.item } : {}),
    ...(d.span?.via?.length ? { via: d.span.via.map(jsonSpan) } : {}),
  };
}
