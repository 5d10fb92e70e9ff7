// Hand-built IR for back-end tests, independent of the front end.
import type { Span } from '../../compiler/diag.js';
import type { FieldType, IrExpr, IrRule, IrRuleSet, Literal, ValueExpr, CmpOp } from '../../compiler/ir/types.js';

export const sp: Span = { file: 't.yaml', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };

const STRING_FIELDS = /^(proc\.(name|exe|exepath|cmdline|pname|pexe|pexepath|pcmdline|cwd|args|aname|aexe|aexepath)|fd\.(name|directory|filename|typechar|type|l4proto)|user\.name|container\.(id|name|image|image\.repository)|k8s\.(ns|pod)\.name|evt\.(type|dir))$/;
const BOOL_FIELDS = /^(evt\.is_open_read|evt\.is_open_write|container\.privileged|proc\.is_exe_(writable|upper_layer|from_memfd))$/;

export function field(name: string, index?: number, type?: FieldType, multi = false): ValueExpr {
  const t: FieldType = type ?? (STRING_FIELDS.test(name) ? 'string' : BOOL_FIELDS.test(name) ? 'bool' : 'int');
  return { k: 'field', ref: { field: name, ...(index !== undefined ? { arg: { kind: 'index' as const, value: index } } : {}), type: t, multi, span: sp }, type: t, multi, span: sp };
}
export function L(v: Literal): ValueExpr {
  const t: FieldType = typeof v === 'bigint' ? 'int' : typeof v === 'boolean' ? 'bool' : 'string';
  return { k: 'literal', value: v, type: t, span: sp };
}
export function cmp(lhs: ValueExpr, op: CmpOp, rhs: Literal | Literal[]): IrExpr {
  return { k: 'cmp', op, lhs, rhs: Array.isArray(rhs) ? { k: 'list', items: rhs.map(L), span: sp } : L(rhs), span: sp };
}
export const and = (...args: IrExpr[]): IrExpr => ({ k: 'and', args, span: sp });
export const or = (...args: IrExpr[]): IrExpr => ({ k: 'or', args, span: sp });
export const not = (arg: IrExpr): IrExpr => ({ k: 'not', arg, span: sp });

export function rule(id: number, name: string, condition: IrExpr, eventTypes: string[] | null): IrRule {
  return { id, name, desc: '', priority: 'WARNING', tags: [], source: 'syscall', output: name, outputFields: [], condition, eventTypes, enabled: true, span: sp };
}
export function ruleset(rules: IrRule[]): IrRuleSet {
  return { rules, fieldsUsed: [], eventTypes: { syscall: null } };
}
