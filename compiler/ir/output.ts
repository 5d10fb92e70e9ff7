// The fields an output string prints: `%proc.name`, `%proc.aname[2]`, `%evt.arg.flags`.
import type { Diagnostic, Span } from '../diag.js';
import type { FieldNode } from '../parse/ast.js';
import type { Lowerer } from './lower.js';
import type { FieldRef } from './types.js';

const TOKEN = /%([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)(?:\[([^\]]*)\])?/g;

export function outputFields(output: string, span: Span | undefined, lowerer: Lowerer, diags: Diagnostic[]): FieldRef[] {
  const out: FieldRef[] = [];
  const at: Span = span ?? { file: '<output>', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
  for (const m of output.matchAll(TOKEN)) {
    const node: FieldNode = { k: 'field', name: m[1], ...(m[2] !== undefined ? { arg: { text: m[2], quoted: false, span: at } } : {}), span: at };
    const before = diags.length;
    const ref = lowerer.field(node);
    // An unknown output field is an error of its own kind, not a condition error.
    for (const d of diags.slice(before)) if (d.code === 'COND_UNKNOWN_FIELD') { d.code = 'COND_OUTPUT_FIELD'; d.message = `output ${d.message}`; }
    if (ref) out.push(ref);
  }
  return out;
}
